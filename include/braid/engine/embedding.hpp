/// @file
/// @brief braid::engine::embed(): a text's sentence embedding with an embedding model (bert family).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "braid/engine/context.hpp"

namespace braid::engine {

/// A text's embedding and how many tokens it took.
struct TextEmbedding {
    std::vector<float> values; ///< The pooled vector (the model's embedding length).
    std::size_t tokens = 0;    ///< Tokens of the text, [CLS]/[SEP] included.
};

/// The embedding of @p text: tokenized with the vocabulary's special tokens ([CLS] … [SEP]), decoded as
/// one sequence in @p ctx, pooled as the model says (mean, CLS or last token) and, with @p normalize,
/// scaled to unit length (L2). Nothing stays in the context's cache. @p control stops it as it stops
/// Context::decode.
/// @throws Error(errc::invalid_argument) for a model that gives no embeddings or a text longer than
///         n_batch; Error(errc::out_of_memory) for a text longer than the context.
TextEmbedding embed(Context& ctx, std::string_view text, bool normalize = true, const RunControl& control = RunControl::none());

} // namespace braid::engine
