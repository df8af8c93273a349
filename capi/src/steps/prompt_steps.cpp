#include "prompt_steps.hpp"

#include "../json_io.hpp"

namespace braid::capi {

namespace {

PartialValues partial_values(const Value& partial, const std::string& what) {
    PartialValues values;
    if (partial.is_null())
        return values;
    require_object(partial, what);
    for (const auto& item : partial.items())
        values.emplace(item.key(), PartialValue(item.value()));
    return values;
}

class TextPromptStep final : public PromptStep {
public:
    explicit TextPromptStep(PromptTemplate prompt) : prompt_(std::move(prompt)) {}
    Value invoke(const Value& input, const RunContext&) const override { return Value(prompt_.format(input)); }
    std::string name() const override { return "PromptTemplate"; }
    std::vector<std::string> input_variables() const override { return prompt_.input_variables(); }

private:
    PromptTemplate prompt_;
};

class ChatPromptStep final : public PromptStep {
public:
    explicit ChatPromptStep(ChatPromptTemplate prompt) : prompt_(std::move(prompt)) {}
    Value invoke(const Value& input, const RunContext&) const override { return Value(prompt_.format_messages(input)); }
    std::string name() const override { return "ChatPromptTemplate"; }
    std::vector<std::string> input_variables() const override { return prompt_.input_variables(); }

private:
    ChatPromptTemplate prompt_;
};

std::string text_field(const Value& object, const char* key, const std::string& where) {
    const auto found = object.find(key);
    if (found == object.end() || !found->is_string())
        throw Error(errc::invalid_argument, where + "." + key + " must be a string");
    return found->get<std::string>();
}

ChatPromptTemplate::Part part_of(const Value& part, const std::string& where) {
    if (part.is_array()) {
        if (part.size() != 2 || !part[0].is_string() || !part[1].is_string())
            throw Error(errc::invalid_argument, where + " must be [role, template] (two strings), got " + dump_json(part));
        return {part[0].get<std::string>(), part[1].get<std::string>()};
    }
    if (!part.is_object())
        throw Error(errc::invalid_argument, where + " must be [role, template] or an object, got " +
                                                std::string(part.type_name()));
    if (part.contains("placeholder")) {
        reject_unknown_keys(part, {"placeholder", "optional"}, where);
        const auto optional = part.find("optional");
        if (optional != part.end() && !optional->is_boolean())
            throw Error(errc::invalid_argument, where + ".optional must be true or false");
        return MessagesPlaceholder(text_field(part, "placeholder", where), optional != part.end() && optional->get<bool>());
    }
    if (part.contains("message")) {
        reject_unknown_keys(part, {"message"}, where);
        return part["message"].get<Message>();
    }
    reject_unknown_keys(part, {"role", "content"}, where);
    return {text_field(part, "role", where), text_field(part, "content", where)};
}

} // namespace

AnyRunnable make_prompt_template(const std::string& text, const Value& partial) {
    PromptTemplate prompt(text);
    if (!partial.is_null())
        prompt = prompt.partial(partial_values(partial, "partial"));
    return AnyRunnable(std::make_shared<TextPromptStep>(std::move(prompt)));
}

AnyRunnable make_chat_prompt(const Value& parts, const Value& partial) {
    if (!parts.is_array())
        throw Error(errc::invalid_argument, "the chat prompt's messages must be a JSON array, got " +
                                                std::string(parts.type_name()));
    std::vector<ChatPromptTemplate::Part> list;
    for (std::size_t i = 0; i < parts.size(); ++i)
        list.push_back(part_of(parts[i], "messages[" + std::to_string(i) + "]"));
    ChatPromptTemplate prompt = ChatPromptTemplate::from_messages(std::move(list));
    if (!partial.is_null())
        prompt = prompt.partial(partial_values(partial, "partial"));
    return AnyRunnable(std::make_shared<ChatPromptStep>(std::move(prompt)));
}

} // namespace braid::capi
