#include "content.hpp"

#include "braid/error.hpp"

namespace braid::capi {

std::string text_of(const Value& answer, std::string_view step) {
    if (answer.is_string())
        return answer.get<std::string>();
    if (answer.is_object()) {
        const auto content = answer.find("content");
        if (content != answer.end() && content->is_string())
            return content->get<std::string>();
        if (content != answer.end() && content->is_null())
            return {};
        if (content == answer.end() && answer.contains("role"))
            return {};
    }
    throw Error(errc::validation, std::string(step) + " expects a text or a message, got " +
                                      std::string(answer.type_name()));
}

Messages messages_of(const Value& prompt, std::string_view step) {
    const auto message = [&](const Value& item) {
        return item.is_string() ? Message::user(item.get<std::string>()) : item.get<Message>();
    };
    if (prompt.is_string())
        return {Message::user(prompt.get<std::string>())};
    const Value* list = &prompt;
    if (prompt.is_object()) {
        const auto messages = prompt.find("messages");
        if (messages == prompt.end())
            return {message(prompt)};
        list = &*messages;
    }
    if (!list->is_array())
        throw Error(errc::validation, std::string(step) + " expects a prompt (a text, a message or an array of "
                                                          "messages), got " + std::string(prompt.type_name()));
    Messages result;
    result.reserve(list->size());
    for (const Value& item : *list)
        result.push_back(message(item));
    return result;
}

GenerationOptions generation_options_of(const Value& configurable) {
    static constexpr std::string_view keys[] = {"temperature",       "top_p",          "top_k",
                                                "min_p",             "typical_p",      "repeat_penalty",
                                                "frequency_penalty", "presence_penalty", "max_tokens",
                                                "seed",              "stop",           "tools",
                                                "tool_choice",       "response_format", "extra"};
    if (!configurable.is_object() || configurable.empty())
        return {};
    Value chosen = Value::object();
    for (std::string_view key : keys) {
        const auto found = configurable.find(std::string(key));
        if (found != configurable.end())
            chosen[std::string(key)] = *found;
    }
    return chosen.empty() ? GenerationOptions{} : chosen.get<GenerationOptions>();
}

} // namespace braid::capi
