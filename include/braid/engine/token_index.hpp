/// @file
/// @brief braid::engine::TokenIndex: a vocabulary prepared for constrained decoding — every token's
/// bytes, a byte trie over them, and which tokens are control tokens or end a generation. Built once
/// per vocabulary (about 100 ms for 100k tokens) and shared by every GrammarMatcher over it.
///
/// @code
/// auto index = braid::engine::TokenIndex::build(model.tokenizer());   // or token_index(model)
/// braid::engine::GrammarMatcher m(grammar, index);
/// @endcode
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "braid/engine/tokenizer_vocab.hpp"

namespace braid::engine {

class Tokenizer;
class Model;

/// Immutable after build(): safe to share across threads.
class TokenIndex {
public:
    /// One trie node, in preorder: the node's children follow it, and `skip` is the index just past
    /// its subtree (so a walk that refuses the node's byte jumps there).
    struct TrieNode {
        std::uint32_t skip;       ///< Index of the first node after this subtree.
        std::uint32_t tok_begin;  ///< This node's tokens: trie_tokens()[tok_begin, tok_end).
        std::uint32_t tok_end;    ///< (tokens whose bytes end exactly here).
        std::uint16_t depth;      ///< 1 for a first byte.
        std::uint8_t byte;        ///< The byte on the edge into this node.
        /// The tokens of the whole subtree (this node's, then its descendants'):
        /// trie_tokens()[tok_begin, subtree_tok_end).
        std::uint32_t subtree_tok_end;
    };

    /// Indexes @p tokenizer's vocabulary. Control tokens and tokens whose text is empty stay out of
    /// the trie; @p end_tokens (or, when empty, the tokenizer's EOS) are the tokens a grammar allows
    /// exactly when it is complete.
    static std::shared_ptr<const TokenIndex> build(const Tokenizer& tokenizer, std::span<const TokenId> end_tokens = {});

    /// Number of tokens in the vocabulary (the mask has this many bits).
    std::size_t vocab_size() const noexcept { return pieces_.size(); }
    /// The bytes of token @p id (empty for control tokens). Throws Error(errc::invalid_argument) out of range.
    const std::string& piece(TokenId id) const;
    /// Whether @p id is a control token or has no text (never allowed by a grammar, unless an end token).
    bool is_special(TokenId id) const noexcept;
    /// Whether @p id is one of the end tokens.
    bool is_end(TokenId id) const noexcept;
    /// The end tokens.
    std::span<const TokenId> end_tokens() const noexcept { return end_; }
    /// The trie in preorder (first-byte nodes at depth 1; no root node).
    std::span<const TrieNode> trie() const noexcept { return trie_; }
    /// Token ids referenced by the trie nodes.
    std::span<const TokenId> trie_tokens() const noexcept { return trie_tokens_; }
    /// The longest token, in bytes.
    std::size_t max_piece_bytes() const noexcept { return max_len_; }

private:
    std::vector<std::string> pieces_;
    std::vector<std::uint8_t> flags_; // bit 0: special, bit 1: end
    std::vector<TokenId> end_;
    std::vector<TrieNode> trie_;
    std::vector<TokenId> trie_tokens_;
    std::size_t max_len_ = 0;
};

/// The token index of @p model's vocabulary (its end tokens are the model's end-of-generation tokens),
/// built on first use and shared by later calls (thread-safe).
std::shared_ptr<const TokenIndex> token_index(const Model& model);

} // namespace braid::engine
