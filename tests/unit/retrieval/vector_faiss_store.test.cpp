// FaissVectorStore: Flat identical to brute force, HNSW32 recall ≥ 0.95, IVF/PQ training (and the clear
// error with too few vectors), and the shared store contract.
#include <catch2/catch.hpp>

#include "braid/retrieval/faiss_vector_store.hpp"
#include "vector_contract.hpp"

using namespace braid::retrieval;
using namespace vector_test;

namespace {
FaissVectorStoreOptions faiss_options(std::size_t d, Metric metric, const std::string& factory) {
    FaissVectorStoreOptions o;
    o.dimension = d;
    o.metric = metric;
    o.factory = factory;
    return o;
}
} // namespace

TEST_CASE("[vector_faiss_store] Flat equals brute force, HNSW32 recall", "[unit]") {
    const std::size_t d = 32;
    const auto base = random_vectors(2400, d, 31);
    const auto queries = random_vectors(40, d, 32);
    const auto docs = numbered_docs(base.size());
    for (const Metric metric : {Metric::inner_product, Metric::l2}) {
        FaissVectorStore flat(faiss_options(d, metric, "Flat"));
        flat.add(docs, base);
        FaissVectorStore hnsw(faiss_options(d, metric, "HNSW32"));
        hnsw.add(docs, base);
        double sum = 0;
        const auto batch = hnsw.search_batch(queries, top(10));
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const auto want = expected_ids(brute_force(metric, base, queries[i], 10));
            CHECK(ids_of(flat.similarity_search_by_vector(queries[i], top(10))) == want);
            const auto hits = hnsw.similarity_search_by_vector(queries[i], top(10));
            CHECK(ids_of(batch[i]) == ids_of(hits));
            sum += recall(ids_of(hits), want);
        }
        INFO("metric " << to_string(metric));
        CHECK(sum / double(queries.size()) >= 0.95);
    }
}

TEST_CASE("[vector_faiss_store] training IVF and PQ indexes", "[unit]") {
    const std::size_t d = 32;
    FaissVectorStore ivf(faiss_options(d, Metric::l2, "IVF16,Flat"));
    CHECK_FALSE(ivf.is_trained());
    CHECK(ivf.min_training_vectors() == 16);
    const auto few = random_vectors(10, d, 41);
    CHECK_THROWS_WITH(ivf.add(numbered_docs(10), few), Catch::Contains("at least 16 vectors") && Catch::Contains("got 10"));
    CHECK(ivf.size() == 0);
    const auto base = random_vectors(800, d, 42);
    ivf.add(numbered_docs(800), base);
    CHECK(ivf.is_trained());
    CHECK(ivf.search_batch(random_vectors(3, d, 43), top(5)).at(2).size() == 5);
    // Exact match found with enough probes.
    CHECK(ivf.similarity_search_by_vector(base[17], top(1)).at(0).document.id == "d17");

    FaissVectorStore pq(faiss_options(d, Metric::inner_product, "IVF4,PQ8x4"));
    CHECK(pq.min_training_vectors() == 16);
    pq.add(numbered_docs(800), base);
    CHECK(pq.similarity_search_by_vector(base[5], top(10)).size() == 10);
    CHECK_THROWS_WITH(FaissVectorStore(faiss_options(d, Metric::l2, "NoSuchIndex")), Catch::Contains("NoSuchIndex"));
}

TEST_CASE("[vector_faiss_store] store contract", "[unit]") {
    for (const char* factory : {"Flat", "HNSW16"}) {
        check_contract([&](Metric metric, std::size_t d) { return std::make_unique<FaissVectorStore>(faiss_options(d, metric, factory)); },
                       [](const std::filesystem::path& p) { return FaissVectorStore::load(p); }, std::string("faiss_") + factory);
    }
}
