#include "braid/engine/generator.hpp"

#include <chrono>
#include <optional>

#include "braid/engine/text_stream.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/error.hpp"

namespace braid::engine {

const char* stop_reason_name(StopReason reason) noexcept {
    switch (reason) {
    case StopReason::length: return "length";
    case StopReason::end_of_generation: return "end_of_generation";
    case StopReason::stop_string: return "stop_string";
    case StopReason::cancelled: return "cancelled";
    case StopReason::context_full: return "context_full";
    }
    return "?";
}

GenerateResult generate(const Model& model, Context& ctx, std::span<const TokenId> prompt, const GenerateOptions& options,
                        SeqId seq) {
    using clock = std::chrono::steady_clock;
    if (options.max_tokens < 0)
        throw Error(errc::invalid_argument, "generate: max_tokens must be ≥ 0");
    if (prompt.empty())
        throw Error(errc::invalid_argument, "generate: the prompt has no tokens");
    if (model.info().is_embedding_model())
        throw Error(errc::invalid_argument, "generate: " + model.info().architecture + " is an embedding model");
    Sampler sampler(options.sampling);
    for (TokenId id : prompt)
        sampler.accept(id);
    TextStream stream(options.stop);
    GenerateResult result;
    result.prompt_tokens = prompt.size();
    const Tokenizer& tok = model.tokenizer();
    std::optional<GrammarMatcher> grammar;
    if (options.grammar)
        grammar.emplace(options.grammar, token_index(model), options.grammar_options);

    auto t0 = clock::now();
    std::int32_t pos = ctx.next_position(seq);
    const RunControl& control = options.control;
    ctx.decode(Batch::sequence(prompt, pos, seq), control);
    pos += static_cast<std::int32_t>(prompt.size());
    result.prompt_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();

    auto emit = [&](const std::string& piece) {
        if (piece.empty())
            return true;
        result.text += piece;
        return !options.on_text || options.on_text(piece);
    };
    t0 = clock::now();
    std::span<const float> logits = ctx.logits(0);
    result.stop_reason = StopReason::length;
    bool open = true; // the stream still takes text
    for (int i = 0; i < options.max_tokens; ++i) {
        control.check("generate");
        const bool constrained = grammar && grammar->is_active();
        if (constrained && grammar->is_terminated()) { // complete, and nothing can follow
            result.stop_reason = StopReason::end_of_generation;
            break;
        }
        TokenId next;
        if (!constrained) {
            next = sampler.sample(logits);
        } else if (std::optional<TokenId> only = grammar->forced_bytes().empty() ? std::nullopt : grammar->forced_token()) {
            next = *only; // the grammar allows nothing else: no need to sample
        } else {
            next = sampler.sample(logits, *grammar);
        }
        if (grammar && !grammar->accept_token(next))
            throw Error(errc::internal, "generate: the grammar refused token " + std::to_string(next) + " it allowed");
        sampler.accept(next);
        result.tokens.push_back(next);
        control.report("generate", i + 1, options.max_tokens);
        if ((!options.ignore_eos || constrained) && model.is_end_of_generation(next)) {
            result.stop_reason = StopReason::end_of_generation;
            break;
        }
        if (!emit(stream.push(tok.token_to_piece(next)))) {
            result.stop_reason = StopReason::cancelled;
            open = false;
            break;
        }
        if (stream.stopped()) {
            result.stop_reason = StopReason::stop_string;
            open = false;
            break;
        }
        if (i + 1 == options.max_tokens)
            break;
        if (ctx.n_used() >= ctx.n_ctx()) {
            result.stop_reason = StopReason::context_full;
            break;
        }
        control.check("generate"); // on_text may have taken a while
        const TokenId one[] = {next};
        ctx.decode(Batch::sequence(one, pos++, seq), control);
        logits = ctx.logits(0);
    }
    if (open && !emit(stream.finish()))
        result.stop_reason = StopReason::cancelled;
    result.generate_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    return result;
}

} // namespace braid::engine
