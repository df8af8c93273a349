// Native methods of dev.braid.Native for the engine: GGUF files, tokenizers (buffers sized by a first
// call), models with a progress listener (contexts and chat templates: jni_context.cpp).
#include <vector>

#include "jni_util.hpp"

using namespace braid::jni;

namespace {

struct Progress {
    JNIEnv* env;
    jobject listener;
    jthrowable error = nullptr; // global reference to what the listener threw
};

braid_status on_progress(float done, void* user_data) {
    auto* p = static_cast<Progress*>(user_data);
    const jboolean go = p->env->CallBooleanMethod(p->listener, cache().progress_on_progress, static_cast<jfloat>(done));
    if (p->env->ExceptionCheck()) {
        jthrowable error = p->env->ExceptionOccurred();
        p->env->ExceptionClear();
        p->error = static_cast<jthrowable>(p->env->NewGlobalRef(error));
        p->env->DeleteLocalRef(error);
        return BRAID_ERROR_CALLBACK; // the glue rethrows the exception
    }
    return go ? BRAID_OK : BRAID_ERROR_CANCELLED;
}

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_braid_Native_ggufOpen(JNIEnv* env, jclass, jstring path) {
    const Utf8 p(env, path);
    braid_gguf* out = nullptr;
    return handle_result(env, braid_gguf_open(&out, p.get()), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_ggufFree(JNIEnv*, jclass, jlong file) { braid_gguf_free(handle<braid_gguf>(file)); }

JNIEXPORT jstring JNICALL Java_dev_braid_Native_ggufInfo(JNIEnv* env, jclass, jlong file) {
    char* out = nullptr;
    return string_result(env, braid_gguf_info(&out, handle<braid_gguf>(file)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_ggufMetadata(JNIEnv* env, jclass, jlong file, jint max_items) {
    char* out = nullptr;
    const uint32_t limit = max_items < 0 ? UINT32_MAX : static_cast<uint32_t>(max_items);
    return string_result(env, braid_gguf_metadata(&out, handle<braid_gguf>(file), limit), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_ggufValue(JNIEnv* env, jclass, jlong file, jstring key) {
    const Utf8 k(env, key);
    char* out = nullptr;
    return string_result(env, braid_gguf_value(&out, handle<braid_gguf>(file), k.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_ggufTensors(JNIEnv* env, jclass, jlong file) {
    char* out = nullptr;
    return string_result(env, braid_gguf_tensors(&out, handle<braid_gguf>(file)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_tokenizerLoad(JNIEnv* env, jclass, jstring path) {
    const Utf8 p(env, path);
    braid_tokenizer* out = nullptr;
    return handle_result(env, braid_tokenizer_load(&out, p.get()), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_tokenizerFree(JNIEnv*, jclass, jlong tokenizer) {
    braid_tokenizer_free(handle<braid_tokenizer>(tokenizer));
}

JNIEXPORT jintArray JNICALL Java_dev_braid_Native_tokenize(JNIEnv* env, jclass, jlong tokenizer, jstring text, jint flags) {
    if (!text) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "text is null");
        return nullptr;
    }
    const Utf8 t(env, text);
    const auto* tok = handle<braid_tokenizer>(tokenizer);
    size_t count = 0;
    braid_status status = braid_tokenizer_tokenize(&count, nullptr, 0, tok, t.get(), t.size(), static_cast<uint32_t>(flags));
    std::vector<int32_t> ids(count);
    if (status == BRAID_OK && count > 0)
        status = braid_tokenizer_tokenize(&count, ids.data(), ids.size(), tok, t.get(), t.size(), static_cast<uint32_t>(flags));
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    jintArray result = env->NewIntArray(static_cast<jsize>(count));
    if (result && count > 0)
        env->SetIntArrayRegion(result, 0, static_cast<jsize>(count), reinterpret_cast<const jint*>(ids.data()));
    return result;
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_detokenize(JNIEnv* env, jclass, jlong tokenizer, jintArray tokens, jint flags) {
    if (!tokens) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "tokens is null");
        return nullptr;
    }
    const jsize n = env->GetArrayLength(tokens);
    std::vector<int32_t> ids(static_cast<std::size_t>(n));
    if (n > 0)
        env->GetIntArrayRegion(tokens, 0, n, reinterpret_cast<jint*>(ids.data()));
    const auto* tok = handle<braid_tokenizer>(tokenizer);
    size_t length = 0;
    braid_status status = braid_tokenizer_detokenize(&length, nullptr, 0, tok, ids.data(), ids.size(), static_cast<uint32_t>(flags));
    std::vector<char> text(length + 1);
    if (status == BRAID_OK)
        status = braid_tokenizer_detokenize(&length, text.data(), text.size(), tok, ids.data(), ids.size(), static_cast<uint32_t>(flags));
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    return to_java(env, text.data(), length);
}

JNIEXPORT jbyteArray JNICALL Java_dev_braid_Native_tokenToPiece(JNIEnv* env, jclass, jlong tokenizer, jint token, jint flags) {
    const auto* tok = handle<braid_tokenizer>(tokenizer);
    size_t length = 0;
    braid_status status = braid_tokenizer_token_to_piece(&length, nullptr, 0, tok, token, static_cast<uint32_t>(flags));
    std::vector<char> piece(length + 1);
    if (status == BRAID_OK)
        status = braid_tokenizer_token_to_piece(&length, piece.data(), piece.size(), tok, token, static_cast<uint32_t>(flags));
    if (status != BRAID_OK) {
        throw_status(env, status);
        return nullptr;
    }
    jbyteArray result = env->NewByteArray(static_cast<jsize>(length));
    if (result && length > 0)
        env->SetByteArrayRegion(result, 0, static_cast<jsize>(length), reinterpret_cast<const jbyte*>(piece.data()));
    return result;
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_vocabSize(JNIEnv*, jclass, jlong tokenizer) {
    return static_cast<jlong>(braid_tokenizer_vocab_size(handle<braid_tokenizer>(tokenizer)));
}

JNIEXPORT jint JNICALL Java_dev_braid_Native_bos(JNIEnv*, jclass, jlong tokenizer) {
    return braid_tokenizer_bos(handle<braid_tokenizer>(tokenizer));
}

JNIEXPORT jint JNICALL Java_dev_braid_Native_eos(JNIEnv*, jclass, jlong tokenizer) {
    return braid_tokenizer_eos(handle<braid_tokenizer>(tokenizer));
}

JNIEXPORT jboolean JNICALL Java_dev_braid_Native_isControl(JNIEnv*, jclass, jlong tokenizer, jint token) {
    return braid_tokenizer_is_control(handle<braid_tokenizer>(tokenizer), token) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_modelLoad(JNIEnv* env, jclass, jstring path, jint flags, jobject listener) {
    const Utf8 p(env, path);
    braid_model_options o = BRAID_MODEL_OPTIONS_INIT;
    o.flags = static_cast<uint32_t>(flags);
    Progress progress{env, listener};
    if (listener) {
        o.progress = on_progress;
        o.progress_user_data = &progress;
    }
    braid_model* out = nullptr;
    const braid_status status = braid_model_load(&out, p.get(), &o);
    if (progress.error) {
        env->Throw(progress.error);
        env->DeleteGlobalRef(progress.error);
        return 0;
    }
    return handle_result(env, status, &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_modelFree(JNIEnv*, jclass, jlong model) { braid_model_free(handle<braid_model>(model)); }

JNIEXPORT jstring JNICALL Java_dev_braid_Native_modelInfo(JNIEnv* env, jclass, jlong model) {
    char* out = nullptr;
    return string_result(env, braid_model_info(&out, handle<braid_model>(model)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_modelMetadata(JNIEnv* env, jclass, jlong model, jint max_items) {
    char* out = nullptr;
    const uint32_t limit = max_items < 0 ? UINT32_MAX : static_cast<uint32_t>(max_items);
    return string_result(env, braid_model_metadata(&out, handle<braid_model>(model), limit), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_modelTokenizer(JNIEnv* env, jclass, jlong model) {
    braid_tokenizer* out = nullptr;
    return handle_result(env, braid_model_tokenizer(&out, handle<braid_model>(model)), &out);
}

} // extern "C"
