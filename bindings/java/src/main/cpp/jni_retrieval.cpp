// Native methods of dev.braid.NativeRetrieval: documents, splitters, vector stores, retrievers, indexing,
// the embeddings cache and the RAG helpers (braid/retrieval.h), and the deterministic test embedder
// (braid/testing.h).
#include "jni_arrays.hpp"
#include "jni_util.hpp"

using namespace braid::jni;

namespace {

void check_retrieval(JNIEnv* env, braid_status status) {
    if (status != BRAID_OK)
        throw_status(env, status);
}

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_deterministicEmbeddings(JNIEnv* env, jclass, jint dimension) {
    if (!non_negative(env, {dimension}, "dimension must not be negative"))
        return 0;
    braid_embeddings* out = nullptr;
    return handle_result(env, braid_deterministic_embeddings(&out, static_cast<size_t>(dimension)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_documentsLoad(JNIEnv* env, jclass, jstring path, jstring options) {
    const Utf8 p(env, path), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_documents_load(&out, p.get(), o.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_documentsSplit(JNIEnv* env, jclass, jstring documents,
                                                                        jstring options) {
    const Utf8 d(env, documents), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_documents_split(&out, d.get(), o.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_documentsSplitTokens(JNIEnv* env, jclass, jstring documents,
                                                                              jlong tokenizer, jstring options) {
    const Utf8 d(env, documents), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_documents_split_tokens(&out, d.get(), handle<braid_tokenizer>(tokenizer), o.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_storeCreate(JNIEnv* env, jclass, jstring spec, jlong embeddings) {
    const Utf8 s(env, spec);
    braid_vector_store* out = nullptr;
    return handle_result(env, braid_vector_store_create(&out, s.get(), handle<braid_embeddings>(embeddings)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_storeLoad(JNIEnv* env, jclass, jstring type, jstring path,
                                                                 jlong embeddings) {
    const Utf8 t(env, type), p(env, path);
    braid_vector_store* out = nullptr;
    return handle_result(env, braid_vector_store_load(&out, t.get(), p.get(), handle<braid_embeddings>(embeddings)), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_NativeRetrieval_storeSave(JNIEnv* env, jclass, jlong store, jstring path) {
    const Utf8 p(env, path);
    check_retrieval(env, braid_vector_store_save(handle<braid_vector_store>(store), p.get()));
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_storeAddDocuments(JNIEnv* env, jclass, jlong store,
                                                                           jstring documents, jlong cancel,
                                                                           jint timeout_ms) {
    if (!non_negative(env, {timeout_ms}, "RunOptions: timeoutMillis must not be negative"))
        return nullptr;
    const Utf8 d(env, documents);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    o.cancel = handle<braid_cancel_token>(cancel);
    o.timeout_ms = static_cast<uint32_t>(timeout_ms);
    char* out = nullptr;
    return string_result(env, braid_vector_store_add_documents(&out, handle<braid_vector_store>(store), d.get(), &o), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_storeDelete(JNIEnv* env, jclass, jlong store, jstring ids) {
    const Utf8 i(env, ids);
    size_t deleted = 0;
    check_retrieval(env, braid_vector_store_delete(&deleted, handle<braid_vector_store>(store), i.get()));
    return static_cast<jlong>(deleted);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_storeGet(JNIEnv* env, jclass, jlong store, jstring ids) {
    const Utf8 i(env, ids);
    char* out = nullptr;
    return string_result(env, braid_vector_store_get(&out, handle<braid_vector_store>(store), i.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_storeSearch(JNIEnv* env, jclass, jlong store, jstring query,
                                                                     jstring options) {
    const Utf8 q(env, query), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_vector_store_search(&out, handle<braid_vector_store>(store), q.get(), o.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_storeSize(JNIEnv*, jclass, jlong store) {
    return static_cast<jlong>(braid_vector_store_size(handle<braid_vector_store>(store)));
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_storeDimension(JNIEnv*, jclass, jlong store) {
    return static_cast<jlong>(braid_vector_store_dimension(handle<braid_vector_store>(store)));
}

JNIEXPORT void JNICALL Java_dev_braid_NativeRetrieval_storeFree(JNIEnv*, jclass, jlong store) {
    braid_vector_store_free(handle<braid_vector_store>(store));
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_storeRetriever(JNIEnv* env, jclass, jlong store, jstring options) {
    const Utf8 o(env, options);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_vector_store_retriever(&out, handle<braid_vector_store>(store), o.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_bm25Retriever(JNIEnv* env, jclass, jstring documents,
                                                                     jstring options) {
    const Utf8 d(env, documents), o(env, options);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_bm25_retriever(&out, d.get(), o.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_ensembleRetriever(JNIEnv* env, jclass, jlongArray retrievers,
                                                                         jstring options) {
    const auto members = handles<braid_runnable>(env, retrievers);
    const Utf8 o(env, options);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_ensemble_retriever(&out, members.data(), members.size(), o.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_multiQueryRetriever(JNIEnv* env, jclass, jlong retriever, jlong model,
                                                                           jstring options) {
    const Utf8 o(env, options);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_multi_query_retriever(&out, handle<braid_runnable>(retriever), handle<braid_runnable>(model), o.get()),
                         &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_embeddingsFilterRetriever(JNIEnv* env, jclass, jlong retriever,
                                                                                 jlong embeddings, jstring options) {
    const Utf8 o(env, options);
    braid_runnable* out = nullptr;
    return handle_result(env,
                         braid_embeddings_filter_retriever(&out, handle<braid_runnable>(retriever),
                                                           handle<braid_embeddings>(embeddings), o.get()),
                         &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_llmExtractorRetriever(JNIEnv* env, jclass, jlong retriever, jlong model,
                                                                             jstring options) {
    const Utf8 o(env, options);
    braid_runnable* out = nullptr;
    return handle_result(env,
                         braid_llm_extractor_retriever(&out, handle<braid_runnable>(retriever), handle<braid_runnable>(model), o.get()),
                         &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_indexDocuments(JNIEnv* env, jclass, jlong store,
                                                                        jstring documents, jstring record_manager,
                                                                        jstring options) {
    const Utf8 d(env, documents), r(env, record_manager), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_index_documents(&out, handle<braid_vector_store>(store), d.get(), r.get(), o.get()),
                         &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_indexDirectory(JNIEnv* env, jclass, jlong store, jstring path,
                                                                        jstring record_manager, jstring options) {
    const Utf8 p(env, path), r(env, record_manager), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_index_directory(&out, handle<braid_vector_store>(store), p.get(), r.get(), o.get()),
                         &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_parentCreate(JNIEnv* env, jclass, jlong store, jstring options) {
    const Utf8 o(env, options);
    braid_parent_document_retriever* out = nullptr;
    return handle_result(env, braid_parent_document_retriever_create(&out, handle<braid_vector_store>(store), o.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_parentAddDocuments(JNIEnv* env, jclass, jlong retriever,
                                                                            jstring documents, jlong cancel,
                                                                            jint timeout_ms) {
    if (!non_negative(env, {timeout_ms}, "RunOptions: timeoutMillis must not be negative"))
        return nullptr;
    const Utf8 d(env, documents);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    o.cancel = handle<braid_cancel_token>(cancel);
    o.timeout_ms = static_cast<uint32_t>(timeout_ms);
    char* out = nullptr;
    return string_result(
        env, braid_parent_document_retriever_add_documents(&out, handle<braid_parent_document_retriever>(retriever), d.get(), &o),
        &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_parentRunnable(JNIEnv* env, jclass, jlong retriever) {
    braid_runnable* out = nullptr;
    return handle_result(env, braid_parent_document_retriever_runnable(&out, handle<braid_parent_document_retriever>(retriever)),
                         &out);
}

JNIEXPORT void JNICALL Java_dev_braid_NativeRetrieval_parentFree(JNIEnv*, jclass, jlong retriever) {
    braid_parent_document_retriever_free(handle<braid_parent_document_retriever>(retriever));
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_cachedEmbeddings(JNIEnv* env, jclass, jlong inner, jstring path,
                                                                        jstring identity) {
    const Utf8 p(env, path), i(env, identity);
    braid_embeddings* out = nullptr;
    return handle_result(env, braid_cached_embeddings_create(&out, handle<braid_embeddings>(inner), p.get(), i.get()), &out);
}

JNIEXPORT jlongArray JNICALL Java_dev_braid_NativeRetrieval_cachedEmbeddingsStats(JNIEnv* env, jclass, jlong embeddings) {
    size_t hits = 0, misses = 0;
    const braid_status status = braid_cached_embeddings_stats(&hits, &misses, handle<braid_embeddings>(embeddings));
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    jlongArray out = env->NewLongArray(2);
    if (!out)
        return nullptr;
    const jlong values[2] = {static_cast<jlong>(hits), static_cast<jlong>(misses)};
    env->SetLongArrayRegion(out, 0, 2, values);
    return out;
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_formatDocuments(JNIEnv* env, jclass, jstring documents,
                                                                         jstring options) {
    const Utf8 d(env, documents), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_format_documents(&out, d.get(), o.get()), &out);
}

// The tool's runnable; its schema goes to schema[0].
JNIEXPORT jlong JNICALL Java_dev_braid_NativeRetrieval_retrieverTool(JNIEnv* env, jclass, jlong retriever, jstring name,
                                                                     jstring description, jstring options,
                                                                     jobjectArray schema) {
    const Utf8 n(env, name), d(env, description), o(env, options);
    braid_runnable* tool = nullptr;
    char* schema_json = nullptr;
    const braid_status status =
        braid_retriever_tool(&tool, &schema_json, handle<braid_runnable>(retriever), n.get(), d.get(), o.get());
    if (status != BRAID_OK) {
        throw_status(env, status);
        return 0;
    }
    jstring text = string_result(env, BRAID_OK, &schema_json);
    if (!text) {
        braid_runnable_free(tool);
        return 0;
    }
    env->SetObjectArrayElement(schema, 0, text);
    return to_long(tool);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_parseCitations(JNIEnv* env, jclass, jstring answer,
                                                                        jstring sources) {
    const Utf8 a(env, answer), s(env, sources);
    char* out = nullptr;
    return string_result(env, braid_parse_citations(&out, a.get(), s.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeRetrieval_sourceList(JNIEnv* env, jclass, jstring sources) {
    const Utf8 s(env, sources);
    char* out = nullptr;
    return string_result(env, braid_source_list(&out, s.get()), &out);
}

} // extern "C"
