// Qwen3-Coder and Qwen 3.5: XML inside <tool_call>, one parameter per argument, values as plain text:
//   <tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n<parameter=days>\n3\n
//   </parameter>\n</function>\n</tool_call>
// (facts from the Qwen3-Coder-30B-A3B, Qwen3.5 and Nemotron 3 Nano templates, which render mappings and lists with tojson
// and everything else with Python's str(); vLLM's qwen3_coder parser types values by the tool's schema).
// A value is typed by the bound tool's JSON Schema; without one, JSON objects and arrays are read as JSON
// and anything else is a string. Arguments stream one parameter at a time.
#include "models/tool_formats/scan.hpp"

namespace braid::tool_formats {

namespace {

constexpr std::string_view qc_open = "<tool_call>";
constexpr std::string_view qc_close = "</tool_call>";
constexpr std::string_view qc_function = "<function=";
constexpr std::string_view qc_function_end = "</function>";
constexpr std::string_view qc_parameter = "<parameter=";
constexpr std::string_view qc_parameter_end = "</parameter>";
constexpr auto qc_npos = std::string_view::npos;

// The JSON Schema "type" of argument @p key of tool @p tool among @p definitions ("" when unknown).
std::string qc_schema_type(const Value& definitions, const std::string& tool, const std::string& key) {
    if (!definitions.is_array()) return {};
    for (const Value& item : definitions) {
        const Value* holder = &item;
        if (item.is_object() && item.contains("function") && item["function"].is_object()) holder = &item["function"];
        if (!holder->is_object() || holder->value("name", Value()) != tool) continue;
        const Value* p = holder;
        for (const char* step : {"parameters", "properties"}) {
            if (!p->is_object() || !p->contains(step)) return {};
            p = &(*p)[step];
        }
        if (!p->is_object() || !p->contains(key) || !(*p)[key].is_object()) return {};
        const Value& type = (*p)[key].value("type", Value());
        if (type.is_string()) return type.get<std::string>();
        if (type.is_array())
            for (const Value& t : type)
                if (t.is_string() && t != "null") return t.get<std::string>();
        return {};
    }
    return {};
}

// The JSON text of a parameter's value @p text, typed by @p type.
std::string qc_value_json(std::string_view text, const std::string& type) {
    const Value parsed = Value::parse(text, nullptr, false);
    const bool ok = !parsed.is_discarded();
    if ((type == "number" && ok && parsed.is_number()) || (type == "integer" && ok && parsed.is_number_integer()) ||
        (type == "object" && ok && parsed.is_object()) || (type == "array" && ok && parsed.is_array()) ||
        (type == "boolean" && ok && parsed.is_boolean()) || (type == "null" && ok && parsed.is_null()) ||
        (type.empty() && ok && (parsed.is_object() || parsed.is_array())))
        return parsed.dump();
    if (type == "boolean" && (text == "True" || text == "False")) return text == "True" ? "true" : "false";
    if (type == "null" && text == "None") return "null";
    return Value(std::string(text)).dump(); // throws for text that is not UTF-8
}

} // namespace

void parse_qwen3_coder(Reader& r) {
    const std::string_view s = r.text;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        const std::size_t open = find_marker(s, pos, qc_open);
        if (open == qc_npos) {
            const std::size_t end = r.final ? s.size() : hold_point(s, pos, {qc_open});
            r.content(s.substr(pos, end - pos));
            return;
        }
        r.content(s.substr(pos, open - pos));
        PartialCall& call = r.begin_call(open);
        auto unterminated = [&](std::size_t at) {
            if (r.final) r.fail(open, at, "unterminated call: the answer ends inside it");
        };
        std::size_t i = skip_space(s, open + qc_open.size());
        if (!starts_at(s, i, qc_function)) {
            if (i >= s.size() || partial_at(s, i, qc_function)) return unterminated(i);
            r.fail(open, i, "<function=name> expected after <tool_call>");
        }
        const std::size_t name = i + qc_function.size();
        const std::size_t name_end = s.find('>', name);
        if (name_end == qc_npos) return unterminated(s.size());
        r.set_name(call, std::string(s.substr(name, name_end - name)), name);
        call.id_known = true;
        call.arguments = "{";
        i = name_end + 1;
        bool first = true;
        while (true) {
            i = skip_space(s, i);
            if (starts_at(s, i, qc_parameter)) {
                const std::size_t key = i + qc_parameter.size();
                const std::size_t key_end = s.find('>', key);
                if (key_end == qc_npos) return unterminated(s.size());
                std::size_t value = key_end + 1;
                const std::size_t end = find_marker(s, value, qc_parameter_end);
                if (end == qc_npos) return unterminated(s.size());
                if (value < end && s[value] == '\n') ++value;
                std::size_t value_end = end;
                if (value_end > value && s[value_end - 1] == '\n') --value_end;
                const std::string key_text(s.substr(key, key_end - key));
                std::string piece = first ? "" : ", ";
                try {
                    piece += Value(key_text).dump() + ": " +
                             qc_value_json(s.substr(value, value_end - value),
                                           qc_schema_type(r.definitions, call.name, key_text));
                } catch (const std::exception&) {
                    r.fail(open, key, "parameter '" + key_text + "' is not valid UTF-8");
                }
                call.arguments += piece;
                first = false;
                i = end + qc_parameter_end.size();
                continue;
            }
            if (starts_at(s, i, qc_function_end)) break;
            if (i >= s.size() || partial_at(s, i, qc_parameter) || partial_at(s, i, qc_function_end))
                return unterminated(i);
            r.fail(open, i, "<parameter=name> or </function> expected in the call");
        }
        call.arguments += "}";
        check_arguments(r, call, name);
        const std::size_t close = skip_space(s, i + qc_function_end.size());
        if (close >= s.size()) {
            call.complete = r.final; // a missing </tool_call> at the very end is tolerated
            return;
        }
        if (starts_at(s, close, qc_close)) {
            call.complete = true;
            pos = close + qc_close.size();
            continue;
        }
        if (!r.final && partial_at(s, close, qc_close)) return;
        r.fail(open, close, "</tool_call> expected after </function>");
    }
}

} // namespace braid::tool_formats
