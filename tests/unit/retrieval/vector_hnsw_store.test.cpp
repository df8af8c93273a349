// HnswVectorStore: recall ≥ 0.95 against brute force on a few thousand random vectors, growth, ef, and
// the shared store contract.
#include <catch2/catch.hpp>

#include "braid/retrieval/hnsw_vector_store.hpp"
#include "vector_contract.hpp"

using namespace braid::retrieval;
using namespace vector_test;

namespace {
HnswVectorStoreOptions hnsw(std::size_t d, Metric metric) {
    HnswVectorStoreOptions o;
    o.dimension = d;
    o.metric = metric;
    o.initial_capacity = 16; // grows by resizeIndex during the tests
    o.threads = 2;
    o.ef_construction = 100; // keeps the test quick; recall is checked at the default ef
    return o;
}
} // namespace

TEST_CASE("[vector_hnsw_store] recall against brute force", "[unit]") {
    const std::size_t d = 32;
    const auto base = random_vectors(2400, d, 21);
    const auto queries = random_vectors(50, d, 22);
    for (const Metric metric : {Metric::inner_product, Metric::l2, Metric::cosine}) {
        HnswVectorStore store(hnsw(d, metric));
        // Added in three calls: the index grows from 16 nodes.
        const auto docs = numbered_docs(base.size());
        for (std::size_t part = 0; part < 3; ++part) {
            const auto b = static_cast<std::ptrdiff_t>(part * 800), e = static_cast<std::ptrdiff_t>(part * 800 + 800);
            store.add(std::vector<Document>(docs.begin() + b, docs.begin() + e),
                      std::vector<std::vector<float>>(base.begin() + b, base.begin() + e));
        }
        CHECK(store.size() == 2400);
        double sum = 0;
        const auto batch = store.search_batch(queries, top(10));
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const auto want = expected_ids(brute_force(metric, base, queries[i], 10));
            const auto hits = store.similarity_search_by_vector(queries[i], top(10));
            sum += recall(ids_of(hits), want);
            CHECK(ids_of(batch[i]) == ids_of(hits));
        }
        INFO("metric " << to_string(metric));
        CHECK(sum / double(queries.size()) >= 0.95);
        // A larger ef per search does not lower recall.
        auto wide = top(10);
        wide.ef = 200;
        double wide_sum = 0;
        for (const auto& q : queries) wide_sum += recall(ids_of(store.similarity_search_by_vector(q, wide)), expected_ids(brute_force(metric, base, q, 10)));
        CHECK(wide_sum >= sum - 1e-9);
        CHECK(store.options().ef == 64);
    }
    HnswVectorStoreOptions bad = hnsw(8, Metric::l2);
    bad.M = 1;
    CHECK_THROWS_WITH(HnswVectorStore(bad), Catch::Contains("M must be"));
}

TEST_CASE("[vector_hnsw_store] store contract", "[unit]") {
    check_contract([](Metric metric, std::size_t d) { return std::make_unique<HnswVectorStore>(hnsw(d, metric)); },
                   [](const std::filesystem::path& p) { return HnswVectorStore::load(p); }, "hnsw");
}
