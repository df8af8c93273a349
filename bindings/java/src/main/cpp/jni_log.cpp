// Native methods of dev.braid.Native for logging: braid's process-wide log sink as a Java LogSink.
//
// braid calls the sink on any thread, several at once: braid's own threads are attached to the VM as
// daemons on first use (current_env) and detached when they end. The LogSink is held by a global
// reference, braid's user_data, deleted by the destroy callback once braid has replaced the sink.
//
// The last sink is destroyed with braid's static state, at exit(), after the VM is gone (and a worker
// thread may still log then): calling into JNI at that point can crash or hang. So once the VM is exiting
// (the binding's shutdown hook, or the atexit handler registered below for a VM that ends without running
// hooks, e.g. Runtime.halt), the sink writes to standard error as braid's own does and destroy leaves the
// global reference to the end of the process instead of deleting it.
#include <cstdio>
#include <cstdlib>

#include "jni_util.hpp"

using namespace braid::jni;

namespace {

void log_to_stderr(const char* message) { std::fprintf(stderr, "braid: %s\n", message); }

// Calls the Java sink; what it throws is dropped (a sink must not throw), and an exception already
// pending on a Java thread that logs from inside a native call is kept for that call.
void on_log(braid_log_level level, const char* component, const char* message, void* user_data) {
    JNIEnv* env = is_vm_exiting() ? nullptr : current_env();
    if (!env) {
        log_to_stderr(message);
        return;
    }
    const Cache& c = cache();
    jthrowable pending = env->ExceptionOccurred();
    if (pending)
        env->ExceptionClear();
    {
        const LocalFrame frame(env, 4);
        const jsize index = static_cast<jsize>(level);
        if (frame.ok() && index >= 0 && index < env->GetArrayLength(c.log_levels)) {
            jobject lvl = env->GetObjectArrayElement(c.log_levels, index);
            jstring comp = to_java(env, component);
            jstring text = comp ? to_java(env, message) : nullptr;
            if (text)
                env->CallVoidMethod(static_cast<jobject>(user_data), c.log_sink_log, lvl, comp, text);
        }
        if (env->ExceptionCheck())
            env->ExceptionClear();
    }
    if (pending) {
        env->Throw(pending);
        env->DeleteLocalRef(pending);
    }
}

void destroy_sink(void* user_data) {
    if (is_vm_exiting())
        return; // the VM may be gone: the reference ends with the process
    if (JNIEnv* env = current_env())
        env->DeleteGlobalRef(static_cast<jobject>(user_data));
}

} // namespace

extern "C" {

JNIEXPORT void JNICALL Java_dev_braid_Native_logSetSink(JNIEnv* env, jclass, jobject sink, jint level) {
    jobject ref = sink ? env->NewGlobalRef(sink) : nullptr;
    // On failure braid calls destroy_sink itself: nothing to release here.
    const braid_status status = braid_log_set_sink(sink ? on_log : nullptr, ref, sink ? destroy_sink : nullptr,
                                                   static_cast<braid_log_level>(level));
    if (status != BRAID_OK) {
        throw_status(env, status);
        return;
    }
    // Registered after braid's log state exists, so that it runs before that state is destroyed (exit()
    // runs its handlers in the reverse order of their registration).
    static const int registered = std::atexit(set_vm_exiting);
    (void)registered;
}

JNIEXPORT void JNICALL Java_dev_braid_Native_logSetLevel(JNIEnv* env, jclass, jint level) {
    const braid_status status = braid_log_set_level(static_cast<braid_log_level>(level));
    if (status != BRAID_OK)
        throw_status(env, status);
}

JNIEXPORT jint JNICALL Java_dev_braid_Native_logLevel(JNIEnv*, jclass) { return braid_log_get_level(); }

} // extern "C"
