// Java arrays as C arrays for the C ABI: strings (UTF-8, NULL for null elements) and handles.
#pragma once

#include <vector>

#include "jni_util.hpp"

namespace braid::jni {

/// The strings of a String[] as UTF-8 C strings (a null element gives NULL; a null array, none).
class Utf8Array {
public:
    Utf8Array(JNIEnv* env, jobjectArray array) {
        const jsize n = array ? env->GetArrayLength(array) : 0;
        strings_.reserve(static_cast<std::size_t>(n));
        for (jsize i = 0; i < n; ++i) {
            auto item = static_cast<jstring>(env->GetObjectArrayElement(array, i));
            strings_.push_back(to_utf8(env, item));
            env->DeleteLocalRef(item);
        }
        for (const auto& s : strings_)
            pointers_.push_back(s ? s->c_str() : nullptr);
    }
    const char* const* data() const noexcept { return pointers_.empty() ? nullptr : pointers_.data(); }
    std::size_t size() const noexcept { return pointers_.size(); }

private:
    std::vector<std::optional<std::string>> strings_;
    std::vector<const char*> pointers_;
};

/// The handles of a long[] (0 gives NULL).
template <class T>
std::vector<const T*> handles(JNIEnv* env, jlongArray array) {
    const jsize n = array ? env->GetArrayLength(array) : 0;
    std::vector<jlong> values(static_cast<std::size_t>(n));
    if (n > 0)
        env->GetLongArrayRegion(array, 0, n, values.data());
    std::vector<const T*> result;
    for (jlong v : values)
        result.push_back(handle<T>(v));
    return result;
}

/// The statuses of an int[].
inline std::vector<braid_status> statuses(JNIEnv* env, jintArray array) {
    const jsize n = array ? env->GetArrayLength(array) : 0;
    std::vector<jint> values(static_cast<std::size_t>(n));
    if (n > 0)
        env->GetIntArrayRegion(array, 0, n, values.data());
    std::vector<braid_status> result;
    for (jint v : values)
        result.push_back(static_cast<braid_status>(v));
    return result;
}

/// A String[] of @p count library strings, each freed (null entries stay null); nullptr on failure.
inline jobjectArray string_array(JNIEnv* env, char** strings, std::size_t count) {
    jobjectArray array = env->NewObjectArray(static_cast<jsize>(count), cache().string, nullptr);
    for (std::size_t i = 0; i < count; ++i) {
        if (array && strings[i]) {
            jstring s = to_java(env, strings[i]);
            if (s) {
                env->SetObjectArrayElement(array, static_cast<jsize>(i), s);
                env->DeleteLocalRef(s);
            }
        }
        braid_string_free(strings[i]);
    }
    return env->ExceptionCheck() ? nullptr : array;
}

} // namespace braid::jni
