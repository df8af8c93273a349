// GBNF text → Grammar::Impl. A recursive-descent parser over bytes; groups and repetitions become
// helper rules (x* → R ::= x R | ε, x+ → x R, x? → R ::= x | ε, x{m,n} → m copies of x then n-m nested
// optionals), literals become one single-character element per code point. After parsing, every
// reference is resolved, the root looked up and left recursion rejected.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>

#include "braid/error.hpp"
#include "grammar_impl.hpp"

namespace braid::engine::grammar_detail {

namespace {

constexpr std::size_t kMaxElements = 1'000'000; // after expanding repetitions
constexpr int kMaxNesting = 200;                // parentheses deep
constexpr std::uint32_t kMaxRepeat = 100'000;   // largest m or n in {m,n}
constexpr std::uint32_t kMaxCodePoint = 0x10FFFF;

struct PElem {
    ElemKind kind; // chars or rule (never end here)
    std::uint32_t arg;
};
using Seq = std::vector<PElem>;

// A repetition just applied to an item: a second one on the same item may merge with it.
struct Repetition {
    PElem item;
    std::uint32_t lo = 0, hi = 0;
    bool unbounded = false;
};

struct PRule {
    std::string name;
    std::vector<Seq> alts;
    bool defined = false;
    std::size_t first_ref = std::string_view::npos; // byte offset of the first reference
};

class Parser {
public:
    Parser(std::string_view text, Grammar::Impl& out) : s_(text), out_(out) {}

    void run(std::string_view root) {
        skip_space();
        if (p_ >= s_.size())
            fail(p_, "the grammar has no rules");
        while (p_ < s_.size()) {
            parse_rule();
            skip_space();
        }
        for (const PRule& r : rules_)
            if (!r.defined)
                fail(r.first_ref, "undefined rule '" + r.name + "'");
        auto it = ids_.find(std::string(root));
        if (it == ids_.end())
            throw Error(errc::parse, "grammar: no rule named '" + std::string(root) + "' (the root rule)");
        flatten(it->second);
    }

private:
    [[noreturn]] void fail(std::size_t at, const std::string& msg) const {
        at = std::min(at, s_.size());
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i < at; ++i) {
            if (s_[i] == '\n') {
                ++line;
                col = 1;
            } else if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) {
                ++col;
            }
        }
        throw Error(errc::parse, "grammar: line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + msg);
    }

    std::string describe(std::size_t at) const {
        if (at >= s_.size())
            return "the end of the text";
        const unsigned char c = static_cast<unsigned char>(s_[at]);
        if (c == '\n')
            return "a line break";
        if (c < 0x20 || c >= 0x7F)
            return "byte 0x" + std::string(1, "0123456789abcdef"[c >> 4]) + std::string(1, "0123456789abcdef"[c & 15]);
        return std::string("'") + static_cast<char>(c) + "'";
    }

    static bool is_name_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    void skip_space() {
        while (p_ < s_.size()) {
            const char c = s_[p_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++p_;
            } else if (c == '#') {
                while (p_ < s_.size() && s_[p_] != '\n')
                    ++p_;
            } else {
                break;
            }
        }
    }

    std::size_t name_end(std::size_t at) const {
        while (at < s_.size() && is_name_char(s_[at]))
            ++at;
        return at;
    }

    // Whether a rule definition (`name ::=`) starts at p_.
    bool at_rule_start() const {
        std::size_t q = name_end(p_);
        if (q == p_)
            return false;
        while (q < s_.size() && (s_[q] == ' ' || s_[q] == '\t'))
            ++q;
        return s_.substr(q, 3) == "::=";
    }

    std::uint32_t rule_id(const std::string& name, std::size_t at) {
        auto [it, inserted] = ids_.emplace(name, static_cast<std::uint32_t>(rules_.size()));
        if (inserted) {
            rules_.push_back(PRule{name, {}, false, at});
        }
        return it->second;
    }

    std::uint32_t helper(std::uint32_t parent) {
        const std::uint32_t id = static_cast<std::uint32_t>(rules_.size());
        rules_.push_back(PRule{rules_[parent].name + "_" + std::to_string(++helpers_), {}, true, 0});
        return id;
    }

    void parse_rule() {
        const std::size_t start = p_;
        const std::size_t e = name_end(p_);
        if (e == p_)
            fail(p_, "expected a rule name, found " + describe(p_));
        const std::string name(s_.substr(p_, e - p_));
        p_ = e;
        while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t'))
            ++p_;
        if (s_.substr(p_, 3) != "::=")
            fail(p_, "expected '::=' after rule name '" + name + "', found " + describe(p_));
        p_ += 3;
        const std::uint32_t id = rule_id(name, start);
        if (rules_[id].defined)
            fail(start, "rule '" + name + "' is defined twice");
        rules_[id].defined = true;
        auto alts = parse_alternates(id, false);
        rules_[id].alts = std::move(alts);
        if (p_ < s_.size() && !at_rule_start())
            fail(p_, "unexpected " + describe(p_) + " in rule '" + name + "'");
    }

    std::vector<Seq> parse_alternates(std::uint32_t rule, bool nested) {
        std::vector<Seq> alts;
        alts.push_back(parse_sequence(rule, nested));
        while (p_ < s_.size() && s_[p_] == '|') {
            ++p_;
            alts.push_back(parse_sequence(rule, nested));
        }
        return alts;
    }

    void count(std::size_t n) {
        total_ += n;
        if (total_ > kMaxElements)
            fail(p_, "the grammar is too large (over " + std::to_string(kMaxElements) + " elements once repetitions are expanded)");
    }

    Seq parse_sequence(std::uint32_t rule, bool nested) {
        Seq seq;
        for (;;) {
            skip_space();
            if (p_ >= s_.size() || s_[p_] == '|' || s_[p_] == ')')
                break;
            if (!nested && at_rule_start())
                break;
            const std::size_t atom_start = seq.size();
            parse_atom(rule, seq);
            last_repetition_.reset();
            for (;;) {
                skip_space();
                if (p_ >= s_.size())
                    break;
                const char c = s_[p_];
                if (c != '*' && c != '+' && c != '?' && c != '{')
                    break;
                apply_repetition(rule, seq, atom_start);
            }
        }
        return seq;
    }

    void parse_atom(std::uint32_t rule, Seq& seq) {
        const char c = s_[p_];
        if (c == '"') {
            const std::size_t open = p_++;
            while (p_ < s_.size() && s_[p_] != '"') {
                const std::uint32_t cp = read_char();
                seq.push_back({ElemKind::chars, charset_of({{cp, cp}}, false)});
                count(1);
            }
            if (p_ >= s_.size())
                fail(open, "unterminated string literal");
            ++p_;
        } else if (c == '[') {
            parse_class(seq);
        } else if (c == '.') {
            ++p_;
            seq.push_back({ElemKind::chars, charset_of({{0, kMaxCodePoint}}, false)});
            count(1);
        } else if (c == '(') {
            const std::size_t open = p_++;
            if (++depth_ > kMaxNesting)
                fail(open, "parentheses nested deeper than " + std::to_string(kMaxNesting));
            const std::uint32_t h = helper(rule);
            auto alts = parse_alternates(h, true);
            rules_[h].alts = std::move(alts);
            skip_space();
            if (p_ >= s_.size() || s_[p_] != ')')
                fail(p_, "expected ')' to close the '(' at " + position(open) + ", found " + describe(p_));
            ++p_;
            --depth_;
            seq.push_back({ElemKind::rule, h});
            count(1);
        } else if (is_name_char(c)) {
            const std::size_t e = name_end(p_);
            const std::uint32_t id = rule_id(std::string(s_.substr(p_, e - p_)), p_);
            p_ = e;
            seq.push_back({ElemKind::rule, id});
            count(1);
        } else {
            fail(p_, "unexpected " + describe(p_));
        }
    }

    std::string position(std::size_t at) const {
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i < at && i < s_.size(); ++i) {
            if (s_[i] == '\n') {
                ++line;
                col = 1;
            } else if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) {
                ++col;
            }
        }
        return "line " + std::to_string(line) + ", column " + std::to_string(col);
    }

    void parse_class(Seq& seq) {
        const std::size_t open = p_++;
        bool negated = false;
        if (p_ < s_.size() && s_[p_] == '^') {
            negated = true;
            ++p_;
        }
        std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
        while (p_ < s_.size() && s_[p_] != ']') {
            const std::size_t at = p_;
            const std::uint32_t lo = read_char();
            std::uint32_t hi = lo;
            if (p_ + 1 < s_.size() && s_[p_] == '-' && s_[p_ + 1] != ']') {
                ++p_;
                hi = read_char();
                if (hi < lo)
                    fail(at, "character range is backwards (end before start)");
            }
            ranges.emplace_back(lo, hi);
        }
        if (p_ >= s_.size())
            fail(open, "unterminated character class");
        ++p_;
        if (ranges.empty() && !negated)
            fail(open, "empty character class matches nothing");
        seq.push_back({ElemKind::chars, charset_of(std::move(ranges), negated)});
        count(1);
    }

    int hex_value(char c) const {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    std::uint32_t read_hex(std::size_t digits) {
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            const int h = p_ < s_.size() ? hex_value(s_[p_]) : -1;
            if (h < 0)
                fail(p_, "expected " + std::to_string(digits) + " hexadecimal digits in an escape, found " + describe(p_));
            v = v * 16 + static_cast<std::uint32_t>(h);
            ++p_;
        }
        return v;
    }

    // One character of a literal or class (an escape or a UTF-8 encoded code point).
    std::uint32_t read_char() {
        const std::size_t at = p_;
        const unsigned char c = static_cast<unsigned char>(s_[p_]);
        if (c == '\\') {
            ++p_;
            if (p_ >= s_.size())
                fail(at, "escape at the end of the text");
            const char e = s_[p_++];
            std::uint32_t cp = 0;
            switch (e) {
            case 'n': return '\n';
            case 't': return '\t';
            case 'r': return '\r';
            case '\\': case '"': case '\'': case '[': case ']': case '-': case '^': case '/': return static_cast<unsigned char>(e);
            case 'x': cp = read_hex(2); break;
            case 'u': cp = read_hex(4); break;
            case 'U': cp = read_hex(8); break;
            default: fail(at, "unknown escape '\\" + std::string(1, e) + "'");
            }
            if (cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF))
                fail(at, "escape is not a Unicode scalar value");
            return cp;
        }
        if (c < 0x80) {
            if (c == '\n' || c == '\r')
                fail(at, "line break inside a literal or class (write \\n)");
            ++p_;
            return c;
        }
        std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        if (len == 0 || p_ + len > s_.size())
            fail(at, "invalid UTF-8 in the grammar text");
        std::uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (std::size_t i = 1; i < len; ++i) {
            const unsigned char d = static_cast<unsigned char>(s_[p_ + i]);
            if ((d & 0xC0) != 0x80)
                fail(at, "invalid UTF-8 in the grammar text");
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            fail(at, "invalid UTF-8 in the grammar text");
        p_ += len;
        return cp;
    }

    void apply_repetition(std::uint32_t rule, Seq& seq, std::size_t atom_start) {
        const std::size_t at = p_;
        const char op = s_[p_++];
        std::uint32_t lo = 0, hi = 0;
        bool unbounded = false;
        if (op == '*') {
            unbounded = true;
        } else if (op == '+') {
            lo = 1;
            unbounded = true;
        } else if (op == '?') {
            hi = 1;
        } else { // {m} {m,} {m,n} {,n}
            skip_inline();
            const bool has_lo = p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9';
            if (has_lo)
                lo = read_number();
            skip_inline();
            if (p_ < s_.size() && s_[p_] == ',') {
                ++p_;
                skip_inline();
                if (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9')
                    hi = read_number();
                else
                    unbounded = true;
            } else {
                if (!has_lo)
                    fail(at, "expected a count in '{...}'");
                hi = lo;
            }
            skip_inline();
            if (p_ >= s_.size() || s_[p_] != '}')
                fail(p_, "expected '}' to close the repetition, found " + describe(p_));
            ++p_;
            if (!unbounded && hi < lo)
                fail(at, "repetition {" + std::to_string(lo) + "," + std::to_string(hi) + "} has its maximum below its minimum");
        }
        if (atom_start >= seq.size())
            fail(at, "'" + std::string(1, op) + "' has nothing to repeat");
        // A repetition of a repetition (x+*, x?+, x++) is one repetition of x where that is the same
        // language: nested repetitions of a nullable item would loop without reading, and nested
        // unbounded ones multiply the parser's stacks with every character.
        if (last_repetition_) {
            const Repetition& in = *last_repetition_;
            bool merged = true;
            if (in.unbounded && in.lo <= 1) { // (x{a,}){c,d} = x{c·a,}, (x*)? = x*, (x+)? = x*
                lo = lo == 0 ? 0 : lo * in.lo;
                unbounded = true;
            } else if (in.unbounded && lo >= 1) { // (x{a,}){c,d} with c >= 1: x{c·a,}
                if (std::uint64_t{lo} * in.lo > kMaxRepeat)
                    fail(at, "nested repetitions over " + std::to_string(kMaxRepeat) + " times");
                lo *= in.lo;
                unbounded = true;
            } else if (!in.unbounded && in.lo == 0 && in.hi == 1) { // (x?){c,d} = x{0,d}
                lo = 0;
            } else {
                merged = false;
            }
            if (merged) {
                seq.resize(atom_start);
                seq.push_back(in.item);
            }
        }
        // The repeated item as one element.
        PElem item;
        if (seq.size() - atom_start == 1) {
            item = seq[atom_start];
        } else {
            const std::uint32_t h = helper(rule);
            rules_[h].alts.push_back(Seq(seq.begin() + static_cast<std::ptrdiff_t>(atom_start), seq.end()));
            item = {ElemKind::rule, h};
        }
        last_repetition_ = Repetition{item, lo, hi, unbounded};
        seq.resize(atom_start);
        count(static_cast<std::size_t>(lo) + 3);
        for (std::uint32_t i = 0; i < lo; ++i)
            seq.push_back(item);
        if (unbounded) {
            const std::uint32_t r = helper(rule); // r ::= item r | ε
            rules_[r].alts.push_back(Seq{item, {ElemKind::rule, r}});
            rules_[r].alts.push_back(Seq{});
            seq.push_back({ElemKind::rule, r});
        } else if (hi > lo) {
            count(2 * static_cast<std::size_t>(hi - lo));
            std::uint32_t inner = 0;
            for (std::uint32_t k = 0; k < hi - lo; ++k) { // o_k ::= item o_{k-1} | ε
                const std::uint32_t o = helper(rule);
                Seq first{item};
                if (k > 0)
                    first.push_back({ElemKind::rule, inner});
                rules_[o].alts.push_back(std::move(first));
                rules_[o].alts.push_back(Seq{});
                inner = o;
            }
            seq.push_back({ElemKind::rule, inner});
        }
    }

    void skip_inline() {
        while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t'))
            ++p_;
    }

    std::uint32_t read_number() {
        const std::size_t at = p_;
        std::uint64_t v = 0;
        while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') {
            v = v * 10 + static_cast<std::uint64_t>(s_[p_] - '0');
            if (v > kMaxRepeat)
                fail(at, "repetition count above " + std::to_string(kMaxRepeat));
            ++p_;
        }
        return static_cast<std::uint32_t>(v);
    }

    std::uint32_t charset_of(std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges, bool negated) {
        std::sort(ranges.begin(), ranges.end());
        std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
        for (const auto& r : ranges) {
            if (!merged.empty() && r.first <= merged.back().second + 1)
                merged.back().second = std::max(merged.back().second, r.second);
            else
                merged.push_back(r);
        }
        if (negated) {
            std::vector<std::pair<std::uint32_t, std::uint32_t>> inv;
            std::uint32_t next = 0;
            for (const auto& r : merged) {
                if (r.first > next)
                    inv.emplace_back(next, r.first - 1);
                next = r.second + 1;
            }
            if (next <= kMaxCodePoint)
                inv.emplace_back(next, kMaxCodePoint);
            merged = std::move(inv);
        }
        auto it = charset_ids_.find(merged);
        if (it != charset_ids_.end())
            return it->second;
        CharSet cs;
        cs.ranges = merged;
        for (const auto& [lo, hi] : merged)
            for (std::uint32_t c = lo; c <= std::min<std::uint32_t>(hi, 127); ++c)
                cs.ascii[c >> 6] |= std::uint64_t{1} << (c & 63);
        const auto id = static_cast<std::uint32_t>(out_.charsets.size());
        out_.charsets.push_back(std::move(cs));
        charset_ids_.emplace(std::move(merged), id);
        return id;
    }

    void flatten(std::uint32_t root) {
        out_.rules.resize(rules_.size());
        for (std::size_t r = 0; r < rules_.size(); ++r) {
            out_.rules[r].name = rules_[r].name;
            for (const Seq& alt : rules_[r].alts) {
                out_.rules[r].alts.push_back(static_cast<std::uint32_t>(out_.elems.size()));
                for (const PElem& e : alt)
                    out_.elems.push_back({e.kind, e.arg});
                out_.elems.push_back({ElemKind::end, 0});
            }
        }
        out_.root = root;
        check_left_recursion();
    }

    void check_left_recursion() const {
        const auto& rules = out_.rules;
        const auto& elems = out_.elems;
        std::vector<char> nullable(rules.size(), 0);
        for (bool changed = true; changed;) {
            changed = false;
            for (std::size_t r = 0; r < rules.size(); ++r) {
                if (nullable[r])
                    continue;
                for (std::uint32_t a : rules[r].alts) {
                    std::uint32_t p = a;
                    while (elems[p].kind == ElemKind::rule && nullable[elems[p].arg])
                        ++p;
                    if (elems[p].kind == ElemKind::end) {
                        nullable[r] = 1;
                        changed = true;
                        break;
                    }
                }
            }
        }
        // Edges r → s when s can start r without input consumed before it.
        std::vector<std::vector<std::uint32_t>> edges(rules.size());
        for (std::size_t r = 0; r < rules.size(); ++r)
            for (std::uint32_t a : rules[r].alts)
                for (std::uint32_t p = a; elems[p].kind == ElemKind::rule; ++p) {
                    edges[r].push_back(elems[p].arg);
                    if (!nullable[elems[p].arg])
                        break;
                }
        std::vector<char> color(rules.size(), 0); // 0 new, 1 on the path, 2 done
        std::vector<std::uint32_t> path;
        for (std::uint32_t start = 0; start < rules.size(); ++start) {
            if (color[start])
                continue;
            // Iterative DFS: (rule, next edge index).
            std::vector<std::pair<std::uint32_t, std::size_t>> st{{start, 0}};
            color[start] = 1;
            while (!st.empty()) {
                auto& [r, i] = st.back();
                if (i < edges[r].size()) {
                    const std::uint32_t s = edges[r][i++];
                    if (color[s] == 1) {
                        std::string cycle;
                        bool on = false;
                        for (const auto& f : st) {
                            on = on || f.first == s;
                            if (on)
                                cycle += display(f.first) + " -> ";
                        }
                        throw Error(errc::parse, "grammar: left recursion: rule " + display(s) +
                                                     " can reach itself without consuming input (" + cycle + display(s) +
                                                     "); rewrite it with repetition (x ::= y (op y)*)");
                    }
                    if (color[s] == 0) {
                        color[s] = 1;
                        st.emplace_back(s, 0);
                    }
                } else {
                    color[r] = 2;
                    st.pop_back();
                }
            }
        }
    }

    std::string display(std::uint32_t r) const { return "'" + out_.rules[r].name + "'"; }

    std::string_view s_;
    Grammar::Impl& out_;
    std::size_t p_ = 0;
    std::vector<PRule> rules_;
    std::unordered_map<std::string, std::uint32_t> ids_;
    std::map<std::vector<std::pair<std::uint32_t, std::uint32_t>>, std::uint32_t> charset_ids_;
    std::size_t total_ = 0;
    int depth_ = 0;
    int helpers_ = 0;
    std::optional<Repetition> last_repetition_; // of the atom being parsed
};

} // namespace

bool CharSet::contains(std::uint32_t cp) const noexcept {
    if (cp < 128)
        return (ascii[cp >> 6] >> (cp & 63)) & 1;
    auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                               [](std::uint32_t v, const std::pair<std::uint32_t, std::uint32_t>& r) { return v < r.first; });
    return it != ranges.begin() && cp <= std::prev(it)->second;
}

bool CharSet::intersects(std::uint32_t lo, std::uint32_t hi) const noexcept {
    for (const auto& r : ranges)
        if (r.first <= hi && lo <= r.second)
            return true;
    return false;
}

bool CharSet::covers(std::uint32_t lo, std::uint32_t hi) const noexcept {
    auto it = std::upper_bound(ranges.begin(), ranges.end(), lo,
                               [](std::uint32_t v, const std::pair<std::uint32_t, std::uint32_t>& r) { return v < r.first; });
    return it != ranges.begin() && std::prev(it)->second >= hi; // ranges never touch: one must hold it all
}

void parse_gbnf(std::string_view text, std::string_view root, Grammar::Impl& out) {
    Parser(text, out).run(root);
}

} // namespace braid::engine::grammar_detail
