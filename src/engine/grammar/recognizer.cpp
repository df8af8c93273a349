#include "recognizer.hpp"

#include <algorithm>
#include <cstring>

namespace braid::engine::grammar_detail {

Recognizer::Recognizer(const Grammar::Impl& g) : g_(g) {
    nodes_.emplace_back(0u, 0u); // node 0: the empty stack
    std::vector<std::uint32_t> start;
    for (std::uint32_t alt : g_.rules[g_.root].alts)
        expand(alt, 0, start);
    initial_ = intern(start, 0, 0, 0);
}

std::uint32_t Recognizer::node(std::uint32_t pos, std::uint32_t parent) {
    const std::uint64_t key = (std::uint64_t{pos} << 32) | parent;
    auto [it, inserted] = node_ids_.emplace(key, static_cast<std::uint32_t>(nodes_.size()));
    if (inserted)
        nodes_.emplace_back(pos, parent);
    return it->second;
}

// Every stack reachable from "at position pos, under parent" without reading input: rule references
// are entered (the continuation is pushed unless it is the end of the alternative: tail calls keep the
// stack flat), ends of alternatives pop. The grammar has no left recursion, so this terminates.
void Recognizer::expand(std::uint32_t pos, std::uint32_t parent, std::vector<std::uint32_t>& out) {
    work_.clear();
    seen_.clear();
    work_.emplace_back(pos, parent);
    while (!work_.empty()) {
        auto [p, par] = work_.back();
        work_.pop_back();
        const std::uint64_t key = (std::uint64_t{p} << 32) | par;
        if (std::find(seen_.begin(), seen_.end(), key) != seen_.end())
            continue;
        seen_.push_back(key);
        const Elem& e = g_.elems[p];
        switch (e.kind) {
        case ElemKind::end:
            if (par == 0)
                out.push_back(0);
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
    std::string key(sizeof(std::uint32_t) * (nodes.size() + 1) + 2, '\0');
    std::memcpy(key.data(), &partial, sizeof partial);
    key[sizeof partial] = static_cast<char>(left);
    key[sizeof partial + 1] = static_cast<char>(len);
    std::memcpy(key.data() + sizeof partial + 2, nodes.data(), nodes.size() * sizeof(std::uint32_t));
    auto [it, inserted] = set_ids_.emplace(std::move(key), static_cast<std::int32_t>(sets_.size()));
    if (inserted) {
        Set s;
        s.nodes = nodes;
        s.partial = partial;
        s.left = left;
        s.len = len;
        s.accepting = left == 0 && nodes.front() == 0;
        sets_.push_back(std::move(s));
    }
    return it->second;
}

// Reads one byte of UTF-8: a whole character advances every stack whose class holds it; a partial
// one keeps the stacks whose class meets the characters it can still become. Overlong forms,
// surrogates and code points past U+10FFFF are refused.
std::int32_t Recognizer::compute_step(std::int32_t set, std::uint8_t b) {
    static constexpr std::uint32_t min_code_point[5] = {0, 0, 0x80, 0x800, 0x10000};
    std::uint32_t partial = sets_[static_cast<std::size_t>(set)].partial;
    std::uint8_t left = sets_[static_cast<std::size_t>(set)].left;
    std::uint8_t len = sets_[static_cast<std::size_t>(set)].len;
    bool complete = false;
    bool bad = false;
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
        partial = (partial << 6) | (b & 0x3Fu);
        complete = --left == 0;
    }
    std::uint32_t lo = partial, hi = partial;
    if (!bad && !complete) {
        lo = partial << (6 * left);
        hi = lo | ((1u << (6 * left)) - 1);
    }
    if (!bad) {
        bad = hi < min_code_point[len] || lo > 0x10FFFF || (lo >= 0xD800 && hi <= 0xDFFF);
        lo = std::max(lo, min_code_point[len]);
        hi = std::min<std::uint32_t>(hi, 0x10FFFF);
    }
    std::vector<std::uint32_t> out;
    if (!bad) {
        const std::vector<std::uint32_t>& nodes = sets_[static_cast<std::size_t>(set)].nodes; // expand() grows nodes_, never sets_
        if (complete) {
            for (std::uint32_t n : nodes) {
                if (n == 0)
                    continue;
                const auto [pos, parent] = nodes_[n];
                if (g_.charsets[g_.elems[pos].arg].contains(partial)) {
                    scratch_.clear();
                    expand(pos + 1, parent, scratch_);
                    out.insert(out.end(), scratch_.begin(), scratch_.end());
                }
            }
            partial = 0;
            len = 0;
        } else {
            for (std::uint32_t n : nodes)
                if (n != 0 && g_.charsets[g_.elems[nodes_[n].first].arg].intersects(lo, hi))
                    out.push_back(n);
        }
    }
    const std::int32_t result = bad ? dead : intern(out, partial, left, len);
    Set& s = sets_[static_cast<std::size_t>(set)];
    if (!s.next) {
        s.next = std::make_unique<std::int32_t[]>(256);
        std::fill(s.next.get(), s.next.get() + 256, unknown);
    }
    s.next[b] = result;
    return result;
}

} // namespace braid::engine::grammar_detail
