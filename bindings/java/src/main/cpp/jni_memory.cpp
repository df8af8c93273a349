// Native methods of dev.braid.NativeMemory: chat histories, trimming, RunnableWithMessageHistory, and the
// summary, summary-buffer and entity memories (braid/memory.h).
#include "jni_util.hpp"

using namespace braid::jni;

namespace {

void check(JNIEnv* env, braid_status status) {
    if (status != BRAID_OK)
        throw_status(env, status);
}

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_historyMemory(JNIEnv* env, jclass) {
    braid_chat_history* out = nullptr;
    return handle_result(env, braid_chat_history_memory(&out), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_historyFile(JNIEnv* env, jclass, jstring path) {
    const Utf8 p(env, path);
    braid_chat_history* out = nullptr;
    return handle_result(env, braid_chat_history_file(&out, p.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_historySqlite(JNIEnv* env, jclass, jstring path, jstring session) {
    const Utf8 p(env, path), s(env, session);
    braid_chat_history* out = nullptr;
    return handle_result(env, braid_chat_history_sqlite(&out, p.get(), s.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_historyMessages(JNIEnv* env, jclass, jlong history) {
    char* out = nullptr;
    return string_result(env, braid_chat_history_messages(&out, handle<braid_chat_history>(history)), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_NativeMemory_historyAddMessages(JNIEnv* env, jclass, jlong history,
                                                                      jstring messages) {
    const Utf8 m(env, messages);
    check(env, braid_chat_history_add_messages(handle<braid_chat_history>(history), m.get()));
}

JNIEXPORT void JNICALL Java_dev_braid_NativeMemory_historyClear(JNIEnv* env, jclass, jlong history) {
    check(env, braid_chat_history_clear(handle<braid_chat_history>(history)));
}

JNIEXPORT void JNICALL Java_dev_braid_NativeMemory_historyFree(JNIEnv*, jclass, jlong history) {
    braid_chat_history_free(handle<braid_chat_history>(history));
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_trimMessages(JNIEnv* env, jclass, jstring messages, jstring options) {
    const Utf8 m(env, messages), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_trim_messages(&out, m.get(), o.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_trimMessagesWithTokenizer(JNIEnv* env, jclass, jstring messages,
                                                                                jstring options, jlong tokenizer) {
    const Utf8 m(env, messages), o(env, options);
    char* out = nullptr;
    return string_result(env, braid_trim_messages_with_tokenizer(&out, m.get(), o.get(), handle<braid_tokenizer>(tokenizer)),
                         &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_lastTurns(JNIEnv* env, jclass, jstring messages, jint k,
                                                                jboolean keep_system) {
    const Utf8 m(env, messages);
    if (k < 0) {
        throw_message(env, BRAID_ERROR_INVALID_ARGUMENT, "k must not be negative, got " + std::to_string(k));
        return nullptr;
    }
    char* out = nullptr;
    return string_result(env, braid_last_turns(&out, m.get(), static_cast<uint32_t>(k), keep_system ? 1u : 0u), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_withMessageHistory(JNIEnv* env, jclass, jlong runnable,
                                                                       jstring store, jstring options) {
    const Utf8 s(env, store), o(env, options);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_runnable_with_message_history(&out, handle<braid_runnable>(runnable), s.get(), o.get()),
                         &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_summaryCreate(JNIEnv* env, jclass, jlong model, jlong history,
                                                                  jstring store, jstring options) {
    const Utf8 s(env, store), o(env, options);
    braid_summary_memory* out = nullptr;
    return handle_result(env, braid_summary_memory_create(&out, handle<braid_runnable>(model),
                                                          handle<braid_chat_history>(history), s.get(), o.get()),
                         &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_summaryUpdate(JNIEnv* env, jclass, jlong memory) {
    char* out = nullptr;
    return string_result(env, braid_summary_memory_update(&out, handle<braid_summary_memory>(memory)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_summarySummary(JNIEnv* env, jclass, jlong memory) {
    char* out = nullptr;
    return string_result(env, braid_summary_memory_summary(&out, handle<braid_summary_memory>(memory)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_summaryCovered(JNIEnv* env, jclass, jlong memory) {
    uint64_t count = 0;
    const braid_status status = braid_summary_memory_covered(&count, handle<braid_summary_memory>(memory));
    check(env, status);
    return static_cast<jlong>(count);
}

JNIEXPORT void JNICALL Java_dev_braid_NativeMemory_summaryFree(JNIEnv*, jclass, jlong memory) {
    braid_summary_memory_free(handle<braid_summary_memory>(memory));
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_bufferCreate(JNIEnv* env, jclass, jlong model, jlong history,
                                                                 jstring store, jstring options) {
    const Utf8 s(env, store), o(env, options);
    braid_summary_buffer_memory* out = nullptr;
    return handle_result(env, braid_summary_buffer_memory_create(&out, handle<braid_runnable>(model),
                                                                 handle<braid_chat_history>(history), s.get(), o.get()),
                         &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_bufferPrune(JNIEnv* env, jclass, jlong memory) {
    char* out = nullptr;
    return string_result(env, braid_summary_buffer_memory_prune(&out, handle<braid_summary_buffer_memory>(memory)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_bufferMessages(JNIEnv* env, jclass, jlong memory) {
    char* out = nullptr;
    return string_result(env, braid_summary_buffer_memory_messages(&out, handle<braid_summary_buffer_memory>(memory)),
                         &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_bufferSummary(JNIEnv* env, jclass, jlong memory) {
    char* out = nullptr;
    return string_result(env, braid_summary_buffer_memory_summary(&out, handle<braid_summary_buffer_memory>(memory)),
                         &out);
}

JNIEXPORT void JNICALL Java_dev_braid_NativeMemory_bufferFree(JNIEnv*, jclass, jlong memory) {
    braid_summary_buffer_memory_free(handle<braid_summary_buffer_memory>(memory));
}

JNIEXPORT jlong JNICALL Java_dev_braid_NativeMemory_entityCreate(JNIEnv* env, jclass, jlong model, jlong history,
                                                                 jstring store, jstring options) {
    const Utf8 s(env, store), o(env, options);
    braid_entity_memory* out = nullptr;
    return handle_result(env, braid_entity_memory_create(&out, handle<braid_runnable>(model),
                                                         handle<braid_chat_history>(history), s.get(), o.get()),
                         &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_entityRecall(JNIEnv* env, jclass, jlong memory, jstring input) {
    const Utf8 i(env, input);
    char* out = nullptr;
    return string_result(env, braid_entity_memory_recall(&out, handle<braid_entity_memory>(memory), i.get()), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_NativeMemory_entityRemember(JNIEnv* env, jclass, jlong memory, jstring entities,
                                                                  jstring input) {
    const Utf8 e(env, entities), i(env, input);
    check(env, braid_entity_memory_remember(handle<braid_entity_memory>(memory), e.get(), i.get()));
}

JNIEXPORT jstring JNICALL Java_dev_braid_NativeMemory_entityFacts(JNIEnv* env, jclass, jlong memory) {
    char* out = nullptr;
    return string_result(env, braid_entity_memory_facts(&out, handle<braid_entity_memory>(memory)), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_NativeMemory_entityFree(JNIEnv*, jclass, jlong memory) {
    braid_entity_memory_free(handle<braid_entity_memory>(memory));
}

} // extern "C"
