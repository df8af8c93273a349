/// @file
/// @brief braid::engine::generate(): the token loop — decode the prompt, sample, stream the text
/// (whole UTF-8 characters only), stop at an end-of-generation token, a stop string (also across
/// tokens), max_tokens, the context's end, or when the callback says so; GenerateOptions::control
/// cancels it or gives it a deadline. GenerateOptions::grammar constrains the output to a grammar
/// (optionally lazily, from a trigger on).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/sampler.hpp"

namespace braid::engine {

/// Why a generation ended.
enum class StopReason {
    length,            ///< max_tokens were generated.
    end_of_generation, ///< The model produced an end-of-generation token (not part of the text).
    stop_string,       ///< A stop string appeared (it and what follows are not part of the text).
    cancelled,         ///< on_text returned false (a cancelled RunControl throws instead).
    context_full,      ///< The context has no room for another token.
};

/// The name of a stop reason ("length", "end_of_generation", "stop_string", "cancelled", "context_full").
const char* stop_reason_name(StopReason reason) noexcept;

/// What generate() does.
struct GenerateOptions {
    int max_tokens = 256;                 ///< Most tokens to generate (≥ 0).
    SamplingOptions sampling;             ///< The sampling chain.
    std::vector<std::string> stop;        ///< Stop strings.
    bool ignore_eos = false;              ///< Keep going past end-of-generation tokens (not under an active grammar).
    /// Constrains the output: only tokens the grammar allows are sampled, an end-of-generation token
    /// only once the grammar is complete, and the generation ends (StopReason::end_of_generation) when
    /// the grammar is complete and an end token is sampled or nothing else can follow. Where the
    /// grammar allows exactly one token, it is appended without sampling. Null: no constraint.
    std::shared_ptr<const Grammar> grammar;
    /// Lazy grammars (triggers), rollback depth and mask cache of the grammar's matcher.
    GrammarMatcherOptions grammar_options;
    /// Receives the text as it is generated, in pieces that are valid UTF-8 and never part of a stop
    /// string; returning false stops the generation (StopReason::cancelled).
    std::function<bool(std::string_view)> on_text;
    /// Cancellation, deadline, log sink and progress of this generation: checked between the prompt's
    /// chunks and graph steps (see Context::decode) and before every token, whether or not text is being
    /// held back for a possible stop string. A stop is Error(errc::cancelled) / Error(errc::timeout); the
    /// text generated so far has reached on_text, and the tokens decoded so far stay in the cache.
    /// Progress: "decode" for the prompt's chunks, then "generate" (tokens sampled of max_tokens).
    RunControl control;
};

/// The outcome of generate().
struct GenerateResult {
    std::string text;                 ///< The generated text (stop string and end token excluded).
    std::vector<TokenId> tokens;      ///< Every sampled token (including an end-of-generation token).
    StopReason stop_reason = StopReason::length; ///< Why it ended.
    std::size_t prompt_tokens = 0;    ///< Tokens of the prompt decoded.
    double prompt_ms = 0;             ///< Time decoding the prompt.
    double generate_ms = 0;           ///< Time generating (sampling and decoding each token).
};

/// Appends @p prompt to sequence @p seq of @p ctx (at its next position), then generates. The model's
/// end-of-generation tokens come from @p model. Throws what Context::decode throws (an over-long
/// prompt is Error(errc::out_of_memory) naming the context size, with nothing kept in the cache), and
/// GenerateOptions::control's Error(errc::cancelled) or Error(errc::timeout).
GenerateResult generate(const Model& model, Context& ctx, std::span<const TokenId> prompt, const GenerateOptions& options,
                        SeqId seq = 0);

} // namespace braid::engine
