#include "braid/engine/embedding.hpp"

#include <cmath>

#include "braid/engine/batch.hpp"

namespace braid::engine {

TextEmbedding embed(Context& ctx, std::string_view text, bool normalize, const RunControl& control) {
    const std::vector<TokenId> tokens = ctx.tokenizer().tokenize(text, true, false);
    ctx.decode(Batch::sequence(tokens, 0, 0, true), control);
    const std::span<const float> pooled = ctx.embedding(0);
    TextEmbedding result{{pooled.begin(), pooled.end()}, tokens.size()};
    if (normalize) {
        double norm = 0;
        for (const float x : result.values)
            norm += static_cast<double>(x) * x;
        norm = std::sqrt(norm);
        for (float& x : result.values)
            x = norm > 0 ? static_cast<float>(x / norm) : 0.0f;
    }
    return result;
}

} // namespace braid::engine
