#include "recognizer.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <queue>
#include <string>

#include "braid/error.hpp"

namespace braid::engine::grammar_detail {

namespace {
constexpr std::size_t kLinearSeen = 32; // expansions visiting more (position, parent) pairs use a hash set
// Configurations one recognizer may build: each costs 1 KiB of transitions and its stacks, so this
// bounds a grammar's memory near 600 MiB (the JSON benchmark's 40 texts build a few thousand).
constexpr std::size_t kMaxSets = std::size_t{1} << 19;
// Stack nodes and the node ids held by all configurations: an ambiguous grammar (nested repetitions
// such as `x+++`) can multiply stacks with every byte, long before it reaches kMaxSets. Together these
// bound the stacks' memory near 200 MiB.
constexpr std::size_t kMaxNodes = std::size_t{1} << 21;
constexpr std::size_t kMaxSetNodes = std::size_t{1} << 24;
// Stacks visited while reading one byte: nested repetitions of repetitions (((x)+)+)+ reach 2^depth
// distinct stacks. Real grammars stay far below: at most 417 over every fifth MaskBench schema (1,159
// files); the bound keeps a pathological grammar's byte near a millisecond instead of seconds.
constexpr std::size_t kMaxStepWork = std::size_t{1} << 16;

// truncate()'s cut of grammars without recursion: below the top frames whose rules reach at most
// kSmallRuleClosure rules (a JSON string with its escapes reaches about 8), when some stack has at
// least kMinSmallFrames of them.
constexpr std::size_t kSmallRuleClosure = 6;
constexpr std::size_t kMinSmallFrames = 2;

// signature(): stack shapes are hashed this many rule levels down (deep enough to tell a string's
// inside from a number's); its output buffer starts at the size of a JSON string's description.
constexpr int kShapeDepth = 3;
constexpr std::size_t kSignatureReserve = 2048;

[[noreturn]] void too_ambiguous(const std::string& what) {
    throw Error(errc::out_of_memory, "grammar: over " + what + " for one grammar and vocabulary (an ambiguous grammar or "
                                     "very deep nesting); compile the grammar again to start afresh");
}
} // namespace

Recognizer::Recognizer(const Grammar::Impl& g) : g_(g) {
    nodes_.emplace_back(0u, 0u); // node 0: the empty stack
    nodes_.emplace_back(0u, 0u); // node 1: `opaque`, the cut-off bottom of truncated stacks
    mark_lexical();
    measure_min_chars();
    std::vector<std::uint32_t> start;
    for (std::uint32_t alt : g_.rules[g_.root].alts)
        expand(alt, 0, start);
    initial_ = intern(start, 0, 0, 0);
}

// A rule is recursive when it can reach itself through references of which at least one is not a
// tail call (Tarjan's strongly connected components, iteratively): only those grow the stack, while
// repetitions (r ::= x r | ε) stay flat. A rule is lexical when it cannot reach a recursive rule.
void Recognizer::mark_lexical() {
    const std::size_t n = g_.rules.size();
    std::vector<std::vector<std::uint32_t>> refs(n);
    std::vector<std::vector<std::uint32_t>> inner_refs(n); // references that are not tail calls
    for (std::size_t r = 0; r < n; ++r)
        for (std::uint32_t a : g_.rules[r].alts)
            for (std::uint32_t p = a; g_.elems[p].kind != ElemKind::end; ++p)
                if (g_.elems[p].kind == ElemKind::rule) {
                    refs[r].push_back(g_.elems[p].arg);
                    if (g_.elems[p + 1].kind != ElemKind::end)
                        inner_refs[r].push_back(g_.elems[p].arg);
                }
    constexpr std::uint32_t none = ~0u;
    std::vector<std::uint32_t> index(n, none), low(n, 0), comp(n, none), comp_size;
    std::vector<char> on_stack(n, 0);
    std::vector<std::uint32_t> stack;
    std::uint32_t counter = 0;
    for (std::uint32_t root = 0; root < n; ++root) {
        if (index[root] != none)
            continue;
        std::vector<std::pair<std::uint32_t, std::size_t>> calls{{root, 0}};
        index[root] = low[root] = counter++;
        stack.push_back(root);
        on_stack[root] = 1;
        while (!calls.empty()) {
            auto& [v, i] = calls.back();
            if (i < refs[v].size()) {
                const std::uint32_t w = refs[v][i++];
                if (index[w] == none) {
                    index[w] = low[w] = counter++;
                    stack.push_back(w);
                    on_stack[w] = 1;
                    calls.emplace_back(w, 0);
                } else if (on_stack[w]) {
                    low[v] = std::min(low[v], index[w]);
                }
                continue;
            }
            if (low[v] == index[v]) {
                const auto c = static_cast<std::uint32_t>(comp_size.size());
                comp_size.push_back(0);
                std::uint32_t w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    on_stack[w] = 0;
                    comp[w] = c;
                    ++comp_size[c];
                } while (w != v);
            }
            const std::uint32_t done = v;
            calls.pop_back();
            if (!calls.empty())
                low[calls.back().first] = std::min(low[calls.back().first], low[done]);
        }
    }
    // Components complete in reverse topological order: a rule's references are decided before it.
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t r = 0; r < n; ++r)
        order[r] = r;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return comp[a] < comp[b]; });
    std::vector<char> growing(comp_size.size(), 0);
    for (std::uint32_t r = 0; r < n; ++r)
        for (std::uint32_t w : inner_refs[r])
            if (comp[w] == comp[r])
                growing[comp[r]] = 1;
    std::vector<char> lexical(n, 1);
    for (std::uint32_t r : order) {
        if (growing[comp[r]])
            lexical[r] = 0;
        for (std::uint32_t w : refs[r])
            if (comp[w] != comp[r] && !lexical[w])
                lexical[r] = 0;
    }
    // A component's members reach each other: make the verdict uniform within each component.
    std::vector<char> comp_lexical(comp_size.size(), 1);
    for (std::uint32_t r = 0; r < n; ++r)
        if (!lexical[r])
            comp_lexical[comp[r]] = 0;
    for (std::uint32_t r = 0; r < n; ++r)
        lexical[r] = comp_lexical[comp[r]];
    lexical_pos_.assign(g_.elems.size(), 0);
    rule_of_pos_.assign(g_.elems.size(), 0);
    for (std::size_t r = 0; r < n; ++r)
        for (std::uint32_t a : g_.rules[r].alts)
            for (std::uint32_t p = a;; ++p) {
                lexical_pos_[p] = lexical[r];
                rule_of_pos_[p] = static_cast<std::uint32_t>(r);
                if (g_.elems[p].kind == ElemKind::end)
                    break;
            }
}

// Lower bounds on the characters each rule reads (signature()'s distances): iterated up from 0, so
// every pass gives lower bounds and the last one (stable, or after kMinCharsPasses) is used.
void Recognizer::measure_min_chars() {
    constexpr int kMinCharsPasses = 64;
    constexpr std::uint32_t kSaturated = 1u << 20;
    min_chars_.assign(g_.rules.size(), 0);
    for (int pass = 0; pass < kMinCharsPasses; ++pass) {
        bool changed = false;
        for (std::size_t r = 0; r < g_.rules.size(); ++r) {
            std::uint32_t best = kSaturated;
            for (std::uint32_t alt : g_.rules[r].alts) {
                std::uint32_t n = 0;
                for (std::uint32_t p = alt; g_.elems[p].kind != ElemKind::end && n < best; ++p)
                    n += g_.elems[p].kind == ElemKind::chars ? 1 : min_chars_[g_.elems[p].arg];
                best = std::min(best, n);
            }
            if (best > min_chars_[r]) {
                min_chars_[r] = best;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
}

std::uint32_t Recognizer::node(std::uint32_t pos, std::uint32_t parent) {
    const std::uint64_t key = (std::uint64_t{pos} << 32) | parent;
    auto [it, inserted] = node_ids_.emplace(key, static_cast<std::uint32_t>(nodes_.size()));
    if (inserted) {
        if (nodes_.size() >= kMaxNodes) {
            node_ids_.erase(it);
            too_ambiguous(std::to_string(kMaxNodes) + " parser stack nodes");
        }
        nodes_.emplace_back(pos, parent);
    }
    return it->second;
}

// Every stack reachable from "at position pos, under parent" without reading input: rule references
// are entered (the continuation is pushed unless it is the end of the alternative: tail calls keep the
// stack flat), ends of alternatives pop. The grammar has no left recursion, so this terminates.
void Recognizer::expand(std::uint32_t pos, std::uint32_t parent, std::vector<std::uint32_t>& out) {
    work_.clear();
    if (seen_.size() >= kLinearSeen)
        seen_set_.clear();
    seen_.clear();
    work_.emplace_back(pos, parent);
    while (!work_.empty()) {
        auto [p, par] = work_.back();
        work_.pop_back();
        if (++step_work_ > kMaxStepWork)
            too_ambiguous(std::to_string(kMaxStepWork) + " parser stacks visited for one byte");
        const std::uint64_t key = (std::uint64_t{p} << 32) | par;
        if (seen_.size() < kLinearSeen) { // most expansions are small: a linear scan beats hashing
            if (std::find(seen_.begin(), seen_.end(), key) != seen_.end())
                continue;
            seen_.push_back(key);
            if (seen_.size() == kLinearSeen)
                seen_set_.insert(seen_.begin(), seen_.end());
        } else if (!seen_set_.insert(key).second) {
            continue;
        }
        const Elem& e = g_.elems[p];
        switch (e.kind) {
        case ElemKind::end:
            if (par == 0 || par == opaque)
                out.push_back(par);
            else
                work_.push_back(nodes_[par]);
            break;
        case ElemKind::chars: out.push_back(node(p, par)); break;
        case ElemKind::rule: {
            const std::uint32_t cont = g_.elems[p + 1].kind == ElemKind::end ? par : node(p + 1, par);
            const auto& alts = g_.rules[e.arg].alts;
            for (auto it = alts.rbegin(); it != alts.rend(); ++it)
                work_.emplace_back(*it, cont);
            break;
        }
        }
    }
}

std::int32_t Recognizer::intern(std::vector<std::uint32_t>& nodes, std::uint32_t partial, std::uint8_t left, std::uint8_t len) {
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    if (nodes.empty())
        return dead;
    // The key is built in a reused buffer and looked up as a string_view: no allocation on a hit.
    key_.assign(sizeof(std::uint32_t) * (nodes.size() + 1) + 2, '\0');
    std::memcpy(key_.data(), &partial, sizeof partial);
    key_[sizeof partial] = static_cast<char>(left);
    key_[sizeof partial + 1] = static_cast<char>(len);
    std::memcpy(key_.data() + sizeof partial + 2, nodes.data(), nodes.size() * sizeof(std::uint32_t));
    auto found = set_ids_.find(std::string_view(key_));
    if (found != set_ids_.end())
        return found->second;
    if (sets_.size() >= kMaxSets)
        too_ambiguous(std::to_string(kMaxSets) + " parser configurations");
    if (set_nodes_ + nodes.size() > kMaxSetNodes)
        too_ambiguous(std::to_string(kMaxSetNodes) + " stacks in parser configurations");
    auto [it, inserted] = set_ids_.emplace(key_, static_cast<std::int32_t>(sets_.size()));
    if (inserted) {
        Set s;
        s.nodes = nodes;
        s.partial = partial;
        s.left = left;
        s.len = len;
        s.accepting = left == 0 && nodes.front() == 0;
        s.escaped = std::binary_search(nodes.begin(), nodes.end(), opaque);
        s.live = !(nodes.size() == 1 && nodes.front() == opaque);
        set_nodes_ += nodes.size();
        set_flags_.push_back(static_cast<std::uint8_t>((s.accepting ? kAcceptingFlag : 0) | (s.live ? kLiveFlag : 0) |
                                                       (s.escaped ? kEscapedFlag : 0) |
                                                       (s.partial == kAnyCompletion ? kAnyCompletionFlag : 0)));
        sets_.push_back(std::move(s));
        next_.resize(next_.size() + 256, unknown);
    }
    return it->second;
}

// Reads one byte of UTF-8: a whole character advances every stack whose class holds it; a partial
// one keeps the stacks whose class meets the characters it can still become. Overlong forms,
// surrogates and code points past U+10FFFF are refused.
std::int32_t Recognizer::compute_step(std::int32_t set, std::uint8_t b) {
    step_work_ = 0;
    static constexpr std::uint32_t min_code_point[5] = {0, 0, 0x80, 0x800, 0x10000};
    std::uint32_t partial = sets_[static_cast<std::size_t>(set)].partial;
    std::uint8_t left = sets_[static_cast<std::size_t>(set)].left;
    std::uint8_t len = sets_[static_cast<std::size_t>(set)].len;
    bool complete = false;
    bool bad = false;
    // Every stack takes whichever character the partial one becomes (see kAnyCompletion): only the
    // number of continuation bytes matters.
    const bool any_completion = partial == kAnyCompletion;
    if (left == 0) {
        if (b < 0x80) {
            partial = b;
            len = 1;
            complete = true;
        } else if (b >= 0xC2 && b <= 0xDF) {
            partial = b & 0x1Fu;
            left = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            partial = b & 0x0Fu;
            left = 2;
        } else if (b >= 0xF0 && b <= 0xF4) {
            partial = b & 0x07u;
            left = 3;
        } else {
            bad = true;
        }
        if (left)
            len = static_cast<std::uint8_t>(left + 1);
    } else if ((b & 0xC0) != 0x80) {
        bad = true;
    } else {
        if (!any_completion)
            partial = (partial << 6) | (b & 0x3Fu);
        complete = --left == 0;
    }
    std::uint32_t lo = partial, hi = partial;
    bool whole_range_valid = false; // every completion of the partial character is a valid code point
    if (!bad && !complete && !any_completion) {
        lo = partial << (6 * left);
        hi = lo | ((1u << (6 * left)) - 1);
        whole_range_valid = lo >= min_code_point[len] && hi <= 0x10FFFF && (hi < 0xD800 || lo > 0xDFFF);
    }
    if (!bad && !any_completion) {
        bad = hi < min_code_point[len] || lo > 0x10FFFF || (lo >= 0xD800 && hi <= 0xDFFF);
        lo = std::max(lo, min_code_point[len]);
        hi = std::min<std::uint32_t>(hi, 0x10FFFF);
    }
    std::vector<std::uint32_t>& out = out_;
    out.clear();
    if (!bad) {
        const std::vector<std::uint32_t>& nodes = sets_[static_cast<std::size_t>(set)].nodes; // expand() grows nodes_, never sets_
        if (complete) {
            for (std::uint32_t n : nodes) {
                if (n <= opaque)
                    continue;
                const auto [pos, parent] = nodes_[n];
                if (any_completion || g_.charsets[g_.elems[pos].arg].contains(partial)) {
                    scratch_.clear();
                    expand(pos + 1, parent, scratch_);
                    out.insert(out.end(), scratch_.begin(), scratch_.end());
                }
            }
            partial = 0;
            len = 0;
        } else if (any_completion) {
            out.assign(nodes.begin(), nodes.end());
        } else {
            bool all_cover = whole_range_valid;
            for (std::uint32_t n : nodes) {
                if (n <= opaque)
                    continue;
                const CharSet& cs = g_.charsets[g_.elems[nodes_[n].first].arg];
                if (cs.intersects(lo, hi)) {
                    out.push_back(n);
                    all_cover = all_cover && cs.covers(lo, hi);
                }
            }
            // The bits read so far no longer matter: forget them, so that the thousands of partly
            // read CJK characters inside a JSON string share one configuration per byte still due.
            if (all_cover)
                partial = kAnyCompletion;
        }
    }
    const std::int32_t result = bad ? dead : intern(out, partial, left, len);
    next_[(static_cast<std::size_t>(set) << 8) | b] = result;
    if (b < 0x80 && sets_[static_cast<std::size_t>(set)].left == 0)
        share_ascii_class(set, b, result);
    else if (any_completion && (b & 0xC0) == 0x80)
        for (int c = 0x80; c < 0xC0; ++c) // the character's bits are forgotten: every continuation byte reads alike
            next_[(static_cast<std::size_t>(set) << 8) | static_cast<std::size_t>(c)] = result;
    return result;
}

// The ASCII bytes that every stack of `set` takes or refuses exactly as it does `b` lead where `b`
// led: one expansion serves the whole class (the letters of a JSON string, the digits of a number),
// so a configuration's row of transitions costs an expansion per class instead of one per byte.
void Recognizer::share_ascii_class(std::int32_t set, std::uint8_t b, std::int32_t result) {
    std::uint64_t same[2] = {~std::uint64_t{0}, ~std::uint64_t{0}};
    for (std::uint32_t n : sets_[static_cast<std::size_t>(set)].nodes) {
        if (n <= opaque)
            continue;
        const CharSet& cs = g_.charsets[g_.elems[nodes_[n].first].arg];
        const bool takes = (cs.ascii[b >> 6] >> (b & 63)) & 1;
        same[0] &= takes ? cs.ascii[0] : ~cs.ascii[0];
        same[1] &= takes ? cs.ascii[1] : ~cs.ascii[1];
    }
    std::int32_t* row = next_.data() + (static_cast<std::size_t>(set) << 8);
    for (std::size_t w = 0; w < 2; ++w)
        for (std::uint64_t bits = same[w]; bits; bits &= bits - 1)
            row[w * 64 + static_cast<std::size_t>(std::countr_zero(bits))] = result;
}

std::array<std::uint64_t, 4> Recognizer::self_loops(std::int32_t set) {
    const auto at = static_cast<std::size_t>(set);
    if (at < loops_known_.size() && loops_known_[at])
        return loops_[at];
    std::array<std::uint64_t, 4> bits{};
    // Bytes from 0x80 never lead back: they start or continue a character, changing `left`.
    for (int b = 0; b < 0x80; ++b)
        if (step(set, static_cast<std::uint8_t>(b)) == set)
            bits[static_cast<std::size_t>(b) >> 6] |= std::uint64_t{1} << (b & 63);
    if (loops_known_.size() <= at) {
        loops_known_.resize(sets_.size(), 0);
        loops_.resize(sets_.size());
    }
    loops_known_[at] = 1;
    loops_[at] = bits;
    return bits;
}

// A hash of the rest of an alternative from `pos` that ignores rule numbers: rules referenced are
// hashed by their own alternatives, `depth` levels down. Only orders the stacks of a signature (equal
// shapes in any grammar hash alike); the signature itself never relies on it.
std::uint64_t Recognizer::shape_hash(std::uint32_t pos, int depth, Scratch<std::uint64_t>& memo) const {
    const std::size_t key = std::size_t{pos} * (kShapeDepth + 1) + static_cast<std::size_t>(depth);
    if (const std::uint64_t* known = memo.find(key))
        return *known;
    constexpr std::uint64_t mul = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = 0x51ED27;
    for (std::uint32_t p = pos; g_.elems[p].kind != ElemKind::end; ++p) {
        const Elem& e = g_.elems[p];
        if (e.kind == ElemKind::chars) {
            for (const auto& [lo, hi] : g_.charsets[e.arg].ranges)
                h = (h ^ ((std::uint64_t{lo} << 32) | hi)) * mul;
        } else {
            std::uint64_t r = 0x7A11;
            if (depth > 0)
                for (std::uint32_t alt : g_.rules[e.arg].alts)
                    r = (r ^ shape_hash(alt, depth - 1, memo)) * mul;
            h = (h ^ r ^ 0xF00D) * mul;
        }
        h ^= h >> 29;
    }
    memo.set(key, h);
    return h;
}

// Lower bounds on the characters read before each rule can be entered from `stacks` (every stack
// frame's rest counted from 0: what lies below may be reached with no input), up to `horizon`; rules
// not in the result are farther. Dijkstra over rule references weighted by the characters the
// elements before them read at least (min_chars_). False when more than `max_rules` rules are that near (the description would be long).
bool Recognizer::rule_distances(const std::vector<std::uint32_t>& stacks, std::uint32_t horizon, std::size_t max_rules) {
    Scratch<std::uint32_t>& dist = dist_;
    dist.reset(g_.rules.size());
    auto& queue = queue_; // a min-heap of (distance, rule)
    queue.clear();
    auto relax_rest = [&](std::uint32_t pos, std::uint32_t d) {
        for (std::uint32_t p = pos; g_.elems[p].kind != ElemKind::end && d <= horizon; ++p) {
            if (g_.elems[p].kind == ElemKind::chars) {
                ++d;
                continue;
            }
            const std::uint32_t r = g_.elems[p].arg;
            const std::uint32_t* known = dist.find(r);
            if (!known || d < *known) {
                dist.set(r, d);
                queue.emplace_back(d, r);
                std::push_heap(queue.begin(), queue.end(), std::greater<>{});
            }
            d += min_chars_[r];
        }
    };
    for (std::uint32_t n : stacks)
        for (std::uint32_t x = n; x > opaque; x = nodes_[x].second)
            relax_rest(nodes_[x].first, 0);
    while (!queue.empty()) {
        std::pop_heap(queue.begin(), queue.end(), std::greater<>{});
        const auto [d, r] = queue.back();
        queue.pop_back();
        if (d != *dist.find(r))
            continue; // a shorter way was found since
        if (dist.count > max_rules)
            return false;
        for (std::uint32_t alt : g_.rules[r].alts)
            relax_rest(alt, d);
    }
    return true;
}

std::string Recognizer::signature(std::int32_t set, std::size_t max_bytes, std::uint32_t horizon) {
    const Set& s = sets_[static_cast<std::size_t>(set)];
    Scratch<std::uint64_t>& memo = shape_memo_;
    memo.reset(g_.elems.size() * (kShapeDepth + 1));
    struct Stack {
        std::uint64_t shape;
        std::uint32_t node;
    };
    std::vector<Stack> stacks;
    stacks.reserve(s.nodes.size());
    for (std::uint32_t n : s.nodes) {
        std::uint64_t h = 0;
        std::uint32_t x = n;
        for (; x > opaque; x = nodes_[x].second)
            h = (h ^ shape_hash(nodes_[x].first, kShapeDepth, memo)) * 0x9E3779B97F4A7C15ull + 1;
        stacks.push_back({h ^ x, n});
    }
    std::sort(stacks.begin(), stacks.end(), [](const Stack& a, const Stack& b) { return a.shape < b.shape; });
    if (!rule_distances(s.nodes, horizon, max_bytes / 8))
        return {};
    const Scratch<std::uint32_t>& dist = dist_;
    std::string out;
    out.reserve(kSignatureReserve);
    auto put32 = [&](std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    put32(horizon);
    put32(s.partial);
    out += static_cast<char>(s.left);
    out += static_cast<char>(s.len);
    Scratch<std::uint32_t>& rule_ids = rule_ids_; // grammar rule -> order first met
    rule_ids.reset(g_.rules.size());
    std::vector<std::uint32_t> rule_queue;
    // The rest of an alternative from pos: code point ranges and renamed rules, then an end mark.
    auto put_rest = [&](std::uint32_t pos) {
        for (std::uint32_t p = pos;; ++p) {
            const Elem& e = g_.elems[p];
            if (e.kind == ElemKind::end) {
                out += 'E';
                return;
            }
            if (e.kind == ElemKind::chars) {
                const auto& ranges = g_.charsets[e.arg].ranges;
                out += 'C';
                put32(static_cast<std::uint32_t>(ranges.size()));
                for (const auto& [lo, hi] : ranges) {
                    put32(lo);
                    put32(hi);
                }
            } else if (!dist.find(e.arg)) {
                out += 'F'; // not entered within `horizon` characters: what it is cannot matter
            } else {
                const std::uint32_t* id = rule_ids.find(e.arg);
                if (!id) {
                    id = &rule_ids.set(e.arg, static_cast<std::uint32_t>(rule_ids.count));
                    rule_queue.push_back(e.arg);
                }
                out += 'R';
                put32(*id);
            }
        }
    };
    for (const Stack& st : stacks) {
        out += 'S';
        std::uint32_t x = st.node;
        for (; x > opaque && out.size() <= max_bytes; x = nodes_[x].second)
            put_rest(nodes_[x].first);
        out += x == opaque ? 'O' : 'B';
        if (out.size() > max_bytes)
            return {};
    }
    for (std::size_t i = 0; i < rule_queue.size(); ++i) {
        out += 'D';
        for (std::uint32_t alt : g_.rules[rule_queue[i]].alts)
            put_rest(alt);
        if (out.size() > max_bytes)
            return {};
    }
    return out;
}

std::int32_t Recognizer::after_any_char(std::int32_t set, std::uint8_t lead) {
    std::int32_t s = step(set, lead);
    if (s == dead || !any_completion(s))
        return dead; // E0, ED, F0, F4 (some continuations invalid) never get past here
    const int continuations = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
    for (int k = 0; k < continuations && s != dead; ++k)
        s = step(s, 0x80); // any continuation byte: the set forgot the bits
    return s;
}

std::array<std::uint64_t, 4> Recognizer::char_loops(std::int32_t set) {
    const auto at = static_cast<std::size_t>(set);
    if (at < char_loops_known_.size() && char_loops_known_[at])
        return char_loops_[at];
    std::array<std::uint64_t, 4> bits = self_loops(set);
    bool any_lead = false;
    for (int b = 0xC2; b <= 0xF4; ++b) {
        const std::int32_t s = after_any_char(set, static_cast<std::uint8_t>(b));
        if (s != dead && s == set) {
            bits[static_cast<std::size_t>(b) >> 6] |= std::uint64_t{1} << (b & 63);
            any_lead = true;
        }
    }
    if (any_lead)
        bits[2] = ~std::uint64_t{0}; // 0x80-0xBF: continuation bytes
    if (char_loops_known_.size() <= at) {
        char_loops_known_.resize(sets_.size(), 0);
        char_loops_.resize(sets_.size());
    }
    char_loops_known_[at] = 1;
    char_loops_[at] = bits;
    return bits;
}

Recognizer::RunClass Recognizer::run_class(std::int32_t set, bool chars) {
    const auto at = static_cast<std::size_t>(set);
    if (at < run_class_known_[chars].size() && run_class_known_[chars][at])
        return run_classes_[chars][at];
    RunClass best;
    if (chars) {
        best = run_class(set, false);
        bool any_lead = false;
        for (int b = 0xC2; b <= 0xF4 && best.next != dead; ++b) {
            if (after_any_char(set, static_cast<std::uint8_t>(b)) == best.next) {
                best.bytes[static_cast<std::size_t>(b) >> 6] |= std::uint64_t{1} << (b & 63);
                any_lead = true;
            }
        }
        if (any_lead)
            best.bytes[2] = ~std::uint64_t{0}; // 0x80-0xBF: continuation bytes
    } else {
        // share_ascii_class() fills a class's row with one expansion, so these steps cost a few expansions.
        std::array<std::int32_t, 128> next{};
        for (int b = 0; b < 0x80; ++b)
            next[static_cast<std::size_t>(b)] = step(set, static_cast<std::uint8_t>(b));
        std::size_t best_count = 0;
        std::array<char, 128> counted{};
        for (std::size_t b = 0; b < 128; ++b) {
            if (counted[b] || next[b] == dead || !live(next[b]))
                continue;
            RunClass c;
            c.next = next[b];
            std::size_t count = 0;
            for (std::size_t k = b; k < 128; ++k)
                if (next[k] == c.next) {
                    counted[k] = 1;
                    c.bytes[k >> 6] |= std::uint64_t{1} << (k & 63);
                    ++count;
                }
            if (count > best_count) {
                best = c;
                best_count = count;
            }
        }
    }
    if (run_class_known_[chars].size() <= at) {
        run_class_known_[chars].resize(sets_.size(), 0);
        run_classes_[chars].resize(sets_.size());
    }
    run_class_known_[chars][at] = 1;
    run_classes_[chars][at] = best;
    return best;
}

// Follows the chain set -> next -> next... while each link has the same class; lengths are memoized
// per set. A chain cut at `horizon` links gives its sets lower bounds (chain.size() - k), which is
// all a caller comparing with token lengths up to `horizon` needs.
Recognizer::Run Recognizer::run(std::int32_t set, std::uint32_t horizon, bool chars) {
    std::vector<std::uint32_t>& runs = runs_[chars];
    auto known = [&](std::int32_t s) {
        const auto at = static_cast<std::size_t>(s);
        return at < runs.size() && runs[at] != 0;
    };
    Run result;
    result.bytes = run_class(set, chars).bytes;
    if (known(set)) {
        result.length = runs[static_cast<std::size_t>(set)] - 1;
        return result;
    }
    chain_.clear();
    std::uint32_t end_length = 0;
    for (std::int32_t s = set;;) {
        chain_.push_back(s);
        const RunClass c = run_class(s, chars);
        if (c.next == dead) {
            end_length = 0;
            break;
        }
        if (c.next == s) { // a self-loop: as long as any token
            end_length = horizon;
            break;
        }
        if (run_class(c.next, chars).bytes != c.bytes) {
            end_length = 1;
            break;
        }
        if (known(c.next)) {
            end_length = std::min(horizon, runs[static_cast<std::size_t>(c.next)]); // 1 + its length
            break;
        }
        if (chain_.size() >= horizon) {
            end_length = 1;
            break;
        }
        s = c.next;
    }
    if (runs.size() < sets_.size())
        runs.resize(sets_.size(), 0);
    std::uint32_t length = end_length;
    for (std::size_t k = chain_.size(); k-- > 0;) {
        runs[static_cast<std::size_t>(chain_[k])] = length + 1;
        length = std::min(horizon, length + 1);
    }
    result.length = runs[static_cast<std::size_t>(set)] - 1;
    return result;
}

// Whether at most kSmallRuleClosure rules are reachable from `rule` (itself included): breadth
// first, stopped as soon as the bound is passed, memoized per rule.
bool Recognizer::small_rule(std::uint32_t rule) {
    if (small_rule_.empty())
        small_rule_.assign(g_.rules.size(), 0);
    if (small_rule_[rule])
        return small_rule_[rule] == 1;
    std::vector<std::uint32_t>& seen = scratch_;
    seen.clear();
    seen.push_back(rule);
    bool small = true;
    for (std::size_t i = 0; i < seen.size() && small; ++i)
        for (std::uint32_t a : g_.rules[seen[i]].alts)
            for (std::uint32_t p = a; g_.elems[p].kind != ElemKind::end && small; ++p)
                if (g_.elems[p].kind == ElemKind::rule && std::find(seen.begin(), seen.end(), g_.elems[p].arg) == seen.end()) {
                    seen.push_back(g_.elems[p].arg);
                    small = seen.size() <= kSmallRuleClosure;
                }
    small_rule_[rule] = small ? 1 : 2;
    return small;
}

std::int32_t Recognizer::truncate(std::int32_t set) {
    auto it = truncated_.find(set);
    if (it != truncated_.end())
        return it->second;
    const std::vector<std::uint32_t> nodes = sets_[static_cast<std::size_t>(set)].nodes;
    // A grammar without recursion is lexical throughout, so the cut below the lexical top leaves it
    // whole: such stacks are cut below their top frames whose rules are small (a JSON string's
    // `char`, `char*`, `string`), so that a string value truncates alike in every grammar that
    // spells strings alike. Only when some stack has kMinSmallFrames of them: a counted string's
    // position has one small frame (`char`) over a large rule, and cut there, every token of more
    // than one character would be uncertain.
    std::vector<std::size_t> small_frames(nodes.size(), 0);
    bool cut_small = false;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        for (std::uint32_t x = nodes[k]; x > opaque && small_rule(rule_of_pos_[nodes_[x].first]); x = nodes_[x].second)
            ++small_frames[k];
        cut_small = cut_small || small_frames[k] >= kMinSmallFrames;
    }
    std::vector<std::uint32_t> out;
    std::vector<std::uint32_t> chain;
    bool cut = false;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        chain.clear();
        std::uint32_t x = nodes[k];
        while (x > opaque && (chain.empty() || lexical_pos_[nodes_[x].first]) &&
               !(cut_small && small_frames[k] > 0 && chain.size() == small_frames[k])) {
            chain.push_back(nodes_[x].first);
            x = nodes_[x].second;
        }
        if (x <= opaque) { // shallow enough (or already cut): kept as it is
            out.push_back(nodes[k]);
            continue;
        }
        cut = true;
        std::uint32_t parent = opaque;
        for (auto p = chain.rbegin(); p != chain.rend(); ++p)
            parent = node(*p, parent);
        out.push_back(parent);
    }
    const Set& s = sets_[static_cast<std::size_t>(set)];
    const std::int32_t result = cut ? intern(out, s.partial, s.left, s.len) : set;
    truncated_.emplace(set, result);
    return result;
}

} // namespace braid::engine::grammar_detail
