// ECMAScript regular expressions (the subset JSON Schema's `pattern` needs) → GBNF over the JSON
// encoding of the matched strings; character sets and their JSON encoding; `format` as patterns.
#include <algorithm>
#include <cstdio>

#include "braid/engine/json_schema.hpp"
#include "braid/error.hpp"
#include "json_schema_detail.hpp"

namespace braid::engine {
namespace detail {

namespace {

constexpr std::uint32_t max_code_point = 0x10FFFF;

void append_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

// One code point of a GBNF character class.
std::string class_char(std::uint32_t c) {
    char buf[16];
    if (c >= 0x20 && c < 0x7F && c != ']' && c != '[' && c != '\\' && c != '^' && c != '-' && c != '"')
        return std::string(1, static_cast<char>(c));
    if (c < 0x80) std::snprintf(buf, sizeof buf, "\\x%02X", c);
    else if (c <= 0xFFFF) std::snprintf(buf, sizeof buf, "\\u%04X", c);
    else std::snprintf(buf, sizeof buf, "\\U%08X", c);
    return buf;
}

std::string class_expr(const CharSet& set) {
    if (set.ranges.size() == 1 && set.ranges[0].first == set.ranges[0].second) {
        std::string s;
        append_utf8(s, set.ranges[0].first);
        return gbnf_literal(s);
    }
    std::string out = "[";
    for (auto [lo, hi] : set.ranges) {
        out += class_char(lo);
        if (hi != lo) {
            if (hi != lo + 1) out += '-';
            out += class_char(hi);
        }
    }
    out += ']';
    return out;
}

// The escapes JSON writes for a character that cannot appear raw.
std::vector<std::string> escapes_of(std::uint32_t c) {
    switch (c) {
    case '"': return {"\\\""};
    case '\\': return {"\\\\"};
    case '\n': return {"\\n"};
    case '\r': return {"\\r"};
    case '\t': return {"\\t"};
    case '\b': return {"\\b"};
    case '\f': return {"\\f"};
    default: break;
    }
    char lower[8], upper[8];
    std::snprintf(lower, sizeof lower, "\\u%04x", c);
    std::snprintf(upper, sizeof upper, "\\u%04X", c);
    if (std::string(lower) == upper) return {lower};
    return {lower, upper};
}

} // namespace

// ---- CharSet ----

void CharSet::add(std::uint32_t lo, std::uint32_t hi) {
    if (lo > hi) return;
    ranges.emplace_back(lo, hi);
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
    for (auto r : ranges) {
        if (!merged.empty() && r.first <= merged.back().second + 1)
            merged.back().second = std::max(merged.back().second, r.second);
        else
            merged.push_back(r);
    }
    ranges = std::move(merged);
}

void CharSet::add(const CharSet& other) {
    for (auto [lo, hi] : other.ranges) add(lo, hi);
}

CharSet CharSet::complement() const {
    CharSet out;
    std::uint32_t next = 0;
    for (auto [lo, hi] : ranges) {
        if (lo > next) out.add(next, lo - 1);
        next = hi + 1;
    }
    if (next <= max_code_point) out.add(next, max_code_point);
    // Surrogates are not characters of a UTF-8 string.
    CharSet cleaned;
    for (auto [lo, hi] : out.ranges) {
        if (hi < 0xD800 || lo > 0xDFFF) cleaned.add(lo, hi);
        else {
            if (lo < 0xD800) cleaned.add(lo, 0xD7FF);
            if (hi > 0xDFFF) cleaned.add(0xE000, hi);
        }
    }
    return cleaned;
}

bool CharSet::contains(std::uint32_t c) const {
    for (auto [lo, hi] : ranges)
        if (c >= lo && c <= hi) return true;
    return false;
}

// ---- JSON encoding ----

std::string json_escape(std::string_view s) {
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out.push_back(ch);
            }
        }
    }
    return out;
}

std::string gbnf_literal(std::string_view utf8) {
    std::string out = "\"";
    for (char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out.push_back(ch);
        }
    }
    return out + "\"";
}

std::string json_char_expr(const CharSet& set) {
    // Split off what JSON must escape: control characters, '"' and '\'.
    CharSet raw, special;
    auto intersect = [&](std::uint32_t lo, std::uint32_t hi, CharSet& out) {
        for (auto [a, b] : set.ranges)
            if (std::max(a, lo) <= std::min(b, hi)) out.add(std::max(a, lo), std::min(b, hi));
    };
    intersect(0, 0x1F, special);
    intersect('"', '"', special);
    intersect('\\', '\\', special);
    intersect(0x20, '"' - 1, raw);
    intersect('"' + 1, '\\' - 1, raw);
    intersect('\\' + 1, max_code_point, raw);
    std::vector<std::string> alts;
    if (!raw.empty()) alts.push_back(class_expr(raw));
    bool all_controls = true;
    for (std::uint32_t c = 0; c < 0x20; ++c) all_controls = all_controls && special.contains(c);
    for (auto [lo, hi] : special.ranges) {
        for (std::uint32_t c = lo; c <= hi; ++c) {
            if (all_controls && c < 0x20) {
                const bool short_form = c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f';
                if (short_form) alts.push_back(gbnf_literal(escapes_of(c)[0]));
                continue;
            }
            for (const auto& e : escapes_of(c)) alts.push_back(gbnf_literal(e));
        }
    }
    if (all_controls) alts.push_back("\"\\\\u00\" [01] [0-9a-fA-F]");
    if (alts.empty()) throw Error(errc::internal, "json_char_expr: empty character set");
    if (alts.size() == 1) return alts[0];
    std::string out = "(";
    for (std::size_t i = 0; i < alts.size(); ++i) out += (i ? " | " : " ") + alts[i];
    return out + " )";
}

// ---- regex parser ----

namespace {

struct Node {
    enum Kind { chars, seq, alt, repeat, start_anchor, end_anchor } kind = seq;
    CharSet set;
    std::vector<Node> kids;
    std::size_t min = 0;
    std::optional<std::size_t> max;
};

CharSet digit_set() {
    CharSet s;
    s.add('0', '9');
    return s;
}
CharSet word_set() {
    CharSet s;
    s.add('0', '9');
    s.add('A', 'Z');
    s.add('a', 'z');
    s.add('_', '_');
    return s;
}
CharSet space_set() {
    CharSet s;
    s.add('\t', '\r');
    s.add(' ', ' ');
    s.add(0xA0, 0xA0);
    s.add(0x1680, 0x1680);
    s.add(0x2000, 0x200A);
    s.add(0x2028, 0x2029);
    s.add(0x202F, 0x202F);
    s.add(0x205F, 0x205F);
    s.add(0x3000, 0x3000);
    s.add(0xFEFF, 0xFEFF);
    return s;
}
CharSet dot_set() {
    CharSet s;
    s.add('\n', '\n');
    s.add('\r', '\r');
    s.add(0x2028, 0x2029);
    return s.complement();
}

std::vector<std::uint32_t> decode_utf8(std::string_view text) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (n < 0 || i + static_cast<std::size_t>(n) >= text.size() + (n == 0 ? 1 : 0))
            throw Error(errc::parse, "pattern is not valid UTF-8 at byte " + std::to_string(i));
        std::uint32_t cp = n == 0 ? c : (c & (0x3F >> n));
        for (int k = 1; k <= n; ++k) {
            if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
                throw Error(errc::parse, "pattern is not valid UTF-8 at byte " + std::to_string(i));
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(n) + 1;
    }
    return out;
}

class RegexParser {
public:
    explicit RegexParser(std::string_view pattern) : text_(pattern), s_(decode_utf8(pattern)) {}

    Node parse() {
        Node n = alternation();
        if (pos_ < s_.size()) fail("unbalanced ')'");
        return n;
    }

private:
    std::string_view text_;
    std::vector<std::uint32_t> s_;
    std::size_t pos_ = 0;
    int depth_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw Error(errc::parse, "pattern '" + std::string(text_) + "': " + what + " at character " +
                                     std::to_string(pos_));
    }
    [[noreturn]] void unsupported(const std::string& what) const {
        throw Error(errc::unsupported, "pattern '" + std::string(text_) + "': " + what + " (at character " +
                                           std::to_string(pos_) + ") is not supported");
    }
    bool at_end() const { return pos_ >= s_.size(); }
    std::uint32_t peek(std::size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : 0; }

    Node alternation() {
        if (++depth_ > 200) fail("groups nested too deeply");
        Node a;
        a.kind = Node::alt;
        a.kids.push_back(sequence());
        while (!at_end() && peek() == '|') {
            ++pos_;
            a.kids.push_back(sequence());
        }
        --depth_;
        if (a.kids.size() == 1) return std::move(a.kids[0]);
        return a;
    }

    Node sequence() {
        Node q;
        q.kind = Node::seq;
        while (!at_end() && peek() != '|' && peek() != ')') {
            Node atom_node = atom();
            quantifiers(atom_node);
            q.kids.push_back(std::move(atom_node));
        }
        return q;
    }

    std::optional<std::size_t> number() {
        std::size_t start = pos_, v = 0;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            v = v * 10 + (peek() - '0');
            if (v > 100000) fail("repetition count too large");
            ++pos_;
        }
        if (pos_ == start) return std::nullopt;
        return v;
    }

    // A `{n}`, `{n,}` or `{n,m}` at pos_ (on '{'); restores pos_ and returns false when it is not one
    // (then '{' is a literal, as ECMAScript's Annex B says).
    bool brace_quantifier(std::size_t& min, std::optional<std::size_t>& max) {
        const std::size_t save = pos_;
        ++pos_;
        auto lo = number();
        if (!lo) {
            pos_ = save;
            return false;
        }
        min = *lo;
        max = lo;
        if (peek() == ',') {
            ++pos_;
            max = number();
        }
        if (peek() != '}') {
            pos_ = save;
            return false;
        }
        ++pos_;
        if (max && *max < min) fail("repetition {n,m} with m < n");
        return true;
    }

    void quantifiers(Node& n) {
        while (!at_end()) {
            std::size_t min = 0;
            std::optional<std::size_t> max;
            const std::uint32_t c = peek();
            if (c == '*') {
                ++pos_;
            } else if (c == '+') {
                min = 1;
                ++pos_;
            } else if (c == '?') {
                max = 1;
                ++pos_;
            } else if (c == '{' && brace_quantifier(min, max)) {
            } else {
                return;
            }
            if (n.kind == Node::start_anchor || n.kind == Node::end_anchor) fail("quantifier after an anchor");
            if (peek() == '?') ++pos_; // lazy: same language
            Node r;
            r.kind = Node::repeat;
            r.min = min;
            r.max = max;
            r.kids.push_back(std::move(n));
            n = std::move(r);
        }
    }

    Node char_node(const CharSet& set) {
        Node n;
        n.kind = Node::chars;
        n.set = set;
        return n;
    }

    Node atom() {
        const std::uint32_t c = s_[pos_++];
        switch (c) {
        case '(': {
            if (peek() == '?') {
                if (peek(1) == ':') {
                    pos_ += 2;
                } else if (peek(1) == '=' || peek(1) == '!') {
                    unsupported("lookahead");
                } else if (peek(1) == '<' && (peek(2) == '=' || peek(2) == '!')) {
                    unsupported("lookbehind");
                } else if (peek(1) == '<') {
                    pos_ += 2;
                    while (!at_end() && peek() != '>') ++pos_;
                    if (at_end()) fail("unterminated group name");
                    ++pos_;
                } else {
                    fail("unknown group syntax '(?'");
                }
            }
            Node inner = alternation();
            if (at_end() || peek() != ')') fail("missing ')'");
            ++pos_;
            return inner;
        }
        case ')': fail("unbalanced ')'");
        case '[': return char_node(char_class());
        case '.': return char_node(dot_set());
        case '^': {
            Node n;
            n.kind = Node::start_anchor;
            return n;
        }
        case '$': {
            Node n;
            n.kind = Node::end_anchor;
            return n;
        }
        case '*':
        case '+':
        case '?': --pos_; fail("nothing to repeat");
        case '\\': return char_node(escape(false));
        default: {
            CharSet s;
            s.add(c, c);
            return char_node(s);
        }
        }
    }

    std::uint32_t hex_digits(std::size_t count) {
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint32_t h = peek();
            int d = h >= '0' && h <= '9' ? static_cast<int>(h - '0')
                    : h >= 'a' && h <= 'f' ? static_cast<int>(h - 'a' + 10)
                    : h >= 'A' && h <= 'F' ? static_cast<int>(h - 'A' + 10)
                                           : -1;
            if (d < 0) fail("bad hexadecimal escape");
            v = v * 16 + static_cast<std::uint32_t>(d);
            ++pos_;
        }
        return v;
    }

    // After a backslash; in_class: inside [...] (where \b is backspace).
    CharSet escape(bool in_class) {
        if (at_end()) fail("pattern ends with '\\'");
        const std::uint32_t c = s_[pos_++];
        CharSet s;
        auto one = [&](std::uint32_t v) {
            s.add(v, v);
            return s;
        };
        switch (c) {
        case 'd': return digit_set();
        case 'D': return digit_set().complement();
        case 'w': return word_set();
        case 'W': return word_set().complement();
        case 's': return space_set();
        case 'S': return space_set().complement();
        case 't': return one('\t');
        case 'n': return one('\n');
        case 'r': return one('\r');
        case 'v': return one('\v');
        case 'f': return one('\f');
        case '0':
            if (peek() >= '0' && peek() <= '9') unsupported("octal escape");
            return one(0);
        case 'x': return one(hex_digits(2));
        case 'u': {
            if (peek() == '{') {
                ++pos_;
                std::uint32_t v = 0;
                std::size_t n = 0;
                while (!at_end() && peek() != '}') {
                    v = v * 16 + hex_digits(1);
                    if (++n > 6 || v > max_code_point) fail("bad \\u{...} escape");
                }
                if (at_end() || n == 0) fail("bad \\u{...} escape");
                ++pos_;
                return one(v);
            }
            std::uint32_t v = hex_digits(4);
            if (v >= 0xD800 && v <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
                const std::size_t save = pos_;
                pos_ += 2;
                const std::uint32_t low = hex_digits(4);
                if (low >= 0xDC00 && low <= 0xDFFF) return one(0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00));
                pos_ = save;
            }
            if (v >= 0xD800 && v <= 0xDFFF) unsupported("a lone surrogate escape");
            return one(v);
        }
        case 'c': {
            const std::uint32_t l = peek();
            if (!((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z'))) fail("bad \\c escape");
            ++pos_;
            return one(l % 32);
        }
        case 'b':
            if (in_class) return one('\b');
            unsupported("word boundary \\b");
        case 'B': unsupported("word boundary \\B");
        case 'k': unsupported("backreference \\k<name>");
        case 'p':
        case 'P': unsupported("Unicode property escape \\" + std::string(1, static_cast<char>(c)));
        default:
            if (c >= '1' && c <= '9') unsupported("backreference \\" + std::string(1, static_cast<char>(c)));
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
                fail("unknown escape \\" + std::string(1, static_cast<char>(c)));
            return one(c); // escaped punctuation
        }
    }

    CharSet char_class() {
        bool negate = false;
        if (peek() == '^') {
            negate = true;
            ++pos_;
        }
        CharSet set;
        bool first = true;
        while (true) {
            if (at_end()) fail("unterminated character class");
            if (peek() == ']' && !(first && false)) {
                ++pos_;
                break;
            }
            first = false;
            CharSet lo = class_atom();
            if (peek() == '-' && peek(1) != ']' && pos_ + 1 < s_.size()) {
                ++pos_;
                CharSet hi = class_atom();
                const bool single = lo.ranges.size() == 1 && lo.ranges[0].first == lo.ranges[0].second &&
                                    hi.ranges.size() == 1 && hi.ranges[0].first == hi.ranges[0].second;
                if (!single) {
                    // ECMAScript Annex B: a class escape beside '-' makes '-' literal.
                    set.add(lo);
                    set.add('-', '-');
                    set.add(hi);
                    continue;
                }
                if (hi.ranges[0].first < lo.ranges[0].first) fail("character class range out of order");
                set.add(lo.ranges[0].first, hi.ranges[0].first);
            } else {
                set.add(lo);
            }
        }
        if (negate) return set.complement();
        return set;
    }

    CharSet class_atom() {
        const std::uint32_t c = s_[pos_++];
        if (c == '\\') return escape(true);
        CharSet s;
        s.add(c, c);
        return s;
    }
};

// Length bounds of a node's language.
void bounds(const Node& n, std::size_t& min, std::optional<std::size_t>& max) {
    switch (n.kind) {
    case Node::chars: min = 1; max = 1; return;
    case Node::start_anchor:
    case Node::end_anchor: min = 0; max = 0; return;
    case Node::seq: {
        min = 0;
        max = 0;
        for (const auto& k : n.kids) {
            std::size_t a;
            std::optional<std::size_t> b;
            bounds(k, a, b);
            min += a;
            if (max && b) *max += *b;
            else max.reset();
        }
        return;
    }
    case Node::alt: {
        min = SIZE_MAX;
        max = 0;
        for (const auto& k : n.kids) {
            std::size_t a;
            std::optional<std::size_t> b;
            bounds(k, a, b);
            min = std::min(min, a);
            if (max && b) max = std::max(*max, *b);
            else max.reset();
        }
        return;
    }
    case Node::repeat: {
        std::size_t a;
        std::optional<std::size_t> b;
        bounds(n.kids[0], a, b);
        min = a * n.min;
        if (b && n.max) max = *b * *n.max;
        else if (b && *b == 0) max = 0;
        else max.reset();
        return;
    }
    }
}

bool nullable(const Node& n) {
    std::size_t min;
    std::optional<std::size_t> max;
    bounds(n, min, max);
    return min == 0;
}

// The non-empty part of a node's language (nullopt when it has none). A repetition of a nullable node
// is written as a repetition of its non-empty part, (x*)* as (x)* : the same language, without the
// grammar loop that reads nothing and that the GBNF parser rightly refuses as left recursion.
std::optional<Node> nonempty(const Node& n) {
    if (!nullable(n))
        return n;
    switch (n.kind) {
    case Node::chars: return n;
    case Node::start_anchor:
    case Node::end_anchor: return std::nullopt;
    case Node::alt: {
        Node out;
        out.kind = Node::alt;
        for (const auto& k : n.kids)
            if (auto ne = nonempty(k))
                out.kids.push_back(std::move(*ne));
        if (out.kids.empty())
            return std::nullopt;
        return out;
    }
    case Node::seq: { // every kid is nullable: the first non-empty kid, then the rest as they are
        Node out;
        out.kind = Node::alt;
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
            auto ne = nonempty(n.kids[i]);
            if (!ne)
                continue;
            Node branch;
            branch.kind = Node::seq;
            branch.kids.push_back(std::move(*ne));
            branch.kids.insert(branch.kids.end(), n.kids.begin() + static_cast<std::ptrdiff_t>(i) + 1, n.kids.end());
            out.kids.push_back(std::move(branch));
        }
        if (out.kids.empty())
            return std::nullopt;
        return out;
    }
    case Node::repeat: { // x{m,n} with x or m nullable: one to n non-empty pieces
        if (n.max && *n.max == 0)
            return std::nullopt;
        auto ne = nonempty(n.kids[0]);
        if (!ne)
            return std::nullopt;
        Node out;
        out.kind = Node::repeat;
        out.min = 1;
        out.max = n.max;
        if (nullable(n.kids[0]))
            out.kids.push_back(std::move(*ne));
        else
            out.kids.push_back(n.kids[0]);
        return out;
    }
    }
    return std::nullopt;
}

class Emitter {
public:
    Emitter(GbnfBuilder& b, std::string hint) : b_(b), hint_(std::move(hint)) {}

    std::string emit(const Node& n) {
        switch (n.kind) {
        case Node::chars: return json_char_expr(n.set);
        case Node::start_anchor: throw Error(errc::unsupported, "pattern: '^' anywhere but at the start of a branch is not supported");
        case Node::end_anchor: throw Error(errc::unsupported, "pattern: '$' anywhere but at the end of a branch is not supported");
        case Node::seq: {
            std::string out, pending; // pending: a run of single characters written as one literal
            auto flush = [&] {
                if (!pending.empty()) out += (out.empty() ? "" : " ") + gbnf_literal(pending);
                pending.clear();
            };
            for (const auto& k : n.kids) {
                if (k.kind == Node::chars && k.set.ranges.size() == 1 &&
                    k.set.ranges[0].first == k.set.ranges[0].second) {
                    std::string u;
                    append_utf8(u, k.set.ranges[0].first);
                    const std::uint32_t c = k.set.ranges[0].first;
                    if (c >= 0x20 && c != '"' && c != '\\') {
                        pending += u;
                        continue;
                    }
                }
                flush();
                std::string e = emit(k);
                if (k.kind == Node::alt) e = "(" + e + ")";
                out += (out.empty() ? "" : " ") + e;
            }
            flush();
            return out.empty() ? "\"\"" : out;
        }
        case Node::alt: {
            std::string out;
            for (std::size_t i = 0; i < n.kids.size(); ++i) out += (i ? " | " : "") + emit(n.kids[i]);
            return out;
        }
        case Node::repeat: {
            if ((!n.max || *n.max > 1) && nullable(n.kids[0])) {
                auto ne = nonempty(n.kids[0]);
                if (!ne)
                    return "\"\"";
                Node r;
                r.kind = Node::repeat;
                r.max = n.max;
                r.kids.push_back(std::move(*ne));
                return emit(r);
            }
            const std::string inner = b_.rule(hint_, emit(n.kids[0]));
            if (!n.max) {
                if (n.min == 0) return inner + "*";
                if (n.min == 1) return inner + "+";
                return inner + "{" + std::to_string(n.min) + ",}";
            }
            if (*n.max == 0) return "\"\"";
            if (n.min == 0 && *n.max == 1) return inner + "?";
            if (n.min == *n.max) return inner + "{" + std::to_string(n.min) + "}";
            return inner + "{" + std::to_string(n.min) + "," + std::to_string(*n.max) + "}";
        }
        }
        return "\"\"";
    }

private:
    GbnfBuilder& b_;
    std::string hint_;
};

// Strips leading '^' and trailing '$' of a branch (a sequence); sets the flags.
void strip_anchors(Node& branch, bool& start, bool& end) {
    start = end = false;
    if (branch.kind == Node::start_anchor) {
        start = true;
        branch = Node{};
        return;
    }
    if (branch.kind == Node::end_anchor) {
        end = true;
        branch = Node{};
        return;
    }
    if (branch.kind != Node::seq) return;
    auto& k = branch.kids;
    while (!k.empty() && k.front().kind == Node::start_anchor) {
        start = true;
        k.erase(k.begin());
    }
    while (!k.empty() && k.back().kind == Node::end_anchor) {
        end = true;
        k.pop_back();
    }
}

} // namespace

RegexContent regex_content(GbnfBuilder& b, std::string_view pattern, std::string_view hint,
                           const std::string& any_char) {
    Node root = RegexParser(pattern).parse();
    // Anchors of the top level: '^(a|b)$' anchors each of a and b.
    std::vector<Node> branches;
    bool outer_start = false, outer_end = false;
    strip_anchors(root, outer_start, outer_end);
    if ((outer_start || outer_end) && root.kind == Node::seq && root.kids.size() == 1 && root.kids[0].kind == Node::alt)
    {
        Node inner = std::move(root.kids[0]);
        root = std::move(inner);
    }
    if (root.kind == Node::alt) branches = std::move(root.kids);
    else branches.push_back(std::move(root));

    Emitter emitter(b, std::string(hint));
    std::optional<CharSet> repeated_class;
    if (branches.size() == 1) {
        Node probe = branches[0];
        bool start = false, end = false;
        strip_anchors(probe, start, end);
        if ((start || outer_start) && (end || outer_end)) {
            const Node* n = &probe;
            if (n->kind == Node::seq && n->kids.size() == 1) n = &n->kids[0];
            if (n->kind == Node::repeat && n->kids[0].kind == Node::chars) repeated_class = n->kids[0].set;
            else if (n->kind == Node::chars) repeated_class = n->set;
        }
    }
    RegexContent out;
    out.min_length = SIZE_MAX;
    out.max_length = 0;
    std::string body;
    for (auto& br : branches) {
        bool start = false, end = false;
        strip_anchors(br, start, end);
        start = start || outer_start;
        end = end || outer_end;
        std::size_t lo;
        std::optional<std::size_t> hi;
        bounds(br, lo, hi);
        std::string e = emitter.emit(br);
        std::string alt;
        if (!start) alt += any_char + "* ";
        alt += "(" + e + ")";
        if (!end) alt += " " + any_char + "*";
        body += (body.empty() ? "" : " | ") + alt;
        out.min_length = std::min(out.min_length, lo);
        if (!start || !end || !hi) out.max_length.reset();
        else if (out.max_length) out.max_length = std::max(*out.max_length, *hi);
    }
    out.expr = b.rule(std::string(hint), body);
    out.repeated_class = repeated_class;
    return out;
}

namespace {

// Patterns of the formats braid enforces. Each is a subset of what the format's RFC allows (sound:
// everything accepted is valid), chosen to accept what programs usually write.
// Calendar dates: years 0001-9999, the days of each month, 29 February in leap years only (a year
// divisible by 4 and not by 100, or by 400).
constexpr std::string_view date_re =
    "(([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|"
    "(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))|"
    "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)";
// Times with a UTC offset (RFC 3339); leap seconds (":60") are left out.
constexpr std::string_view time_re =
    "(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))";
constexpr std::string_view label_re = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
constexpr std::string_view octet_re = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
constexpr std::string_view pchar_re = "([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})";

std::string format_pattern(std::string_view format) {
    const std::string date(date_re), time(time_re), label(label_re), octet(octet_re), pchar(pchar_re);
    if (format == "date") return "^" + date + "$";
    if (format == "time") return "^" + time + "$";
    if (format == "date-time") return "^" + date + "[Tt]" + time + "$";
    if (format == "uuid")
        return "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    if (format == "ipv4") return "^(" + octet + "\\.){3}" + octet + "$";
    if (format == "email")
        return "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@" + label + "(\\." + label +
               ")*$";
    // Labels of letters, digits and inner '-'; the last one starts with a letter (never all digits).
    if (format == "hostname") return "^(" + label + "\\.)*[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";
    if (format == "uri" || format == "iri" || format == "uri-reference" || format == "iri-reference") {
        // RFC 3986: scheme ":" ("//" authority path-abempty | path-absolute | path-rootless | path-empty)
        // ["?" query] ["#" fragment], ASCII only (a URI is also an IRI and a reference).
        const std::string sub = "[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2}";
        const std::string authority = "((" + sub + "|:)*@)?(" + sub + ")*(:[0-9]*)?";
        const std::string path = "(//" + authority + "(/" + pchar + "*)*|/(" + pchar + "+(/" + pchar + "*)*)?|" + pchar +
                                 "+(/" + pchar + "*)*)?";
        return "^[A-Za-z][A-Za-z0-9+.-]*:" + path + "(\\?(" + pchar + "|[/?])*)?(#(" + pchar + "|[/?])*)?$";
    }
    if (format == "regex") return "^[A-Za-z0-9 _,:;'/@#%&=<>!\"-]*$"; // no metacharacter: always a valid regex
    if (format == "json-pointer") return "^(/([^/~]|~[01])*)*$";
    if (format == "relative-json-pointer") return "^(0|[1-9][0-9]*)(#|(/([^/~]|~[01])*)*)$";
    return {};
}

} // namespace

bool is_checked_format(std::string_view format) {
    static const char* const checked[] = {"date", "time", "date-time", "duration", "email", "idn-email", "hostname",
                                          "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri",
                                          "iri-reference", "uri-template", "uuid", "regex", "json-pointer",
                                          "relative-json-pointer", "color"};
    return std::find(std::begin(checked), std::end(checked), format) != std::end(checked);
}

std::optional<RegexContent> format_content(GbnfBuilder& b, std::string_view format) {
    const std::string pattern = format_pattern(format);
    if (pattern.empty()) return std::nullopt;
    std::string hint = std::string(format) + "-format";
    return regex_content(b, pattern, hint, "char");
}

} // namespace detail

std::string regex_to_gbnf(std::string_view pattern, std::string_view rule_prefix) {
    detail::GbnfBuilder b;
    const std::string root = b.reserve(rule_prefix);
    b.define("char", detail::json_char_rule_body());
    auto content = detail::regex_content(b, pattern, std::string(rule_prefix) + "-re", "char");
    b.define(root, "\"\\\"\" " + content.expr + " \"\\\"\"");
    return b.text(root);
}

} // namespace braid::engine
