// Java steps: a StepFunction / TransformFunction becomes a braid runnable. The function object is held
// by a global reference until braid drops the step (destroy). It may be called on braid's own threads
// (batch, parallel branches): they are attached to the VM on first use (jni_util.cpp).
#include <string>

#include "jni_util.hpp"

using namespace braid::jni;

namespace {

struct JavaStep {
    jobject function; // global reference
};

void destroy_step(void* user_data) {
    auto* step = static_cast<JavaStep*>(user_data);
    if (JNIEnv* env = current_env())
        env->DeleteGlobalRef(step->function);
    delete step;
}

// Reports the pending Java exception as the step's error: its status (a BraidException's own, else
// BRAID_ERROR_CALLBACK) and "Class: message".
braid_status fail_with_exception(JNIEnv* env, braid_call* call) {
    jthrowable error = env->ExceptionOccurred();
    env->ExceptionClear();
    const std::string message = describe(env, error);
    const braid_status status = status_of(env, error);
    braid_call_set_error(call, message.c_str());
    return status;
}

braid_status fail(braid_call* call, const char* message) {
    braid_call_set_error(call, message);
    return BRAID_ERROR_CALLBACK;
}

// Hands a Java string to @p deliver (braid_call_set_output or braid_call_emit), naming invalid JSON.
braid_status deliver(JNIEnv* env, braid_call* call, jstring text,
                     braid_status (*give)(braid_call*, const char*)) {
    if (!text)
        return fail(call, "the Java step returned null (return JSON text, e.g. \"null\")");
    const std::string json = to_utf8(env, text).value_or("");
    const braid_status status = give(call, json.c_str());
    if (status != BRAID_OK) {
        const std::string message = std::string("the Java step returned invalid JSON: ") + braid_last_error();
        braid_call_set_error(call, message.c_str());
    }
    return status;
}

braid_status call_step(braid_call* call, const char* input_json, void* user_data) {
    JNIEnv* env = current_env();
    if (!env)
        return fail(call, "this thread could not be attached to the Java VM");
    const LocalFrame frame(env, 8);
    if (!frame.ok())
        return fail_with_exception(env, call);
    jstring input = to_java(env, input_json);
    if (!input)
        return fail_with_exception(env, call);
    auto output = static_cast<jstring>(env->CallObjectMethod(static_cast<JavaStep*>(user_data)->function,
                                                             cache().step_apply, input));
    if (env->ExceptionCheck())
        return fail_with_exception(env, call);
    return deliver(env, call, output, braid_call_set_output);
}

braid_status call_transform(braid_call* call, const char* input_json, void* user_data) {
    JNIEnv* env = current_env();
    if (!env)
        return fail(call, "this thread could not be attached to the Java VM");
    const LocalFrame frame(env, 16);
    if (!frame.ok())
        return fail_with_exception(env, call);
    jstring input = to_java(env, input_json);
    if (!input)
        return fail_with_exception(env, call);
    jobject list = env->CallObjectMethod(static_cast<JavaStep*>(user_data)->function, cache().transform_apply, input);
    if (env->ExceptionCheck())
        return fail_with_exception(env, call);
    if (!list)
        return fail(call, "the Java transform returned null (return a list of JSON chunks, possibly empty)");
    auto items = static_cast<jobjectArray>(env->CallObjectMethod(list, cache().list_to_array));
    if (env->ExceptionCheck())
        return fail_with_exception(env, call);
    const jsize n = env->GetArrayLength(items);
    for (jsize i = 0; i < n; ++i) {
        jobject item = env->GetObjectArrayElement(items, i);
        if (item && !env->IsInstanceOf(item, cache().string))
            return fail(call, "the Java transform returned a list with an element that is not a String");
        const braid_status status = deliver(env, call, static_cast<jstring>(item), braid_call_emit);
        env->DeleteLocalRef(item);
        if (status != BRAID_OK)
            return status;
    }
    return BRAID_OK;
}

jlong make_step(JNIEnv* env, jstring name, jobject function, braid_step_fn fn, bool transform) {
    const Utf8 step_name(env, name);
    auto* step = new JavaStep{env->NewGlobalRef(function)};
    braid_runnable* out = nullptr;
    // On failure braid calls destroy_step itself: nothing to release here.
    const braid_status status = transform
                                    ? braid_runnable_from_transform_callback(&out, step_name.get(), fn, step, destroy_step)
                                    : braid_runnable_from_callback(&out, step_name.get(), fn, step, destroy_step);
    return handle_result(env, status, &out);
}

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_braid_Native_fromFunction(JNIEnv* env, jclass, jstring name, jobject function) {
    return make_step(env, name, function, call_step, false);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_fromTransform(JNIEnv* env, jclass, jstring name, jobject function) {
    return make_step(env, name, function, call_transform, true);
}

} // extern "C"
