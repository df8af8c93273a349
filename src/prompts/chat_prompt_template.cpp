#include "braid/prompts/chat_prompt_template.hpp"

#include <algorithm>

#include "braid/error.hpp"
#include "braid/prompts/prompt_step.hpp"

namespace braid {

namespace {

constexpr std::string_view owner = "chat prompt template";

void add_unique(std::vector<std::string>& names, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
    }
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// "prompt template: missing ..." → "missing ...": the caller adds which part failed.
std::string strip_owner(const char* message) {
    std::string_view text(message);
    constexpr std::string_view prefix = "prompt template: ";
    if (text.substr(0, prefix.size()) == prefix) {
        text.remove_prefix(prefix.size());
    }
    return std::string(text);
}

Message placeholder_item(const Value& item, const std::string& variable, std::size_t index) {
    const std::string where =
        std::string(owner) + ": placeholder '" + variable + "' item " + std::to_string(index) + ": ";
    if (item.is_string()) {
        return Message::user(item.get<std::string>());
    }
    if (item.is_array()) {
        if (item.size() != 2 || !item[0].is_string() || !item[1].is_string()) {
            throw Error(errc::invalid_argument, where + "a pair must be [role, content] strings");
        }
        return Message::with_role(item[0].get_ref<const std::string&>(), item[1].get<std::string>());
    }
    try {
        return item.get<Message>();
    } catch (const Error& e) {
        throw Error(e.kind(), where + e.what());
    }
}

} // namespace

ChatPromptTemplate::Part::Part(std::string_view role, std::string_view template_text) {
    const std::string canonical = canonical_role(role);
    if (canonical == "placeholder") {
        // ("placeholder", "{history}") is an optional MessagesPlaceholder.
        const PromptTemplate parsed(template_text);
        if (parsed.input_variables().size() != 1 || template_text != "{" + parsed.input_variables()[0] + "}") {
            throw Error(errc::template_error, std::string(owner) + ": a \"placeholder\" part must be exactly "
                                                                   "'{variable}', got '" +
                                                  std::string(template_text) + "'");
        }
        part_ = MessagesPlaceholder(parsed.input_variables()[0], true);
        return;
    }
    part_ = Templated{canonical, PromptTemplate(template_text)};
}

ChatPromptTemplate::Part::Part(Message message) : part_(std::move(message)) {}

ChatPromptTemplate::Part::Part(MessagesPlaceholder placeholder) {
    if (placeholder.variable_name.empty()) {
        throw Error(errc::invalid_argument, std::string(owner) + ": a messages placeholder needs a variable name");
    }
    part_ = std::move(placeholder);
}

ChatPromptTemplate::Part::Part(std::shared_ptr<const MessagesTemplate> nested) {
    if (!nested) {
        throw Error(errc::invalid_argument, std::string(owner) + ": a nested messages template is null");
    }
    part_ = std::move(nested);
}

ChatPromptTemplate::ChatPromptTemplate() { bind_step(); }

void ChatPromptTemplate::bind_step() { detail::bind_prompt_step(*this, "ChatPromptTemplate"); }

ChatPromptTemplate ChatPromptTemplate::from_messages(std::vector<Part> parts) {
    ChatPromptTemplate t;
    t.parts_ = std::move(parts);
    for (const Part& part : t.parts_) {
        if (const auto* templated = std::get_if<Part::Templated>(&part.part_)) {
            for (const std::string& v : templated->content.input_variables()) {
                add_unique(t.required_, v);
            }
        } else if (const auto* placeholder = std::get_if<MessagesPlaceholder>(&part.part_)) {
            add_unique(placeholder->optional ? t.optional_ : t.required_, placeholder->variable_name);
        } else if (const auto* nested = std::get_if<std::shared_ptr<const MessagesTemplate>>(&part.part_)) {
            for (const std::string& v : (*nested)->required_variables()) {
                add_unique(t.required_, v);
            }
        }
    }
    // A variable both required somewhere and optional elsewhere is required.
    std::erase_if(t.optional_, [&](const std::string& v) { return contains(t.required_, v); });
    t.all_variables_ = t.required_;
    for (const std::string& v : t.optional_) {
        t.all_variables_.push_back(v);
    }
    t.bind_step();
    return t;
}

ChatPromptTemplate ChatPromptTemplate::from_template(std::string_view template_text) {
    return from_messages({Part("user", template_text)});
}

namespace {

std::string text_field(const Value& object, const char* key, const std::string& where) {
    const auto found = object.find(key);
    if (found == object.end() || !found->is_string()) {
        throw Error(errc::invalid_argument, where + "." + key + " must be a string");
    }
    return found->get<std::string>();
}

// Error(errc::invalid_argument) when @p part has a key other than @p a and @p b.
void only_keys(const Value& part, std::string_view a, std::string_view b, const std::string& where) {
    for (const auto& item : part.items()) {
        if (item.key() != a && item.key() != b) {
            throw Error(errc::invalid_argument, where + " has an unknown key '" + item.key() + "' (known: " +
                                                    std::string(a) + (b.empty() ? "" : ", " + std::string(b)) + ")");
        }
    }
}

ChatPromptTemplate::Part part_of(const Value& part, const std::string& where) {
    if (part.is_array()) {
        if (part.size() != 2 || !part[0].is_string() || !part[1].is_string()) {
            throw Error(errc::invalid_argument, where + " must be [role, template] (two strings), got " + part.dump());
        }
        return {part[0].get<std::string>(), part[1].get<std::string>()};
    }
    if (!part.is_object()) {
        throw Error(errc::invalid_argument, where + " must be [role, template] or an object, got " +
                                                std::string(part.type_name()));
    }
    if (part.contains("placeholder")) {
        only_keys(part, "placeholder", "optional", where);
        const auto optional = part.find("optional");
        if (optional != part.end() && !optional->is_boolean()) {
            throw Error(errc::invalid_argument, where + ".optional must be true or false");
        }
        return MessagesPlaceholder(text_field(part, "placeholder", where),
                                   optional != part.end() && optional->get<bool>());
    }
    if (part.contains("message")) {
        only_keys(part, "message", "", where);
        return part["message"].get<Message>();
    }
    only_keys(part, "role", "content", where);
    return {text_field(part, "role", where), text_field(part, "content", where)};
}

} // namespace

ChatPromptTemplate ChatPromptTemplate::from_json(const Value& parts) {
    if (!parts.is_array()) {
        throw Error(errc::invalid_argument, "the chat prompt's messages must be a JSON array, got " +
                                                std::string(parts.type_name()));
    }
    std::vector<Part> list;
    list.reserve(parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
        list.push_back(part_of(parts[i], "messages[" + std::to_string(i) + "]"));
    }
    return from_messages(std::move(list));
}

ChatPromptTemplate ChatPromptTemplate::partial(PartialValues values) const {
    ChatPromptTemplate t = *this;
    for (auto& [name, value] : values) {
        if (!contains(all_variables_, name)) {
            throw Error(errc::invalid_argument,
                        std::string(owner) + ": partial variable '" + name + "' is not a variable of the prompt");
        }
        if (const auto* fn = std::get_if<std::function<Value()>>(&value); fn != nullptr && !*fn) {
            throw Error(errc::invalid_argument,
                        std::string(owner) + ": partial variable '" + name + "' is bound to an empty function");
        }
        t.partials_.insert_or_assign(name, std::move(value));
    }
    auto is_partial = [&](const std::string& v) { return t.partials_.find(v) != t.partials_.end(); };
    std::erase_if(t.required_, is_partial);
    std::erase_if(t.optional_, is_partial);
    t.bind_step();
    return t;
}

Messages ChatPromptTemplate::format_messages(const Value& variables) const {
    Messages out;
    out.reserve(parts_.size());
    format_messages_to(out, variables);
    return out;
}

void ChatPromptTemplate::format_messages_to(Messages& out, const Value& variables) const {
    if (!variables.is_object()) {
        throw Error(errc::invalid_argument, std::string(owner) + ": input must be a JSON object of variables, got " +
                                                variables.type_name());
    }
    if (partials_.empty()) {
        format_unmerged(out, variables);
        return;
    }
    Value merged = variables;
    for (const auto& [name, value] : partials_) {
        if (merged.contains(name)) {
            continue;
        }
        if (const Value* fixed = std::get_if<Value>(&value)) {
            merged[name] = *fixed;
        } else {
            merged[name] = std::get<std::function<Value()>>(value)();
        }
    }
    format_unmerged(out, merged);
}

void ChatPromptTemplate::format_unmerged(Messages& out, const Value& variables) const {
    for (std::size_t index = 0; index < parts_.size(); ++index) {
        const auto& part = parts_[index].part_;
        if (const auto* templated = std::get_if<Part::Templated>(&part)) {
            Message m;
            m.role = templated->role;
            try {
                templated->content.format_to(m.content, variables);
            } catch (const Error& e) {
                throw Error(e.kind(), std::string(owner) + ", part " + std::to_string(index) + " (" +
                                          templated->role + "): " + strip_owner(e.what()));
            }
            out.push_back(std::move(m));
        } else if (const auto* fixed = std::get_if<Message>(&part)) {
            out.push_back(*fixed);
        } else if (const auto* placeholder = std::get_if<MessagesPlaceholder>(&part)) {
            auto it = variables.find(placeholder->variable_name);
            if (it == variables.end() || it->is_null()) {
                if (placeholder->optional) {
                    continue;
                }
                throw Error(errc::not_found, std::string(owner) + ": missing variable '" +
                                                 placeholder->variable_name + "' (messages placeholder, part " +
                                                 std::to_string(index) + ")");
            }
            if (!it->is_array()) {
                throw Error(errc::invalid_argument, std::string(owner) + ": placeholder '" +
                                                        placeholder->variable_name +
                                                        "' must be an array of messages, got " + it->type_name());
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                out.push_back(placeholder_item((*it)[i], placeholder->variable_name, i));
            }
        } else {
            std::get<std::shared_ptr<const MessagesTemplate>>(part)->format_messages_to(out, variables);
        }
    }
}

} // namespace braid
