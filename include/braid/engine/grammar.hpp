/// @file
/// @brief braid::engine::Grammar: a context-free grammar compiled from GBNF (llama.cpp's grammar
/// syntax), immutable and shareable across threads; the constraint behind structured generation.
///
/// Syntax (as llama.cpp's grammars/README.md documents it):
/// @code
/// # a comment
/// root   ::= object                      # rules: name ::= alternatives
/// object ::= "{" ws ( pair ( "," ws pair )* )? "}"
/// pair   ::= string ":" ws value
/// string ::= "\"" [^"\\]* "\""           # literals, classes, negated classes
/// digits ::= [0-9]{1,3} | "x"+ | "y"? | . # {m} {m,} {m,n} {,n} * + ?  and `.` (any character)
/// @endcode
/// Rules may span lines (a rule ends where the next `name ::=` starts). Escapes in literals and
/// classes: a backslash before n, t, r, a backslash, a quote, a bracket, a dash, a caret or a slash, and
/// hexadecimal code points: backslash-x with 2 digits, backslash-u with 4, backslash-U with 8. Terminals are
/// Unicode code points over UTF-8 bytes: a negated class such as `[^x]` matches a multi-byte character, and
/// a token may end inside one.
///
/// Left recursion (direct, indirect, or through rules that can match nothing) is rejected with an
/// error naming the rule: the matcher is a pushdown recognizer (a set of stacks), not Earley.
///
/// @code
/// auto g = braid::engine::Grammar::from_gbnf(R"(root ::= "yes" | "no")");
/// bool ok = g->accepts("yes"); // true
/// @endcode
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace braid::engine {

/// A compiled grammar. Immutable: one instance may be used by many matchers on many threads.
class Grammar {
public:
    /// Compiles GBNF @p text with start rule @p root. Throws Error(errc::parse) for malformed text
    /// ("line L, column C: ..."), a rule referenced but not defined, a rule defined twice, a missing
    /// root rule, left recursion (naming the rule), or a grammar too large to compile (over 1,000,000
    /// elements once repetitions are expanded).
    static std::shared_ptr<const Grammar> from_gbnf(std::string_view text, std::string_view root = "root");

    /// Whether the whole of @p text (UTF-8 bytes) is a sentence of the grammar.
    bool accepts(std::string_view text) const;

    /// Number of rules after compilation (the written ones plus helpers for groups and repetitions).
    std::size_t rule_count() const noexcept;
    /// The GBNF text the grammar was compiled from.
    const std::string& source() const noexcept;

    /// @cond INTERNAL
    struct Impl;
    const Impl& impl() const noexcept { return *impl_; }
    explicit Grammar(std::unique_ptr<const Impl> impl) noexcept;
    ~Grammar();
    /// @endcond

private:
    std::unique_ptr<const Impl> impl_;
};

} // namespace braid::engine
