#include "braid/prompts/prompt_value.hpp"

#include "braid/error.hpp"

namespace braid {

std::string messages_to_text(const Messages& messages, std::string_view human_prefix, std::string_view ai_prefix) {
    std::size_t size = 0;
    for (const Message& m : messages) {
        size += m.content.size() + m.role.size() + 3;
    }
    std::string out;
    out.reserve(size);
    for (const Message& m : messages) {
        if (!out.empty()) {
            out += '\n';
        }
        switch (m.kind()) {
        case Role::system: out += "System"; break;
        case Role::user: out += human_prefix; break;
        case Role::assistant: out += ai_prefix; break;
        case Role::tool: out += "Tool"; break;
        case Role::other: out += m.role; break;
        }
        out += ": ";
        out += m.content;
    }
    return out;
}

const std::string& PromptValue::text() const noexcept {
    static const std::string empty;
    const std::string* text = std::get_if<std::string>(&value_);
    return text != nullptr ? *text : empty;
}

const Messages& PromptValue::messages() const noexcept {
    static const Messages empty;
    const Messages* messages = std::get_if<Messages>(&value_);
    return messages != nullptr ? *messages : empty;
}

std::string PromptValue::to_string() const {
    if (const Messages* messages = std::get_if<Messages>(&value_)) {
        return messages_to_text(*messages);
    }
    return std::get<std::string>(value_);
}

Messages PromptValue::to_messages() const {
    if (const Messages* messages = std::get_if<Messages>(&value_)) {
        return *messages;
    }
    return Messages{Message::user(std::get<std::string>(value_))};
}

void to_json(Value& json, const PromptValue& prompt) {
    if (!prompt.is_chat()) {
        json = prompt.text();
        return;
    }
    json = Value::array();
    for (const Message& m : prompt.messages()) {
        json.push_back(m);
    }
}

void from_json(const Value& json, PromptValue& prompt) {
    if (json.is_string()) {
        prompt = PromptValue(json.get<std::string>());
        return;
    }
    const Value* list = &json;
    if (json.is_object()) {
        const auto found = json.find("messages");
        if (found == json.end()) {
            prompt = PromptValue(Messages{json.get<Message>()});
            return;
        }
        list = &*found;
    }
    if (!list->is_array()) {
        throw Error(errc::parse, std::string("prompt value must be a string, a message or an array of messages, got ") +
                                     list->type_name());
    }
    Messages messages;
    messages.reserve(list->size());
    for (const Value& m : *list) {
        messages.push_back(m.get<Message>());
    }
    prompt = PromptValue(std::move(messages));
}

} // namespace braid
