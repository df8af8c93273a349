#include "engine/template/lexer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "engine/template/utf8.hpp"
#include "engine/template/value.hpp"

namespace braid::jinja {

SourceMap::SourceMap(std::string_view source) : source_(source) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < source.size(); ++i)
        if (source[i] == '\n') line_starts_.push_back(i + 1);
}

std::pair<std::size_t, std::size_t> SourceMap::line_column(std::size_t offset) const {
    offset = std::min(offset, source_.size());
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
    const std::size_t start = line_starts_[line - 1];
    return {line, utf8::length(source_.substr(start, offset - start)) + 1};
}

std::string SourceMap::locate(std::size_t offset) const {
    const auto [line, column] = line_column(offset);
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string normalize_source(std::string_view source) {
    // Jinja splits the source on "\r\n", "\r" and "\n", drops a last empty line and joins with "\n".
    std::string out;
    out.reserve(source.size());
    for (std::size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out.push_back(source[i]);
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

namespace {

class Lexer {
public:
    explicit Lexer(const std::string& src) : src_(src) {}

    std::vector<Token> run() {
        bool line_starting = true;
        std::size_t pos = 0;
        while (pos < src_.size()) {
            const std::size_t start = find_tag(pos);
            if (start == std::string::npos) {
                emit_text(src_.substr(pos));
                break;
            }
            std::string text = src_.substr(pos, start - pos);
            const char kind = src_[start + 1];
            const char sign = start + 2 < src_.size() ? src_[start + 2] : '\0';
            const bool has_sign = sign == '-' || sign == '+';
            if (sign == '-') {
                text = rstrip_python(text);
            } else if (sign != '+' && kind != '{') {
                lstrip(text, line_starting);
            }
            emit_text(text);
            std::size_t body = start + 2 + (has_sign ? 1 : 0);
            if (kind == '#') {
                pos = comment(start, body, line_starting);
            } else if (kind == '%' && is_raw(body)) {
                pos = raw(start, body, line_starting);
            } else {
                pos = tag(start, body, kind == '%', line_starting);
            }
        }
        tokens_.push_back(Token{Token::Kind::eof, "", 0, 0, src_.size()});
        return std::move(tokens_);
    }

private:
    [[noreturn]] static void fail(std::size_t offset, std::string message) {
        throw Failure{FailureKind::syntax, std::move(message), offset};
    }

    // lstrip_blocks: whitespace alone between a line start and a block or comment tag is dropped. A
    // text without a newline starts a line only when the previous token ended with one.
    static void lstrip(std::string& text, bool line_starting) {
        const std::size_t nl = text.rfind('\n');
        const std::size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
        if ((l_pos > 0 || line_starting) && l_pos < text.size() && all_space(text, l_pos)) text.resize(l_pos);
    }

    static bool all_space(const std::string& text, std::size_t pos) {
        while (pos < text.size()) {
            std::size_t n = 0;
            const char32_t cp = utf8::decode(text, pos, n);
            if (cp == utf8::invalid || !utf8::is_space(cp)) return false;
            pos += n;
        }
        return true;
    }

    std::size_t find_tag(std::size_t pos) const {
        while (true) {
            pos = src_.find('{', pos);
            if (pos == std::string::npos || pos + 1 >= src_.size()) return std::string::npos;
            const char c = src_[pos + 1];
            if (c == '{' || c == '%' || c == '#') return pos;
            ++pos;
        }
    }

    void emit_text(const std::string& text) {
        if (!text.empty()) tokens_.push_back(Token{Token::Kind::text, text, 0, 0, 0});
    }

    static std::string rstrip_python(const std::string& text) {
        std::size_t end = text.size();
        while (end > 0) {
            // Walk back to the start of the last code point.
            std::size_t begin = end - 1;
            while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80 && end - begin < 4) --begin;
            std::size_t n = 0;
            char32_t cp = utf8::decode(text, begin, n);
            if (begin + n != end) {
                begin = end - 1;
                cp = utf8::decode(text, begin, n);
            }
            if (cp == utf8::invalid || !utf8::is_space(cp)) break;
            end = begin;
        }
        return text.substr(0, end);
    }

    // Skips Python `\s*` from pos; returns the new position.
    std::size_t skip_space(std::size_t pos) const {
        while (pos < src_.size()) {
            std::size_t n = 0;
            char32_t cp = utf8::decode(src_, pos, n);
            if (cp == utf8::invalid || !utf8::is_space(cp)) break;
            pos += n;
        }
        return pos;
    }

    // After a tag end at `end` (just past the closing characters): trim_blocks or the `-` strip.
    std::size_t after_end(std::size_t end, char control, bool trim, bool& line_starting) const {
        std::size_t pos = end;
        if (control == '-') {
            pos = skip_space(end);
        } else if (control != '+' && trim && pos < src_.size() && src_[pos] == '\n') {
            ++pos;
        }
        line_starting = pos > 0 && src_[pos - 1] == '\n';
        return pos;
    }

    std::size_t comment(std::size_t start, std::size_t body, bool& line_starting) {
        const std::size_t close = src_.find("#}", body);
        if (close == std::string::npos) fail(start, "missing end of comment tag");
        const char control = close > body && (src_[close - 1] == '-' || src_[close - 1] == '+') ? src_[close - 1] : '\0';
        return after_end(close + 2, control, true, line_starting);
    }

    bool is_raw(std::size_t body) const {
        const std::size_t p = skip_space(body);
        return src_.compare(p, 3, "raw") == 0 && (p + 3 >= src_.size() || !is_name_char(src_[p + 3]));
    }

    // {% raw %}...{% endraw %}: the text in between is data, tags and all.
    std::size_t raw(std::size_t start, std::size_t body, bool& line_starting) {
        std::size_t p = skip_space(skip_space(body) + 3);
        char control = '\0';
        if (p < src_.size() && src_[p] == '-') control = src_[p++];
        if (src_.compare(p, 2, "%}") != 0) fail(start, "expected '%}' after 'raw'");
        const std::size_t content = after_end(p + 2, control, false, line_starting);  // no trim_blocks after raw
        std::size_t search = content;
        while (true) {
            const std::size_t tag = src_.find("{%", search);
            if (tag == std::string::npos) fail(start, "missing end of raw directive");
            search = tag + 2;
            std::size_t q = tag + 2;
            const char open_sign = q < src_.size() && (src_[q] == '-' || src_[q] == '+') ? src_[q] : '\0';
            if (open_sign) ++q;
            q = skip_space(q);
            if (src_.compare(q, 6, "endraw") != 0) continue;
            q = skip_space(q + 6);
            char end_control = '\0';
            if (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) end_control = src_[q++];
            if (src_.compare(q, 2, "%}") != 0) continue;
            std::string text = src_.substr(content, tag - content);
            if (open_sign == '-') {
                text = rstrip_python(text);
            } else if (open_sign != '+') {
                lstrip(text, line_starting);
            }
            emit_text(text);
            return after_end(q + 2, end_control, true, line_starting);
        }
    }

    static bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
    static bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    std::size_t tag(std::size_t start, std::size_t pos, bool block, bool& line_starting) {
        tokens_.push_back(Token{block ? Token::Kind::block_begin : Token::Kind::var_begin, "", 0, 0, start});
        std::vector<char> brackets;
        while (true) {
            pos = skip_space(pos);
            if (pos >= src_.size()) fail(start, std::string("unexpected end of template, expected '") +
                                                    (block ? "%}" : "}}") + "'");
            if (brackets.empty()) {
                const char* close = block ? "%}" : "}}";
                char control = '\0';
                std::size_t at = std::string::npos;
                if ((src_[pos] == '-' || (block && src_[pos] == '+')) && src_.compare(pos + 1, 2, close) == 0)
                    control = src_[pos], at = pos + 1;
                else if (src_.compare(pos, 2, close) == 0)
                    at = pos;
                if (at != std::string::npos) {
                    tokens_.push_back(Token{block ? Token::Kind::block_end : Token::Kind::var_end, "", 0, 0, pos});
                    return after_end(at + 2, control, block, line_starting);
                }
            }
            pos = token(pos, brackets);
        }
    }

    std::size_t token(std::size_t pos, std::vector<char>& brackets) {
        const char c = src_[pos];
        if (is_name_start(c)) {
            std::size_t end = pos;
            while (end < src_.size() && is_name_char(src_[end])) ++end;
            tokens_.push_back(Token{Token::Kind::name, src_.substr(pos, end - pos), 0, 0, pos});
            return end;
        }
        if (is_digit(c)) return number(pos);
        if (c == '\'' || c == '"') return string(pos);
        static const char* const two[] = {"//", "**", "==", "!=", ">=", "<="};
        for (const char* op : two) {
            if (src_.compare(pos, 2, op) == 0) {
                tokens_.push_back(Token{Token::Kind::op, op, 0, 0, pos});
                return pos + 2;
            }
        }
        static const std::string one = "+-/*%~[](){}><=.:|,;";
        if (one.find(c) == std::string::npos) {
            std::size_t n = 0;
            utf8::decode(src_, pos, n);
            fail(pos, "unexpected character '" + src_.substr(pos, n) + "'");
        }
        if (c == '(' || c == '[' || c == '{') {
            if (brackets.size() >= 256) fail(pos, "brackets nested too deeply");
            brackets.push_back(c);
        } else if (c == ')' || c == ']' || c == '}') {
            const char open = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (brackets.empty()) fail(pos, std::string("unexpected '") + c + "'");
            if (brackets.back() != open)
                fail(pos, std::string("unexpected '") + c + "', expected closing of '" + brackets.back() + "'");
            brackets.pop_back();
        }
        tokens_.push_back(Token{Token::Kind::op, std::string(1, c), 0, 0, pos});
        return pos + 1;
    }

    std::size_t digits(std::size_t pos, std::string& out, bool (*ok)(char)) const {
        // Digits with single underscores between them, as Python allows.
        while (pos < src_.size()) {
            if (ok(src_[pos])) {
                out.push_back(src_[pos++]);
            } else if (src_[pos] == '_' && pos + 1 < src_.size() && ok(src_[pos + 1]) && !out.empty()) {
                ++pos;
            } else {
                break;
            }
        }
        return pos;
    }

    std::size_t number(std::size_t start) {
        auto dec = [](char ch) { return ch >= '0' && ch <= '9'; };
        if (src_[start] == '0' && start + 1 < src_.size() &&
            std::string("xXoObB").find(src_[start + 1]) != std::string::npos) {
            const char kind = static_cast<char>(src_[start + 1] | 0x20);
            const int base = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            std::string ds;
            std::size_t p = start + 2;
            if (p < src_.size() && src_[p] == '_') ++p;
            auto hex = [](char ch) { return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f'); };
            auto oct = [](char ch) { return ch >= '0' && ch <= '7'; };
            auto bin = [](char ch) { return ch == '0' || ch == '1'; };
            p = digits(p, ds, base == 16 ? +hex : base == 8 ? +oct : +bin);
            if (ds.empty()) fail(start, "invalid number literal");
            errno = 0;
            const long long v = std::strtoll(ds.c_str(), nullptr, base);
            if (errno == ERANGE) fail(start, "integer literal too large");
            tokens_.push_back(Token{Token::Kind::integer, "", v, 0, start});
            return p;
        }
        std::string text;
        std::size_t p = digits(start, text, +dec);
        bool is_float = false;
        // A fraction needs digits after the dot, and `x.0.1` style attribute chains are not floats.
        const bool after_dot = start > 0 && src_[start - 1] == '.';
        if (!after_dot && p + 1 < src_.size() && src_[p] == '.' && dec(src_[p + 1])) {
            text.push_back('.');
            p = digits(p + 1, text, +dec);
            is_float = true;
        }
        if (!after_dot && p < src_.size() && (src_[p] == 'e' || src_[p] == 'E')) {
            std::size_t q = p + 1;
            std::string exp = "e";
            if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) exp.push_back(src_[q++]);
            std::string ed;
            q = digits(q, ed, +dec);
            if (!ed.empty()) {
                text += exp + ed;
                p = q;
                is_float = true;
            }
        }
        if (is_float) {
            tokens_.push_back(Token{Token::Kind::floating, "", 0, std::strtod(text.c_str(), nullptr), start});
        } else {
            if (text.size() > 1 && text[0] == '0' && text.find_first_not_of('0') != std::string::npos)
                fail(start, "leading zeros in decimal integer literals are not permitted");
            errno = 0;
            const long long v = std::strtoll(text.c_str(), nullptr, 10);
            if (errno == ERANGE) fail(start, "integer literal too large");
            tokens_.push_back(Token{Token::Kind::integer, "", v, 0, start});
        }
        return p;
    }

    static int hex_value(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        c = static_cast<char>(c | 0x20);
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

    // A string literal; escapes are decoded as Python's "unicode-escape" codec does.
    std::size_t string(std::size_t start) {
        const char quote = src_[start];
        std::size_t p = start + 1;
        std::string out;
        char32_t pending_high = 0;  // a \uD8xx waiting for its low surrogate
        auto put = [&](char32_t cp) {
            if (pending_high) {
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    utf8::append(out, 0x10000 + ((pending_high - 0xD800) << 10) + (cp - 0xDC00));
                    pending_high = 0;
                    return;
                }
                utf8::append(out, 0xFFFD);
                pending_high = 0;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                pending_high = cp;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                utf8::append(out, 0xFFFD);
            } else {
                utf8::append(out, cp);
            }
        };
        auto flush = [&] {
            if (pending_high) utf8::append(out, 0xFFFD), pending_high = 0;
        };
        while (true) {
            if (p >= src_.size()) fail(start, "unterminated string");
            const char c = src_[p];
            if (c == quote) break;
            if (c != '\\') {
                flush();
                out.push_back(c);
                ++p;
                continue;
            }
            if (p + 1 >= src_.size()) fail(start, "unterminated string");
            const char e = src_[p + 1];
            p += 2;
            switch (e) {
            case '\n': break;
            case '\\': flush(), out.push_back('\\'); break;
            case '\'': flush(), out.push_back('\''); break;
            case '"': flush(), out.push_back('"'); break;
            case 'a': flush(), out.push_back('\a'); break;
            case 'b': flush(), out.push_back('\b'); break;
            case 'f': flush(), out.push_back('\f'); break;
            case 'n': flush(), out.push_back('\n'); break;
            case 'r': flush(), out.push_back('\r'); break;
            case 't': flush(), out.push_back('\t'); break;
            case 'v': flush(), out.push_back('\v'); break;
            case 'x':
            case 'u':
            case 'U': {
                const int count = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                char32_t cp = 0;
                for (int i = 0; i < count; ++i) {
                    if (p >= src_.size() || hex_value(src_[p]) < 0)
                        fail(start, std::string("truncated \\") + e + " escape in string");
                    cp = cp * 16 + static_cast<char32_t>(hex_value(src_[p++]));
                }
                if (cp > 0x10FFFF) fail(start, "illegal Unicode character in string escape");
                put(cp);
                break;
            }
            case 'N': fail(start, "\\N{...} escapes are not supported");
            default:
                if (e >= '0' && e <= '7') {
                    char32_t cp = static_cast<char32_t>(e - '0');
                    for (int i = 0; i < 2 && p < src_.size() && src_[p] >= '0' && src_[p] <= '7'; ++i)
                        cp = cp * 8 + static_cast<char32_t>(src_[p++] - '0');
                    put(cp);
                } else {
                    flush();
                    out.push_back('\\');
                    out.push_back(e);
                }
            }
        }
        flush();
        tokens_.push_back(Token{Token::Kind::string, std::move(out), 0, 0, start});
        return p + 1;
    }

    const std::string& src_;
    std::vector<Token> tokens_;
};

} // namespace

std::vector<Token> tokenize(const std::string& source) { return Lexer(source).run(); }

} // namespace braid::jinja
