#include "engine/template/pyformat.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "engine/template/access.hpp"
#include "engine/template/budget.hpp"
#include "engine/template/utf8.hpp"

namespace braid::jinja {

namespace {

// A parsed format spec: [[fill]align][sign][#][0][width][,|_][.precision][type].
struct Spec {
    std::string fill = " ";
    char align = 0;  // < > ^ =, or 0 for the type's default
    char sign = '-';
    bool alt = false;
    bool zero = false;
    std::int64_t width = -1;
    char grouping = 0;
    std::int64_t precision = -1;
    char type = 0;
};

bool is_align(char c) { return c == '<' || c == '>' || c == '^' || c == '='; }

[[noreturn]] void invalid_spec() { fail(FailureKind::value, "Invalid format specifier"); }

std::int64_t read_number(const std::string& s, std::size_t& i) {
    std::int64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i++] - '0');
        if (v > 100'000'000) fail(FailureKind::value, "Too many decimal digits in format string");
    }
    return v;
}

Spec parse_spec(const std::string& s) {
    Spec spec;
    std::size_t i = 0;
    std::size_t n = 0;
    if (!s.empty()) utf8::decode(s, 0, n);
    if (n > 0 && n < s.size() && is_align(s[n])) {
        spec.fill = s.substr(0, n);
        spec.align = s[n];
        i = n + 1;
    } else if (!s.empty() && is_align(s[0])) {
        spec.align = s[0];
        i = 1;
    }
    if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) spec.sign = s[i++];
    if (i < s.size() && s[i] == '#') spec.alt = true, ++i;
    if (i < s.size() && s[i] == '0') {
        spec.zero = true;
        ++i;
    }
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') spec.width = read_number(s, i);
    if (i < s.size() && (s[i] == ',' || s[i] == '_')) spec.grouping = s[i++];
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (i >= s.size() || s[i] < '0' || s[i] > '9') fail(FailureKind::value, "Format specifier missing precision");
        spec.precision = read_number(s, i);
    }
    if (i < s.size()) spec.type = s[i++];
    if (i != s.size()) invalid_spec();
    return spec;
}

// Pads @p body (with its sign/prefix in @p head) to the spec's width.
std::string pad(const std::string& head, const std::string& body, const Spec& spec, char default_align) {
    char align = spec.align ? spec.align : default_align;
    std::string fill = spec.fill;
    if (spec.zero && !spec.align) {
        fill = "0";
        align = '=';
    }
    const auto len = static_cast<std::int64_t>(utf8::length(head) + utf8::length(body));
    if (spec.width <= len) return head + body;
    const auto total = static_cast<std::size_t>(spec.width - len);
    check_string_size(total * fill.size() + head.size() + body.size());
    auto repeat = [&](std::size_t k) {
        std::string out;
        for (std::size_t j = 0; j < k; ++j) out += fill;
        return out;
    };
    switch (align) {
    case '<': return head + body + repeat(total);
    case '^': return repeat(total / 2) + head + body + repeat(total - total / 2);
    case '=': return head + repeat(total) + body;
    default: return repeat(total) + head + body;
    }
}

std::string group_digits(const std::string& digits, char sep, std::size_t every) {
    std::string out;
    const std::size_t n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % every == 0) out.push_back(sep);
        out.push_back(digits[i]);
    }
    return out;
}

std::string sign_of(bool negative, char sign) {
    if (negative) return "-";
    if (sign == '+') return "+";
    if (sign == ' ') return " ";
    return "";
}

std::string format_int(std::int64_t v, const Spec& spec) {
    if (spec.precision >= 0) fail(FailureKind::value, "Precision not allowed in integer format specifier");
    const char type = spec.type ? spec.type : 'd';
    if (type == 'c') {
        if (v < 0 || v > 0x10FFFF) fail(FailureKind::overflow, "%c arg not in range(0x110000)");
        std::string ch;
        utf8::append(ch, static_cast<char32_t>(v));
        return pad("", ch, spec, '<');
    }
    const bool negative = v < 0;
    std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    unsigned base = 10;
    std::string prefix;
    if (type == 'x' || type == 'X') base = 16, prefix = type == 'x' ? "0x" : "0X";
    if (type == 'o') base = 8, prefix = "0o";
    if (type == 'b') base = 2, prefix = "0b";
    if (type != 'd' && type != 'n' && base == 10) {
        fail(FailureKind::value, std::string("Unknown format code '") + type + "' for object of type 'int'");
    }
    std::string digits;
    const char* alphabet = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits.insert(digits.begin(), alphabet[magnitude % base]);
        magnitude /= base;
    } while (magnitude > 0);
    if (spec.grouping) digits = group_digits(digits, spec.grouping, base == 10 ? 3 : 4);
    std::string head = sign_of(negative, spec.sign);
    if (spec.alt && base != 10) head += prefix;
    return pad(head, digits, spec, '>');
}

// Python's 'g' formatting (and the no-type float format with a precision, which adds ".0").
std::string general(double v, std::int64_t precision, bool alt, bool add_dot_0, bool upper) {
    if (precision == 0) precision = 1;
    const int p = static_cast<int>(std::min<std::int64_t>(precision, 100));
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    std::string sci(buf);
    const std::size_t e = sci.find('e');
    const int exponent = std::atoi(sci.c_str() + e + 1);
    const int threshold = add_dot_0 ? p - 1 : p;
    std::string out;
    if (exponent < -4 || exponent >= threshold) {
        std::string mantissa = sci.substr(0, e);
        if (!alt && mantissa.find('.') != std::string::npos) {
            while (mantissa.back() == '0') mantissa.pop_back();
            if (mantissa.back() == '.') mantissa.pop_back();
        }
        char exp_buf[16];
        std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out = mantissa + exp_buf;
    } else {
        std::snprintf(buf, sizeof buf, "%.*f", std::max(0, p - 1 - exponent), v);
        out = buf;
        if (!alt && out.find('.') != std::string::npos) {
            while (out.back() == '0') out.pop_back();
            if (out.back() == '.') out.pop_back();
        }
        if (add_dot_0 && out.find('.') == std::string::npos) out += ".0";
    }
    if (upper)
        for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string format_float(double v, const Spec& spec) {
    const char type = spec.type;
    std::string body;
    const bool negative = std::signbit(v) && !std::isnan(v);
    const double x = std::fabs(v);
    const bool upper = type == 'E' || type == 'F' || type == 'G';
    if (std::isinf(x) || std::isnan(x)) {
        body = std::isnan(x) ? "nan" : "inf";
        if (upper) body = std::isnan(x) ? "NAN" : "INF";
        if (type == '%') body += "%";
    } else if (type == 'f' || type == 'F' || type == '%') {
        char buf[512];
        const int p = static_cast<int>(std::min<std::int64_t>(spec.precision < 0 ? 6 : spec.precision, 100));
        std::snprintf(buf, sizeof buf, spec.alt ? "%#.*f" : "%.*f", p, type == '%' ? x * 100 : x);
        body = buf;
        if (type == '%') body += "%";
    } else if (type == 'e' || type == 'E') {
        char buf[512];
        const int p = static_cast<int>(std::min<std::int64_t>(spec.precision < 0 ? 6 : spec.precision, 100));
        std::snprintf(buf, sizeof buf, spec.alt ? (upper ? "%#.*E" : "%#.*e") : (upper ? "%.*E" : "%.*e"), p, x);
        body = buf;
    } else if (type == 'g' || type == 'G' || type == 'n') {
        body = general(x, spec.precision < 0 ? 6 : spec.precision, spec.alt, false, upper);
    } else if (type == 0) {
        body = spec.precision < 0 ? float_repr(x) : general(x, spec.precision, spec.alt, true, false);
    } else {
        fail(FailureKind::value, std::string("Unknown format code '") + type + "' for object of type 'float'");
    }
    if (spec.grouping && body.find_first_of("0123456789") == 0) {
        const std::size_t int_end = body.find_first_not_of("0123456789");
        body = group_digits(body.substr(0, int_end), spec.grouping, 3) +
               (int_end == std::string::npos ? "" : body.substr(int_end));
    }
    return pad(sign_of(negative, spec.sign), body, spec, '>');
}

std::string format_string(const std::string& s, const Spec& spec) {
    if (spec.type && spec.type != 's')
        fail(FailureKind::value, std::string("Unknown format code '") + spec.type + "' for object of type 'str'");
    if (spec.sign != '-') fail(FailureKind::value, "Sign not allowed in string format specifier");
    if (spec.align == '=') fail(FailureKind::value, "'=' alignment not allowed in string format specifier");
    std::string body = s;
    if (spec.precision >= 0) {
        const auto offsets = utf8::offsets(s);
        const auto keep = std::min<std::size_t>(offsets.size() - 1, static_cast<std::size_t>(spec.precision));
        body = s.substr(0, offsets[keep]);
    }
    Spec plain = spec;
    plain.zero = spec.zero && spec.align;  // '0' pads strings with zeros only after an explicit alignment
    if (spec.zero && !spec.align) {
        plain.fill = "0";
        plain.align = '<';
    }
    return pad("", body, plain, '<');
}

std::string format_with(const Value& v, const Spec& spec, const std::string& raw) {
    switch (v.type()) {
    case Value::Type::string: return format_string(v.str(), spec);
    case Value::Type::boolean:
        if (raw.empty()) return to_str(v);
        [[fallthrough]];
    case Value::Type::integer: {
        const char t = spec.type;
        if (t == 'e' || t == 'E' || t == 'f' || t == 'F' || t == 'g' || t == 'G' || t == '%')
            return format_float(static_cast<double>(v.int_like()), spec);
        return format_int(v.int_like(), spec);
    }
    case Value::Type::floating: return format_float(v.as_float(), spec);
    default:
        if (!raw.empty())
            fail(FailureKind::type, "unsupported format string passed to " + type_name(v) + ".__format__");
        return to_str(v);
    }
}

} // namespace

std::string format_value(const Value& v, const std::string& spec) { return format_with(v, parse_spec(spec), spec); }

std::string printf_format(const std::string& fmt, const Value& args, bool markup) {
    std::vector<Value> list;
    const Dict* mapping = nullptr;
    if (args.is_tuple()) {
        list = args.items();
    } else {
        list.push_back(args);
        if (args.is_dict()) mapping = &args.dict();
    }
    std::size_t next = 0;
    bool used_mapping = false;
    auto take = [&]() -> const Value& {
        if (next >= list.size()) fail(FailureKind::type, "not enough arguments for format string");
        return list[next++];
    };
    std::string out;
    charge_steps(fmt.size() / 16);
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') {
            out.push_back(fmt[i]);
            continue;
        }
        const std::size_t start = i++;
        if (i >= fmt.size()) fail(FailureKind::value, "incomplete format");
        const Value* keyed = nullptr;
        if (fmt[i] == '(') {
            if (!mapping) fail(FailureKind::type, "format requires a mapping");
            int depth = 1;
            const std::size_t key_start = ++i;
            while (i < fmt.size() && depth > 0) {
                if (fmt[i] == '(') ++depth;
                if (fmt[i] == ')') --depth;
                ++i;
            }
            if (depth > 0) fail(FailureKind::value, "incomplete format key");
            const std::string key = fmt.substr(key_start, i - 1 - key_start);
            keyed = mapping->find(std::string_view(key));
            if (!keyed) fail(FailureKind::key, repr_string(key));
            used_mapping = true;
        }
        Spec spec;
        for (; i < fmt.size(); ++i) {
            const char c = fmt[i];
            if (c == '-') spec.align = '<';
            else if (c == '+') spec.sign = '+';
            else if (c == ' ' && spec.sign != '+') spec.sign = ' ';
            else if (c == '#') spec.alt = true;
            else if (c == '0') spec.zero = true;
            else break;
        }
        if (i < fmt.size() && fmt[i] == '*') {
            const Value& w = take();
            if (!w.is_integral()) fail(FailureKind::type, "* wants int");
            spec.width = w.int_like();
            if (spec.width < 0) spec.align = '<', spec.width = -spec.width;
            ++i;
        } else if (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') {
            spec.width = read_number(fmt, i);
        }
        if (i < fmt.size() && fmt[i] == '.') {
            ++i;
            if (i < fmt.size() && fmt[i] == '*') {
                const Value& p = take();
                if (!p.is_integral()) fail(FailureKind::type, "* wants int");
                spec.precision = std::max<std::int64_t>(0, p.int_like());
                ++i;
            } else {
                spec.precision = read_number(fmt, i);
            }
        }
        while (i < fmt.size() && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) ++i;
        if (i >= fmt.size()) fail(FailureKind::value, "incomplete format");
        const char conv = fmt[i];
        if (conv == '%') {
            out.push_back('%');
            continue;
        }
        const Value& v = keyed ? *keyed : take();
        if (spec.zero && spec.align == '<') spec.zero = false;
        switch (conv) {
        case 's':
        case 'r':
        case 'a': {
            std::string text = conv == 's' ? to_str(v) : repr(v);
            if (markup && !v.is_safe()) text = html_escape(text);
            Spec s = spec;
            s.zero = false;
            s.sign = '-';
            out += format_string(text, s);
            break;
        }
        case 'd':
        case 'i':
        case 'u':
            if (!v.is_number())
                fail(FailureKind::type, std::string("%") + conv + " format: a real number is required, not " + type_name(v));
            if (v.is_float() && !std::isfinite(v.as_float()))
                fail(FailureKind::overflow, "cannot convert float infinity or NaN to integer");
            if (v.is_float() && std::fabs(v.as_float()) >= 9.2e18) fail(FailureKind::overflow, "integer too large");
            spec.type = 'd';
            if (spec.precision >= 0) spec.precision = -1;
            out += format_int(v.is_float() ? static_cast<std::int64_t>(v.as_float()) : v.int_like(), spec);
            break;
        case 'x':
        case 'X':
        case 'o':
            if (!v.is_integral())
                fail(FailureKind::type, std::string("%") + conv + " format: an integer is required, not " + type_name(v));
            spec.type = conv;
            spec.precision = -1;
            out += format_int(v.int_like(), spec);
            break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
            if (!v.is_number()) fail(FailureKind::type, "must be real number, not " + type_name(v));
            spec.type = conv;
            out += format_float(v.number(), spec);
            break;
        case 'c':
            if (v.is_string() && utf8::length(v.str()) == 1) {
                out += format_string(v.str(), Spec{" ", spec.align, '-', false, false, spec.width, 0, -1, 0});
            } else if (v.is_integral()) {
                spec.type = 'c';
                spec.precision = -1;
                out += format_int(v.int_like(), spec);
            } else {
                fail(FailureKind::type, "%c requires int or char");
            }
            break;
        default: {
            char msg[96];
            std::snprintf(msg, sizeof msg, "unsupported format character '%c' (0x%x) at index %zu", conv,
                          static_cast<unsigned>(static_cast<unsigned char>(conv)), i);
            (void)start;
            fail(FailureKind::value, msg);
        }
        }
        check_string_size(out.size());
    }
    if (!used_mapping && !mapping && next < list.size())
        fail(FailureKind::type, "not all arguments converted during string formatting");
    return out;
}

namespace {

class Formatter {
public:
    Formatter(Renderer& r, const Args& args, bool markup) : r_(r), args_(args), markup_(markup) {}

    std::string run(const std::string& fmt, int depth) {
        if (depth > 2) fail(FailureKind::value, "Max string recursion exceeded");
        std::string out;
        charge_steps(fmt.size() / 16);
        for (std::size_t i = 0; i < fmt.size(); ++i) {
            const char c = fmt[i];
            if (c == '}') {
                if (i + 1 < fmt.size() && fmt[i + 1] == '}') {
                    out.push_back('}');
                    ++i;
                    continue;
                }
                fail(FailureKind::value, "Single '}' encountered in format string");
            }
            if (c != '{') {
                out.push_back(c);
                continue;
            }
            if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
                out.push_back('{');
                ++i;
                continue;
            }
            // The field runs to the matching '}' (format specs may hold nested fields).
            std::size_t j = i + 1;
            int nesting = 1;
            while (j < fmt.size()) {
                if (fmt[j] == '{') ++nesting;
                if (fmt[j] == '}' && --nesting == 0) break;
                ++j;
            }
            if (j >= fmt.size()) fail(FailureKind::value, "expected '}' before end of string");
            out += field(fmt.substr(i + 1, j - i - 1), depth);
            check_string_size(out.size());
            i = j;
        }
        return out;
    }

private:
    std::string field(const std::string& text, int depth) {
        // field_name [!conversion] [:spec]; the name may hold [..] with ':' or '!' inside.
        std::size_t k = 0;
        int brackets = 0;
        while (k < text.size()) {
            if (text[k] == '[') ++brackets;
            if (text[k] == ']') --brackets;
            if (brackets == 0 && (text[k] == '!' || text[k] == ':')) break;
            ++k;
        }
        const std::string name = text.substr(0, k);
        char conversion = 0;
        std::string spec;
        if (k < text.size() && text[k] == '!') {
            if (k + 1 >= text.size()) fail(FailureKind::value, "end of string while looking for conversion specifier");
            conversion = text[k + 1];
            k += 2;
            if (k < text.size() && text[k] != ':') fail(FailureKind::value, "expected ':' after conversion specifier");
        }
        if (k < text.size() && text[k] == ':') spec = run(text.substr(k + 1), depth + 1);
        Value v = resolve(name);
        if (conversion == 's') {
            v = Value::string(to_str(v));
        } else if (conversion == 'r' || conversion == 'a') {
            v = Value::string(repr(v));
        } else if (conversion != 0) {
            fail(FailureKind::value, std::string("Unknown conversion specifier ") + conversion);
        }
        std::string result = format_value(v, spec);
        if (markup_ && !v.is_safe()) result = html_escape(result);
        return result;
    }

    Value resolve(const std::string& name) {
        std::size_t k = 0;
        while (k < name.size() && name[k] != '.' && name[k] != '[') ++k;
        const std::string head = name.substr(0, k);
        Value v;
        if (head.empty() || head.find_first_not_of("0123456789") == std::string::npos) {
            std::size_t index = 0;
            if (head.empty()) {
                if (manual_) fail(FailureKind::value, "cannot switch from manual field specification to automatic field numbering");
                automatic_ = true;
                index = next_++;
            } else {
                if (automatic_) fail(FailureKind::value, "cannot switch from automatic field numbering to manual field specification");
                manual_ = true;
                index = head.size() > 9 ? SIZE_MAX : std::stoul(head);
            }
            if (index >= args_.positional.size())
                fail(FailureKind::index, "tuple index out of range");
            v = args_.positional[index];
        } else {
            const Value* found = nullptr;
            for (const auto& [key, value] : args_.keyword)
                if (key == head) found = &value;
            if (!found) fail(FailureKind::key, repr_string(head));
            v = *found;
        }
        while (k < name.size()) {
            if (name[k] == '.') {
                std::size_t e = k + 1;
                while (e < name.size() && name[e] != '.' && name[e] != '[') ++e;
                if (e == k + 1) fail(FailureKind::value, "Empty attribute in format string");
                v = get_attr(r_, v, name.substr(k + 1, e - k - 1));
                k = e;
            } else {
                const std::size_t e = name.find(']', k);
                if (e == std::string::npos) fail(FailureKind::value, "Missing ']' in format string");
                const std::string key = name.substr(k + 1, e - k - 1);
                const bool numeric = !key.empty() && key.size() < 10 && key.find_first_not_of("0123456789") == std::string::npos;
                v = get_item(r_, v, numeric ? Value::integer(std::stoll(key)) : Value::string(key));
                k = e + 1;
            }
        }
        return v;
    }

    Renderer& r_;
    const Args& args_;
    bool markup_;
    bool automatic_ = false;
    bool manual_ = false;
    std::size_t next_ = 0;
};

} // namespace

std::string str_format(Renderer& r, const std::string& fmt, const Args& args, bool markup) {
    return Formatter(r, args, markup).run(fmt, 0);
}

} // namespace braid::jinja
