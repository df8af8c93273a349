#include "engine/tokenizer/split_regex.hpp"

#include <algorithm>
#include <iterator>
#include <memory>

#include "braid/error.hpp"
#include "engine/tokenizer/unicode.hpp"

namespace braid::engine::tokenizer_detail {

namespace {

constexpr int kNoCategory = 8; // what a collapsed non-ASCII space is: in no \p{X} at all
constexpr int kUnbounded = -1;

struct Node {
    enum Kind { kClass, kSeq, kAlt, kRepeat, kEnd, kNotAhead } kind;
    explicit Node(Kind k) : kind(k) {}
    int cls = 0;
    int min = 1, max = 1;
    std::vector<Node> children;
};

class Compiler {
public:
    Compiler(std::u32string pattern, std::vector<SplitRegex::Class>& classes)
        : p_(std::move(pattern)), classes_(classes) {}

    Node parse() {
        Node n = alternation();
        if (i_ != p_.size()) fail("unexpected ')'");
        return n;
    }

    void emit(const Node& n, std::vector<SplitRegex::Inst>& prog) {
        using I = SplitRegex::Inst;
        switch (n.kind) {
        case Node::kClass: prog.push_back({I::kClass, n.cls, 0, 0}); break;
        case Node::kEnd: prog.push_back({I::kEnd, 0, 0, 0}); break;
        case Node::kNotAhead: prog.push_back({I::kNotAhead, n.cls, 0, 0}); break;
        case Node::kSeq:
            for (const Node& c : n.children) emit(c, prog);
            break;
        case Node::kAlt: {
            std::vector<std::size_t> jumps;
            for (std::size_t k = 0; k < n.children.size(); ++k) {
                if (k + 1 == n.children.size()) { emit(n.children[k], prog); break; }
                std::size_t split = prog.size();
                prog.push_back({I::kSplit, static_cast<int>(split + 1), 0, 0});
                emit(n.children[k], prog);
                jumps.push_back(prog.size());
                prog.push_back({I::kJmp, 0, 0, 0});
                prog[split].y = static_cast<int>(prog.size());
            }
            for (auto j : jumps) prog[j].x = static_cast<int>(prog.size());
            break;
        }
        case Node::kRepeat: {
            const Node& body = n.children[0];
            if (body.kind == Node::kClass) {
                prog.push_back({I::kRepeatClass, body.cls, n.min, n.max});
                break;
            }
            for (int k = 0; k < n.min; ++k) emit(body, prog);
            if (n.max == kUnbounded) {
                std::size_t split = prog.size();
                prog.push_back({I::kSplit, static_cast<int>(split + 1), 0, 0});
                emit(body, prog);
                prog.push_back({I::kJmp, static_cast<int>(split), 0, 0});
                prog[split].y = static_cast<int>(prog.size());
            } else {
                std::vector<std::size_t> splits;
                for (int k = n.min; k < n.max; ++k) {
                    splits.push_back(prog.size());
                    prog.push_back({I::kSplit, static_cast<int>(prog.size() + 1), 0, 0});
                    emit(body, prog);
                }
                for (auto s : splits) prog[s].y = static_cast<int>(prog.size());
            }
            break;
        }
        }
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(errc::internal, "pre-tokenizer pattern: " + what + " at " + std::to_string(i_));
    }
    bool done() const { return i_ >= p_.size(); }
    char32_t peek() const { return done() ? 0 : p_[i_]; }
    char32_t next() {
        if (done()) fail("unexpected end");
        return p_[i_++];
    }
    void expect(char32_t c) {
        if (next() != c) fail("expected '" + std::string(1, static_cast<char>(c)) + "'");
    }

    Node alternation() {
        Node alt{Node::kAlt};
        alt.children.push_back(sequence());
        while (peek() == U'|') {
            ++i_;
            alt.children.push_back(sequence());
        }
        return alt.children.size() == 1 ? std::move(alt.children[0]) : alt;
    }

    Node sequence() {
        Node seq{Node::kSeq};
        while (!done() && peek() != U'|' && peek() != U')') {
            Node atom_node = atom();
            quantifier(atom_node);
            seq.children.push_back(std::move(atom_node));
        }
        return seq;
    }

    void quantifier(Node& n) {
        int min = 1, max = 1;
        switch (peek()) {
        case U'?': min = 0; max = 1; break;
        case U'*': min = 0; max = kUnbounded; break;
        case U'+': min = 1; max = kUnbounded; break;
        case U'{': {
            ++i_;
            min = number();
            max = min;
            if (peek() == U',') {
                ++i_;
                max = peek() == U'}' ? kUnbounded : number();
            }
            if (peek() != U'}') fail("bad {n,m}");
            break;
        }
        default: return;
        }
        ++i_;
        Node rep{Node::kRepeat};
        rep.min = min;
        rep.max = max;
        rep.children.push_back(std::move(n));
        n = std::move(rep);
    }

    int number() {
        int v = 0;
        if (peek() < U'0' || peek() > U'9') fail("expected a number");
        while (peek() >= U'0' && peek() <= U'9') v = v * 10 + static_cast<int>(next() - U'0');
        return v;
    }

    Node atom() {
        char32_t c = next();
        if (c == U'(') {
            expect(U'?');
            char32_t kind = next();
            if (kind == U':') {
                Node inner = alternation();
                expect(U')');
                return inner;
            }
            if (kind == U'!') {
                Node look{Node::kNotAhead};
                look.cls = single_class();
                expect(U')');
                return look;
            }
            fail("unsupported group");
        }
        if (c == U'$') return Node{Node::kEnd};
        --i_;
        Node n{Node::kClass};
        n.cls = single_class();
        return n;
    }

    int single_class() {
        SplitRegex::Class cls;
        char32_t c = next();
        if (c == U'[') {
            if (peek() == U'^') { cls.negated = true; ++i_; }
            while (peek() != U']') {
                char32_t lo = 0;
                if (peek() == U'\\') {
                    ++i_;
                    if (!escape(cls, lo)) continue;
                } else {
                    lo = next();
                }
                char32_t hi = lo;
                if (peek() == U'-' && i_ + 1 < p_.size() && p_[i_ + 1] != U']') {
                    ++i_;
                    hi = next();
                    if (hi == U'\\') {
                        SplitRegex::Class ignored;
                        if (!escape(ignored, hi)) fail("class in a range");
                    }
                }
                cls.ranges.emplace_back(lo, hi);
            }
            ++i_;
        } else if (c == U'\\') {
            char32_t lit = 0;
            if (escape(cls, lit)) cls.ranges.emplace_back(lit, lit);
        } else {
            cls.ranges.emplace_back(c, c);
        }
        classes_.push_back(std::move(cls));
        return static_cast<int>(classes_.size() - 1);
    }

    // Reads the escape after '\'. Returns true with @p literal set for a single character, false when it
    // added a set (\s \S \p{X} \d) to @p cls.
    bool escape(SplitRegex::Class& cls, char32_t& literal) {
        char32_t e = next();
        switch (e) {
        case U'r': literal = U'\r'; return true;
        case U'n': literal = U'\n'; return true;
        case U't': literal = U'\t'; return true;
        case U'f': literal = U'\f'; return true;
        case U'v': literal = U'\v'; return true;
        case U's': cls.space = true; return false;
        case U'S': cls.non_space = true; return false;
        case U'd': cls.ranges.emplace_back(U'0', U'9'); return false;
        case U'p': {
            expect(U'{');
            char32_t name = next();
            expect(U'}');
            Category cat;
            switch (name) {
            case U'L': cat = Category::letter; break;
            case U'N': cat = Category::number; break;
            case U'P': cat = Category::punctuation; break;
            case U'S': cat = Category::symbol; break;
            case U'M': cat = Category::mark; break;
            case U'Z': cat = Category::separator; break;
            case U'C': cat = Category::control; break;
            default: fail("unknown \\p{} class");
            }
            cls.categories |= static_cast<std::uint16_t>(1u << static_cast<int>(cat));
            return false;
        }
        default: literal = e; return true;
        }
    }

    std::u32string p_;
    std::size_t i_ = 0;
    std::vector<SplitRegex::Class>& classes_;
};

bool ascii_space(char32_t cp) { return cp == U' ' || (cp >= U'\t' && cp <= U'\r'); }

} // namespace

SplitRegex::SplitRegex(std::string_view pattern, ClassMode mode) : mode_(mode) {
    Compiler compiler(decode_utf8(pattern), classes_);
    Node root = compiler.parse();
    compiler.emit(root, program_);
    program_.push_back({Inst::kMatch, 0, 0, 0});
    // Sorted, merged ranges allow a binary search in the large classes (deepseek-llm's letter list).
    for (auto& c : classes_) {
        std::sort(c.ranges.begin(), c.ranges.end());
        std::vector<std::pair<char32_t, char32_t>> merged;
        for (const auto& r : c.ranges) {
            if (!merged.empty() && r.first <= merged.back().second + 1) merged.back().second = std::max(merged.back().second, r.second);
            else merged.push_back(r);
        }
        c.ranges = std::move(merged);
    }
}

bool SplitRegex::class_matches(const Class& c, char32_t cp) const {
    bool in = false;
    if (c.ranges.size() > 8) {
        auto it = std::upper_bound(c.ranges.begin(), c.ranges.end(), cp,
                                   [](char32_t v, const std::pair<char32_t, char32_t>& r) { return v < r.first; });
        in = it != c.ranges.begin() && cp <= std::prev(it)->second;
    } else {
        for (const auto& [lo, hi] : c.ranges) {
            if (cp >= lo && cp <= hi) { in = true; break; }
        }
    }
    if (!in && (c.space || c.non_space)) {
        bool ws = mode_ == ClassMode::codepoint ? ascii_space(cp) : is_whitespace(cp);
        in = (c.space && ws) || (c.non_space && !ws);
    }
    if (!in && c.categories) {
        int cat = static_cast<int>(category(cp));
        if (mode_ == ClassMode::collapsed && cp >= 0x80) {
            if (is_whitespace(cp)) {
                cat = kNoCategory;
            } else if (cat != static_cast<int>(Category::letter) && cat != static_cast<int>(Category::number) &&
                       cat != static_cast<int>(Category::punctuation) && cat != static_cast<int>(Category::mark) &&
                       cat != static_cast<int>(Category::symbol)) {
                cat = static_cast<int>(Category::letter);
            }
        }
        in = (c.categories >> cat) & 1u;
    }
    return in != c.negated;
}

long SplitRegex::match_at(const char32_t* /*begin*/, const char32_t* end, const char32_t* pos) const {
    struct Frame {
        int pc;
        const char32_t* at;
        const char32_t* low; // kRepeatClass frame: may give back code points down to `low`; else nullptr
    };
    thread_local std::vector<Frame> stack;
    stack.clear();
    int pc = 0;
    const char32_t* at = pos;
    for (;;) {
        const Inst& in = program_[static_cast<std::size_t>(pc)];
        bool ok = true;
        switch (in.op) {
        case Inst::kClass:
            if (at < end && class_matches(classes_[static_cast<std::size_t>(in.x)], *at)) { ++at; ++pc; }
            else ok = false;
            break;
        case Inst::kRepeatClass: {
            const Class& cls = classes_[static_cast<std::size_t>(in.x)];
            const char32_t* start = at;
            const char32_t* limit = in.z < 0 || end - at < in.z ? end : at + in.z;
            while (at < limit && class_matches(cls, *at)) ++at;
            if (at - start < in.y) { ok = false; break; }
            if (at - start > in.y) stack.push_back({pc + 1, at, start + in.y});
            ++pc;
            break;
        }
        case Inst::kSplit:
            stack.push_back({in.y, at, nullptr});
            pc = in.x;
            break;
        case Inst::kJmp: pc = in.x; break;
        case Inst::kEnd:
            if (at == end) ++pc;
            else ok = false;
            break;
        case Inst::kNotAhead:
            if (at < end && class_matches(classes_[static_cast<std::size_t>(in.x)], *at)) ok = false;
            else ++pc;
            break;
        case Inst::kMatch: return at - pos;
        }
        if (!ok) {
            if (stack.empty()) return -1;
            Frame& f = stack.back();
            pc = f.pc;
            if (f.low) {
                at = --f.at; // give back one code point; drop the frame once at its minimum
                if (f.at == f.low) stack.pop_back();
            } else {
                at = f.at;
                stack.pop_back();
            }
        }
    }
}

void SplitRegex::split(const std::u32string& text, std::vector<std::size_t>& pieces) const {
    std::vector<std::size_t> out;
    out.reserve(pieces.size() * 2);
    const char32_t* base = text.data();
    std::size_t start = 0;
    for (std::size_t len : pieces) {
        const char32_t* b = base + start;
        const char32_t* e = b + len;
        const char32_t* gap = b;
        for (const char32_t* p = b; p < e;) {
            long m = match_at(b, e, p);
            if (m > 0) {
                if (p > gap) out.push_back(static_cast<std::size_t>(p - gap));
                out.push_back(static_cast<std::size_t>(m));
                p += m;
                gap = p;
            } else {
                ++p;
            }
        }
        if (e > gap) out.push_back(static_cast<std::size_t>(e - gap));
        start += len;
    }
    pieces = std::move(out);
}

} // namespace braid::engine::tokenizer_detail
