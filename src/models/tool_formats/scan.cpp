// Shared machinery of the family parsers: markers, a strict JSON scanner that knows where a value
// ends (or that it has not ended yet), call objects, and the thinking split.
#include "models/tool_formats/scan.hpp"

#include <algorithm>
#include <cstdio>

#include "braid/error.hpp"

namespace braid::tool_formats {

PartialCall& Reader::begin_call(std::size_t pos) {
    PartialCall call;
    call.start = base + pos;
    out_.calls.push_back(std::move(call));
    return out_.calls.back();
}

void Reader::set_name(PartialCall& call, std::string name, std::size_t pos) {
    const std::size_t call_pos = call.start - base;
    if (name.empty()) fail(call_pos, pos, "the tool name is empty");
    if (!tools_.empty() && std::find(tools_.begin(), tools_.end(), name) == tools_.end()) {
        std::string known;
        for (const std::string& t : tools_) known += (known.empty() ? "" : ", ") + t;
        fail(call_pos, pos, "unknown tool '" + name + "' (bound tools: " + known + ")");
    }
    call.name = std::move(name);
    call.name_known = true;
}

void Reader::fail(std::size_t call_pos, std::size_t pos, std::string what) const {
    throw CallFailure{base + call_pos, base + pos, std::move(what)};
}

// ---- text helpers -----------------------------------------------------------------------------

std::size_t skip_space(std::string_view s, std::size_t pos) noexcept {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\r' || s[pos] == '\n')) ++pos;
    return pos;
}

bool starts_at(std::string_view s, std::size_t pos, std::string_view marker) noexcept {
    return pos <= s.size() && s.substr(pos, marker.size()) == marker;
}

bool partial_at(std::string_view s, std::size_t pos, std::string_view marker) noexcept {
    if (pos >= s.size()) return false;
    const std::string_view rest = s.substr(pos);
    return rest.size() < marker.size() && marker.substr(0, rest.size()) == rest;
}

std::size_t find_marker(std::string_view s, std::size_t pos, std::string_view marker) noexcept {
    if (pos > s.size()) return std::string_view::npos;
    return s.find(marker, pos);
}

std::size_t hold_point(std::string_view s, std::size_t pos, std::initializer_list<std::string_view> markers) noexcept {
    std::size_t hold = s.size();
    for (std::string_view m : markers) {
        const std::size_t longest = std::min(m.size() - 1, s.size() - std::min(pos, s.size()));
        for (std::size_t n = longest; n > 0; --n) {
            if (s.substr(s.size() - n) == m.substr(0, n)) {
                hold = std::min(hold, s.size() - n);
                break;
            }
        }
    }
    return hold;
}

void append_json_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            } else {
                out.push_back(c);
            }
        }
    }
}

// ---- JSON -------------------------------------------------------------------------------------

namespace {

constexpr std::size_t npos = std::string_view::npos;
// Deeper nesting than any real tool argument; bounds the scanner's stack on hostile input.
constexpr std::size_t max_json_depth = 256;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The end of the string starting at s[pos] == '"', or npos when unfinished.
std::size_t scan_string(const Reader& r, std::size_t call_pos, std::size_t pos) {
    const std::string_view s = r.text;
    std::size_t i = pos + 1;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '"') return i + 1;
        if (static_cast<unsigned char>(c) < 0x20) r.fail(call_pos, i, "a control character inside a JSON string");
        if (c != '\\') {
            ++i;
            continue;
        }
        if (i + 1 >= s.size()) return npos;
        const char e = s[i + 1];
        if (e == 'u') {
            for (std::size_t k = 0; k < 4; ++k) {
                if (i + 2 + k >= s.size()) return npos;
                if (!is_hex(s[i + 2 + k])) r.fail(call_pos, i + 2 + k, "a bad \\u escape in a JSON string");
            }
            i += 6;
        } else if (std::string_view("\"\\/bfnrt").find(e) != npos) {
            i += 2;
        } else {
            r.fail(call_pos, i, std::string("a bad escape '\\") + e + "' in a JSON string");
        }
    }
    return npos;
}

// The end of the number starting at s[pos], or npos when the text ends inside it.
std::size_t scan_number(const Reader& r, std::size_t call_pos, std::size_t pos) {
    const std::string_view s = r.text;
    std::size_t i = pos;
    if (s[i] == '-') ++i;
    if (i >= s.size()) return npos;
    if (s[i] == '0') {
        ++i;
    } else if (is_digit(s[i])) {
        while (i < s.size() && is_digit(s[i])) ++i;
    } else {
        r.fail(call_pos, i, "a digit expected in a JSON number");
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (i >= s.size()) return npos;
        if (!is_digit(s[i])) r.fail(call_pos, i, "a digit expected after '.' in a JSON number");
        while (i < s.size() && is_digit(s[i])) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (i >= s.size()) return npos;
        if (!is_digit(s[i])) r.fail(call_pos, i, "a digit expected in a JSON number's exponent");
        while (i < s.size() && is_digit(s[i])) ++i;
    }
    return i >= s.size() ? npos : i;
}

std::size_t scan_literal(const Reader& r, std::size_t call_pos, std::size_t pos) {
    const std::string_view s = r.text;
    const std::string_view word = s[pos] == 't' ? "true" : s[pos] == 'f' ? "false" : "null";
    for (std::size_t k = 0; k < word.size(); ++k) {
        if (pos + k >= s.size()) return npos;
        if (s[pos + k] != word[k]) r.fail(call_pos, pos + k, "a bad JSON literal (expected " + std::string(word) + ")");
    }
    return pos + word.size();
}

std::string describe(std::string_view s, std::size_t pos) {
    if (pos >= s.size()) return "the end";
    const unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x20 || c >= 0x7f) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
        return buf;
    }
    return std::string("'") + static_cast<char>(c) + "'";
}

} // namespace

std::size_t skip_json(const Reader& r, std::size_t call_pos, std::size_t pos) {
    const std::string_view s = r.text;
    enum class Want { value, object_first, key, colon, after };
    std::string stack; // '{' or '[' per open container
    Want want = Want::value;
    std::size_t i = pos;
    while (true) {
        if (want == Want::after && stack.empty()) return i;
        if (want != Want::value || !stack.empty()) i = skip_space(s, i);
        if (i >= s.size()) return npos;
        const char c = s[i];
        switch (want) {
        case Want::value:
            if (c == '{' || c == '[') {
                if (stack.size() >= max_json_depth) r.fail(call_pos, i, "JSON nested too deeply");
                stack.push_back(c);
                ++i;
                if (c == '{') {
                    want = Want::object_first;
                } else {
                    i = skip_space(s, i);
                    if (i >= s.size()) return npos;
                    if (s[i] == ']') {
                        stack.pop_back();
                        ++i;
                        want = Want::after;
                    }
                }
                continue;
            }
            if (c == '"') {
                i = scan_string(r, call_pos, i);
            } else if (c == '-' || is_digit(c)) {
                i = scan_number(r, call_pos, i);
            } else if (c == 't' || c == 'f' || c == 'n') {
                i = scan_literal(r, call_pos, i);
            } else {
                r.fail(call_pos, i, "a JSON value expected, found " + describe(s, i));
            }
            if (i == npos) return npos;
            want = Want::after;
            continue;
        case Want::object_first:
            if (c == '}') {
                stack.pop_back();
                ++i;
                want = Want::after;
                continue;
            }
            [[fallthrough]];
        case Want::key:
            if (c != '"') r.fail(call_pos, i, "a JSON object key expected, found " + describe(s, i));
            i = scan_string(r, call_pos, i);
            if (i == npos) return npos;
            want = Want::colon;
            continue;
        case Want::colon:
            if (c != ':') r.fail(call_pos, i, "':' expected after a JSON object key, found " + describe(s, i));
            ++i;
            i = skip_space(s, i);
            want = Want::value;
            continue;
        case Want::after:
            if (c == ',') {
                ++i;
                want = stack.back() == '{' ? Want::key : Want::value;
                if (want == Want::value) i = skip_space(s, i);
                continue;
            }
            if ((c == '}' && stack.back() == '{') || (c == ']' && stack.back() == '[')) {
                stack.pop_back();
                ++i;
                continue;
            }
            r.fail(call_pos, i, std::string("',' or '") + (stack.back() == '{' ? '}' : ']') +
                                    "' expected in JSON, found " + describe(s, i));
        }
    }
}

namespace {

// Decodes the complete JSON string s[begin, end).
std::string decode_string(const Reader& r, std::size_t call_pos, std::size_t begin, std::size_t end) {
    try {
        return Value::parse(r.text.substr(begin, end - begin)).get<std::string>();
    } catch (const std::exception& e) {
        r.fail(call_pos, begin, std::string("a bad JSON string: ") + e.what());
    }
}

} // namespace

void check_arguments(const Reader& r, const PartialCall& call, std::size_t pos) {
    const std::size_t call_pos = call.start - r.base;
    if (call.arguments.empty()) return;
    Value v;
    try {
        v = Value::parse(call.arguments);
    } catch (const std::exception& e) {
        r.fail(call_pos, pos, std::string("the arguments are not valid JSON: ") + e.what());
    }
    if (!v.is_object()) r.fail(call_pos, pos, std::string("the arguments must be a JSON object, got ") + v.type_name());
}

std::size_t read_call_object(Reader& r, PartialCall& call, std::size_t pos, bool ids_from_model) {
    const std::string_view s = r.text;
    const std::size_t call_pos = call.start - r.base;
    bool first = true;
    bool have_arguments = false;
    std::size_t arguments_pos = pos;
    std::size_t i = pos + 1;
    while (true) {
        i = skip_space(s, i);
        if (i >= s.size()) return npos;
        if (s[i] == '}') {
            ++i;
            break;
        }
        if (!first) {
            if (s[i] != ',') r.fail(call_pos, i, "',' or '}' expected in the call object, found " + describe(s, i));
            i = skip_space(s, i + 1);
            if (i >= s.size()) return npos;
        }
        first = false;
        if (s[i] != '"') r.fail(call_pos, i, "a key expected in the call object, found " + describe(s, i));
        const std::size_t key_end = scan_string(r, call_pos, i);
        if (key_end == npos) return npos;
        const std::string key = decode_string(r, call_pos, i, key_end);
        i = skip_space(s, key_end);
        if (i >= s.size()) return npos;
        if (s[i] != ':') r.fail(call_pos, i, "':' expected after key \"" + key + "\", found " + describe(s, i));
        const std::size_t v = skip_space(s, i + 1);
        if (v >= s.size()) return npos;
        if ((key == "arguments" || key == "parameters") && !have_arguments) {
            arguments_pos = v;
            if (s[v] == '{') {
                const std::size_t end = skip_json(r, call_pos, v);
                call.arguments.assign(s.substr(v, (end == npos ? s.size() : end) - v));
                if (end == npos) return npos;
                i = end;
            } else if (s[v] == '"') {
                const std::size_t end = scan_string(r, call_pos, v);
                if (end == npos) return npos;
                call.arguments = decode_string(r, call_pos, v, end);
                i = end;
            } else {
                r.fail(call_pos, v, "the arguments must be a JSON object, found " + describe(s, v));
            }
            have_arguments = true;
            continue;
        }
        const std::size_t end = skip_json(r, call_pos, v);
        if (end == npos) return npos;
        if (key == "name" && !call.name_known) {
            if (s[v] != '"') r.fail(call_pos, v, "the tool name must be a JSON string");
            r.set_name(call, decode_string(r, call_pos, v, end), v);
            if (!ids_from_model) call.id_known = true;
        } else if (key == "id" && ids_from_model && call.model_id.empty()) {
            if (s[v] != '"') r.fail(call_pos, v, "the call id must be a JSON string");
            call.model_id = decode_string(r, call_pos, v, end);
        }
        i = end;
    }
    if (!call.name_known) r.fail(call_pos, pos, "the call object has no \"name\"");
    call.id_known = true;
    check_arguments(r, call, arguments_pos);
    return i;
}

// ---- the whole answer -------------------------------------------------------------------------

namespace {

constexpr std::string_view think_open = "<think>";
constexpr std::string_view think_close = "</think>";

} // namespace

Parsed parse_answer(std::string_view answer, const ToolCallSyntax& syntax, const ToolNames& tools,
                    const Value& definitions, bool final) {
    Parsed out;
    std::size_t rest = 0;
    if (syntax.thinking || syntax.thinking_started) {
        std::size_t p = skip_space(answer, 0);
        bool inside = syntax.thinking_started;
        if (starts_at(answer, p, think_open)) {
            inside = true;
            p += think_open.size();
        } else if (!final && (p == answer.size() || partial_at(answer, p, think_open))) {
            return out; // may still become "<think>"
        }
        if (inside) {
            const std::size_t close = find_marker(answer, p, think_close);
            if (close == npos) {
                const std::size_t end = final ? answer.size() : hold_point(answer, p, {think_close});
                out.reasoning.assign(answer.substr(p, end - p));
                return out;
            }
            out.reasoning.assign(answer.substr(p, close - p));
            rest = close + think_close.size();
        }
    }
    Reader r(answer.substr(rest), rest, final, tools, out, definitions);
    switch (syntax.format) {
    case ToolCallFormat::generic: parse_generic(r); break;
    case ToolCallFormat::hermes: parse_hermes(r); break;
    case ToolCallFormat::llama3: parse_llama3(r); break;
    case ToolCallFormat::mistral_nemo: parse_mistral_nemo(r); break;
    case ToolCallFormat::functionary_v3_2: parse_functionary_v3_2(r); break;
    case ToolCallFormat::glm4: parse_glm4(r); break;
    case ToolCallFormat::qwen3_coder: parse_qwen3_coder(r); break;
    }
    return out;
}

} // namespace braid::tool_formats
