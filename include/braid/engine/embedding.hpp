/// @file
/// @brief braid::engine::embed(): a text's sentence embedding with an embedding model (bert family), or
/// with a decoder model whose context pools (ContextOptions::pooling).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/engine/context.hpp"

namespace braid::engine {

/// A text's embedding and how many tokens it took.
struct TextEmbedding {
    std::vector<float> values; ///< The pooled vector (the model's embedding length).
    std::size_t tokens = 0;    ///< Tokens of the text, [CLS]/[SEP] included.
};

/// The embedding of @p text: tokenized with the vocabulary's special tokens ([CLS] … [SEP], or BOS), decoded as
/// one sequence in @p ctx, pooled as the model says (mean, CLS or last token) and, with @p normalize,
/// scaled to unit length (L2). Nothing stays in the context's cache. @p control stops it as it stops
/// Context::decode.
/// @throws Error(errc::invalid_argument) for a model that gives no embeddings or a text longer than
///         n_batch; Error(errc::out_of_memory) for a text longer than the context.
TextEmbedding embed(Context& ctx, std::string_view text, bool normalize = true, const RunControl& control = RunControl::none());

/// The embeddings of many @p texts, in order, each as embed() gives it (equal within float rounding:
/// the kernels may sum in another order for a larger batch). The texts are decoded together: each is a
/// sequence of its own, packed into passes of at most n_batch tokens and n_seq_max sequences
/// (ContextOptions), so a context made for batching (say n_batch 2048, n_seq_max 64) takes many short
/// texts per forward pass. Nothing stays in the context's cache. @p control stops it between and
/// during passes, as it stops Context::decode.
///
/// The context must pool: a bert model (a pooling in its metadata), or a decoder model (llama, qwen2)
/// whose context was created with ContextOptions::pooling set (its final normalized hidden states,
/// pooled per text); any other context is Error(errc::unsupported).
/// @throws Error(errc::invalid_argument) for a text that gives no tokens or more than n_batch (naming
///         its index); Error(errc::unsupported) for a context without pooling.
std::vector<TextEmbedding> embed_batch(Context& ctx, std::span<const std::string> texts, bool normalize = true,
                                       const RunControl& control = RunControl::none());

} // namespace braid::engine
