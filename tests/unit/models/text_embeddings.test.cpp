// The Embeddings interface as a runnable step (a text → a vector, texts → vectors, typed steps, bad
// input), through the DeterministicEmbeddings test double, and the double's own properties.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "braid/testing/deterministic_embeddings.hpp"
#include "unit/error_text.hpp"

using braid::Value;
using braid::testing::DeterministicEmbeddings;
using Catch::Matchers::Contains;

namespace kv_embeddings_step {

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += static_cast<double>(a[i]) * b[i];
    return s;
}

} // namespace kv_embeddings_step

TEST_CASE("[embeddings] DeterministicEmbeddings: unit vectors from shared words", "[unit]") {
    using namespace kv_embeddings_step;
    const DeterministicEmbeddings e(32);
    CHECK(e.dimension() == 32);
    CHECK(e.name() == "DeterministicEmbeddings");
    const auto fox = e.embed_query("The quick brown fox");
    REQUIRE(fox.size() == 32);
    CHECK(std::abs(dot(fox, fox) - 1.0) < 1e-6);
    CHECK(e.embed_query("the QUICK, brown... fox!") == fox); // case and punctuation do not matter
    CHECK(e.embed_query("fox brown quick the") == fox);      // nor the order of the words
    const auto related = e.embed_query("a quick brown dog");
    const auto unrelated = e.embed_query("zebra xylophone");
    CHECK(dot(fox, related) > dot(fox, unrelated));
    CHECK(dot(fox, related) > 0.3);
    CHECK(e.embed_query("  ...  ") == std::vector<float>(32, 0.0f));
    const std::vector<std::string> texts = {"The quick brown fox", "zebra xylophone"};
    const auto docs = e.embed_documents(texts);
    REQUIRE(docs.size() == 2);
    CHECK(docs[0] == fox);
    CHECK(docs[1] == unrelated);
    CHECK(e.texts_embedded() == 8);
    CHECK(DeterministicEmbeddings(32).embed_query("fox") == e.embed_query("fox")); // the same on every instance
    CHECK_THAT(braid_test::error_of([] { DeterministicEmbeddings bad(0); }), Contains("invalid_argument") && Contains("dimension 0"));
    braid::RunControl stopped;
    stopped.cancellation = braid::CancellationToken();
    stopped.cancellation.cancel();
    CHECK_THAT(braid_test::error_of([&] { e.embed_documents(texts, stopped); }), Contains("cancelled"));
}

TEST_CASE("[embeddings] an Embeddings model is a step: a text or texts to vectors", "[unit]") {
    using namespace kv_embeddings_step;
    const auto e = std::make_shared<const DeterministicEmbeddings>(16);
    const braid::Runnable<Value, Value> step = braid::make_runnable(e);
    const Value one = step.invoke("hello world");
    REQUIRE(one.is_array());
    CHECK(one.get<std::vector<float>>() == e->embed_query("hello world"));
    const Value many = step.invoke(Value::array({"hello", "world"}));
    REQUIRE(many.size() == 2);
    CHECK(many[1].get<std::vector<float>>() == e->embed_query("world"));
    CHECK(step.invoke(Value::array()).empty());
    CHECK_THAT(braid_test::error_of([&] { step.invoke(Value::object()); }), Contains("invalid_argument") && Contains("string or an array of strings"));
    CHECK_THAT(braid_test::error_of([&] { step.invoke(Value::array({"a", true})); }), Contains("item 1") && Contains("boolean"));
    // batch() runs items as separate calls.
    const auto batched = step.batch({Value("a"), Value("b")});
    REQUIRE(batched.size() == 2);
    // Typed steps.
    const braid::Runnable<std::string, std::vector<float>> query = braid::query_embedder(e);
    CHECK(query.invoke("hello") == e->embed_query("hello"));
    const auto documents = braid::document_embedder(e);
    CHECK(documents.invoke({"x", "y"}).size() == 2);
    CHECK_THAT(braid_test::error_of([] { braid::query_embedder(nullptr); }), Contains("null"));
    // Cancellation reaches the model through the run's config.
    braid::RunConfig config;
    config.cancellation = braid::CancellationToken();
    config.cancellation.cancel();
    CHECK_THAT(braid_test::error_of([&] { step.invoke("hello", config); }), Contains("cancelled"));
}
