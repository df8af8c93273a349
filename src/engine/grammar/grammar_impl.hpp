// The compiled form of a grammar (private to src/engine/grammar): one flat array of elements, every
// rule a list of alternatives, each alternative a run of elements ending in an `end` element. A
// position is an index into that array: the next element of an alternative to match. Repetitions and
// groups were rewritten into helper rules by the parser, so only three element kinds remain.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "braid/engine/grammar.hpp"

namespace braid::engine::grammar_detail {

/// A set of Unicode code points as sorted, disjoint, non-adjacent closed ranges.
struct CharSet {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
    std::uint64_t ascii[2] = {0, 0}; ///< Bit c set when code point c < 128 is in the set (fast path).

    bool contains(std::uint32_t cp) const noexcept;
    /// Whether any code point in [lo, hi] is in the set.
    bool intersects(std::uint32_t lo, std::uint32_t hi) const noexcept;
    /// Whether every code point in [lo, hi] is in the set.
    bool covers(std::uint32_t lo, std::uint32_t hi) const noexcept;
};

enum class ElemKind : std::uint8_t { end, chars, rule };

/// One element: `end` closes an alternative, `chars` matches one code point of charsets[arg],
/// `rule` matches rule number arg.
struct Elem {
    ElemKind kind;
    std::uint32_t arg;
};

struct Rule {
    std::string name;                 ///< As written, or "<parent>_<n>" for a helper rule.
    std::vector<std::uint32_t> alts;  ///< Start position of each alternative.
};

} // namespace braid::engine::grammar_detail

namespace braid::engine {

class TokenIndex;

struct Grammar::Impl {
    std::vector<grammar_detail::Elem> elems;
    std::vector<grammar_detail::CharSet> charsets;
    std::vector<grammar_detail::Rule> rules;
    std::uint32_t root = 0;
    std::string source; ///< The GBNF text it was compiled from.

    /// Per vocabulary (keyed by its TokenIndex, held weakly): what the matchers over it share (a
    /// GrammarMatcher detail: recognizer memo and mask caches), kept as long as the grammar lives.
    mutable std::mutex caches_mu;
    mutable std::vector<std::pair<std::weak_ptr<const TokenIndex>, std::shared_ptr<void>>> caches;
};

namespace grammar_detail {
/// Parses GBNF into an Impl (throws Error(errc::parse) with "line L, column C: ...").
void parse_gbnf(std::string_view text, std::string_view root, Grammar::Impl& out);
} // namespace grammar_detail

} // namespace braid::engine
