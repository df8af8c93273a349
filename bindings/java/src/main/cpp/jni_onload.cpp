// JNI_OnLoad: caches the classes and method ids the glue uses (global references), once; and the
// native methods about the library itself.
#include "jni_util.hpp"

using namespace braid::jni;

namespace {

jclass global_class(JNIEnv* env, const char* name) {
    jclass local = env->FindClass(name);
    if (!local)
        return nullptr;
    auto global = static_cast<jclass>(env->NewGlobalRef(local));
    env->DeleteLocalRef(local);
    return global;
}

jmethodID method(JNIEnv* env, const char* class_name, const char* name, const char* signature) {
    jclass type = env->FindClass(class_name);
    if (!type)
        return nullptr;
    jmethodID id = env->GetMethodID(type, name, signature);
    env->DeleteLocalRef(type);
    return id;
}

// LogLevel.values() (a global reference): the log sink hands Java the constant of a braid_log_level by index.
jobjectArray log_levels(JNIEnv* env) {
    jclass type = env->FindClass("dev/braid/LogLevel");
    if (!type)
        return nullptr;
    jmethodID values = env->GetStaticMethodID(type, "values", "()[Ldev/braid/LogLevel;");
    auto local = values ? static_cast<jobjectArray>(env->CallStaticObjectMethod(type, values)) : nullptr;
    env->DeleteLocalRef(type);
    if (!local || env->ExceptionCheck())
        return nullptr;
    auto global = static_cast<jobjectArray>(env->NewGlobalRef(local));
    env->DeleteLocalRef(local);
    return global;
}

} // namespace

extern "C" {

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
    JNIEnv* env = nullptr;
    if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    Cache& c = cache();
    c.vm = vm;
    c.string = global_class(env, "java/lang/String");
    c.object = global_class(env, "java/lang/Object");
    c.status = global_class(env, "dev/braid/Status");
    c.braid_exception = global_class(env, "dev/braid/BraidException");
    if (!c.string || !c.object || !c.status || !c.braid_exception)
        return JNI_ERR;
    c.status_exception = env->GetStaticMethodID(c.status, "exception", "(ILjava/lang/String;)Ldev/braid/BraidException;");
    c.braid_exception_code = env->GetMethodID(c.braid_exception, "code", "()I");
    c.throwable_to_string = method(env, "java/lang/Throwable", "toString", "()Ljava/lang/String;");
    c.step_apply = method(env, "dev/braid/StepFunction", "apply", "(Ljava/lang/String;)Ljava/lang/String;");
    c.transform_apply = method(env, "dev/braid/TransformFunction", "apply", "(Ljava/lang/String;)Ljava/util/List;");
    c.list_to_array = method(env, "java/util/List", "toArray", "()[Ljava/lang/Object;");
    c.chunk_on_chunk = method(env, "dev/braid/ChunkListener", "onChunk", "(Ljava/lang/String;)Z");
    c.progress_on_progress = method(env, "dev/braid/ProgressListener", "onProgress", "(F)Z");
    c.text_on_text = method(env, "dev/braid/TextListener", "onText", "(Ljava/lang/String;)Z");
    c.log_sink_log = method(env, "dev/braid/LogSink", "log", "(Ldev/braid/LogLevel;Ljava/lang/String;Ljava/lang/String;)V");
    c.log_levels = log_levels(env);
    if (!c.status_exception || !c.braid_exception_code || !c.throwable_to_string || !c.step_apply ||
        !c.transform_apply || !c.list_to_array || !c.chunk_on_chunk || !c.progress_on_progress ||
        !c.text_on_text || !c.log_sink_log || !c.log_levels)
        return JNI_ERR;
    return JNI_VERSION_1_8;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM* vm, void*) {
    JNIEnv* env = nullptr;
    if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK)
        return;
    Cache& c = cache();
    for (jclass* type : {&c.string, &c.object, &c.status, &c.braid_exception}) {
        if (*type)
            env->DeleteGlobalRef(*type);
        *type = nullptr;
    }
    if (c.log_levels)
        env->DeleteGlobalRef(c.log_levels);
    c.log_levels = nullptr;
    c.vm = nullptr;
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_version(JNIEnv* env, jclass) { return to_java(env, braid_version()); }

JNIEXPORT jint JNICALL Java_dev_braid_Native_versionNumber(JNIEnv*, jclass) { return braid_version_number(); }

JNIEXPORT void JNICALL Java_dev_braid_Native_vmExiting(JNIEnv*, jclass) { set_vm_exiting(); }

} // extern "C"
