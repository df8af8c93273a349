// Python's str() and repr() of template values: what `{{ x }}` prints for a non-string (True, None,
// [1, 'a'], {'k': 2}, 1e+16, <Namespace {...}>), and markupsafe's HTML escaping.
#include <charconv>
#include <cmath>

#include "engine/template/budget.hpp"
#include "engine/template/utf8.hpp"
#include "engine/template/value.hpp"

namespace braid::jinja {

namespace {

// Namespaces and objects can contain themselves; lists cannot nest deeper than max_value_depth.
constexpr int max_print_depth = 2 * static_cast<int>(max_value_depth);

void append_hex(std::string& out, unsigned value, int digits) {
    static const char* hex = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) out.push_back(hex[(value >> (4 * i)) & 0xF]);
}

// Python's str.isprintable() for the code points that matter in practice: controls, separators other
// than the space, format characters, private use and noncharacters are not printable.
bool printable(char32_t cp) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) return false;
    if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
        (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB))
        return false;
    if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000 || (cp & 0xFFFE) == 0xFFFE) return false;
    return true;
}

void repr_at(const Value& v, std::string& out, int depth);

void repr_items(const std::vector<Value>& items, std::string& out, int depth) {
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ", ";
        first = false;
        repr_at(item, out, depth + 1);
    }
}

void repr_at(const Value& v, std::string& out, int depth) {
    if (depth > max_print_depth) fail(FailureKind::limit, "value nested too deeply to print");
    charge_steps(1);
    check_string_size(out.size());
    switch (v.type()) {
    case Value::Type::undefined: out += "Undefined"; return;
    case Value::Type::none: out += "None"; return;
    case Value::Type::boolean: out += v.as_bool() ? "True" : "False"; return;
    case Value::Type::integer: out += std::to_string(v.as_int()); return;
    case Value::Type::floating: out += float_repr(v.as_float()); return;
    case Value::Type::string:
        if (v.is_safe()) {
            out += "Markup(" + repr_string(v.str()) + ")";
        } else {
            out += repr_string(v.str());
        }
        return;
    case Value::Type::sequence: {
        const Sequence& s = v.seq();
        switch (s.kind) {
        case SeqKind::list:
            out.push_back('[');
            repr_items(s.items, out, depth);
            out.push_back(']');
            return;
        case SeqKind::tuple:
            out.push_back('(');
            repr_items(s.items, out, depth);
            if (s.items.size() == 1) out.push_back(',');
            out.push_back(')');
            return;
        case SeqKind::view:
            out += s.type;
            out += "([";
            repr_items(s.items, out, depth);
            out += "])";
            return;
        case SeqKind::range:
            out += "range(" + std::to_string(s.range_start) + ", " + std::to_string(s.range_stop);
            if (s.range_step != 1) out += ", " + std::to_string(s.range_step);
            out.push_back(')');
            return;
        case SeqKind::iterator: out += std::string("<") + s.type + " object>"; return;
        }
        return;
    }
    case Value::Type::dict: {
        out.push_back('{');
        bool first = true;
        for (const auto& [k, item] : v.dict().items) {
            if (!first) out += ", ";
            first = false;
            repr_at(k, out, depth + 1);
            out += ": ";
            repr_at(item, out, depth + 1);
        }
        out.push_back('}');
        return;
    }
    case Value::Type::function: {
        const Function& f = v.fn();
        if (f.kind == Function::Kind::macro) {
            out += "<Macro " + repr_string(f.name) + ">";
        } else if (f.kind == Function::Kind::method) {
            out += "<built-in method " + f.name + " of " + f.owner + " object>";
        } else {
            out += "<function " + f.name + ">";
        }
        return;
    }
    case Value::Type::ns: {
        out += "<Namespace {";
        bool first = true;
        for (const auto& [k, item] : v.ns_ref().attrs) {
            if (!first) out += ", ";
            first = false;
            out += repr_string(k);
            out += ": ";
            repr_at(item, out, depth + 1);
        }
        out += "}>";
        return;
    }
    case Value::Type::object: out += v.obj().repr(); return;
    }
}

} // namespace

std::string repr_string(std::string_view s) {
    const bool has_single = s.find('\'') != std::string_view::npos;
    const bool has_double = s.find('"') != std::string_view::npos;
    const char quote = (has_single && !has_double) ? '"' : '\'';
    std::string out(1, quote);
    out.reserve(s.size() + 2);
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        char32_t cp = utf8::decode(s, i, n);
        if (cp == utf8::invalid) {
            out += "\\x";
            append_hex(out, static_cast<unsigned char>(s[i]), 2);
        } else if (cp == static_cast<char32_t>(quote) || cp == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(cp));
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (!printable(cp)) {
            if (cp < 0x100) {
                out += "\\x";
                append_hex(out, cp, 2);
            } else if (cp < 0x10000) {
                out += "\\u";
                append_hex(out, cp, 4);
            } else {
                out += "\\U";
                append_hex(out, cp, 8);
            }
        } else {
            out.append(s, i, n);
        }
        i += n;
    }
    out.push_back(quote);
    return out;
}

std::string to_str(const Value& v) {
    switch (v.type()) {
    case Value::Type::undefined: return {};
    case Value::Type::string: return v.str();
    default: {
        std::string out;
        repr_at(v, out, 0);
        return out;
    }
    }
}

std::string repr(const Value& v) {
    std::string out;
    repr_at(v, out, 0);
    return out;
}

std::string float_repr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    // Shortest round-trip digits, then Python's layout: positional for 1e-4 <= |d| < 1e16.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    bool negative = false;
    std::size_t p = 0;
    if (sci[0] == '-') negative = true, p = 1;
    const std::size_t e_pos = sci.find('e');
    std::string digits;
    for (std::size_t i = p; i < e_pos; ++i)
        if (sci[i] != '.') digits.push_back(sci[i]);
    int exponent = 0;
    std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
    std::string out = negative ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out += "0.";
            out.append(static_cast<std::size_t>(-exponent - 1), '0');
            out += digits;
        } else {
            const auto int_digits = static_cast<std::size_t>(exponent) + 1;
            if (digits.size() <= int_digits) {
                out += digits;
                out.append(int_digits - digits.size(), '0');
                out += ".0";
            } else {
                out += digits.substr(0, int_digits);
                out += '.';
                out += digits.substr(int_digits);
            }
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
        out += '.';
        out += digits.substr(1);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    const int mag = exponent < 0 ? -exponent : exponent;
    if (mag < 10) out += '0';
    out += std::to_string(mag);
    return out;
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '\'': out += "&#39;"; break;
        case '"': out += "&#34;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

} // namespace braid::jinja
