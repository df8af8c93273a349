// The behaviour every VectorStore shares, checked against any store: ids and upserts, deletes, get,
// filters, scores per metric, MMR, dimension mismatches, save/load round trips and corrupt files,
// concurrent searches with writes.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "braid/error.hpp"
#include "braid/retrieval/vector_store.hpp"
#include "vector_test_util.hpp"

namespace vector_test {

using MakeStore = std::function<std::unique_ptr<braid::retrieval::VectorStore>(braid::retrieval::Metric, std::size_t)>;
using LoadStore = std::function<std::unique_ptr<braid::retrieval::VectorStore>(const std::filesystem::path&)>;

inline std::filesystem::path temp_path(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("braid_vec_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / name;
}

/// @p checksummed: the store's file format has the braid checksum (not SQLite's own file), so a flipped
/// byte must be reported as corrupt.
inline void check_contract(const MakeStore& make, const LoadStore& load, const std::string& name, bool checksummed = true) {
    using namespace braid::retrieval;
    using braid::Value;
    const std::size_t d = 16;
    const auto base = random_vectors(200, d, 7);
    const auto docs = numbered_docs(base.size());

    SECTION("results equal brute force for small stores, per metric") {
        for (const Metric metric : {Metric::cosine, Metric::inner_product, Metric::l2}) {
            auto raw = random_vectors(200, d, 11, false);
            auto store = make(metric, d);
            store->add(docs, raw);
            CHECK(store->size() == 200);
            for (std::uint64_t s = 0; s < 5; ++s) {
                const auto q = random_vectors(1, d, 100 + s, false)[0];
                const auto hits = store->similarity_search_by_vector(q, top(5));
                const auto want = expected_ids(brute_force(metric, raw, q, 5));
                CHECK(recall(ids_of(hits), want) >= 0.8);
                REQUIRE(!hits.empty());
                const auto first = static_cast<std::size_t>(std::stoul(hits[0].document.id.substr(1)));
                CHECK(hits[0].score == Approx(reference_score(metric, q, raw[first])).margin(1e-3));
                for (std::size_t i = 1; i < hits.size(); ++i) CHECK_FALSE(better_score(metric, hits[i].score, hits[i - 1].score));
                CHECK(hits[0].relevance_score == Approx(relevance_score(metric, hits[0].score)));
            }
        }
    }

    SECTION("ids: given, generated, upsert, get and remove") {
        auto store = make(Metric::cosine, d);
        const auto ids = store->add(docs, base);
        CHECK(ids[3] == "d3");
        std::vector<Document> anon{Document{"no id", Value::object(), ""}};
        const auto gen = store->add(anon, std::vector<std::vector<float>>{base[0]});
        CHECK(gen[0].size() == 36);
        CHECK(store->size() == 201);
        // Upsert d5 with d6's vector: same size, d5 now answers d6's query.
        std::vector<Document> up{Document{"replaced", Value{{"new", true}}, "d5"}};
        store->add(up, std::vector<std::vector<float>>{base[6]});
        CHECK(store->size() == 201);
        const std::vector<std::string> five{"d5"};
        CHECK(store->get(five).at(0).page_content == "replaced");
        const auto hits = store->similarity_search_by_vector(base[6], top(2));
        CHECK(((ids_of(hits) == std::vector<std::string>{"d5", "d6"}) || (ids_of(hits) == std::vector<std::string>{"d6", "d5"})));
        // Remove: absent afterwards, counted once.
        const std::vector<std::string> gone{"d6", "d7", "nope"};
        CHECK(store->remove(gone) == 2);
        CHECK(store->remove(gone) == 0);
        CHECK(store->size() == 199);
        CHECK(store->get(gone).empty());
        for (const auto& h : store->similarity_search_by_vector(base[7], top(10))) CHECK(h.document.id != "d7");
        CHECK(store->get(std::vector<std::string>{"d1", "x", "d2"}).size() == 2);
        // Re-adding a removed id works.
        std::vector<Document> back{docs[7]};
        store->add(back, std::vector<std::vector<float>>{base[7]});
        CHECK(store->similarity_search_by_vector(base[7], top(1)).at(0).document.id == "d7");
    }

    SECTION("filters, thresholds, vectors and MMR") {
        auto store = make(Metric::cosine, d);
        store->add(docs, base);
        const auto even = store->similarity_search_by_vector(
            base[1], top(5, MetadataFilter::parse(Value::parse(R"({"parity": "even"})"))));
        CHECK(even.size() == 5);
        for (const auto& h : even) CHECK(h.document.metadata["parity"] == "even");
        const auto range = store->similarity_search_by_vector(
            base[1], top(50, MetadataFilter::parse(Value::parse(R"({"i": {"$gte": 10, "$lt": 13}})"))));
        CHECK(range.size() == 3);
        const auto none = store->similarity_search_by_vector(
            base[1], top(5, MetadataFilter::parse(Value::parse(R"({"i": {"$gt": 1000}})"))));
        CHECK(none.empty());
        const auto thr = store->similarity_search_by_vector(base[1], [] { auto o = top(50); o.score_threshold = 0.99F; return o; }());
        REQUIRE(thr.size() >= 1);
        CHECK(thr[0].document.id == "d1");
        for (const auto& h : thr) CHECK(h.relevance_score >= 0.99F);
        const auto withv = store->similarity_search_by_vector(base[1], [] { auto o = top(1); o.with_vectors = true; return o; }());
        REQUIRE(withv.at(0).vector.size() == d);
        CHECK(reference_score(Metric::cosine, withv[0].vector, base[1]) == Approx(1.0).margin(1e-2));
        const auto diverse = store->max_marginal_relevance_search_by_vector(base[1], mmr(4, 20, 0.5F));
        CHECK(diverse.size() == 4);
        CHECK(diverse[0].document.id == "d1");
        const auto mmr_even = store->max_marginal_relevance_search_by_vector(
            base[1], mmr(3, 20, 0.5F, MetadataFilter::parse(Value::parse(R"({"parity": "even"})"))));
        CHECK(mmr_even.size() == 3);
        for (const auto& h : mmr_even) CHECK(h.document.metadata["parity"] == "even");
        CHECK(store->similarity_search_by_vector(base[1], top(0)).empty());
        CHECK(store->similarity_search_by_vector(base[1], top(1000)).size() == 200);
    }

    SECTION("dimension mismatches and bad values are clear errors") {
        auto store = make(Metric::l2, d);
        std::vector<Document> one{docs[0]};
        CHECK_THROWS_WITH(store->add(one, std::vector<std::vector<float>>{std::vector<float>(d + 1)}), Catch::Contains("dimension"));
        CHECK_THROWS_WITH(store->add(one, std::vector<std::vector<float>>{}), Catch::Contains("1 documents and 0 vectors"));
        auto nan = base[0];
        nan[3] = std::nanf("");
        CHECK_THROWS_WITH(store->add(one, std::vector<std::vector<float>>{nan}), Catch::Contains("non-finite"));
        std::vector<Document> twice{docs[0], docs[0]};
        CHECK_THROWS_WITH(store->add(twice, std::vector<std::vector<float>>{base[0], base[1]}), Catch::Contains("twice"));
        CHECK(store->size() == 0);
        CHECK_THROWS_WITH(store->similarity_search_by_vector(std::vector<float>(d - 1)), Catch::Contains("dimension"));
        CHECK_THROWS_WITH(store->similarity_search("text"), Catch::Contains("embeddings model"));
        CHECK(store->similarity_search_by_vector(base[0]).empty());
    }

    SECTION("save and load round trip, corrupt files") {
        auto store = make(Metric::inner_product, d);
        store->add(docs, base);
        const std::vector<std::string> gone{"d3"};
        store->remove(gone);
        const auto path = temp_path(name + ".bvec");
        store->save(path);
        auto again = load(path);
        CHECK(again->size() == 199);
        CHECK(again->metric() == Metric::inner_product);
        CHECK(again->dimension() == d);
        CHECK(again->get(std::vector<std::string>{"d4"}).at(0) == docs[4]);
        CHECK(ids_of(again->similarity_search_by_vector(base[9], top(5))) ==
              ids_of(store->similarity_search_by_vector(base[9], top(5))));
        if (!checksummed) return;
        // Corrupt one byte in the middle: a parse error naming the file.
        std::string bytes;
        {
            std::ifstream f(path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(f), {});
        }
        auto corrupt = bytes;
        corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x5A);
        const auto bad = temp_path(name + "_bad.bvec");
        std::ofstream(bad, std::ios::binary).write(corrupt.data(), static_cast<std::streamsize>(corrupt.size()));
        try {
            (void)load(bad);
            FAIL("a corrupt file loaded");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::parse);
            CHECK_THAT(std::string(e.what()), Catch::Contains("corrupt") || Catch::Contains("truncated"));
        }
        std::ofstream(bad, std::ios::binary | std::ios::trunc).write(bytes.data(), 20);
        CHECK_THROWS_AS(load(bad), braid::Error);
        std::ofstream(bad, std::ios::binary | std::ios::trunc) << "hello";
        CHECK_THROWS_WITH(load(bad), Catch::Contains("not a braid vector store"));
        try {
            (void)load(temp_path("missing.bvec"));
            FAIL("a missing file loaded");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::io);
        }
    }

    SECTION("concurrent searches with writes") {
        auto store = make(Metric::cosine, d);
        store->add(docs, base);
        std::atomic<bool> stop{false};
        std::atomic<int> wrong{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 3; ++t)
            readers.emplace_back([&, t] {
                std::size_t i = static_cast<std::size_t>(t);
                while (!stop) {
                    // d0..d99 are never touched by the writer: each finds itself.
                    const auto hits = store->similarity_search_by_vector(base[i % 100], top(1));
                    if (hits.empty() || hits[0].document.id != "d" + std::to_string(i % 100)) ++wrong;
                    ++i;
                }
            });
        const auto extra = random_vectors(100, d, 99);
        for (int round = 0; round < 20; ++round) {
            std::vector<Document> batch;
            for (int j = 0; j < 5; ++j) batch.push_back(Document{"x", Value::object(), "w" + std::to_string(round * 5 + j)});
            store->add(batch, std::vector<std::vector<float>>(extra.begin() + round * 5, extra.begin() + round * 5 + 5));
            const std::vector<std::string> old{"d" + std::to_string(100 + round)};
            store->remove(old);
        }
        stop = true;
        for (auto& r : readers) r.join();
        CHECK(wrong == 0);
        CHECK(store->size() == 200 + 100 - 20);
    }
}

} // namespace vector_test
