// generate(): greedy text equal to llama.cpp's, streaming pieces that are whole UTF-8 characters,
// stop strings across tokens, cancellation, seeds, context limits.
#include <catch2/catch.hpp>

#include "braid/engine/generator.hpp"
#include "braid/error.hpp"
#include "reference.hpp"

namespace engine = braid::engine;

using engine_test::stories;

namespace {

engine::GenerateOptions greedy(int n) {
    engine::GenerateOptions o;
    o.max_tokens = n;
    o.sampling.temperature = 0.0f;
    return o;
}

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + static_cast<std::size_t>(n) > s.size())
            return false;
        for (int k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) >> 6) != 2)
                return false;
        i += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

TEST_CASE("[generate] greedy text of stories260K is llama.cpp's, streamed in whole pieces", "[engine]") {
    engine::Model model = engine::Model::load(stories);
    engine::Context ctx = engine::Context::create(model);
    const auto ref = engine_test::read_reference(engine_test::test_models() / "stories260K.cpu.jsonl");
    const auto prompt = model.tokenizer().tokenize(ref[0].prompt, true);
    std::string streamed;
    engine::GenerateOptions o = greedy(32);
    o.on_text = [&](std::string_view piece) {
        CHECK(!piece.empty());
        CHECK(valid_utf8(std::string(piece)));
        streamed += piece;
        return true;
    };
    const engine::GenerateResult r = engine::generate(model, ctx, prompt, o);
    CHECK(r.tokens == ref[0].greedy);
    CHECK(r.text == ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw");
    CHECK(streamed == r.text);
    CHECK(r.stop_reason == engine::StopReason::length);
    CHECK(r.prompt_tokens == prompt.size());
    // The conversation continues in the same context (KV cache reused).
    CHECK(ctx.next_position(0) == static_cast<std::int32_t>(prompt.size() + 31));
}

TEST_CASE("[generate] stop strings across tokens, cancellation, max_tokens", "[engine]") {
    engine::Model model = engine::Model::load(stories);
    const auto prompt = model.tokenizer().tokenize("Once upon a time", true);
    SECTION("stop string") {
        engine::Context ctx = engine::Context::create(model);
        engine::GenerateOptions o = greedy(64);
        o.stop = {"ttle gi"}; // spans the tokens of "little girl"
        std::string streamed;
        o.on_text = [&](std::string_view p) {
            streamed += p;
            return true;
        };
        const auto r = engine::generate(model, ctx, prompt, o);
        CHECK(r.stop_reason == engine::StopReason::stop_string);
        CHECK(r.text == ", there was a li");
        CHECK(streamed == r.text);
    }
    SECTION("the callback cancels") {
        engine::Context ctx = engine::Context::create(model);
        engine::GenerateOptions o = greedy(64);
        int pieces = 0;
        o.on_text = [&](std::string_view) { return ++pieces < 3; };
        const auto r = engine::generate(model, ctx, prompt, o);
        CHECK(r.stop_reason == engine::StopReason::cancelled);
        CHECK(pieces == 3);
        CHECK(r.tokens.size() == 3);
    }
    SECTION("max_tokens 0 and an end-of-generation token") {
        engine::Context ctx = engine::Context::create(model);
        auto r = engine::generate(model, ctx, prompt, greedy(0));
        CHECK(r.tokens.empty());
        CHECK(r.text.empty());
        engine::GenerateOptions o = greedy(8);
        o.sampling.logit_bias = {{2, 1000.0f}}; // force EOS
        ctx.clear();
        r = engine::generate(model, ctx, prompt, o);
        CHECK(r.stop_reason == engine::StopReason::end_of_generation);
        CHECK(r.tokens == std::vector<engine::TokenId>{2});
        CHECK(r.text.empty());
    }
}

TEST_CASE("[generate] seeds, context limits", "[engine]") {
    engine::Model model = engine::Model::load(stories);
    const auto prompt = model.tokenizer().tokenize("Once upon a time", true);
    auto sample = [&](std::uint64_t seed) {
        engine::Context ctx = engine::Context::create(model);
        engine::GenerateOptions o;
        o.max_tokens = 40;
        o.sampling.seed = seed;
        o.sampling.temperature = 1.0f;
        return engine::generate(model, ctx, prompt, o).text;
    };
    CHECK(sample(7) == sample(7));
    CHECK(sample(7) != sample(8));

    engine::ContextOptions small;
    small.n_ctx = 8;
    engine::Context ctx = engine::Context::create(model, small);
    auto r = engine::generate(model, ctx, prompt, greedy(100));
    CHECK(r.stop_reason == engine::StopReason::context_full);
    CHECK(r.tokens.size() == 4); // 5 prompt tokens + 3 decoded fill 8 cells; the 4th is sampled, not decoded
    ctx.clear();
    const std::vector<engine::TokenId> too_long(9, 300);
    CHECK_THROWS_AS(engine::generate(model, ctx, too_long, greedy(4)), braid::Error);
    CHECK(ctx.n_used() == 0);
}

TEST_CASE("[generate] random weights emit broken UTF-8, yet pieces stay whole characters", "[engine]") {
    engine::Model model = engine::Model::load(engine_test::test_models() / "tiny-llama-gqa-q4_k_m.gguf");
    const auto prompt = model.tokenizer().tokenize("Hello", true);
    for (std::uint64_t seed = 0; seed < 4; ++seed) {
        engine::Context ctx = engine::Context::create(model);
        engine::GenerateOptions o;
        o.max_tokens = 200;
        o.sampling.seed = seed;
        o.sampling.temperature = 1.5f;
        o.sampling.top_k = 0;
        o.sampling.min_p = 0.0f;
        o.ignore_eos = true;
        std::string all;
        o.on_text = [&](std::string_view p) {
            CHECK(valid_utf8(std::string(p)));
            all += p;
            return true;
        };
        const auto r = engine::generate(model, ctx, prompt, o);
        CHECK(all == r.text);
        CHECK(valid_utf8(r.text));
    }
}
