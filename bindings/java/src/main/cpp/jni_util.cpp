#include "jni_util.hpp"

#include <atomic>
#include <vector>

namespace braid::jni {

namespace {

std::atomic<bool> vm_exiting{false};

// Detaches, at thread exit, a thread that current_env() attached.
struct Attachment {
    bool attached = false;
    ~Attachment() {
        if (attached && !vm_exiting.load() && cache().vm)
            cache().vm->DetachCurrentThread();
    }
};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Decodes one UTF-8 sequence at text[i]; invalid or truncated sequences give U+FFFD for one byte.
std::uint32_t next_code_point(const unsigned char* text, std::size_t size, std::size_t& i) {
    const unsigned char c = text[i];
    int extra = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if (c < 0x80) {
        ++i;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        extra = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        extra = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        extra = 3, cp = c & 0x07, min = 0x10000;
    } else {
        ++i;
        return 0xFFFD;
    }
    if (i + static_cast<std::size_t>(extra) >= size) { // truncated
        ++i;
        return 0xFFFD;
    }
    for (int k = 1; k <= extra; ++k) {
        const unsigned char next = text[i + static_cast<std::size_t>(k)];
        if ((next & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return 0xFFFD;
    }
    i += static_cast<std::size_t>(extra) + 1;
    return cp;
}

} // namespace

Cache& cache() noexcept {
    static Cache instance;
    return instance;
}

JNIEnv* current_env() noexcept {
    JavaVM* vm = cache().vm;
    if (!vm)
        return nullptr;
    void* env = nullptr;
    const jint state = vm->GetEnv(&env, JNI_VERSION_1_8);
    if (state == JNI_OK)
        return static_cast<JNIEnv*>(env);
    if (state != JNI_EDETACHED)
        return nullptr;
    thread_local Attachment attachment;
    JavaVMAttachArgs args{JNI_VERSION_1_8, const_cast<char*>("braid-native"), nullptr};
    if (vm->AttachCurrentThreadAsDaemon(&env, &args) != JNI_OK)
        return nullptr;
    attachment.attached = true;
    return static_cast<JNIEnv*>(env);
}

void set_vm_exiting() noexcept { vm_exiting.store(true); }

bool is_vm_exiting() noexcept { return vm_exiting.load(); }

std::optional<std::string> to_utf8(JNIEnv* env, jstring text) {
    if (!text)
        return std::nullopt;
    const jsize length = env->GetStringLength(text);
    std::vector<jchar> units(static_cast<std::size_t>(length));
    if (length > 0)
        env->GetStringRegion(text, 0, length, units.data());
    std::string out;
    out.reserve(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
        std::uint32_t cp = units[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (units[i + 1] - 0xDC00);
            ++i;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD; // a lone surrogate
        }
        append_utf8(out, cp);
    }
    return out;
}

jstring to_java(JNIEnv* env, const char* text, std::size_t size) {
    std::vector<jchar> units;
    units.reserve(size);
    const auto* bytes = reinterpret_cast<const unsigned char*>(text);
    for (std::size_t i = 0; i < size;) {
        const std::uint32_t cp = next_code_point(bytes, size, i);
        if (cp >= 0x10000) {
            units.push_back(static_cast<jchar>(0xD800 + ((cp - 0x10000) >> 10)));
            units.push_back(static_cast<jchar>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        } else {
            units.push_back(static_cast<jchar>(cp));
        }
    }
    return env->NewString(units.data(), static_cast<jsize>(units.size()));
}

jstring to_java(JNIEnv* env, const char* text) { return to_java(env, text, std::char_traits<char>::length(text)); }

void throw_message(JNIEnv* env, braid_status status, const std::string& message) {
    const Cache& c = cache();
    jstring text = to_java(env, message.data(), message.size());
    if (!text)
        return; // OutOfMemoryError pending
    auto error = static_cast<jthrowable>(env->CallStaticObjectMethod(c.status, c.status_exception,
                                                                     static_cast<jint>(status), text));
    env->DeleteLocalRef(text);
    if (env->ExceptionCheck())
        return;
    env->Throw(error);
    env->DeleteLocalRef(error);
}

bool non_negative(JNIEnv* env, std::initializer_list<jint> values, const char* message) {
    for (const jint v : values) {
        if (v < 0) {
            throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, message);
            return false;
        }
    }
    return true;
}

void throw_status(JNIEnv* env, braid_status status) { throw_message(env, status, braid_last_error()); }

std::string describe(JNIEnv* env, jthrowable error) {
    auto text = static_cast<jstring>(env->CallObjectMethod(error, cache().throwable_to_string));
    if (env->ExceptionCheck()) {
        env->ExceptionClear();
        return "a Java exception (its toString() failed)";
    }
    std::string out = to_utf8(env, text).value_or("null");
    env->DeleteLocalRef(text);
    return out;
}

braid_status status_of(JNIEnv* env, jthrowable error) {
    const Cache& c = cache();
    if (!env->IsInstanceOf(error, c.braid_exception))
        return BRAID_ERROR_CALLBACK;
    const jint code = env->CallIntMethod(error, c.braid_exception_code);
    if (env->ExceptionCheck()) {
        env->ExceptionClear();
        return BRAID_ERROR_CALLBACK;
    }
    return code < 0 ? static_cast<braid_status>(code) : BRAID_ERROR_CALLBACK;
}

jstring string_result(JNIEnv* env, braid_status status, char** text) {
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    jstring result = to_java(env, *text);
    braid_string_free(*text);
    return result;
}

} // namespace braid::jni
