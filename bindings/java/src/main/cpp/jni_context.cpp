// Native methods of dev.braid.Native for running models: contexts (generation streamed to a
// TextListener on the calling thread, embeddings into a buffer sized by the library) and chat templates.
#include <vector>

#include "jni_arrays.hpp"
#include "jni_util.hpp"

using namespace braid::jni;

namespace {

// What a TextListener callback needs: the listener, and what it threw.
struct TextListener {
    JNIEnv* env;
    jobject listener;
    jthrowable error = nullptr; // global reference to what the listener threw
};

braid_status on_text(const char* piece, size_t size, void* user_data) {
    auto* l = static_cast<TextListener*>(user_data);
    JNIEnv* env = l->env; // braid_context_generate calls back on the calling thread
    const LocalFrame frame(env, 4);
    jstring text = frame.ok() ? to_java(env, piece, size) : nullptr;
    const jboolean go = text ? env->CallBooleanMethod(l->listener, cache().text_on_text, text) : JNI_FALSE;
    if (env->ExceptionCheck()) {
        jthrowable error = env->ExceptionOccurred();
        env->ExceptionClear();
        l->error = static_cast<jthrowable>(env->NewGlobalRef(error));
        return BRAID_ERROR_CALLBACK; // the call fails with this status; the glue rethrows the exception
    }
    return go ? BRAID_OK : BRAID_ERROR_CANCELLED; // false: the call fails with CancelledException
}

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_braid_Native_contextCreate(JNIEnv* env, jclass, jlong model, jint n_ctx, jint n_batch,
                                                            jint threads, jint backend, jint flags) {
    if (!non_negative(env, {n_ctx, n_batch, threads},
                      "ContextOptions: nCtx, nBatch and threads must not be negative"))
        return 0;
    braid_context_options o = BRAID_CONTEXT_OPTIONS_INIT;
    o.flags = static_cast<uint32_t>(flags);
    o.n_ctx = static_cast<uint32_t>(n_ctx);
    o.n_batch = static_cast<uint32_t>(n_batch);
    o.threads = static_cast<uint32_t>(threads);
    o.backend = static_cast<braid_backend>(backend);
    braid_context* out = nullptr;
    return handle_result(env, braid_context_create(&out, handle<braid_model>(model), &o), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_contextFree(JNIEnv*, jclass, jlong context) {
    braid_context_free(handle<braid_context>(context));
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_contextInfo(JNIEnv* env, jclass, jlong context) {
    char* out = nullptr;
    return string_result(env, braid_context_info(&out, handle<braid_context>(context)), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_contextClear(JNIEnv* env, jclass, jlong context) {
    const braid_status status = braid_context_clear(handle<braid_context>(context));
    if (status != BRAID_OK)
        throw_status(env, status);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_contextGenerate(
    JNIEnv* env, jclass, jlong context, jstring prompt, jint max_tokens, jfloat temperature, jint top_k, jfloat top_p,
    jfloat min_p, jfloat typical_p, jfloat repeat_penalty, jfloat frequency_penalty, jfloat presence_penalty,
    jint penalty_last_n, jlong seed, jobjectArray stop, jint flags, jlong cancel, jint timeout_ms, jobject listener) {
    if (!non_negative(env, {timeout_ms}, "GenerateOptions: timeoutMillis must not be negative"))
        return nullptr;
    const Utf8 p(env, prompt);
    const Utf8Array stops(env, stop);
    braid_generate_options o = BRAID_GENERATE_OPTIONS_INIT;
    o.flags = static_cast<uint32_t>(flags);
    o.max_tokens = max_tokens;
    o.temperature = temperature;
    o.top_k = top_k;
    o.top_p = top_p;
    o.min_p = min_p;
    o.typical_p = typical_p;
    o.repeat_penalty = repeat_penalty;
    o.frequency_penalty = frequency_penalty;
    o.presence_penalty = presence_penalty;
    o.penalty_last_n = penalty_last_n;
    o.seed = static_cast<uint64_t>(seed);
    o.stop = stops.data();
    o.stop_count = static_cast<uint32_t>(stops.size());
    o.cancel = handle<braid_cancel_token>(cancel);
    o.timeout_ms = static_cast<uint32_t>(timeout_ms);
    TextListener l{env, listener};
    char* out = nullptr;
    const braid_status status = braid_context_generate(&out, handle<braid_context>(context), p.get(), &o,
                                                       listener ? on_text : nullptr, &l);
    if (l.error) { // the listener threw: rethrow what it threw
        braid_string_free(out);
        env->Throw(l.error);
        env->DeleteGlobalRef(l.error);
        return nullptr;
    }
    return string_result(env, status, &out);
}

JNIEXPORT jfloatArray JNICALL Java_dev_braid_Native_contextEmbed(JNIEnv* env, jclass, jlong context, jstring text,
                                                                 jint flags, jlong cancel, jint timeout_ms) {
    if (!non_negative(env, {timeout_ms}, "EmbedOptions: timeoutMillis must not be negative"))
        return nullptr;
    const Utf8 t(env, text);
    auto* ctx = handle<braid_context>(context);
    braid_embed_options o = BRAID_EMBED_OPTIONS_INIT;
    o.flags = static_cast<uint32_t>(flags);
    o.cancel = handle<braid_cancel_token>(cancel);
    o.timeout_ms = static_cast<uint32_t>(timeout_ms);
    // One call in the usual case (a buffer that holds most models' embeddings), else a second of the size
    // the first said: asking for the size first would compute the embedding twice.
    std::vector<float> values(4096);
    size_t count = 0;
    braid_status status = braid_context_embed_v2(&count, values.data(), values.size(), ctx, t.get(), &o);
    if (status == BRAID_ERROR_BUFFER_TOO_SMALL) {
        values.resize(count);
        status = braid_context_embed_v2(&count, values.data(), values.size(), ctx, t.get(), &o);
    }
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    jfloatArray result = env->NewFloatArray(static_cast<jsize>(count));
    if (result && count > 0)
        env->SetFloatArrayRegion(result, 0, static_cast<jsize>(count), values.data());
    return result;
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_chatTemplateRender(JNIEnv* env, jclass, jstring template_text,
                                                                   jstring context_json) {
    const Utf8 t(env, template_text), c(env, context_json);
    char* out = nullptr;
    return string_result(env, braid_chat_template_render(&out, t.get(), c.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_modelChatTemplate(JNIEnv* env, jclass, jlong model) {
    char* out = nullptr;
    const braid_status status = braid_model_chat_template(&out, handle<braid_model>(model));
    if (status == BRAID_ERROR_NOT_FOUND)
        return nullptr; // the file has none: Optional.empty()
    return string_result(env, status, &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_modelApplyChatTemplate(JNIEnv* env, jclass, jlong model,
                                                                       jstring context_json) {
    const Utf8 c(env, context_json);
    char* out = nullptr;
    return string_result(env, braid_model_apply_chat_template(&out, handle<braid_model>(model), c.get()), &out);
}

} // extern "C"
