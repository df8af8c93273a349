// The pushdown recognizer behind Grammar::accepts and GrammarMatcher. A configuration is a set of
// stacks of grammar positions (the top of each is a character-class element, or the stack is empty:
// the sentence may end there) plus a partly read UTF-8 character. Stacks are hash-consed into a node
// arena (node = position + parent node), configurations into numbered sets, and the transition of a
// set on a byte is memoized: after warm-up, advancing by a byte is one array load, so the recognizer
// is a lazily built DFA over the configurations actually reached.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "grammar_impl.hpp"

namespace braid::engine::grammar_detail {

class Recognizer {
public:
    static constexpr std::int32_t dead = -1;

    explicit Recognizer(const Grammar::Impl& g);

    /// The configuration before any input.
    std::int32_t initial() const noexcept { return initial_; }
    /// The configuration after @p byte from @p set (dead when no stack survives).
    std::int32_t step(std::int32_t set, std::uint8_t byte) {
        Set& s = sets_[static_cast<std::size_t>(set)];
        if (s.next) {
            const std::int32_t n = s.next[byte];
            if (n != unknown)
                return n;
        }
        return compute_step(set, byte);
    }
    /// Steps through every byte of @p bytes (dead as soon as one is refused).
    std::int32_t walk(std::int32_t set, std::string_view bytes) {
        for (char c : bytes) {
            set = step(set, static_cast<std::uint8_t>(c));
            if (set == dead)
                break;
        }
        return set;
    }
    /// Whether the input so far is a whole sentence.
    bool accepting(std::int32_t set) const noexcept { return sets_[static_cast<std::size_t>(set)].accepting; }
    /// Number of configurations built so far.
    std::size_t set_count() const noexcept { return sets_.size(); }

private:
    static constexpr std::int32_t unknown = -2;
    struct Set {
        std::vector<std::uint32_t> nodes; // sorted; node 0 is the empty stack
        std::uint32_t partial = 0;        // bits of the UTF-8 character read so far
        std::uint8_t left = 0;            // continuation bytes still expected
        std::uint8_t len = 0;             // bytes of that character (when left > 0)
        bool accepting = false;
        std::unique_ptr<std::int32_t[]> next;
    };

    std::int32_t compute_step(std::int32_t set, std::uint8_t byte);
    std::uint32_t node(std::uint32_t pos, std::uint32_t parent);
    void expand(std::uint32_t pos, std::uint32_t parent, std::vector<std::uint32_t>& out);
    std::int32_t intern(std::vector<std::uint32_t>& nodes, std::uint32_t partial, std::uint8_t left, std::uint8_t len);

    const Grammar::Impl& g_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> nodes_; // (position, parent)
    std::unordered_map<std::uint64_t, std::uint32_t> node_ids_;
    std::vector<Set> sets_;
    std::unordered_map<std::string, std::int32_t> set_ids_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> work_;
    std::vector<std::uint64_t> seen_;
    std::vector<std::uint32_t> scratch_;
    std::int32_t initial_ = dead;
};

} // namespace braid::engine::grammar_detail
