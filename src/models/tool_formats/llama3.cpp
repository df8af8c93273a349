// Llama 3.1 / 3.2 (Meta): with custom tools the whole answer is a JSON object
//   {"name": "get_weather", "parameters": {"city": "Paris"}}
// (the templates' instruction: `Respond in the format {"name": function name, "parameters": dictionary
// of argument name and its value}`; some answers add "type": "function" or say "arguments"). Several may
// follow each other, separated by ';' or whitespace. `<|python_tag|>` starts either such JSON, a call of a
// built-in tool in Python syntax (`brave_search.call(query="...")`, `wolfram_alpha.call(...)`), or code
// for the code interpreter (a call of tool "python" with {"code": ...}), up to `<|eom_id|>`/`<|eot_id|>`
// or the end. Facts from the Llama 3.1/3.2 templates and Meta's prompt-format documentation; llama.cpp's
// and vLLM's llama3 parsers read the same.
#include "models/tool_formats/scan.hpp"

#include <cctype>

namespace braid::tool_formats {

namespace {

constexpr std::string_view l3_tag = "<|python_tag|>";
constexpr std::string_view l3_eom = "<|eom_id|>";
constexpr std::string_view l3_eot = "<|eot_id|>";
constexpr auto l3_npos = std::string_view::npos;

bool l3_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Does a bare JSON call start at @p pos ('{')? 1: yes, 0: no, -1: not known yet. A call's first key is
// "name" or "type" (`{"type": "function", "name": ...}`).
int l3_bare_call_at(std::string_view s, std::size_t pos) {
    const std::size_t k = skip_space(s, pos + 1);
    if (k >= s.size()) return -1;
    for (std::string_view key : {std::string_view("\"name\""), std::string_view("\"type\"")}) {
        if (starts_at(s, k, key)) return 1;
        if (partial_at(s, k, key)) return -1;
    }
    return 0;
}

// Reads JSON calls separated by ';' or whitespace from @p pos ('{'). Returns where the calls end (text
// after them is content), or npos when the text ends inside one.
std::size_t l3_json_calls(Reader& r, std::size_t pos) {
    const std::string_view s = r.text;
    while (true) {
        PartialCall& call = r.begin_call(pos);
        const std::size_t end = read_call_object(r, call, pos, false);
        if (end == l3_npos) {
            if (r.final) r.fail(pos, s.size(), "unterminated call: the answer ends inside its JSON");
            return l3_npos;
        }
        call.complete = true;
        std::size_t next = skip_space(s, end);
        if (next < s.size() && s[next] == ';') next = skip_space(s, next + 1);
        if (next >= s.size()) return r.final ? s.size() : l3_npos;
        if (s[next] != '{') return end;
        const int more = l3_bare_call_at(s, next);
        if (more < 0) return r.final ? end : l3_npos;
        if (more == 0) return end;
        pos = next;
    }
}

// A Python literal (string, number, True/False/None) at @p pos into @p out; returns its end, npos when
// the text ends inside it.
std::size_t l3_python_literal(const Reader& r, std::size_t call_pos, std::size_t pos, Value& out) {
    const std::string_view s = r.text;
    if (s[pos] == '"' || s[pos] == '\'') {
        const char quote = s[pos];
        std::string text;
        for (std::size_t i = pos + 1; i < s.size(); ++i) {
            if (s[i] == quote) {
                out = std::move(text);
                return i + 1;
            }
            if (s[i] != '\\') {
                text.push_back(s[i]);
                continue;
            }
            if (++i >= s.size()) return l3_npos;
            const char e = s[i];
            text.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
        }
        return l3_npos;
    }
    std::size_t i = pos;
    while (i < s.size() && (l3_ident_char(s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '+')) ++i;
    if (i >= s.size()) return l3_npos;
    const std::string word(s.substr(pos, i - pos));
    if (word == "True" || word == "False") {
        out = word == "True";
    } else if (word == "None") {
        out = nullptr;
    } else {
        try {
            out = Value::parse(word);
            if (!out.is_number()) throw std::invalid_argument("not a number");
        } catch (const std::exception&) {
            r.fail(call_pos, pos, "a Python literal (string, number, True, False or None) expected");
        }
    }
    return i;
}

// `name.call(key=value, ...)` at @p pos: returns its end, npos when unfinished.
std::size_t l3_builtin_call(Reader& r, std::size_t pos, std::size_t dot) {
    const std::string_view s = r.text;
    PartialCall& call = r.begin_call(pos);
    r.set_name(call, std::string(s.substr(pos, dot - pos)), pos);
    call.id_known = true;
    Value arguments = Value::object();
    std::size_t i = dot + std::string_view(".call(").size();
    while (true) {
        i = skip_space(s, i);
        if (i >= s.size()) break;
        if (s[i] == ')') {
            try {
                call.arguments = arguments.dump();
            } catch (const std::exception&) { // nlohmann refuses strings that are not UTF-8
                r.fail(pos, i, "the arguments of the built-in tool call are not valid UTF-8");
            }
            call.complete = true;
            return i + 1;
        }
        if (!arguments.empty()) {
            if (s[i] != ',') r.fail(pos, i, "',' or ')' expected in the built-in tool call");
            i = skip_space(s, i + 1);
            if (i >= s.size()) break;
            if (s[i] == ')') continue;
        }
        const std::size_t key = i;
        while (i < s.size() && l3_ident_char(s[i])) ++i;
        if (i >= s.size()) break;
        if (i == key) r.fail(pos, i, "an argument name expected in the built-in tool call");
        const std::string name(s.substr(key, i - key));
        i = skip_space(s, i);
        if (i >= s.size()) break;
        if (s[i] != '=') r.fail(pos, i, "'=' expected after argument '" + name + "'");
        i = skip_space(s, i + 1);
        if (i >= s.size()) break;
        Value v;
        i = l3_python_literal(r, pos, i, v);
        if (i == l3_npos) break;
        arguments[name] = std::move(v);
    }
    if (r.final) r.fail(pos, s.size(), "unterminated built-in tool call: ')' missing");
    return l3_npos;
}

// After <|python_tag|> at @p pos: JSON calls, a built-in call or code. Returns where the tagged part
// ends (at an end-of-message token or the end), or npos when unfinished.
std::size_t l3_tagged(Reader& r, std::size_t tag) {
    const std::string_view s = r.text;
    const std::size_t body = skip_space(s, tag + l3_tag.size());
    if (body >= s.size()) {
        if (r.final) r.fail(tag, body, "unterminated call: nothing after <|python_tag|>");
        return l3_npos;
    }
    if (s[body] == '{') return l3_json_calls(r, body);
    std::size_t i = body;
    while (i < s.size() && l3_ident_char(s[i])) ++i;
    constexpr std::string_view call_suffix = ".call(";
    if (i > body && starts_at(s, i, call_suffix)) return l3_builtin_call(r, body, i);
    if (!r.final && (i >= s.size() || (i > body && partial_at(s, i, call_suffix)))) return l3_npos;
    // Code for the code interpreter, up to an end-of-message token.
    PartialCall& call = r.begin_call(tag);
    r.set_name(call, "python", tag);
    call.id_known = true;
    const std::size_t eom = std::min(find_marker(s, body, l3_eom), find_marker(s, body, l3_eot));
    const std::size_t end = eom != l3_npos ? eom : r.final ? s.size() : hold_point(s, body, {l3_eom, l3_eot});
    call.arguments = "{\"code\": \"";
    append_json_escaped(call.arguments, s.substr(body, end - body));
    if (eom == l3_npos && !r.final) return l3_npos;
    call.arguments += "\"}";
    check_arguments(r, call, body); // e.g. code that is not valid UTF-8
    call.complete = true;
    return end;
}

} // namespace

void parse_llama3(Reader& r) {
    const std::string_view s = r.text;
    std::size_t pos = skip_space(s, 0);
    if (pos >= s.size() && !r.final) return;
    if (pos < s.size() && s[pos] == '{') {
        const int bare = l3_bare_call_at(s, pos);
        if (bare < 0 && !r.final) return;
        if (bare > 0) {
            pos = l3_json_calls(r, pos);
            if (pos == l3_npos) return;
        } else {
            pos = 0;
        }
    } else {
        pos = 0;
    }
    while (pos <= s.size()) {
        const std::size_t tag = find_marker(s, pos, l3_tag);
        if (tag == l3_npos) {
            const std::size_t end = r.final ? s.size() : hold_point(s, pos, {l3_tag});
            r.content(s.substr(pos, end - pos));
            return;
        }
        r.content(s.substr(pos, tag - pos));
        pos = l3_tagged(r, tag);
        if (pos == l3_npos) return;
        if (!r.final && (partial_at(s, pos, l3_eom) || partial_at(s, pos, l3_eot))) return;
        for (std::string_view end_token : {l3_eom, l3_eot})
            if (starts_at(s, pos, end_token)) pos += end_token.size();
    }
}

} // namespace braid::tool_formats
