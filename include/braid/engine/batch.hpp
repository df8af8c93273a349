/// @file
/// @brief braid::engine::Batch: tokens to decode, each with its position, its sequence and whether its
/// output (logits, or the hidden state for embeddings) is wanted.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "braid/engine/tokenizer_vocab.hpp"

namespace braid::engine {

/// Identifies one sequence (one conversation) in a context's KV cache: 0 … ContextOptions::n_seq_max-1.
using SeqId = std::int32_t;

/// One token of a batch.
struct BatchToken {
    TokenId token = 0;     ///< The token.
    std::int32_t pos = 0;  ///< Its position in its sequence (0 for the first token).
    SeqId seq = 0;         ///< Its sequence.
    bool output = false;   ///< Whether its logits are wanted.
};

/// Tokens decoded together (prompt processing): any mix of sequences, each token attending to the
/// earlier positions of its own sequence.
struct Batch {
    std::vector<BatchToken> tokens; ///< The tokens, in order.

    /// Appends a token.
    void add(TokenId token, std::int32_t pos, SeqId seq = 0, bool output = false) {
        tokens.push_back({token, pos, seq, output});
    }
    /// A batch of @p ids at positions @p first_pos, @p first_pos + 1, ... of sequence @p seq, with the
    /// output of the last token only (or of every token when @p all_outputs).
    static Batch sequence(std::span<const TokenId> ids, std::int32_t first_pos = 0, SeqId seq = 0,
                          bool all_outputs = false) {
        Batch b;
        b.tokens.reserve(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i)
            b.add(ids[i], first_pos + static_cast<std::int32_t>(i), seq, all_outputs || i + 1 == ids.size());
        return b;
    }
    /// Number of tokens.
    std::size_t size() const noexcept { return tokens.size(); }
    /// True when there is no token.
    bool empty() const noexcept { return tokens.empty(); }
};

} // namespace braid::engine
