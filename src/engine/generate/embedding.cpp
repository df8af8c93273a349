#include "braid/engine/embedding.hpp"

#include <cmath>
#include <string>

#include "braid/engine/batch.hpp"
#include "braid/error.hpp"

namespace braid::engine {

namespace {

TextEmbedding pooled(std::span<const float> values, std::size_t tokens, bool normalize) {
    TextEmbedding result{{values.begin(), values.end()}, tokens};
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

} // namespace

TextEmbedding embed(Context& ctx, std::string_view text, bool normalize, const RunControl& control) {
    const std::vector<TokenId> tokens = ctx.tokenizer().tokenize(text, true, false);
    ctx.decode(Batch::sequence(tokens, 0, 0, true), control);
    return pooled(ctx.embedding(0), tokens.size(), normalize);
}

std::vector<TextEmbedding> embed_batch(Context& ctx, std::span<const std::string> texts, bool normalize, const RunControl& control) {
    const ModelInfo& info = ctx.info();
    if (ctx.options().pooling.value_or(Pooling::none) == Pooling::none)
        throw Error(errc::unsupported, "embed_batch: the " + info.architecture +
                                           " model has no pooling (bert models pool; a decoder pools when its ContextOptions::pooling is set)");
    // Limits of one pass: the context's n_batch (n_ctx bounds it) and its sequences.
    const ContextOptions& limits = ctx.options();
    std::vector<std::vector<TokenId>> tokens(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        tokens[i] = ctx.tokenizer().tokenize(texts[i], true, false);
        if (tokens[i].empty())
            throw Error(errc::invalid_argument, "embed_batch: text " + std::to_string(i) + " gives no tokens");
        if (static_cast<std::int64_t>(tokens[i].size()) > limits.n_batch)
            throw Error(errc::invalid_argument, "embed_batch: text " + std::to_string(i) + " has " + std::to_string(tokens[i].size()) +
                                                    " tokens, more than n_batch " + std::to_string(limits.n_batch));
    }
    std::vector<TextEmbedding> results;
    results.reserve(texts.size());
    for (std::size_t first = 0; first < texts.size();) {
        // As many whole texts as fit into one pass, each its own sequence.
        Batch batch;
        std::size_t last = first;
        while (last < texts.size() && static_cast<int>(last - first) < limits.n_seq_max &&
               static_cast<std::int64_t>(batch.size() + tokens[last].size()) <= limits.n_batch) {
            const SeqId seq = static_cast<SeqId>(last - first);
            for (std::size_t t = 0; t < tokens[last].size(); ++t)
                batch.add(tokens[last][t], static_cast<std::int32_t>(t), seq, true);
            ++last;
        }
        ctx.decode(batch, control);
        for (std::size_t i = first; i < last; ++i)
            results.push_back(pooled(ctx.embedding(static_cast<SeqId>(i - first)), tokens[i].size(), normalize));
        first = last;
    }
    return results;
}

} // namespace braid::engine
