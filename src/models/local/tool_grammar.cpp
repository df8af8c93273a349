#include "models/local/tool_grammar.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "braid/engine/json_schema.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/error.hpp"

namespace braid::local_detail {

namespace {

// The start rule of a tool-call grammar (a compiled schema keeps its own rules; "root" is its object).
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

std::string compile_schema(const Value& schema) {
    engine::JsonSchemaOptions o;
    o.additional_properties_default = false; // a call's arguments are what the tool declares
    o.property_order = engine::JsonPropertyOrder::schema;
    return engine::json_schema_to_gbnf(schema, o);
}

bool rule_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// @p gbnf with every rule name (definitions and references) prefixed by @p prefix, so that the
// grammars of several schemas live in one text. Literals, character classes, repetition counts and
// comments are copied as they are.
std::string prefixed_rules(std::string_view gbnf, std::string_view prefix) {
    std::string out;
    out.reserve(gbnf.size() * 5 / 4);
    std::size_t i = 0;
    auto copy_until = [&](char close) { // copies through the closing character, skipping escapes
        out += gbnf[i++];
        while (i < gbnf.size() && gbnf[i] != close) {
            if (gbnf[i] == '\\' && i + 1 < gbnf.size())
                out += gbnf[i++];
            out += gbnf[i++];
        }
        if (i < gbnf.size())
            out += gbnf[i++];
    };
    while (i < gbnf.size()) {
        const char c = gbnf[i];
        if (c == '"') {
            copy_until('"');
        } else if (c == '[') {
            copy_until(']');
        } else if (c == '{') {
            copy_until('}');
        } else if (c == '#') {
            copy_until('\n');
        } else if (rule_name_char(c)) {
            out += prefix;
            while (i < gbnf.size() && rule_name_char(gbnf[i]))
                out += gbnf[i++];
        } else {
            out += gbnf[i++];
        }
    }
    return out;
}

struct Tool {
    std::string name;
    Value parameters;
};

// A tool definition's function name and parameters schema (OpenAI's nested form or the flat one).
Tool tool_of(const Value& tool, std::size_t index) {
    const Value& f = tool.is_object() && tool.contains("function") ? tool["function"] : tool;
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string())
        throw Error(errc::invalid_argument, "tools[" + std::to_string(index) + "]: a tool definition needs a function name, got " +
                                                tool.dump());
    Value parameters = f.contains("parameters") && !f["parameters"].is_null() ? f["parameters"] : Value{{"type", "object"}};
    return {f["name"].get<std::string>(), std::move(parameters)};
}

// The tools a call may name: all bound ones, or the one tool_choice names.
std::vector<Tool> callable_tools(const GenerationOptions& o) {
    std::vector<Tool> all;
    for (std::size_t i = 0; i < o.tools.size(); ++i)
        all.push_back(tool_of(o.tools[i], i));
    if (!o.tool_choice.is_object())
        return all;
    const Value& f = o.tool_choice.contains("function") ? o.tool_choice["function"] : o.tool_choice;
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string())
        throw Error(errc::invalid_argument, "tool_choice must be \"auto\", \"none\", \"required\" or "
                                            "{\"type\": \"function\", \"function\": {\"name\": ...}}, got " + o.tool_choice.dump());
    const std::string wanted = f["name"].get<std::string>();
    for (Tool& t : all)
        if (t.name == wanted)
            return {std::move(t)};
    throw Error(errc::invalid_argument, "tool_choice names tool \"" + wanted + "\", which is not among the bound tools");
}

// extra.parallel_tool_calls (OpenAI's option): several calls in one answer only when true. One by
// default, as llama.cpp's server does: a small model held to a forced grammar may otherwise go on
// calling until max_tokens cuts a call in half.
bool parallel_calls(const GenerationOptions& o) {
    if (!o.extra.is_object())
        return false;
    const auto it = o.extra.find("parallel_tool_calls");
    if (it == o.extra.end() || it->is_null())
        return false;
    if (!it->is_boolean())
        throw Error(errc::invalid_argument, "extra.parallel_tool_calls must be true or false, got " + it->dump());
    return it->get<bool>();
}

// `one` once, or repeated with @p separator between calls.
std::string calls(const std::string& one, const std::string& separator, bool parallel) {
    return parallel ? one + " (" + separator + " " + one + ")*" : one;
}

// ---- JSON-object families ---------------------------------------------------------------------

// One schema for "a call of any callable tool": the name is a const, the arguments its parameters.
std::string json_call_rules(const std::vector<Tool>& tools, const char* arguments_key) {
    Value any_of = Value::array();
    for (const Tool& t : tools)
        any_of.push_back(Value{{"type", "object"},
                               {"properties", {{"name", {{"const", t.name}}}, {arguments_key, t.parameters}}},
                               {"required", {"name", arguments_key}},
                               {"additionalProperties", false}});
    return compile_schema(any_of.size() == 1 ? any_of[0] : Value{{"anyOf", any_of}});
}

struct FamilyGrammar {
    std::string rules;                 // the GBNF text, start rule call_root
    std::vector<std::string> triggers; // where a lazy grammar starts
};

FamilyGrammar json_family(ToolCallFormat format, const std::vector<Tool>& tools, bool parallel) {
    FamilyGrammar g;
    std::string body;
    switch (format) {
    case ToolCallFormat::hermes: // <tool_call> blocks, one per line
        g.rules = json_call_rules(tools, "arguments");
        body = calls("\"<tool_call>\\n\" root \"\\n</tool_call>\"", "\"\\n\"", parallel);
        g.triggers = {"<tool_call>"};
        break;
    case ToolCallFormat::mistral_nemo: // one JSON array after the marker
        g.rules = json_call_rules(tools, "arguments");
        body = "\"[TOOL_CALLS][\" " + calls("root", "\",\" \" \"?", parallel) + " \"]\"";
        g.triggers = {"[TOOL_CALLS]"};
        break;
    case ToolCallFormat::llama3: // bare objects, separated by ';'
        g.rules = json_call_rules(tools, "parameters");
        body = calls("root", "\";\" \" \"?", parallel);
        g.triggers = {"{\"name\""};
        break;
    default: // generic: an object, or an array of them
        g.rules = json_call_rules(tools, "arguments");
        body = parallel ? "root | \"[\" root (\",\" \" \"? root)* \"]\"" : "root";
        g.triggers = {"{\"name\""};
        break;
    }
    g.rules += "\n" + std::string(call_root) + " ::= " + body + "\n";
    return g;
}

// ---- recipient-line families: `name\n{arguments}` ---------------------------------------------------

FamilyGrammar named_family(ToolCallFormat format, const std::vector<Tool>& tools, bool parallel) {
    FamilyGrammar g;
    std::string any;
    for (std::size_t i = 0; i < tools.size(); ++i) {
        const std::string prefix = "tool" + std::to_string(i) + "-";
        g.rules += prefixed_rules(compile_schema(tools[i].parameters), prefix) + "\n";
        g.rules += prefix + "call ::= " + literal(tools[i].name + "\n") + " " + prefix + "root\n";
        any += (i ? " | " : "") + prefix + "call";
        // No marker opens a call: a bound tool's name on its own line does (at the start, after >>> or
        // after <|assistant|>).
        g.triggers.push_back(tools[i].name + "\n");
    }
    const std::string separator = format == ToolCallFormat::functionary_v3_2 ? ">>>" : "<|assistant|>";
    g.rules += "braid-call ::= " + any + "\n";
    g.rules += std::string(call_root) + " ::= " + calls("braid-call", literal(separator), parallel) + "\n";
    return g;
}

// ---- qwen3_coder: XML parameters ----------------------------------------------------------------------

// A string value with minLength / maxLength: that many characters (code points, as JSON Schema counts),
// none of them '<' and the first not a newline, so that the value cannot run into "</parameter>" and
// reads back exactly as generated. Bounding
// the length is also what lets a model that never writes the closing tag by itself finish the call.
// Empty when the schema sets neither.
std::string bounded_text(const Value& schema) {
    auto count = [&](const char* key) -> std::optional<std::uint64_t> {
        const auto it = schema.find(key);
        if (it == schema.end())
            return std::nullopt;
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
            throw Error(errc::invalid_argument, std::string("tool parameter schema: ") + key + " " + it->dump() +
                                                    " is not a non-negative integer");
        return it->get<std::uint64_t>();
    };
    const std::optional<std::uint64_t> min = count("minLength"), max = count("maxLength");
    if (!min && !max)
        return {};
    if (min && max && *min > *max)
        throw Error(errc::invalid_argument, "tool parameter schema: minLength " + std::to_string(*min) + " is above maxLength " +
                                                std::to_string(*max));
    if (max && *max == 0)
        return "\"\"";
    // The parser drops one newline after "<parameter=name>\n" (the template's), so a value may not start
    // with one: it would be read back a character shorter than generated.
    const std::uint64_t lo = min.value_or(0);
    const std::string rest = "[^<]{" + std::to_string(lo > 0 ? lo - 1 : 0) + "," + (max ? std::to_string(*max - 1) : std::string()) + "}";
    const std::string value = "[^<\\n] " + rest;
    return lo > 0 ? "(" + value + ")" : "(" + value + ")?";
}

// A parameter value as the template writes it: text for strings (never "</", which would end the
// parameter), a value's JSON for the other types (numbers, booleans, objects and arrays read as JSON).
std::string xml_value_rule(const Value& schema, const std::string& prefix, std::string& rules) {
    if (schema.is_object()) {
        if (auto c = schema.find("const"); c != schema.end() && c->is_string())
            return literal(c->get<std::string>());
        if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty()) {
            std::string alternatives;
            bool strings = true;
            for (const Value& v : *e)
                strings = strings && v.is_string();
            if (strings) {
                for (const Value& v : *e)
                    alternatives += (alternatives.empty() ? "(" : " | ") + literal(v.get<std::string>());
                return alternatives + ")";
            }
        }
        const auto type = schema.find("type");
        const bool text = type == schema.end() || (type->is_string() && *type == "string");
        if (!text) {
            rules += prefixed_rules(compile_schema(schema), prefix) + "\n";
            return prefix + "root";
        }
        if (std::string bounded = bounded_text(schema); !bounded.empty())
            return bounded;
    }
    return "braid-text";
}

FamilyGrammar xml_family(const std::vector<Tool>& tools, bool parallel) {
    FamilyGrammar g;
    std::string any;
    for (std::size_t i = 0; i < tools.size(); ++i) {
        const std::string prefix = "tool" + std::to_string(i) + "-";
        const Value& parameters = tools[i].parameters;
        const Value properties = parameters.is_object() ? parameters.value("properties", Value::object()) : Value::object();
        const Value required = parameters.is_object() ? parameters.value("required", Value::array()) : Value::array();
        std::string body = literal(tools[i].name + ">\n");
        std::size_t k = 0;
        for (auto it = properties.begin(); it != properties.end(); ++it, ++k) {
            const std::string value = xml_value_rule(it.value(), prefix + "p" + std::to_string(k) + "-", g.rules);
            const std::string parameter = "(" + literal("<parameter=" + it.key() + ">\n") + " " + value + " " +
                                          literal("\n</parameter>\n") + ")";
            bool needed = false;
            for (const Value& r : required)
                needed = needed || r == it.key();
            body += " " + parameter + (needed ? "" : "?");
        }
        g.rules += prefix + "call ::= " + body + "\n";
        any += (i ? " | " : "") + prefix + "call";
    }
    g.rules += "braid-text ::= ([^<] | \"<\" [^/])*\n";
    g.rules += "braid-call ::= \"<tool_call>\\n<function=\" (" + any + ") \"</function>\\n</tool_call>\"\n";
    g.rules += std::string(call_root) + " ::= " + calls("braid-call", "\"\\n\"", parallel) + "\n";
    g.triggers = {"<tool_call>"};
    return g;
}

} // namespace

std::optional<GrammarSpec> tool_grammar(const GenerationOptions& o, const ToolCallSyntax& syntax,
                                        const engine::Model& model) {
    const bool none = o.tool_choice.is_string() && o.tool_choice.get<std::string>() == "none";
    if (!o.tools.is_array() || o.tools.empty() || none)
        return std::nullopt;
    const bool forced = o.tool_choice.is_object() ||
                        (o.tool_choice.is_string() && o.tool_choice.get<std::string>() == "required");
    const std::vector<Tool> tools = callable_tools(o);
    const bool parallel = parallel_calls(o);
    FamilyGrammar family;
    switch (syntax.format) {
    case ToolCallFormat::functionary_v3_2:
    case ToolCallFormat::glm4: family = named_family(syntax.format, tools, parallel); break;
    case ToolCallFormat::qwen3_coder: family = xml_family(tools, parallel); break;
    default: family = json_family(syntax.format, tools, parallel); break;
    }
    GrammarSpec spec;
    spec.root = call_root;
    spec.gbnf = std::move(family.rules);
    if (!forced) {
        spec.matcher.lazy = true;
        // A marker the vocabulary holds as one control token triggers as that token (when the token's
        // text is the marker, so that the grammar starts from it), else as text.
        for (const std::string& trigger : family.triggers) {
            const std::vector<engine::TokenId> ids = model.tokenizer().tokenize(trigger, false, true);
            if (ids.size() == 1 && model.tokenizer().is_control(ids.front()) &&
                engine::token_index(model)->piece(ids.front()) == trigger)
                spec.matcher.triggers.tokens.push_back(ids.front());
            else
                spec.matcher.triggers.words.push_back(trigger);
        }
    }
    return spec;
}

} // namespace braid::local_detail
