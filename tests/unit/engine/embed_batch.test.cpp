// engine::embed_batch: many texts per pass as separate sequences, equal to embed() one by one within
// the reference tolerance (bert F16: cosine ≥ 0.999 against llama.cpp; here against braid itself, far
// closer), whatever the packing; nothing left in the cache; bad texts and models are clear errors.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/embedding.hpp"
#include "braid/error.hpp"
#include "reference.hpp"
#include "unit/error_text.hpp"

namespace engine = braid::engine;
using Catch::Matchers::Contains;

namespace kv_embed_batch {

const std::vector<std::string> texts = {
    "The quick brown fox jumps over the lazy dog.",
    "A journey of a thousand miles begins with a single step.",
    "hello",
    "",
    "Embeddings turn text into vectors so that similar meanings land close together in space.",
    "What is the capital of France?",
    "Paris is the capital and most populous city of France, with an estimated population of two million.",
    "cats and dogs",
    "An apple a day keeps the doctor away.",
    "to be or not to be, that is the question",
    "The mitochondria is the powerhouse of the cell.",
};

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, static_cast<double>(std::abs(a[i] - b[i])));
    return worst;
}

} // namespace kv_embed_batch

TEST_CASE("[embedding] embed_batch equals embed one by one, whatever the packing", "[engine]") {
    using namespace kv_embed_batch;
    engine::Model model = engine::Model::load(engine_test::test_models() / "tiny-bert-f16.gguf");
    engine::ContextOptions single_options;
    single_options.backend = engine::BackendKind::cpu;
    single_options.threads = 2;
    engine::Context single = engine::Context::create(model, single_options);
    std::vector<engine::TextEmbedding> expected;
    for (const std::string& t : texts)
        expected.push_back(engine::embed(single, t));
    // Packings: everything in one pass; at most 3 sequences; at most 40 tokens (texts split across passes).
    struct Packing {
        std::int64_t n_batch;
        int n_seq_max;
    };
    for (const Packing p : {Packing{512, 64}, Packing{512, 3}, Packing{40, 64}, Packing{40, 1}}) {
        INFO("n_batch " << p.n_batch << ", n_seq_max " << p.n_seq_max);
        engine::ContextOptions o = single_options;
        o.n_batch = p.n_batch;
        o.n_ctx = p.n_batch;
        o.n_seq_max = p.n_seq_max;
        engine::Context ctx = engine::Context::create(model, o);
        for (const bool normalize : {true, false}) {
            const auto got = engine::embed_batch(ctx, texts, normalize);
            REQUIRE(got.size() == texts.size());
            CHECK(ctx.n_used() == 0);
            for (std::size_t i = 0; i < texts.size(); ++i) {
                INFO("text " << i << ", normalize " << normalize);
                const engine::TextEmbedding one = normalize ? expected[i] : engine::embed(single, texts[i], false);
                CHECK(got[i].tokens == one.tokens);
                CHECK(engine_test::cosine(got[i].values, one.values) >= 0.99999);
                CHECK(max_abs_diff(got[i].values, one.values) <= 1e-3);
            }
        }
    }
    CHECK(engine::embed_batch(single, std::span<const std::string>()).empty());
}

TEST_CASE("[embedding] embed_batch errors name the text or the model", "[engine]") {
    using namespace kv_embed_batch;
    engine::Model model = engine::Model::load(engine_test::test_models() / "tiny-bert-f16.gguf");
    engine::ContextOptions o;
    o.backend = engine::BackendKind::cpu;
    o.threads = 1;
    o.n_batch = 16;
    o.n_ctx = 16;
    engine::Context ctx = engine::Context::create(model, o);
    const std::vector<std::string> texts = {"short", "this text is certainly going to be longer than sixteen tokens of the vocabulary"};
    CHECK_THAT(braid_test::error_of([&] { engine::embed_batch(ctx, texts); }), Contains("invalid_argument") && Contains("text 1") && Contains("n_batch 16"));
    engine::Model stories = engine::Model::load(engine_test::stories);
    engine::Context decoder = engine::Context::create(stories, o);
    CHECK_THAT(braid_test::error_of([&] { engine::embed_batch(decoder, texts); }), Contains("unsupported") && Contains("no pooling"));
}
