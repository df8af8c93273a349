// What every part of the JNI glue shares: the VM and the classes / methods cached at JNI_OnLoad,
// the JNIEnv of the current thread (attaching braid's own threads), UTF-8 <-> Java strings, and
// turning a failed C ABI call into the Java exception of its status.
#pragma once

#include <jni.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "braid.h"

namespace braid::jni {

/// Classes and method ids looked up once in JNI_OnLoad (global references).
struct Cache {
    JavaVM* vm = nullptr;
    jclass string = nullptr;
    jclass object = nullptr;
    jclass status = nullptr;            // dev.braid.Status
    jmethodID status_exception = nullptr; // static BraidException exception(int, String)
    jclass braid_exception = nullptr;   // dev.braid.BraidException
    jmethodID braid_exception_code = nullptr;
    jmethodID throwable_to_string = nullptr;
    jmethodID step_apply = nullptr;      // dev.braid.StepFunction.apply(String)
    jmethodID transform_apply = nullptr; // dev.braid.TransformFunction.apply(String)
    jmethodID list_to_array = nullptr;   // java.util.List.toArray()
    jmethodID chunk_on_chunk = nullptr;  // dev.braid.ChunkListener.onChunk(String)
    jmethodID progress_on_progress = nullptr; // dev.braid.ProgressListener.onProgress(float)
    jmethodID text_on_text = nullptr;         // dev.braid.TextListener.onText(String)
    jobjectArray log_levels = nullptr;        // dev.braid.LogLevel.values(), indexed by braid_log_level
    jmethodID log_sink_log = nullptr;         // dev.braid.LogSink.log(LogLevel, String, String)
};

/// The cache (filled by JNI_OnLoad).
Cache& cache() noexcept;

/// The JNIEnv of the calling thread; a thread the VM does not know (one of braid's) is attached as a
/// daemon, once, and detached when it ends. nullptr if attaching failed.
JNIEnv* current_env() noexcept;

/// Marks the VM as exiting: threads ending from now on do not detach (it could block the exit).
void set_vm_exiting() noexcept;

/// Whether set_vm_exiting() was called: from then on, code that may run after the VM is gone stays out of JNI.
bool is_vm_exiting() noexcept;

/// A Java string as UTF-8 (UTF-16 surrogate pairs combined, lone surrogates become U+FFFD); nullopt
/// for null.
std::optional<std::string> to_utf8(JNIEnv* env, jstring text);

/// UTF-8 text (invalid sequences become U+FFFD) as a Java string; nullptr with an exception pending
/// when the VM is out of memory.
jstring to_java(JNIEnv* env, const char* text, std::size_t size);
/// to_java of a NUL-terminated string.
jstring to_java(JNIEnv* env, const char* text);

/// Throws the dev.braid exception of @p status with braid_last_error() as message.
void throw_status(JNIEnv* env, braid_status status);

/// Throws the dev.braid exception of @p status with @p message.
void throw_message(JNIEnv* env, braid_status status, const std::string& message);

/// False, with a pending invalid-argument exception carrying @p message, when any of @p values (sizes,
/// counts, timeouts from Java ints) is negative.
bool non_negative(JNIEnv* env, std::initializer_list<jint> values, const char* message);

/// `ClassName: message` of a throwable (its toString()).
std::string describe(JNIEnv* env, jthrowable error);

/// The status a Java step fails with for @p error: a BraidException's own, else BRAID_ERROR_CALLBACK.
braid_status status_of(JNIEnv* env, jthrowable error);

/// A local frame for code running outside of a Java call (callbacks on braid's threads).
class LocalFrame {
public:
    LocalFrame(JNIEnv* env, jint capacity) : env_(env), ok_(env->PushLocalFrame(capacity) == 0) {}
    ~LocalFrame() {
        if (ok_)
            env_->PopLocalFrame(nullptr);
    }
    LocalFrame(const LocalFrame&) = delete;
    LocalFrame& operator=(const LocalFrame&) = delete;
    bool ok() const noexcept { return ok_; }

private:
    JNIEnv* env_;
    bool ok_;
};

/// A jstring argument as a UTF-8 C string (NULL for a Java null).
class Utf8 {
public:
    Utf8(JNIEnv* env, jstring text) : text_(to_utf8(env, text)) {}
    const char* get() const noexcept { return text_ ? text_->c_str() : nullptr; }
    std::size_t size() const noexcept { return text_ ? text_->size() : 0; }

private:
    std::optional<std::string> text_;
};

/// A handle from the long a Java object keeps.
template <class T>
T* handle(jlong pointer) noexcept {
    return reinterpret_cast<T*>(static_cast<std::intptr_t>(pointer));
}

/// The long a Java object keeps for a handle.
template <class T>
jlong to_long(T* pointer) noexcept {
    return static_cast<jlong>(reinterpret_cast<std::intptr_t>(pointer));
}

/// Returns the library string in *@p text (read after the call that wrote it: the status argument is
/// evaluated first) as a Java string and frees it; throws (and returns null) on a failed call.
jstring string_result(JNIEnv* env, braid_status status, char** text);

/// Returns the new handle in *@p out as a long; throws (and returns 0) on a failed call.
template <class T>
jlong handle_result(JNIEnv* env, braid_status status, T** out) {
    if (status != BRAID_OK) {
        throw_status(env, status);
        return 0;
    }
    return to_long(*out);
}

} // namespace braid::jni
