// Native methods of dev.braid.Native for local models (braid/local_models.h): the chat model runnable,
// the embedder (vectors into a buffer sized by the library), grammars and the tool-call parser
// (braid/grammar.h).
#include <vector>

#include "jni_util.hpp"

using namespace braid::jni;

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_braid_Native_localChatModelCreate(JNIEnv* env, jclass, jlong model, jint flags,
                                                                   jint backend, jint threads, jint n_ctx,
                                                                   jint n_seq_max, jint n_batch, jint prompt_chunk,
                                                                   jint max_queue, jint overflow,
                                                                   jstring chat_template, jstring defaults_json,
                                                                   jstring name, jstring tool_call_format,
                                                                   jint grammar_cache_size) {
    if (!non_negative(env, {threads, n_ctx, n_seq_max, n_batch, prompt_chunk, max_queue, grammar_cache_size},
                          "LocalChatModelOptions: sizes and counts must not be negative"))
        return 0;
    const Utf8 t(env, chat_template), d(env, defaults_json), n(env, name), f(env, tool_call_format);
    braid_local_chat_model_options o = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
    o.flags = static_cast<uint32_t>(flags);
    o.backend = static_cast<braid_backend>(backend);
    o.threads = static_cast<uint32_t>(threads);
    o.n_ctx = static_cast<uint32_t>(n_ctx);
    o.n_seq_max = static_cast<uint32_t>(n_seq_max);
    o.n_batch = static_cast<uint32_t>(n_batch);
    o.prompt_chunk = static_cast<uint32_t>(prompt_chunk);
    o.max_queue = static_cast<uint32_t>(max_queue);
    o.overflow = static_cast<braid_context_overflow>(overflow);
    o.chat_template = t.get();
    o.defaults_json = d.get();
    o.name = n.get();
    o.tool_call_format = f.get();
    o.grammar_cache_size = static_cast<uint32_t>(grammar_cache_size);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_local_chat_model_create(&out, handle<braid_model>(model), &o), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_localChatModelSaveSession(JNIEnv* env, jclass, jlong chat_model,
                                                                        jstring messages_json, jstring path,
                                                                        jstring options_json) {
    const Utf8 m(env, messages_json), p(env, path), o(env, options_json);
    size_t tokens = 0;
    const braid_status status =
        braid_local_chat_model_save_session(&tokens, handle<braid_runnable>(chat_model), m.get(), p.get(), o.get());
    if (status != BRAID_OK)
        throw_status(env, status);
    return static_cast<jlong>(tokens);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_localChatModelLoadSession(JNIEnv* env, jclass, jlong chat_model,
                                                                        jstring path) {
    const Utf8 p(env, path);
    size_t tokens = 0;
    const braid_status status = braid_local_chat_model_load_session(&tokens, handle<braid_runnable>(chat_model), p.get());
    if (status != BRAID_OK)
        throw_status(env, status);
    return static_cast<jlong>(tokens);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_localEmbeddingsCreate(JNIEnv* env, jclass, jlong model, jint flags,
                                                                    jint backend, jint threads, jint batch_size,
                                                                    jint max_sequences, jint contexts, jint normalize,
                                                                    jint pooling) {
    if (!non_negative(env, {threads, batch_size, max_sequences, contexts},
                          "LocalEmbeddingsOptions: sizes and counts must not be negative"))
        return 0;
    braid_local_embeddings_options o = BRAID_LOCAL_EMBEDDINGS_OPTIONS_INIT;
    o.flags = static_cast<uint32_t>(flags);
    o.backend = static_cast<braid_backend>(backend);
    o.threads = static_cast<uint32_t>(threads);
    o.batch_size = static_cast<uint32_t>(batch_size);
    o.max_sequences = static_cast<uint32_t>(max_sequences);
    o.contexts = static_cast<uint32_t>(contexts);
    o.normalize = static_cast<braid_embeddings_normalize>(normalize);
    o.pooling = static_cast<braid_embeddings_pooling>(pooling);
    braid_embeddings* out = nullptr;
    return handle_result(env, braid_local_embeddings_create(&out, handle<braid_model>(model), &o), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_embeddingsFree(JNIEnv*, jclass, jlong embeddings) {
    braid_embeddings_free(handle<braid_embeddings>(embeddings));
}

JNIEXPORT jint JNICALL Java_dev_braid_Native_embeddingsDimension(JNIEnv*, jclass, jlong embeddings) {
    return static_cast<jint>(braid_embeddings_dimension(handle<braid_embeddings>(embeddings)));
}

// The vectors of texts_json, flat (texts × dimension).
JNIEXPORT jfloatArray JNICALL Java_dev_braid_Native_embeddingsEmbed(JNIEnv* env, jclass, jlong embeddings,
                                                                    jstring texts_json, jlong cancel, jint timeout_ms) {
    if (!non_negative(env, {timeout_ms}, "RunOptions: timeoutMillis must not be negative"))
        return nullptr;
    const Utf8 texts(env, texts_json);
    const auto* e = handle<braid_embeddings>(embeddings);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    o.cancel = handle<braid_cancel_token>(cancel);
    o.timeout_ms = static_cast<uint32_t>(timeout_ms);
    // The size is known without computing anything (texts × dimension): ask, then embed once.
    size_t count = 0;
    braid_status status = braid_embeddings_embed(&count, nullptr, 0, e, texts.get(), &o);
    std::vector<float> values(count);
    if (status == BRAID_OK && count > 0)
        status = braid_embeddings_embed(&count, values.data(), values.size(), e, texts.get(), &o);
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    jfloatArray result = env->NewFloatArray(static_cast<jsize>(count));
    if (result && count > 0)
        env->SetFloatArrayRegion(result, 0, static_cast<jsize>(count), values.data());
    return result;
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_embeddingsRunnable(JNIEnv* env, jclass, jlong embeddings) {
    braid_runnable* out = nullptr;
    return handle_result(env, braid_embeddings_runnable(&out, handle<braid_embeddings>(embeddings)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_grammarCompileGbnf(JNIEnv* env, jclass, jstring gbnf) {
    const Utf8 g(env, gbnf);
    braid_grammar* out = nullptr;
    return handle_result(env, braid_grammar_compile_gbnf(&out, g.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_grammarFromJsonSchema(JNIEnv* env, jclass, jstring schema_json, jint flags,
                                                                    jint max_compile_ms) {
    if (!non_negative(env, {max_compile_ms}, "Grammar.fromJsonSchema: maxCompileMillis must not be negative"))
        return 0;
    const Utf8 s(env, schema_json);
    braid_json_schema_options o = BRAID_JSON_SCHEMA_OPTIONS_INIT;
    o.flags = static_cast<uint32_t>(flags);
    o.max_compile_ms = static_cast<uint32_t>(max_compile_ms);
    braid_grammar* out = nullptr;
    return handle_result(env, braid_grammar_from_json_schema(&out, s.get(), &o), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_grammarFree(JNIEnv*, jclass, jlong grammar) {
    braid_grammar_free(handle<braid_grammar>(grammar));
}

JNIEXPORT jboolean JNICALL Java_dev_braid_Native_grammarAccepts(JNIEnv* env, jclass, jlong grammar, jstring text) {
    const Utf8 t(env, text);
    uint32_t accepted = 0;
    const braid_status status = braid_grammar_accepts(handle<braid_grammar>(grammar), t.get(), &accepted);
    if (status != BRAID_OK) {
        throw_status(env, status);
        return JNI_FALSE;
    }
    return accepted ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_grammarSource(JNIEnv* env, jclass, jlong grammar) {
    char* out = nullptr;
    return string_result(env, braid_grammar_source(&out, handle<braid_grammar>(grammar)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_toolCallsParse(JNIEnv* env, jclass, jstring format, jstring text,
                                                               jstring tools_json) {
    const Utf8 f(env, format), t(env, text), tools(env, tools_json);
    char* out = nullptr;
    return string_result(env, braid_tool_calls_parse(&out, f.get(), t.get(), tools.get()), &out);
}

} // extern "C"
