#include "models/local/request_grammar.hpp"

#include "braid/engine/json_schema.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/error.hpp"

namespace braid::local_detail {

namespace {

// The start rule of a tool-call grammar (the schema's own rules keep their names; "root" is the call).
constexpr const char* call_root = "braid-tool-call";

// A GBNF string literal of @p text.
std::string literal(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += c;
        }
    }
    return out + '"';
}

std::string compile_schema(const Value& schema, bool closed_objects, engine::JsonPropertyOrder order) {
    engine::JsonSchemaOptions o;
    o.additional_properties_default = !closed_objects;
    o.property_order = order;
    return engine::json_schema_to_gbnf(schema, o);
}

// A tool definition's function name and parameters schema (OpenAI's nested form or the flat one).
std::pair<std::string, Value> tool_signature(const Value& tool, std::size_t index) {
    const Value& f = tool.is_object() && tool.contains("function") ? tool["function"] : tool;
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string())
        throw Error(errc::invalid_argument, "tools[" + std::to_string(index) + "]: a tool definition needs a function name, got " +
                                                tool.dump());
    Value parameters = f.contains("parameters") && !f["parameters"].is_null() ? f["parameters"] : Value{{"type", "object"}};
    return {f["name"].get<std::string>(), std::move(parameters)};
}

// The tools a call may name: all bound ones, or the one tool_choice names.
Value callable_tools(const GenerationOptions& o) {
    if (!o.tool_choice.is_object())
        return o.tools;
    const Value& f = o.tool_choice.contains("function") ? o.tool_choice["function"] : o.tool_choice;
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string())
        throw Error(errc::invalid_argument, "tool_choice must be \"auto\", \"none\", \"required\" or "
                                            "{\"type\": \"function\", \"function\": {\"name\": ...}}, got " + o.tool_choice.dump());
    const std::string wanted = f["name"].get<std::string>();
    for (std::size_t i = 0; i < o.tools.size(); ++i)
        if (tool_signature(o.tools[i], i).first == wanted)
            return Value::array({o.tools[i]});
    throw Error(errc::invalid_argument, "tool_choice names tool \"" + wanted + "\", which is not among the bound tools");
}

// How a family writes one call: text before the JSON object, the arguments key, text after, and the
// marker that starts a call (the lazy trigger).
struct CallShape {
    std::string before, arguments_key, after, trigger;
};

std::optional<CallShape> call_shape(ToolCallFormat format) {
    switch (format) {
    case ToolCallFormat::hermes: return CallShape{"<tool_call>\n", "arguments", "\n</tool_call>", "<tool_call>"};
    case ToolCallFormat::llama3: return CallShape{"", "parameters", "", "{\"name\""};
    case ToolCallFormat::mistral_nemo: return CallShape{"[TOOL_CALLS][", "arguments", "]", "[TOOL_CALLS]"};
    case ToolCallFormat::generic: return CallShape{"", "arguments", "", "{\"name\""};
    default: return std::nullopt; // functionary, glm4, qwen3_coder: calls are not JSON objects
    }
}

std::optional<GrammarSpec> tool_grammar(const GenerationOptions& o, const ToolCallSyntax& syntax,
                                        const engine::Model& model) {
    const bool none = o.tool_choice.is_string() && o.tool_choice.get<std::string>() == "none";
    if (!o.tools.is_array() || o.tools.empty() || none)
        return std::nullopt;
    const bool forced = o.tool_choice.is_object() ||
                        (o.tool_choice.is_string() && o.tool_choice.get<std::string>() == "required");
    const std::optional<CallShape> shape = call_shape(syntax.format);
    if (!shape) {
        if (forced)
            throw Error(errc::unsupported, "tool_choice " + o.tool_choice.dump() + ": braid has no call grammar for the " +
                                               std::string(to_string(syntax.format)) + " tool-call format");
        return std::nullopt;
    }
    // One schema for "a call of any callable tool": the name is a const, the arguments its parameters.
    Value any_of = Value::array();
    const Value tools = callable_tools(o);
    for (std::size_t i = 0; i < tools.size(); ++i) {
        auto [name, parameters] = tool_signature(tools[i], i);
        any_of.push_back(Value{{"type", "object"},
                               {"properties", {{"name", {{"const", name}}}, {shape->arguments_key, parameters}}},
                               {"required", {"name", shape->arguments_key}},
                               {"additionalProperties", false}});
    }
    const Value schema = any_of.size() == 1 ? any_of[0] : Value{{"anyOf", any_of}};
    GrammarSpec spec;
    spec.root = call_root;
    spec.gbnf = compile_schema(schema, true, engine::JsonPropertyOrder::schema) + "\n" + call_root + " ::= " +
                (shape->before.empty() ? "" : literal(shape->before) + " ") + "root" +
                (shape->after.empty() ? "" : " " + literal(shape->after)) + "\n";
    if (!forced) {
        spec.matcher.lazy = true;
        // A marker the vocabulary holds as one control token triggers as that token (when the token's
        // text is the marker, so that the grammar starts from it), else as text.
        const std::vector<engine::TokenId> ids = model.tokenizer().tokenize(shape->trigger, false, true);
        if (ids.size() == 1 && model.tokenizer().is_control(ids.front()) &&
            engine::token_index(model)->piece(ids.front()) == shape->trigger)
            spec.matcher.triggers.tokens.push_back(ids.front());
        else
            spec.matcher.triggers.words.push_back(shape->trigger);
    }
    return spec;
}

} // namespace

std::optional<Value> response_schema(const Value& format) {
    if (format.is_null())
        return std::nullopt;
    if (!format.is_object())
        throw Error(errc::invalid_argument, std::string("response_format must be an object, got ") + format.type_name());
    const auto type = format.find("type");
    if (type != format.end() && type->is_string()) {
        const std::string t = type->get<std::string>();
        if (t == "text")
            return std::nullopt;
        if (t == "json_object")
            return Value{{"type", "object"}};
        if (t == "json_schema") {
            const auto js = format.find("json_schema");
            if (js == format.end() || !js->is_object() || !js->contains("schema") ||
                !((*js)["schema"].is_object() || (*js)["schema"].is_boolean()))
                throw Error(errc::invalid_argument, "response_format json_schema needs {\"json_schema\": {\"schema\": {...}}}, got " +
                                                        format.dump());
            return (*js)["schema"];
        }
    }
    return format; // a bare JSON Schema
}

std::optional<GrammarSpec> request_grammar(const GenerationOptions& o, const ToolCallSyntax& syntax,
                                           const engine::Model& model) {
    if (o.extra.is_object()) {
        if (auto it = o.extra.find("grammar"); it != o.extra.end() && !it->is_null()) {
            if (!it->is_string() || it->get<std::string>().empty())
                throw Error(errc::invalid_argument, "extra.grammar must be GBNF text, got " + it->dump());
            GrammarSpec spec;
            spec.gbnf = it->get<std::string>();
            return spec;
        }
    }
    if (std::optional<Value> schema = response_schema(o.response_format)) {
        // json_object: any object; a schema: objects closed to their properties unless it says otherwise.
        const bool any_object = o.response_format.value("type", Value()) == "json_object";
        GrammarSpec spec;
        spec.gbnf = compile_schema(*schema, !any_object, engine::JsonPropertyOrder::schema);
        return spec;
    }
    return tool_grammar(o, syntax, model);
}

} // namespace braid::local_detail
