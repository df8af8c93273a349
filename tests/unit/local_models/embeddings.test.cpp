// LocalEmbeddings over tiny-bert (random weights: equalities and tolerances, not values): batched
// results equal the engine's one-by-one embed(), the runnable forms, concurrent callers, options and
// models it refuses.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/embedding.hpp"
#include "braid/models/local_embeddings.hpp"
#include "local_test_util.hpp"
#include "unit/error_text.hpp"

namespace engine = braid::engine;
using braid::LocalEmbeddings;
using braid::LocalEmbeddingsOptions;
using Catch::Matchers::Contains;

namespace kv_local_embeddings {

const std::filesystem::path models_dir = std::filesystem::path(BRAID_TEST_DATA_DIR) / "models";

std::shared_ptr<const engine::Model> tiny_bert() {
    static const auto model = std::make_shared<const engine::Model>(engine::Model::load(models_dir / "tiny-bert-f16.gguf"));
    return model;
}

std::vector<std::string> sample_texts(std::size_t n) {
    const char* words[] = {"river", "stone", "quiet", "market", "lantern", "orbit", "garden", "signal", "copper", "harbor"};
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
        std::string t;
        for (std::size_t w = 0; w < 3 + i % 7; ++w)
            t += std::string(w ? " " : "") + words[(i * 7 + w * 3) % 10];
        out.push_back(t);
    }
    return out;
}

LocalEmbeddingsOptions cpu_options() {
    LocalEmbeddingsOptions o;
    o.backend = engine::BackendKind::cpu;
    o.threads = 2;
    return o;
}

} // namespace kv_local_embeddings

TEST_CASE("[local_embeddings] batched vectors equal the engine's one-by-one embed", "[local_models]") {
    using namespace kv_local_embeddings;
    auto options = cpu_options();
    options.batch_size = 64;
    options.max_sequences = 5; // 23 texts: several passes
    const auto embedder = std::make_shared<LocalEmbeddings>(tiny_bert(), options);
    CHECK(embedder->dimension() == static_cast<std::size_t>(tiny_bert()->info().n_embd));
    CHECK(embedder->normalizes());
    CHECK_THAT(embedder->name(), Contains("LocalEmbeddings("));
    const auto texts = sample_texts(23);
    const auto vectors = embedder->embed_documents(texts);
    REQUIRE(vectors.size() == texts.size());
    engine::ContextOptions co;
    co.backend = engine::BackendKind::cpu;
    co.threads = 2;
    engine::Context ctx = engine::Context::create(*tiny_bert(), co);
    for (std::size_t i = 0; i < texts.size(); ++i) {
        INFO("text " << i << ": " << texts[i]);
        const auto one = engine::embed(ctx, texts[i]).values;
        REQUIRE(vectors[i].size() == embedder->dimension());
        CHECK(local_test::cosine(vectors[i], one) >= 0.99999);
        double norm = 0;
        for (float x : vectors[i])
            norm += static_cast<double>(x) * x;
        CHECK(std::abs(norm - 1.0) < 1e-4);
    }
    CHECK(local_test::cosine(embedder->embed_query(texts[3]), vectors[3]) >= 0.99999);
    CHECK(embedder->embed_documents(std::vector<std::string>{}).empty());
    // normalize = false: the raw pooled vector.
    options.normalize = false;
    const LocalEmbeddings raw(tiny_bert(), options);
    CHECK(!raw.normalizes());
    CHECK(local_test::cosine(raw.embed_query(texts[0]), engine::embed(ctx, texts[0], false).values) >= 0.99999);
}

TEST_CASE("[local_embeddings] runnable forms: a text, texts, typed steps and bad input", "[local_models]") {
    using namespace kv_local_embeddings;
    const auto embedder = std::make_shared<const LocalEmbeddings>(tiny_bert(), cpu_options());
    const braid::Runnable<braid::Value, braid::Value> step = braid::make_runnable(embedder);
    const braid::Value one = step.invoke("river stone");
    REQUIRE(one.is_array());
    CHECK(one.size() == embedder->dimension());
    const braid::Value many = step.invoke(braid::Value::array({"river stone", "quiet market"}));
    REQUIRE(many.size() == 2);
    CHECK(local_test::cosine(many[0].get<std::vector<float>>(), one.get<std::vector<float>>()) >= 0.99999);
    CHECK_THAT(braid_test::error_of([&] { step.invoke(42); }), Contains("string or an array of strings"));
    CHECK_THAT(braid_test::error_of([&] { step.invoke(braid::Value::array({"a", 1})); }), Contains("item 1"));
    const auto query = braid::query_embedder(embedder);
    CHECK(query.invoke("river stone").size() == embedder->dimension());
    const auto docs = braid::document_embedder(embedder);
    CHECK(docs.invoke({"a", "b", "c"}).size() == 3);
}

TEST_CASE("[local_embeddings] concurrent callers get what sequential calls get", "[local_models]") {
    using namespace kv_local_embeddings;
    auto options = cpu_options();
    options.threads = 1;
    options.contexts = 2;
    const LocalEmbeddings embedder(tiny_bert(), options);
    const auto texts = sample_texts(12);
    const auto expected = embedder.embed_documents(texts);
    std::vector<std::vector<std::vector<float>>> results(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 3; ++round)
                results[t] = embedder.embed_documents(texts);
        });
    for (auto& th : threads)
        th.join();
    for (const auto& r : results) {
        REQUIRE(r.size() == expected.size());
        for (std::size_t i = 0; i < r.size(); ++i)
            CHECK(r[i] == expected[i]); // the same packing on the same kernels: identical
    }
}

TEST_CASE("[local_embeddings] refused models, options and texts", "[local_models]") {
    using namespace kv_local_embeddings;
    // Decoder models are accepted (decoder_embeddings.test.cpp); pooling none is not.
    auto no_pooling = cpu_options();
    no_pooling.pooling = engine::Pooling::none;
    CHECK_THAT(braid_test::error_of([&] { LocalEmbeddings e(tiny_bert(), no_pooling); }), Contains("pooling none"));
    CHECK_THAT(braid_test::error_of([&] { LocalEmbeddings e(nullptr); }), Contains("no model"));
    auto bad = cpu_options();
    bad.max_sequences = 65;
    CHECK_THAT(braid_test::error_of([&] { LocalEmbeddings e(tiny_bert(), bad); }), Contains("max_sequences 65"));
    bad = cpu_options();
    bad.contexts = 0;
    CHECK_THAT(braid_test::error_of([&] { LocalEmbeddings e(tiny_bert(), bad); }), Contains("contexts 0"));
    auto small = cpu_options();
    small.batch_size = 8;
    const LocalEmbeddings e(tiny_bert(), small);
    const std::vector<std::string> texts = {"ok", "a much longer text that has far more than eight tokens in it"};
    CHECK_THAT(braid_test::error_of([&] { e.embed_documents(texts); }), Contains("text 1"));
    // The failed call gave its context back: the next one works.
    CHECK(e.embed_documents(std::vector<std::string>{"ok"}).size() == 1);
    braid::RunControl stopped;
    stopped.cancellation = braid::CancellationToken();
    stopped.cancellation.cancel();
    CHECK_THAT(braid_test::error_of([&] { e.embed_documents(std::vector<std::string>{"ok"}, stopped); }), Contains("cancelled"));
}
