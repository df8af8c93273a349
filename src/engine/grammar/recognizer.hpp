// The pushdown recognizer behind Grammar::accepts and GrammarMatcher. A configuration is a set of
// stacks of grammar positions (the top of each is a character-class element, or the stack is empty:
// the sentence may end there) plus a partly read UTF-8 character. Stacks are hash-consed into a node
// arena (node = position + parent node), configurations into numbered sets, and the transition of a
// set on a byte is memoized: after warm-up, advancing by a byte is one array load, so the recognizer
// is a lazily built DFA over the configurations actually reached.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "grammar_impl.hpp"

namespace braid::engine::grammar_detail {

class Recognizer {
public:
    static constexpr std::int32_t dead = -1;
    /// Node 1: the stacks below a truncated configuration (see truncate()); reaching it is "escaped".
    static constexpr std::uint32_t opaque = 1;

    explicit Recognizer(const Grammar::Impl& g);

    /// The configuration before any input.
    std::int32_t initial() const noexcept { return initial_; }
    /// The configuration after @p byte from @p set (dead when no stack survives).
    std::int32_t step(std::int32_t set, std::uint8_t byte) {
        const std::int32_t n = next_[(static_cast<std::size_t>(set) << 8) | byte];
        return n != unknown ? n : compute_step(set, byte);
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
    bool accepting(std::int32_t set) const noexcept { return set_flags_[static_cast<std::size_t>(set)] & kAcceptingFlag; }
    /// Whether some stack of @p set can still read input or end (not only escaped ones).
    bool live(std::int32_t set) const noexcept { return set_flags_[static_cast<std::size_t>(set)] & kLiveFlag; }
    /// Whether some stack of @p set popped below its truncation (its fate depends on the stacks cut off).
    bool escaped(std::int32_t set) const noexcept { return set_flags_[static_cast<std::size_t>(set)] & kEscapedFlag; }
    /// @p set with every stack cut below its lexical top (the top position, then the positions of
    /// rules that cannot reach a recursive rule: strings, numbers, whitespace...; the rest is replaced
    /// by `opaque`). What a token does from the truncated set is what it does from @p set unless it
    /// pops into the cut part (escaped). Configurations that differ only below (the same place in a
    /// JSON string at any nesting depth, key or value) truncate to the same set, so they share a mask.
    /// Returns @p set itself when no stack had anything to cut.
    std::int32_t truncate(std::int32_t set);
    /// The bytes that lead from @p set back to @p set itself (a loop, such as the characters of a JSON
    /// string or the digits of a number), as a 256-bit set: a token made only of them leaves the
    /// configuration unchanged. Computed once per set (128 steps: no byte from 0x80 can loop).
    std::array<std::uint64_t, 4> self_loops(std::int32_t set);
    /// self_loops() plus the UTF-8 lead bytes of characters that lead from @p set back to @p set
    /// whatever their continuation bytes (a JSON string takes every character from U+0080 up), and
    /// then the continuation bytes too: a token made only of these bytes, whose characters are whole
    /// or an unfinished last one, leaves @p set unchanged or ends inside one such character.
    std::array<std::uint64_t, 4> char_loops(std::int32_t set);
    /// A chain of configurations that read one class of characters alike, such as the characters
    /// of a counted string (`char{50,32767}`: position 17 leads to 18, 18 to 19...), which no
    /// self-loop covers. `bytes`: the ASCII bytes that all lead from @p set to one live
    /// configuration (the class most bytes share) and, with @p chars, the UTF-8 lead bytes whose
    /// characters, whatever their continuation bytes, lead there too (then the continuation bytes
    /// as well); `length`: how many such characters in a row are read, through the chain, by
    /// configurations that share that class and stay live (at most @p horizon, which must be the
    /// same on every call). A token of at most `length` bytes, all in `bytes` and made of whole
    /// characters (the last one may be unfinished), is accepted.
    struct Run {
        std::array<std::uint64_t, 4> bytes{};
        std::uint32_t length = 0;
    };
    Run run(std::int32_t set, std::uint32_t horizon, bool chars);
    /// The continuation bytes @p set still expects (0 between characters).
    std::uint8_t pending(std::int32_t set) const noexcept { return sets_[static_cast<std::size_t>(set)].left; }
    /// Whether the partly read character of @p set is one every stack takes however it ends.
    bool any_completion(std::int32_t set) const noexcept { return set_flags_[static_cast<std::size_t>(set)] & kAnyCompletionFlag; }
    /// A description of what @p set does with inputs of at most @p horizon bytes, independent of how
    /// the grammar numbers its rules and positions: the partly read character, then each stack as the
    /// rest of its alternatives (rules renamed in the order first met; a rule that cannot be entered
    /// within @p horizon characters is only marked "far") and its bottom (end of input or the cut-off
    /// part), then every rule met. Two configurations, of any grammars, with equal signatures accept
    /// the same byte strings of up to @p horizon bytes and escape on the same ones, so their masks
    /// over a vocabulary whose tokens are no longer are equal: position 10 and position 11 of a
    /// string of at most 32,767 characters read the same. Empty when the description would pass
    /// @p max_bytes (a stack top that reaches most of a large grammar).
    std::string signature(std::int32_t set, std::size_t max_bytes, std::uint32_t horizon);
    /// Number of configurations built so far.
    std::size_t set_count() const noexcept { return sets_.size(); }

private:
    static constexpr std::int32_t unknown = -2;
    /// Set::partial of a partly read character every completion of which is a valid code point that
    /// every stack of the set accepts (no real partial value has more than 21 bits).
    static constexpr std::uint32_t kAnyCompletion = 0xFFFFFFFFu;
    struct Set {
        std::vector<std::uint32_t> nodes; // sorted; node 0 is the empty stack
        std::uint32_t partial = 0;        // bits of the UTF-8 character read so far
        std::uint8_t left = 0;            // continuation bytes still expected
        std::uint8_t len = 0;             // bytes of that character (when left > 0)
        bool accepting = false;
        bool live = false;
        bool escaped = false;
    };

    std::int32_t compute_step(std::int32_t set, std::uint8_t byte);
    /// The ASCII bytes leading from a set to the configuration most of them reach (empty when that
    /// is dead or not live), that configuration, and with `chars` the lead bytes of run().
    struct RunClass {
        std::array<std::uint64_t, 4> bytes{};
        std::int32_t next = dead;
    };
    RunClass run_class(std::int32_t set, bool chars);
    /// The configuration after UTF-8 lead byte @p lead (0xC2-0xF4) and any continuation bytes of its
    /// character, or dead when the lead byte ends every completion.
    std::int32_t after_any_char(std::int32_t set, std::uint8_t lead);
    void share_ascii_class(std::int32_t set, std::uint8_t byte, std::int32_t result);
    void mark_lexical();
    void measure_min_chars();
    std::uint32_t node(std::uint32_t pos, std::uint32_t parent);
    void expand(std::uint32_t pos, std::uint32_t parent, std::vector<std::uint32_t>& out);
    /// A map from small numbers (rules, positions) to values, emptied in O(1) by starting a new
    /// generation: signature()'s scratch, which hash maps made a third of its cost.
    template <class T>
    struct Scratch {
        std::vector<T> values;
        std::vector<std::uint32_t> stamps; // the generation each value was set in
        std::uint32_t generation = 0;
        std::size_t count = 0; // values set in this generation

        void reset(std::size_t keys) {
            if (stamps.size() < keys) {
                stamps.resize(keys, 0);
                values.resize(keys);
            }
            if (++generation == 0) { // wrapped: old stamps could match again
                std::fill(stamps.begin(), stamps.end(), 0);
                generation = 1;
            }
            count = 0;
        }
        const T* find(std::size_t key) const noexcept { return stamps[key] == generation ? &values[key] : nullptr; }
        T& set(std::size_t key, T value) {
            if (stamps[key] != generation) {
                stamps[key] = generation;
                ++count;
            }
            return values[key] = value;
        }
    };

    bool rule_distances(const std::vector<std::uint32_t>& stacks, std::uint32_t horizon, std::size_t max_rules);
    std::uint64_t shape_hash(std::uint32_t pos, int depth, Scratch<std::uint64_t>& memo) const;
    std::int32_t intern(std::vector<std::uint32_t>& nodes, std::uint32_t partial, std::uint8_t left, std::uint8_t len);

    const Grammar::Impl& g_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> nodes_; // (position, parent)
    std::unordered_map<std::uint64_t, std::uint32_t> node_ids_;
    std::vector<Set> sets_;
    // Per set, Set's flags in one byte: the trie walk asks them at every node, and a byte per set
    // stays in cache where the 48-byte Sets of a long walk do not.
    static constexpr std::uint8_t kAcceptingFlag = 1, kLiveFlag = 2, kEscapedFlag = 4, kAnyCompletionFlag = 8;
    std::vector<std::uint8_t> set_flags_;
    std::size_t step_work_ = 0; // stacks expand() visited in this compute_step (see kMaxStepWork)
    std::size_t set_nodes_ = 0; // node ids held by all of sets_ (bounded: see kMaxSetNodes)
    std::vector<std::int32_t> next_; // 256 transitions per set (unknown until computed): one load per step
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view k) const noexcept { return std::hash<std::string_view>{}(k); }
    };
    std::unordered_map<std::string, std::int32_t, KeyHash, std::equal_to<>> set_ids_;
    std::string key_;                // intern()'s key buffer
    std::vector<std::uint32_t> out_; // compute_step()'s result buffer
    std::unordered_map<std::int32_t, std::int32_t> truncated_;
    bool small_rule(std::uint32_t rule);

    std::vector<char> lexical_pos_; // per position: its rule cannot reach a recursive rule
    std::vector<std::uint32_t> rule_of_pos_; // per position: the rule it belongs to
    std::vector<std::uint8_t> small_rule_;   // per rule: 0 not known yet, 1 small, 2 large (small_rule())
    std::vector<std::uint32_t> min_chars_; // per rule: a lower bound on the characters it reads
    std::vector<std::pair<std::uint32_t, std::uint32_t>> work_;
    std::vector<std::uint64_t> seen_;
    std::unordered_set<std::uint64_t> seen_set_;
    std::vector<std::uint32_t> scratch_;
    std::vector<std::array<std::uint64_t, 4>> loops_; // per set, valid where loops_known_ is set
    std::vector<char> loops_known_;
    std::vector<std::array<std::uint64_t, 4>> char_loops_; // per set, valid where char_loops_known_ is set
    std::vector<char> char_loops_known_;
    // Per set, [0] ASCII bytes only, [1] with characters:
    std::vector<RunClass> run_classes_[2];  // valid where run_class_known_ is set
    std::vector<char> run_class_known_[2];
    std::vector<std::uint32_t> runs_[2];    // Run::length + 1, or 0 when not known yet
    std::vector<std::int32_t> chain_;       // run()'s path
    Scratch<std::uint32_t> dist_;           // signature(): rule_distances()' result
    Scratch<std::uint64_t> shape_memo_;     // signature(): shape_hash() per (position, depth)
    Scratch<std::uint32_t> rule_ids_;       // signature(): rules renamed in the order first met
    std::vector<std::pair<std::uint32_t, std::uint32_t>> queue_; // rule_distances()' heap
    std::int32_t initial_ = dead;
};

} // namespace braid::engine::grammar_detail
