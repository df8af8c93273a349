// ExactVectorStore: identical to brute force (single and batched, every metric, both kernels), f16/int8
// storage, text searches through an embeddings model, and the shared store contract.
#include <algorithm>
#include <catch2/catch.hpp>

#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/fvecs.hpp"
#include "braid/testing/deterministic_embeddings.hpp"
#include "vector_contract.hpp"

using namespace braid::retrieval;
using namespace vector_test;

namespace {
ExactVectorStoreOptions exact(std::size_t d, Metric metric, VectorStorage storage = VectorStorage::f32, std::size_t threads = 0,
                              std::size_t min_values = std::size_t{1} << 20) {
    ExactVectorStoreOptions o;
    o.dimension = d;
    o.metric = metric;
    o.storage = storage;
    o.threads = threads;
    o.parallel_min_values = min_values;
    return o;
}
} // namespace

TEST_CASE("[vector_exact_store] identical to brute force, single and batched", "[unit]") {
    const std::size_t d = 37; // not a multiple of 8: the kernels' tails run
    const auto base = random_vectors(3000, d, 1, false);
    const auto docs = numbered_docs(base.size());
    const auto queries = random_vectors(21, d, 2, false);
    for (const Metric metric : {Metric::cosine, Metric::inner_product, Metric::l2}) {
        // parallel_min_values 1: every scan is split over 3 threads.
        for (const std::size_t min_values : {std::size_t{1}, std::size_t{1} << 30}) {
            ExactVectorStore store(exact(d, metric, VectorStorage::f32, 3, min_values));
            store.add(docs, base);
            const auto batch = store.search_batch(queries, top(10));
            REQUIRE(batch.size() == queries.size());
            for (std::size_t i = 0; i < queries.size(); ++i) {
                const auto want = expected_ids(brute_force(metric, base, queries[i], 10));
                const auto single = store.similarity_search_by_vector(queries[i], top(10));
                CHECK(ids_of(single) == want);
                CHECK(ids_of(batch[i]) == want);
                for (std::size_t j = 0; j < single.size(); ++j) {
                    const auto idx = static_cast<std::size_t>(std::stoul(single[j].document.id.substr(1)));
                    CHECK(single[j].score == Approx(reference_score(metric, queries[i], base[idx])).margin(1e-4));
                    CHECK(batch[i][j].score == Approx(single[j].score).margin(1e-4));
                }
            }
        }
    }
}

TEST_CASE("[vector_exact_store] batched search with filters and deletes", "[unit]") {
    const std::size_t d = 24;
    const auto base = random_vectors(500, d, 3);
    ExactVectorStore store(exact(d, Metric::inner_product, VectorStorage::f32, 2, 1));
    store.add(numbered_docs(500), base);
    const std::vector<std::string> gone{"d0", "d2", "d4"};
    store.remove(gone);
    const auto filter = MetadataFilter::parse(braid::Value::parse(R"({"parity": "even"})"));
    const std::vector<std::vector<float>> queries{base[0], base[2], base[6]};
    const auto batch = store.search_batch(queries, top(3, filter));
    for (std::size_t i = 0; i < queries.size(); ++i) {
        CHECK(ids_of(batch[i]) == ids_of(store.similarity_search_by_vector(queries[i], top(3, filter))));
        for (const auto& h : batch[i]) {
            CHECK(h.document.metadata["parity"] == "even");
            CHECK(h.document.id != "d0");
        }
    }
    CHECK(batch[2].at(0).document.id == "d6");
}

TEST_CASE("[vector_exact_store] f16 and int8 storage score the dequantized vectors", "[unit]") {
    const std::size_t d = 64;
    const auto base = random_vectors(1000, d, 4);
    const auto queries = random_vectors(10, d, 5);
    for (const VectorStorage storage : {VectorStorage::f16, VectorStorage::int8}) {
        for (const Metric metric : {Metric::inner_product, Metric::l2}) {
            ExactVectorStore store(exact(d, metric, storage));
            CHECK(store.storage() == storage);
            store.add(numbered_docs(1000), base);
            const double tol = storage == VectorStorage::f16 ? 2e-3 : 3e-2;
            double recall_sum = 0;
            for (const auto& q : queries) {
                const auto hits = store.similarity_search_by_vector(q, top(10));
                recall_sum += recall(ids_of(hits), expected_ids(brute_force(metric, base, q, 10)));
                const auto idx = static_cast<std::size_t>(std::stoul(hits[0].document.id.substr(1)));
                CHECK(hits[0].score == Approx(reference_score(metric, q, base[idx])).margin(tol));
                // The score is exactly that of the stored vector.
                const auto stored = *store.vector(hits[0].document.id);
                CHECK(hits[0].score == Approx(reference_score(metric, q, stored)).margin(1e-4));
            }
            CHECK(recall_sum / 10 >= (storage == VectorStorage::f16 ? 0.99 : 0.9));
            const auto batch = store.search_batch(queries, top(10));
            for (std::size_t i = 0; i < queries.size(); ++i)
                CHECK(ids_of(batch[i]) == ids_of(store.similarity_search_by_vector(queries[i], top(10))));
        }
    }
    CHECK(vector_storage_from_string("int8") == VectorStorage::int8);
    CHECK_THROWS_WITH(vector_storage_from_string("q4"), Catch::Contains("q4"));
}

TEST_CASE("[vector_exact_store] text search through an embeddings model", "[unit]") {
    auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(64);
    ExactVectorStore store(exact(0, Metric::cosine), embedder);
    CHECK(store.dimension() == 64);
    std::vector<Document> docs{Document{"swords need oil", braid::Value::object(), ""}, Document{"shields need paint", braid::Value{{"kind", "armour"}}, ""},
                               Document{"the dragon sleeps", braid::Value::object(), ""}};
    const auto ids = store.add_documents(docs);
    CHECK(ids.size() == 3);
    const auto hits = store.similarity_search("oil for swords", top(1));
    CHECK(hits.at(0).document.page_content == "swords need oil");
    const auto armour = store.similarity_search("need", top(3, MetadataFilter::parse(braid::Value{{"kind", "armour"}})));
    REQUIRE(armour.size() == 1);
    CHECK(armour[0].document.page_content == "shields need paint");
    CHECK(store.max_marginal_relevance_search("need", mmr(2)).size() == 2);
    CHECK_THROWS_WITH(ExactVectorStore(exact(32, Metric::cosine), embedder), Catch::Contains("differs"));
    CHECK_THROWS_WITH(ExactVectorStore(ExactVectorStoreOptions{}), Catch::Contains("dimension 0"));
}

TEST_CASE("[vector_exact_store] store contract", "[unit]") {
    for (const VectorStorage storage : {VectorStorage::f32, VectorStorage::f16}) {
        check_contract(
            [&](Metric metric, std::size_t d) {
                return std::make_unique<ExactVectorStore>(exact(d, metric, storage));
            },
            [](const std::filesystem::path& p) { return ExactVectorStore::load(p); }, "exact_" + std::string(to_string(storage)));
    }
}

TEST_CASE("[vector_fvecs] round trip and malformed files", "[unit]") {
    const auto path = temp_path("v.fvecs");
    const auto vectors = random_unit_vectors(5, 7, 3);
    for (const auto& v : vectors) CHECK(reference_score(Metric::inner_product, v, v) == Approx(1.0));
    write_fvecs(path, vectors);
    CHECK(read_fvecs(path) == vectors);
    CHECK(read_fvecs(path, 2).size() == 2);
    CHECK(std::filesystem::file_size(path) == 5 * (4 + 7 * 4));
    std::filesystem::resize_file(path, 5 * 32 - 3);
    CHECK_THROWS_WITH(read_fvecs(path), Catch::Contains("vector 4") && Catch::Contains("cut short"));
    std::ofstream(path, std::ios::binary | std::ios::trunc).write("\xff\xff\xff\xff", 4);
    CHECK_THROWS_WITH(read_fvecs(path), Catch::Contains("dimension -1"));
    CHECK_THROWS_WITH(write_fvecs(path, {{1, 2}, {1}}), Catch::Contains("vector 1"));
    CHECK_THROWS_AS(read_fvecs(temp_path("none.fvecs")), braid::Error);
}

TEST_CASE("[vector_fvecs] clustered vectors lie near shared centres", "[unit]") {
    const auto centres = random_unit_vectors(4, 32, 9);
    const auto base = clustered_unit_vectors(40, 32, 4, 0.02f, 1, 9);
    const auto queries = clustered_unit_vectors(10, 32, 4, 0.02f, 2, 9);
    CHECK(base != queries);
    for (const auto* set : {&base, &queries})
        for (const auto& v : *set) {
            CHECK(reference_score(Metric::inner_product, v, v) == Approx(1.0));
            double best = -1;
            for (const auto& c : centres) best = std::max(best, double(reference_score(Metric::inner_product, v, c)));
            CHECK(best > 0.9); // noise of 0.02 per coordinate over 32 coordinates: about 0.11 in norm
        }
    CHECK(clustered_unit_vectors(3, 8, 2, 0.0f, 5, 9) == clustered_unit_vectors(3, 8, 2, 0.0f, 5, 9));
    CHECK_THROWS_WITH(clustered_unit_vectors(3, 8, 0, 0.1f, 1, 1), Catch::Contains("clusters"));
    CHECK_THROWS_WITH(clustered_unit_vectors(3, 8, 2, -1.0f, 1, 1), Catch::Contains("spread"));
}
