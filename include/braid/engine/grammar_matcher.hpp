/// @file
/// @brief braid::engine::GrammarMatcher: the per-generation state of a grammar over a vocabulary —
/// which tokens may come next (a bit mask), accepting tokens or bytes, completion, forced
/// continuations, rollback, and lazy grammars that wait for a trigger.
///
/// @code
/// auto grammar = Grammar::from_gbnf(R"(root ::= "{" [a-z]+ "}")");
/// GrammarMatcher m(grammar, token_index(model));
/// std::vector<std::uint32_t> mask;
/// m.fill_mask(mask);                 // bit t of mask[t / 32]: token t allowed next
/// if (!m.accept_token(t)) { ... }    // refused: the state is unchanged
/// if (m.is_complete()) { ... }       // the end tokens (EOS) are allowed now
/// @endcode
///
/// Tokens are matched byte by byte, so a token may span several terminals or end inside a multi-byte
/// UTF-8 character (the next token must then finish it). Control tokens are never allowed, except the
/// index's end tokens, which are allowed exactly when the grammar is complete.
///
/// Speed: the matchers of one grammar over one vocabulary share a recognizer whose transitions are
/// memoized (a lazily built DFA over the pushdown configurations reached) and caches of masks — exact
/// ones per configuration, and shared ones per configuration cut below its lexical top (so a JSON
/// string has one mask at every depth; tokens that leave the string are checked one by one). Those
/// caches belong to the Grammar and live as long as it does.
///
/// Thread safety: a matcher belongs to one generation (one thread at a time); the Grammar and the
/// TokenIndex it uses are shared and read-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/engine/grammar.hpp"
#include "braid/engine/token_index.hpp"

namespace braid::engine {

/// What turns a lazy grammar on. A trigger's own text is the start of the constrained output.
struct GrammarTriggers {
    /// Token ids that start the grammar (their text, possibly empty, is fed to it).
    std::vector<TokenId> tokens;
    /// Literal strings that start the grammar: checked after each token, a word fires where it appears
    /// (ending in that token) not inside a word (the byte before it is not an ASCII letter, digit or
    /// '_'), and only if the grammar accepts the text from the word on; the earliest such place wins.
    std::vector<std::string> words;
};

/// How a matcher behaves.
struct GrammarMatcherOptions {
    /// Inactive (everything allowed, nothing checked) until a trigger appears.
    bool lazy = false;
    /// The triggers of a lazy grammar (at least one when lazy).
    GrammarTriggers triggers;
    /// How many accepted tokens rollback() can undo.
    std::size_t max_rollback = 256;
    /// Most exact masks cached per grammar and vocabulary (each vocab_size / 8 bytes; the caches are
    /// shared by the matchers of one grammar and vocabulary and live as long as the grammar); 0: this
    /// matcher neither reads nor fills the mask caches.
    std::size_t mask_cache_entries = 4096;
};

/// The state of one constrained generation. Move-only.
class GrammarMatcher {
public:
    /// Throws Error(errc::invalid_argument) for a null grammar or index, or lazy without triggers
    /// (or a trigger token outside the vocabulary).
    GrammarMatcher(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenIndex> index,
                   GrammarMatcherOptions options = {});
    GrammarMatcher(GrammarMatcher&&) noexcept;            ///< Moves.
    GrammarMatcher& operator=(GrammarMatcher&&) noexcept; ///< Moves.
    ~GrammarMatcher();

    /// Accepts token @p id if the grammar allows it next (an end token: if the grammar is complete);
    /// returns false and changes nothing otherwise. Inactive lazy matchers accept every token and
    /// watch for their triggers. Throws Error(errc::invalid_argument) for an id outside the vocabulary.
    bool accept_token(TokenId id);
    /// Accepts raw bytes (not necessarily whole characters); false and unchanged if refused.
    bool accept_bytes(std::string_view bytes);
    /// Same as accept_bytes (for text).
    bool accept_string(std::string_view text) { return accept_bytes(text); }
    /// Whether accept_token(@p id) would succeed, without changing the state.
    bool is_token_allowed(TokenId id);

    /// Fills @p words (resized to (vocab_size + 31) / 32) with the tokens allowed next: bit t % 32 of
    /// words[t / 32] for token t. An inactive lazy matcher allows every token.
    void fill_mask(std::vector<std::uint32_t>& words);

    /// Whether the output so far is a whole sentence of the grammar (false while a lazy matcher is
    /// inactive).
    bool is_complete() const;
    /// Whether the grammar constrains the output (always, unless lazy and not yet triggered).
    bool is_active() const noexcept;
    /// Whether nothing can follow: complete and no further byte accepted.
    bool is_terminated();
    /// The bytes that must come next, whatever is generated (stops where there is a choice or the
    /// grammar could end); empty when inactive.
    std::string forced_bytes();
    /// The one token allowed next, if exactly one is (an end token included).
    std::optional<TokenId> forced_token();

    /// Undoes the last @p n accepted tokens or byte strings; false (and nothing undone) if fewer than
    /// @p n are remembered (see GrammarMatcherOptions::max_rollback).
    bool rollback(std::size_t n);
    /// Back to the start (inactive again if lazy). Keeps the caches.
    void reset();

    /// The token index.
    const TokenIndex& index() const noexcept;
    /// The grammar.
    const std::shared_ptr<const Grammar>& grammar() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace braid::engine
