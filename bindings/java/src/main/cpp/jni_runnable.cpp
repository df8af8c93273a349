// Native methods of dev.braid.Native for runnables: running them, composing them, cancel tokens.
#include <vector>

#include "jni_arrays.hpp"
#include "jni_util.hpp"

using namespace braid::jni;

namespace {

// The run options of a call; false (with an exception thrown) for a negative setting.
bool run_options(JNIEnv* env, braid_run_options& o, jint max_concurrency, jint recursion_limit, jint timeout_ms,
                 jlong cancel, const Utf8& config) {
    if (max_concurrency < 0 || recursion_limit < 0 || timeout_ms < 0) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "RunOptions: maxConcurrency, recursionLimit and timeoutMillis must not be negative");
        return false;
    }
    o.max_concurrency = static_cast<uint32_t>(max_concurrency);
    o.recursion_limit = static_cast<uint32_t>(recursion_limit);
    o.timeout_ms = static_cast<uint32_t>(timeout_ms);
    o.cancel = handle<braid_cancel_token>(cancel);
    o.config_json = config.get();
    return true;
}

// What a ChunkListener callback needs: the listener, and what stopped it.
struct Listener {
    JNIEnv* env;
    jobject listener;
    jthrowable error = nullptr; // global reference to what the listener threw
    bool stopped = false;       // it returned false
};

braid_status on_chunk(const char* json, void* user_data) {
    auto* l = static_cast<Listener*>(user_data);
    JNIEnv* env = l->env; // braid_runnable_stream calls back on the calling thread
    const LocalFrame frame(env, 4);
    jstring text = to_java(env, json);
    const jboolean go = text ? env->CallBooleanMethod(l->listener, cache().chunk_on_chunk, text) : JNI_FALSE;
    if (env->ExceptionCheck()) {
        jthrowable error = env->ExceptionOccurred();
        env->ExceptionClear();
        l->error = static_cast<jthrowable>(env->NewGlobalRef(error));
        return BRAID_ERROR_CALLBACK; // the call fails with this status; the glue rethrows the exception
    }
    if (!go) {
        l->stopped = true;
        return BRAID_ERROR_CANCELLED;
    }
    return BRAID_OK;
}

} // namespace

extern "C" {

JNIEXPORT void JNICALL Java_dev_braid_Native_runnableFree(JNIEnv*, jclass, jlong runnable) {
    braid_runnable_free(handle<braid_runnable>(runnable));
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_invoke(JNIEnv* env, jclass, jlong runnable, jstring input,
                                                       jint max_concurrency, jint recursion_limit, jint timeout_ms,
                                                       jlong cancel, jstring config) {
    const Utf8 in(env, input), cfg(env, config);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    if (!run_options(env, o, max_concurrency, recursion_limit, timeout_ms, cancel, cfg))
        return nullptr;
    char* out = nullptr;
    return string_result(env, braid_runnable_invoke(&out, handle<braid_runnable>(runnable), in.get(), &o), &out);
}

JNIEXPORT jobjectArray JNICALL Java_dev_braid_Native_batch(JNIEnv* env, jclass, jlong runnable, jobjectArray inputs,
                                                           jint max_concurrency, jint recursion_limit, jint timeout_ms,
                                                           jlong cancel, jstring config) {
    const Utf8Array in(env, inputs);
    const Utf8 cfg(env, config);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    if (!run_options(env, o, max_concurrency, recursion_limit, timeout_ms, cancel, cfg))
        return nullptr;
    std::vector<char*> outputs(in.size());
    const braid_status status =
        braid_runnable_batch(outputs.data(), handle<braid_runnable>(runnable), in.data(), in.size(), &o);
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    return string_array(env, outputs.data(), outputs.size());
}

JNIEXPORT jobjectArray JNICALL Java_dev_braid_Native_batchResults(JNIEnv* env, jclass, jlong runnable,
                                                                  jobjectArray inputs, jint max_concurrency,
                                                                  jint recursion_limit, jint timeout_ms, jlong cancel,
                                                                  jstring config) {
    const Utf8Array in(env, inputs);
    const Utf8 cfg(env, config);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    if (!run_options(env, o, max_concurrency, recursion_limit, timeout_ms, cancel, cfg))
        return nullptr;
    std::vector<char*> outputs(in.size()), errors(in.size());
    std::vector<braid_status> statuses(in.size());
    const braid_status status = braid_runnable_batch_results(outputs.data(), statuses.data(), errors.data(),
                                                             handle<braid_runnable>(runnable), in.data(), in.size(), &o);
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    jobjectArray out = string_array(env, outputs.data(), outputs.size());
    jobjectArray err = string_array(env, errors.data(), errors.size());
    jintArray codes = env->NewIntArray(static_cast<jsize>(statuses.size()));
    if (!out || !err || !codes)
        return nullptr;
    std::vector<jint> values(statuses.begin(), statuses.end());
    env->SetIntArrayRegion(codes, 0, static_cast<jsize>(values.size()), values.data());
    jobjectArray result = env->NewObjectArray(3, cache().object, nullptr);
    if (!result)
        return nullptr;
    env->SetObjectArrayElement(result, 0, out);
    env->SetObjectArrayElement(result, 1, codes);
    env->SetObjectArrayElement(result, 2, err);
    return result;
}

JNIEXPORT void JNICALL Java_dev_braid_Native_stream(JNIEnv* env, jclass, jlong runnable, jstring input,
                                                    jint max_concurrency, jint recursion_limit, jint timeout_ms,
                                                    jlong cancel, jstring config, jboolean events, jobject listener) {
    const Utf8 in(env, input), cfg(env, config);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    if (!run_options(env, o, max_concurrency, recursion_limit, timeout_ms, cancel, cfg))
        return;
    if (!listener) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "listener is null");
        return;
    }
    Listener l{env, listener};
    const auto* r = handle<braid_runnable>(runnable);
    const braid_status status = events ? braid_runnable_events(r, in.get(), &o, on_chunk, &l)
                                       : braid_runnable_stream(r, in.get(), &o, on_chunk, &l);
    if (l.error) { // the listener threw: rethrow what it threw
        env->Throw(l.error);
        env->DeleteGlobalRef(l.error);
        return;
    }
    if (status == BRAID_ERROR_CANCELLED && l.stopped)
        return; // the listener asked to stop
    if (status != BRAID_OK)
        throw_status(env, status);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_streamOpen(JNIEnv* env, jclass, jlong runnable, jstring input,
                                                         jint max_concurrency, jint recursion_limit, jint timeout_ms,
                                                         jlong cancel, jstring config, jboolean events) {
    const Utf8 in(env, input), cfg(env, config);
    braid_run_options o = BRAID_RUN_OPTIONS_INIT;
    if (!run_options(env, o, max_concurrency, recursion_limit, timeout_ms, cancel, cfg))
        return 0;
    braid_stream* stream = nullptr;
    const auto* r = handle<braid_runnable>(runnable);
    const braid_status status = events ? braid_runnable_events_open(&stream, r, in.get(), &o)
                                       : braid_runnable_stream_open(&stream, r, in.get(), &o);
    return handle_result(env, status, &stream);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_streamNext(JNIEnv* env, jclass, jlong stream) {
    char* out = nullptr;
    const braid_status status = braid_stream_next(&out, handle<braid_stream>(stream));
    if (status == BRAID_DONE)
        return nullptr;
    return string_result(env, status, &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_streamFree(JNIEnv*, jclass, jlong stream) {
    braid_stream_free(handle<braid_stream>(stream));
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_name(JNIEnv* env, jclass, jlong runnable) {
    char* out = nullptr;
    return string_result(env, braid_runnable_name(&out, handle<braid_runnable>(runnable)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_graph(JNIEnv* env, jclass, jlong runnable, jint format) {
    char* out = nullptr;
    return string_result(env, braid_runnable_graph(&out, handle<braid_runnable>(runnable), static_cast<braid_graph_format>(format)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_pipe(JNIEnv* env, jclass, jlong first, jlong second) {
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_pipe(&out, handle<braid_runnable>(first), handle<braid_runnable>(second)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_sequence(JNIEnv* env, jclass, jlongArray steps) {
    const auto parts = handles<braid_runnable>(env, steps);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_sequence(&out, parts.data(), parts.size()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_passthrough(JNIEnv* env, jclass) {
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_passthrough(&out), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_parallel(JNIEnv* env, jclass, jobjectArray keys, jlongArray steps) {
    const Utf8Array names(env, keys);
    const auto parts = handles<braid_runnable>(env, steps);
    if (names.size() != parts.size()) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "keys and steps differ in length");
        return 0;
    }
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_parallel(&out, names.data(), parts.data(), parts.size()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_assign(JNIEnv* env, jclass, jobjectArray keys, jlongArray steps) {
    const Utf8Array names(env, keys);
    const auto parts = handles<braid_runnable>(env, steps);
    if (names.size() != parts.size()) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "keys and steps differ in length");
        return 0;
    }
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_assign(&out, names.data(), parts.data(), parts.size()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_pick(JNIEnv* env, jclass, jstring key) {
    const Utf8 k(env, key);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_pick(&out, k.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_pickKeys(JNIEnv* env, jclass, jobjectArray keys) {
    const Utf8Array names(env, keys);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_pick_keys(&out, names.data(), names.size()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_branch(JNIEnv* env, jclass, jlongArray conditions, jlongArray steps,
                                                     jlong otherwise) {
    const auto tests = handles<braid_runnable>(env, conditions);
    const auto then = handles<braid_runnable>(env, steps);
    if (tests.size() != then.size()) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "conditions and steps differ in length");
        return 0;
    }
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_branch(&out, tests.data(), then.data(), then.size(),
                                                    handle<braid_runnable>(otherwise)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_router(JNIEnv* env, jclass, jstring key, jobjectArray values,
                                                     jlongArray steps, jlong otherwise) {
    const Utf8 k(env, key);
    const Utf8Array names(env, values);
    const auto targets = handles<braid_runnable>(env, steps);
    if (names.size() != targets.size()) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "values and steps differ in length");
        return 0;
    }
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_router(&out, k.get(), names.data(), targets.data(), targets.size(),
                                                    handle<braid_runnable>(otherwise)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_withRetry(JNIEnv* env, jclass, jlong runnable, jint max_attempts,
                                                        jint initial_delay_ms, jint max_delay_ms, jdouble multiplier,
                                                        jboolean jitter, jintArray retry_on) {
    if (max_attempts < 0 || initial_delay_ms < 0 || max_delay_ms < 0) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "RetryOptions: attempts and delays must not be negative");
        return 0;
    }
    const auto on = statuses(env, retry_on);
    braid_retry_options o = BRAID_RETRY_OPTIONS_INIT;
    o.max_attempts = static_cast<uint32_t>(max_attempts);
    o.initial_delay_ms = static_cast<uint32_t>(initial_delay_ms);
    o.max_delay_ms = static_cast<uint32_t>(max_delay_ms);
    o.backoff_multiplier = multiplier;
    o.jitter = jitter ? 1u : 0u;
    o.retry_on_count = static_cast<uint32_t>(on.size());
    o.retry_on = on.empty() ? nullptr : on.data();
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_with_retry(&out, handle<braid_runnable>(runnable), &o), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_withFallbacks(JNIEnv* env, jclass, jlong runnable, jlongArray fallbacks,
                                                            jintArray only_for) {
    const auto others = handles<braid_runnable>(env, fallbacks);
    const auto kinds = statuses(env, only_for);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_with_fallbacks(&out, handle<braid_runnable>(runnable), others.data(),
                                                            others.size(), kinds.empty() ? nullptr : kinds.data(),
                                                            kinds.size()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_withConfig(JNIEnv* env, jclass, jlong runnable, jstring config) {
    const Utf8 cfg(env, config);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_with_config(&out, handle<braid_runnable>(runnable), cfg.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_bind(JNIEnv* env, jclass, jlong runnable, jstring kwargs) {
    const Utf8 k(env, kwargs);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_bind(&out, handle<braid_runnable>(runnable), k.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_fromSpec(JNIEnv* env, jclass, jstring spec, jobjectArray names,
                                                       jlongArray refs) {
    const Utf8 s(env, spec);
    const Utf8Array ref_names(env, names);
    const auto runnables = handles<braid_runnable>(env, refs);
    if (ref_names.size() != runnables.size()) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "names and refs differ in length");
        return 0;
    }
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_from_spec(&out, s.get(), ref_names.data(), runnables.data(), runnables.size()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_cancelCreate(JNIEnv* env, jclass) {
    braid_cancel_token* out = nullptr;
    return handle_result(env, braid_cancel_token_create(&out), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_cancelCancel(JNIEnv* env, jclass, jlong token) {
    const braid_status status = braid_cancel_token_cancel(handle<braid_cancel_token>(token));
    if (status != BRAID_OK)
        throw_status(env, status);
}

JNIEXPORT jboolean JNICALL Java_dev_braid_Native_cancelIsCancelled(JNIEnv*, jclass, jlong token) {
    return braid_cancel_token_is_cancelled(handle<braid_cancel_token>(token)) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_dev_braid_Native_cancelFree(JNIEnv*, jclass, jlong token) {
    braid_cancel_token_free(handle<braid_cancel_token>(token));
}

} // extern "C"
