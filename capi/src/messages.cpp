// The C functions of braid/messages.h.
#include "handles.hpp"
#include "json_io.hpp"
#include "braid/messages.h"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"

using namespace braid;
using namespace braid::capi;

namespace {

const Value& require_array(const Value& value, const char* what) {
    if (!value.is_array())
        throw Error(errc::invalid_argument, std::string(what) + " must be a JSON array, got " + value.type_name());
    return value;
}

} // namespace

extern "C" {

braid_status braid_messages_normalize(char** out_json, const char* messages_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const Value given = parse_json(messages_json, "messages_json");
        if (given.is_object())
            put_string(out_json, dump_json(Value(given.get<Message>())));
        else
            put_string(out_json, dump_json(Value(require_array(given, "messages_json").get<Messages>())));
    });
}

braid_status braid_messages_to_text(char** out_text, const char* messages_json, const char* human_prefix,
                                    const char* ai_prefix) {
    return guard([&] {
        out_param(out_text, "out_text");
        const Value given = parse_json(messages_json, "messages_json");
        const Messages messages = require_array(given, "messages_json").get<Messages>();
        put_string(out_text, messages_to_text(messages, human_prefix ? human_prefix : "Human", ai_prefix ? ai_prefix : "AI"));
    });
}

braid_status braid_message_chunks_concat(char** out_json, const char* chunks_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const Value given = parse_json(chunks_json, "chunks_json");
        MessageChunk total;
        for (const Value& chunk : require_array(given, "chunks_json"))
            total += chunk.get<MessageChunk>();
        put_string(out_json, dump_json(Value(total.to_message())));
    });
}

} // extern "C"
