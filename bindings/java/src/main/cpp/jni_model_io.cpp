// Native methods of dev.braid.Native for prompts, parsers, messages and the fake chat model.
#include "jni_util.hpp"

using namespace braid::jni;

namespace {

braid_json_parser_options json_options(jboolean allow_partial, jint max_depth) {
    braid_json_parser_options o = BRAID_JSON_PARSER_OPTIONS_INIT;
    o.allow_partial = allow_partial ? 1u : 0u;
    o.max_depth = max_depth < 0 ? 0u : static_cast<uint32_t>(max_depth);
    return o;
}

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_dev_braid_Native_promptTemplate(JNIEnv* env, jclass, jstring text, jstring partial) {
    const Utf8 t(env, text), p(env, partial);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_prompt_template(&out, t.get(), p.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_chatPromptTemplate(JNIEnv* env, jclass, jstring messages, jstring partial) {
    const Utf8 m(env, messages), p(env, partial);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_chat_prompt_template(&out, m.get(), p.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_promptVariables(JNIEnv* env, jclass, jlong prompt) {
    char* out = nullptr;
    return string_result(env, braid_prompt_variables(&out, handle<braid_runnable>(prompt)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_parserStr(JNIEnv* env, jclass) {
    braid_runnable* out = nullptr;
    return handle_result(env, braid_parser_str(&out), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_parserJson(JNIEnv* env, jclass, jboolean allow_partial, jint max_depth) {
    const braid_json_parser_options o = json_options(allow_partial, max_depth);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_parser_json(&out, &o), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_parserList(JNIEnv* env, jclass, jint style) {
    braid_runnable* out = nullptr;
    return handle_result(env, braid_parser_list(&out, static_cast<braid_list_style>(style)), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_parserStructured(JNIEnv* env, jclass, jstring schema, jboolean allow_partial,
                                                               jint max_depth) {
    const Utf8 s(env, schema);
    const braid_json_parser_options o = json_options(allow_partial, max_depth);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_parser_structured(&out, s.get(), &o), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_parserXml(JNIEnv* env, jclass, jstring tags) {
    const Utf8 t(env, tags);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_parser_xml(&out, t.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_parserFormatInstructions(JNIEnv* env, jclass, jlong parser) {
    char* out = nullptr;
    return string_result(env, braid_parser_format_instructions(&out, handle<braid_runnable>(parser)), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_messagesNormalize(JNIEnv* env, jclass, jstring messages) {
    const Utf8 m(env, messages);
    char* out = nullptr;
    return string_result(env, braid_messages_normalize(&out, m.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_messagesToText(JNIEnv* env, jclass, jstring messages, jstring human,
                                                               jstring ai) {
    const Utf8 m(env, messages), h(env, human), a(env, ai);
    char* out = nullptr;
    return string_result(env, braid_messages_to_text(&out, m.get(), h.get(), a.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_messageChunksConcat(JNIEnv* env, jclass, jstring chunks) {
    const Utf8 c(env, chunks);
    char* out = nullptr;
    return string_result(env, braid_message_chunks_concat(&out, c.get()), &out);
}

JNIEXPORT jlong JNICALL Java_dev_braid_Native_fakeChatModel(JNIEnv* env, jclass, jstring config) {
    const Utf8 c(env, config);
    braid_runnable* out = nullptr;
    return handle_result(env, braid_fake_chat_model(&out, c.get()), &out);
}

JNIEXPORT jstring JNICALL Java_dev_braid_Native_fakeChatModelCalls(JNIEnv* env, jclass, jlong model) {
    char* out = nullptr;
    return string_result(env, braid_fake_chat_model_calls(&out, handle<braid_runnable>(model)), &out);
}

JNIEXPORT void JNICALL Java_dev_braid_Native_fakeChatModelReset(JNIEnv* env, jclass, jlong model) {
    const braid_status status = braid_fake_chat_model_reset(handle<braid_runnable>(model));
    if (status != BRAID_OK)
        throw_status(env, status);
}

} // extern "C"
