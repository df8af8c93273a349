#include "braid/prompts/message.hpp"

#include <utility>

#include "braid/error.hpp"

namespace braid {

std::string canonical_role(std::string_view role) {
    if (role.empty()) {
        throw Error(errc::invalid_argument, "message role is empty");
    }
    if (role == "human") {
        return "user";
    }
    if (role == "ai") {
        return "assistant";
    }
    if (role == "function") {
        return "tool";
    }
    return std::string(role);
}

Role role_kind(std::string_view role) noexcept {
    if (role == "system") {
        return Role::system;
    }
    if (role == "user" || role == "human") {
        return Role::user;
    }
    if (role == "assistant" || role == "ai") {
        return Role::assistant;
    }
    if (role == "tool" || role == "function") {
        return Role::tool;
    }
    return Role::other;
}

Message Message::system(std::string content) {
    Message m;
    m.role = "system";
    m.content = std::move(content);
    return m;
}

Message Message::user(std::string content) {
    Message m;
    m.role = "user";
    m.content = std::move(content);
    return m;
}

Message Message::assistant(std::string content, std::vector<ToolCall> tool_calls) {
    Message m;
    m.role = "assistant";
    m.content = std::move(content);
    m.tool_calls = std::move(tool_calls);
    return m;
}

Message Message::tool(std::string content, std::string tool_call_id, std::string name) {
    Message m;
    m.role = "tool";
    m.content = std::move(content);
    m.tool_call_id = std::move(tool_call_id);
    m.name = std::move(name);
    return m;
}

Message Message::with_role(std::string_view role, std::string content) {
    Message m;
    m.role = canonical_role(role);
    m.content = std::move(content);
    return m;
}

// ---- chunks ---------------------------------------------------------------------------------------

namespace {

// Merges response metadata: objects key by key (recursively), anything else from @p next replaces.
void merge_metadata(Value& into, const Value& next) {
    if (next.is_null())
        return;
    if (!into.is_object() || !next.is_object()) {
        into = next;
        return;
    }
    for (auto it = next.begin(); it != next.end(); ++it)
        merge_metadata(into[it.key()], it.value());
}

} // namespace

MessageChunk& MessageChunk::operator+=(const MessageChunk& next) {
    if (role.empty()) {
        role = next.role;
    }
    if (tool_call_id.empty()) {
        tool_call_id = next.tool_call_id;
    }
    if (name.empty()) {
        name = next.name;
    }
    content += next.content;
    reasoning_content += next.reasoning_content;
    merge_metadata(response_metadata, next.response_metadata);
    for (const ToolCallChunk& piece : next.tool_call_chunks) {
        ToolCallChunk* same = nullptr;
        if (piece.index) {
            for (ToolCallChunk& existing : tool_call_chunks) {
                if (existing.index == piece.index) {
                    same = &existing;
                    break;
                }
            }
        }
        if (same == nullptr) {
            tool_call_chunks.push_back(piece);
            continue;
        }
        // A model sends the id and name once, then only argument text: keep the first ones.
        if (same->id.empty()) {
            same->id = piece.id;
        }
        if (same->name.empty()) {
            same->name = piece.name;
        }
        same->arguments += piece.arguments;
    }
    return *this;
}

namespace {

Value parse_arguments(const std::string& text, const std::string& tool_name) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Value::object();
    }
    try {
        return Value::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error(errc::tool, "tool call '" + tool_name + "': arguments are not valid JSON (" +
                                    e.what() + "): " + text.substr(0, 200));
    }
}

} // namespace

Message MessageChunk::to_message() const {
    Message m;
    m.role = role.empty() ? std::string("assistant") : canonical_role(role);
    m.content = content;
    m.tool_call_id = tool_call_id;
    m.name = name;
    m.reasoning_content = reasoning_content;
    m.response_metadata = response_metadata;
    m.tool_calls.reserve(tool_call_chunks.size());
    for (const ToolCallChunk& piece : tool_call_chunks) {
        m.tool_calls.push_back(ToolCall{piece.id, piece.name, parse_arguments(piece.arguments, piece.name)});
    }
    return m;
}

MessageChunk MessageChunk::from_message(const Message& message) {
    MessageChunk c;
    c.role = message.role;
    c.content = message.content;
    c.tool_call_id = message.tool_call_id;
    c.name = message.name;
    c.reasoning_content = message.reasoning_content;
    c.response_metadata = message.response_metadata;
    for (std::size_t i = 0; i < message.tool_calls.size(); ++i) {
        const ToolCall& call = message.tool_calls[i];
        c.tool_call_chunks.push_back(ToolCallChunk{i, call.id, call.name, call.arguments.dump()});
    }
    return c;
}

// ---- JSON -----------------------------------------------------------------------------------------

namespace {

const Value* field(const Value& json, const char* key) {
    auto it = json.find(key);
    return it == json.end() ? nullptr : &*it;
}

std::string string_field(const Value& json, const char* key, const char* what, bool required) {
    const Value* v = field(json, key);
    if (v == nullptr || v->is_null()) {
        if (required) {
            throw Error(errc::parse, std::string(what) + ": missing \"" + key + "\"");
        }
        return {};
    }
    if (!v->is_string()) {
        throw Error(errc::parse, std::string(what) + ": \"" + key + "\" must be a string, got " + v->type_name());
    }
    return v->get<std::string>();
}

bool has_metadata(const Value& metadata) {
    return !metadata.is_null() && !(metadata.is_object() && metadata.empty());
}

// "response_metadata": absent or null (null), or an object.
Value metadata_field(const Value& json, const char* what) {
    const Value* v = field(json, "response_metadata");
    if (v == nullptr || v->is_null()) {
        return Value();
    }
    if (!v->is_object()) {
        throw Error(errc::parse, std::string(what) + ": \"response_metadata\" must be an object, got " + v->type_name());
    }
    return *v;
}

void require_object(const Value& json, const char* what) {
    if (!json.is_object()) {
        throw Error(errc::parse, std::string(what) + " must be a JSON object, got " + json.type_name());
    }
}

} // namespace

void to_json(Value& json, const ToolCall& call) {
    json = Value::object();
    json["id"] = call.id;
    json["type"] = "function";
    Value function = Value::object();
    function["name"] = call.name;
    function["arguments"] = call.arguments;
    json["function"] = std::move(function);
}

void from_json(const Value& json, ToolCall& call) {
    require_object(json, "tool call");
    call.id = string_field(json, "id", "tool call", false);
    const Value* holder = &json;
    if (const Value* function = field(json, "function")) {
        require_object(*function, "tool call \"function\"");
        holder = function;
    }
    call.name = string_field(*holder, "name", "tool call", true);
    const Value* args = field(*holder, "arguments");
    if (args == nullptr || args->is_null()) {
        call.arguments = Value::object();
    } else if (args->is_string()) {
        call.arguments = parse_arguments(args->get<std::string>(), call.name);
    } else {
        call.arguments = *args;
    }
}

void to_json(Value& json, const Message& message) {
    json = Value::object();
    json["role"] = message.role;
    json["content"] = message.content;
    if (!message.name.empty()) {
        json["name"] = message.name;
    }
    if (!message.tool_calls.empty()) {
        Value calls = Value::array();
        for (const ToolCall& call : message.tool_calls) {
            calls.push_back(call);
        }
        json["tool_calls"] = std::move(calls);
    }
    if (!message.tool_call_id.empty()) {
        json["tool_call_id"] = message.tool_call_id;
    }
    if (!message.reasoning_content.empty()) {
        json["reasoning_content"] = message.reasoning_content;
    }
    if (has_metadata(message.response_metadata)) {
        json["response_metadata"] = message.response_metadata;
    }
}

void from_json(const Value& json, Message& message) {
    if (json.is_string()) {
        message = Message::user(json.get<std::string>());
        return;
    }
    if (!json.is_object())
        throw Error(errc::parse, std::string("a message must be a text or a JSON object, got ") + json.type_name());
    Message m;
    m.role = canonical_role(string_field(json, "role", "message", true));
    if (const Value* content = field(json, "content"); content != nullptr && !content->is_null()) {
        if (content->is_string()) {
            m.content = content->get<std::string>();
        } else if (content->is_array()) {
            for (const Value& part : *content) {
                if (part.is_string()) {
                    m.content += part.get<std::string>();
                    continue;
                }
                require_object(part, "message content part");
                const std::string type = string_field(part, "type", "message content part", true);
                if (type != "text") {
                    throw Error(errc::unsupported, "message content part of type '" + type +
                                                       "' is not supported (only text)");
                }
                m.content += string_field(part, "text", "message content part", true);
            }
        } else {
            throw Error(errc::parse, std::string("message: \"content\" must be a string, an array of parts or "
                                                 "null, got ") + content->type_name());
        }
    }
    if (const Value* calls = field(json, "tool_calls"); calls != nullptr && !calls->is_null()) {
        if (!calls->is_array()) {
            throw Error(errc::parse, std::string("message: \"tool_calls\" must be an array, got ") +
                                         calls->type_name());
        }
        m.tool_calls.reserve(calls->size());
        for (const Value& call : *calls) {
            m.tool_calls.push_back(call.get<ToolCall>());
        }
    }
    m.tool_call_id = string_field(json, "tool_call_id", "message", false);
    m.name = string_field(json, "name", "message", false);
    m.reasoning_content = string_field(json, "reasoning_content", "message", false);
    m.response_metadata = metadata_field(json, "message");
    message = std::move(m);
}

void to_json(Value& json, const MessageChunk& chunk) {
    json = Value::object();
    if (!chunk.role.empty()) {
        json["role"] = chunk.role;
    }
    json["content"] = chunk.content;
    if (!chunk.reasoning_content.empty()) {
        json["reasoning_content"] = chunk.reasoning_content;
    }
    if (!chunk.name.empty()) {
        json["name"] = chunk.name;
    }
    if (!chunk.tool_call_chunks.empty()) {
        Value pieces = Value::array();
        for (const ToolCallChunk& piece : chunk.tool_call_chunks) {
            Value p = Value::object();
            if (piece.index) {
                p["index"] = *piece.index;
            }
            if (!piece.id.empty()) {
                p["id"] = piece.id;
            }
            if (!piece.name.empty()) {
                p["name"] = piece.name;
            }
            p["arguments"] = piece.arguments;
            pieces.push_back(std::move(p));
        }
        json["tool_call_chunks"] = std::move(pieces);
    }
    if (!chunk.tool_call_id.empty()) {
        json["tool_call_id"] = chunk.tool_call_id;
    }
    if (has_metadata(chunk.response_metadata)) {
        json["response_metadata"] = chunk.response_metadata;
    }
}

void from_json(const Value& json, MessageChunk& chunk) {
    if (json.is_string()) {
        chunk = MessageChunk{};
        chunk.content = json.get<std::string>();
        return;
    }
    if (!json.is_object())
        throw Error(errc::parse, std::string("a message chunk must be a text or a JSON object, got ") + json.type_name());
    MessageChunk c;
    c.role = string_field(json, "role", "message chunk", false);
    c.content = string_field(json, "content", "message chunk", false);
    c.name = string_field(json, "name", "message chunk", false);
    c.tool_call_id = string_field(json, "tool_call_id", "message chunk", false);
    c.reasoning_content = string_field(json, "reasoning_content", "message chunk", false);
    c.response_metadata = metadata_field(json, "message chunk");
    if (const Value* pieces = field(json, "tool_call_chunks"); pieces != nullptr && !pieces->is_null()) {
        if (!pieces->is_array()) {
            throw Error(errc::parse, "message chunk: \"tool_call_chunks\" must be an array");
        }
        for (const Value& p : *pieces) {
            require_object(p, "tool call chunk");
            ToolCallChunk piece;
            if (const Value* index = field(p, "index"); index != nullptr && !index->is_null()) {
                if (!index->is_number_unsigned() && !(index->is_number_integer() && index->get<long long>() >= 0)) {
                    throw Error(errc::parse, "tool call chunk: \"index\" must be a non-negative integer");
                }
                piece.index = index->get<std::size_t>();
            }
            piece.id = string_field(p, "id", "tool call chunk", false);
            piece.name = string_field(p, "name", "tool call chunk", false);
            piece.arguments = string_field(p, "arguments", "tool call chunk", false);
            c.tool_call_chunks.push_back(std::move(piece));
        }
    }
    chunk = std::move(c);
}

} // namespace braid
