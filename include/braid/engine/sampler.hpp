/// @file
/// @brief braid::engine::Sampler: picks the next token from logits through a chain of steps — logit
/// bias, repetition / frequency / presence penalties over the last N tokens, top-k, typical, top-p,
/// min-p, temperature, then a seeded random draw (or the argmax when temperature ≤ 0). With a grammar
/// (GrammarMatcher), the tokens it forbids are removed before every other step.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "braid/engine/tokenizer_vocab.hpp"

namespace braid::engine {

class GrammarMatcher;

/// The sampling settings (llama.cpp's defaults). A step is off at its neutral value.
struct SamplingOptions {
    float temperature = 0.8f;       ///< Divides the logits; ≤ 0 means greedy (argmax).
    int top_k = 40;                 ///< Keep the k most likely tokens; ≤ 0: off.
    float top_p = 0.95f;            ///< Keep the most likely tokens up to this cumulative probability; 1: off.
    float min_p = 0.05f;            ///< Drop tokens less likely than min_p × the most likely one; 0: off.
    float typical_p = 1.0f;         ///< Locally typical sampling mass; 1: off.
    float repeat_penalty = 1.0f;    ///< Divides positive (multiplies negative) logits of recent tokens; 1: off.
    float frequency_penalty = 0.0f; ///< Subtracted once per occurrence in the recent tokens.
    float presence_penalty = 0.0f;  ///< Subtracted once if the token occurs in the recent tokens.
    int penalty_last_n = 64;        ///< How many recent tokens the penalties look at; 0: off.
    std::vector<std::pair<TokenId, float>> logit_bias; ///< Added to the logits of those tokens first.
    std::uint64_t seed = 0;         ///< Same seed, same logits → same tokens.
};

/// A candidate token during sampling.
struct TokenProb {
    TokenId id;  ///< The token.
    float logit; ///< Its (adjusted) logit.
    float p;     ///< Its probability after the last softmax.
};

/// The steps of the chain, on a candidate list (exposed for tests and custom chains).
namespace sampling {
/// Sorts by logit (descending) and sets p to the softmax of the logits.
void softmax(std::vector<TokenProb>& c);
/// Keeps the @p k most likely (k ≤ 0: all).
void top_k(std::vector<TokenProb>& c, int k);
/// Keeps the smallest most-likely prefix whose probabilities sum to at least @p p (at least one token).
void top_p(std::vector<TokenProb>& c, float p);
/// Keeps the tokens whose probability is at least @p p × the largest.
void min_p(std::vector<TokenProb>& c, float p);
/// Locally typical sampling: keeps the tokens whose surprise is closest to the entropy, up to mass @p p.
void typical(std::vector<TokenProb>& c, float p);
/// Divides every logit by @p t (> 0).
void temperature(std::vector<TokenProb>& c, float t);
/// Removes the candidates whose bit is clear in @p mask (bit id % 32 of mask[id / 32], as
/// GrammarMatcher::fill_mask writes it); ids beyond the mask are removed too.
void apply_mask(std::vector<TokenProb>& c, std::span<const std::uint32_t> mask);
/// Repetition, frequency and presence penalties for the tokens of @p recent.
void penalties(std::vector<TokenProb>& c, std::span<const TokenId> recent, float repeat, float frequency, float presence);
} // namespace sampling

/// A sampling chain with its own random generator and recent-token history. Not thread-safe.
class Sampler {
public:
    /// Throws Error(errc::invalid_argument) for out-of-range options (negative temperature is greedy,
    /// top_p / min_p / typical_p outside [0, 1], a negative penalty_last_n, a non-finite bias).
    explicit Sampler(SamplingOptions options);

    /// The next token for @p logits (one vocabulary row). Does not record it: call accept().
    /// Throws Error(errc::invalid_argument) when a biased token is outside @p logits.
    TokenId sample(std::span<const float> logits);
    /// The next token for @p logits among those @p grammar allows (all of them while a lazy grammar is
    /// inactive): logit bias, then the grammar's mask (forbidden tokens get -inf, i.e. leave the
    /// candidates), then the rest of the chain, so every setting composes with a grammar and greedy or
    /// seeded sampling stays deterministic. Greedy sampling checks the unmasked argmax first and builds
    /// the full mask only when the grammar refuses it (the same token either way). Does not accept the
    /// token into @p grammar. Throws Error(errc::unsupported) when the grammar allows no token.
    TokenId sample(std::span<const float> logits, GrammarMatcher& grammar);
    /// Records @p id in the history the penalties look at.
    void accept(TokenId id);
    /// Clears the history and restarts the random generator from the seed.
    void reset();
    /// The options.
    const SamplingOptions& options() const noexcept { return options_; }

private:
    double uniform();
    void prepare(std::span<const float> logits);
    TokenId draw();

    SamplingOptions options_;
    std::uint64_t state_[4];
    std::vector<TokenId> recent_;
    std::vector<TokenProb> candidates_;
    std::vector<std::uint32_t> mask_;
};

} // namespace braid::engine
