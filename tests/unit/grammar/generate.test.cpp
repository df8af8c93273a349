// Generation under a grammar with stories260K: every seed's text is accepted by the grammar (whole when
// the generation ended, as a prefix when it ran out of tokens); the sampler's settings compose with the
// mask; greedy and seeded generations are deterministic; lazy grammars leave text before the trigger free.
#include <catch2/catch.hpp>

#include <filesystem>

#include "braid/engine/generator.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/error.hpp"

namespace engine = braid::engine;

namespace {

const std::filesystem::path stories_model = std::filesystem::path(BRAID_TEST_DATA_DIR) / "models" / "stories260K.gguf";

// Whether @p text can start a sentence of @p g (a prefix of one).
bool is_prefix(const std::shared_ptr<const engine::Grammar>& g, const engine::Model& model, const std::string& text) {
    engine::GrammarMatcher m(g, engine::token_index(model));
    return m.accept_string(text);
}

engine::GenerateResult run_with_grammar(const engine::Model& model, const std::shared_ptr<const engine::Grammar>& g,
                                        engine::SamplingOptions sampling, int max_tokens, const std::string& prompt = "Once upon a time") {
    engine::Context ctx = engine::Context::create(model);
    engine::GenerateOptions o;
    o.max_tokens = max_tokens;
    o.sampling = std::move(sampling);
    o.grammar = g;
    const auto tokens = model.tokenizer().tokenize(prompt, true);
    return engine::generate(model, ctx, tokens, o);
}

} // namespace

TEST_CASE("[grammar generate] stories260K under a grammar emits only text the grammar accepts, for many seeds", "[unit]") {
    const engine::Model model = engine::Model::load(stories_model);
    const auto g = engine::Grammar::from_gbnf(R"(
root ::= " "? name " " verb " " ("a" | "the") " " noun ("," " " noun){0,3} "."
name ::= [A-Z] [a-z]{1,8}
verb ::= "saw" | "had" | "liked" | "found"
noun ::= [a-z]{2,10}
)");
    int ended = 0;
    for (std::uint64_t seed = 1; seed <= 24; ++seed) {
        engine::SamplingOptions s;
        s.seed = seed;
        s.temperature = 1.0f;
        const engine::GenerateResult r = run_with_grammar(model, g, s, 64);
        INFO("seed " << seed << ": " << r.text);
        if (r.stop_reason == engine::StopReason::end_of_generation) {
            CHECK(g->accepts(r.text));
            ++ended;
        } else {
            CHECK(r.stop_reason == engine::StopReason::length);
            CHECK(is_prefix(g, model, r.text));
        }
    }
    CHECK(ended > 12); // the sentence is short: most seeds finish it and stop
}

TEST_CASE("[grammar generate] every sampling setting composes with a grammar, deterministically", "[unit]") {
    const engine::Model model = engine::Model::load(stories_model);
    const auto g = engine::Grammar::from_gbnf(R"(root ::= (" " [a-z]+){3,6} [.!])");
    engine::SamplingOptions s;
    s.seed = 42;
    s.temperature = 0.9f;
    s.top_k = 20;
    s.top_p = 0.9f;
    s.min_p = 0.02f;
    s.typical_p = 0.95f;
    s.repeat_penalty = 1.3f;
    s.frequency_penalty = 0.2f;
    s.presence_penalty = 0.1f;
    s.logit_bias = {{model.tokenizer().tokenize("Lily").back(), 5.0f}, {*model.tokenizer().eos(), 3.0f}};
    const engine::GenerateResult a = run_with_grammar(model, g, s, 40);
    const engine::GenerateResult b = run_with_grammar(model, g, s, 40);
    CHECK(a.tokens == b.tokens);
    INFO(a.text);
    CHECK((a.stop_reason == engine::StopReason::end_of_generation ? g->accepts(a.text) : is_prefix(g, model, a.text)));
    engine::SamplingOptions greedy;
    greedy.temperature = 0.0f;
    const engine::GenerateResult c = run_with_grammar(model, g, greedy, 40);
    const engine::GenerateResult d = run_with_grammar(model, g, greedy, 40);
    CHECK(c.tokens == d.tokens);
    CHECK((c.stop_reason == engine::StopReason::end_of_generation ? g->accepts(c.text) : is_prefix(g, model, c.text)));
}

TEST_CASE("[grammar generate] greedy under a grammar equals the argmax of the masked logits", "[unit]") {
    const engine::Model model = engine::Model::load(stories_model);
    const auto g = engine::Grammar::from_gbnf(R"(root ::= " " [a-z ]+ ".")");
    engine::Context ctx = engine::Context::create(model);
    const auto prompt = model.tokenizer().tokenize("Once upon a time", true);
    ctx.decode(engine::Batch::sequence(prompt, 0, 0));
    const auto logits = ctx.logits(0);
    engine::GrammarMatcher m(g, engine::token_index(model));
    std::vector<std::uint32_t> mask;
    m.fill_mask(mask);
    engine::TokenId best = -1;
    for (std::size_t t = 0; t < logits.size(); ++t)
        if (((mask[t / 32] >> (t % 32)) & 1u) && (best < 0 || logits[t] > logits[static_cast<std::size_t>(best)]))
            best = static_cast<engine::TokenId>(t);
    engine::SamplingOptions o;
    o.temperature = 0.0f;
    engine::Sampler sampler(o);
    CHECK(sampler.sample(logits, m) == best);
    // Stochastic sampling never picks a masked token.
    o.temperature = 1.5f;
    o.top_k = 0;
    o.top_p = 1.0f;
    o.min_p = 0.0f;
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        o.seed = seed;
        engine::Sampler s(o);
        const engine::TokenId t = s.sample(logits, m);
        CHECK(((mask[static_cast<std::size_t>(t) / 32] >> (static_cast<std::size_t>(t) % 32)) & 1u));
    }
}

TEST_CASE("[grammar generate] a lazy grammar constrains only from its trigger on", "[unit]") {
    const engine::Model model = engine::Model::load(stories_model);
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "Lily" " " ("ran" | "sat") ".")");
    engine::Context ctx = engine::Context::create(model);
    engine::GenerateOptions o;
    o.max_tokens = 80;
    o.sampling.temperature = 0.0f;
    o.grammar = g;
    o.grammar_options.lazy = true;
    o.grammar_options.triggers.words = {"Lily"};
    const auto prompt = model.tokenizer().tokenize("Once upon a time, there was a little girl named", true);
    const engine::GenerateResult r = engine::generate(model, ctx, prompt, o);
    INFO(r.text);
    const auto at = r.text.find("Lily");
    REQUIRE(at != std::string::npos); // greedy stories260K names her Lily
    CHECK(g->accepts(r.text.substr(at)));
    CHECK(r.stop_reason == engine::StopReason::end_of_generation);
}
