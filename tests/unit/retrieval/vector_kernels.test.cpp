// The exact store's kernels: the AVX2 panel kernels against the scalar reference on odd shapes, the panel
// layout, and the store's batched search against its single search for every batch size up to 70.
#include <catch2/catch.hpp>

#include <limits>
#include <random>

#include "braid/retrieval/exact_vector_store.hpp"
#include "retrieval/vectors/kernels.hpp"
#include "retrieval/vectors/panel_matrix.hpp"
#include "vector_test_util.hpp"

using namespace braid::retrieval;
using namespace braid::retrieval::detail;
using namespace vector_test;

namespace {

std::vector<float> uniform_floats(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0F, 1.0F);
    std::vector<float> out(n);
    for (float& x : out) x = dist(rng);
    return out;
}

PanelMatrix panels_of(const std::vector<std::vector<float>>& rows, std::size_t d) {
    PanelMatrix m(d);
    m.reserve_rows(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) m.set_row(r, rows[r]);
    return m;
}

ExactVectorStoreOptions split_store_options(std::size_t d, Metric metric, VectorStorage storage, std::size_t threads) {
    ExactVectorStoreOptions o;
    o.dimension = d;
    o.metric = metric;
    o.storage = storage;
    o.threads = threads;
    o.parallel_min_values = 1; // every scan is split over the threads
    return o;
}

SearchOptions first_k(std::size_t k) {
    SearchOptions o;
    o.k = k;
    return o;
}

std::vector<std::string> hit_ids(const std::vector<ScoredDocument>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.document.id);
    return out;
}

} // namespace

TEST_CASE("[vector_kernels] the panel layout keeps rows and pads with zeros", "[unit]") {
    const std::size_t d = 13;
    const auto rows = random_vectors(37, d, 7, false);
    auto m = panels_of(rows, d);
    CHECK(m.capacity() == 48);
    CHECK(m.panel_count() == 3);
    for (std::size_t r = 0; r < rows.size(); ++r) CHECK(m.row(r) == rows[r]);
    CHECK(m.row(40) == std::vector<float>(d, 0.0F));
    // Value k of row r sits at line k, lane r % 16 of its panel.
    CHECK(m.panel(2)[5 * panel_rows + 1] == rows[33][5]);
    m.reserve_rows(100);
    CHECK(m.capacity() == 112);
    CHECK(m.row(36) == rows[36]);
}

TEST_CASE("[vector_kernels] AVX2 panel kernels match the scalar ones on odd shapes", "[unit]") {
    const VectorKernels* fast = avx2_vector_kernels();
    if (!fast) {
        WARN("this CPU lacks AVX2, FMA or F16C: nothing to compare");
        return;
    }
    const VectorKernels& ref = scalar_vector_kernels();
    for (const std::size_t d : {std::size_t{1}, std::size_t{7}, std::size_t{37}, std::size_t{384}}) {
        for (const std::size_t rows : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17}, std::size_t{100}}) {
            CAPTURE(d, rows);
            const auto m = panels_of(random_vectors(rows, d, d * 1000 + rows, false), d);
            const auto q = uniform_floats(d, d + rows);
            std::vector<float> want(m.capacity()), got(m.capacity());
            ref.dot_panels_f32(q.data(), m.panel(0), m.panel_count(), d, want.data());
            fast->dot_panels_f32(q.data(), m.panel(0), m.panel_count(), d, got.data());
            for (std::size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).margin(1e-4));

            // One tile against every panel, both scorings, a bar that some values pass and one that none does.
            const auto tile = uniform_floats(d * tile_queries, d * 7 + rows);
            const auto qoff = uniform_floats(tile_queries, 3);
            const auto roff = uniform_floats(panel_rows, 4);
            for (const bool l2 : {false, true}) {
                for (const float bar : {0.0F, std::numeric_limits<float>::infinity()}) {
                    const std::vector<float> bars(tile_queries, bar);
                    const TileScoring scoring{l2 ? 2.0F : 1.0F, qoff.data(), l2 ? roff.data() : nullptr, bars.data()};
                    for (std::size_t p = 0; p < m.panel_count(); ++p) {
                        std::vector<float> tw(tile_queries * panel_rows), tg(tile_queries * panel_rows);
                        const bool any_want = ref.tile_panel_f32(tile.data(), m.panel(p), d, scoring, tw.data());
                        const bool any_got = fast->tile_panel_f32(tile.data(), m.panel(p), d, scoring, tg.data());
                        bool passes = false;
                        for (std::size_t i = 0; i < tw.size(); ++i) {
                            CHECK(tg[i] == Approx(tw[i]).margin(1e-4));
                            passes = passes || tg[i] > bar;
                        }
                        CHECK(any_got == passes);
                        if (bar > 0) CHECK_FALSE(any_want);
                        // Away from the bar, both kernels agree on whether a value passes.
                        bool clear = true;
                        for (const float v : tw) clear = clear && std::fabs(v - bar) > 1e-3F;
                        if (clear) CHECK(any_got == any_want);
                    }
                }
            }
        }
    }
}

TEST_CASE("[vector_kernels] batched search equals single search for batches of 1 to 70", "[unit]") {
    const std::size_t d = 19; // not a multiple of 8
    const auto base = random_vectors(203, d, 11, false); // not a multiple of 16 rows
    const auto queries = random_vectors(70, d, 12, false);
    for (const VectorStorage storage : {VectorStorage::f32, VectorStorage::f16, VectorStorage::int8}) {
        for (const Metric metric : {Metric::inner_product, Metric::l2, Metric::cosine}) {
            ExactVectorStore store(split_store_options(d, metric, storage, 2));
            store.add(numbered_docs(base.size()), base);
            std::vector<std::vector<std::string>> single;
            for (const auto& q : queries) single.push_back(hit_ids(store.similarity_search_by_vector(q, first_k(5))));
            for (std::size_t n = 1; n <= queries.size(); ++n) {
                CAPTURE(to_string(storage), n);
                const auto batch = store.search_batch(std::span(queries).first(n), first_k(5));
                REQUIRE(batch.size() == n);
                for (std::size_t i = 0; i < n; ++i) CHECK(hit_ids(batch[i]) == single[i]);
            }
        }
    }
}

TEST_CASE("[vector_kernels] k above the store size, deletes and reused slots", "[unit]") {
    const std::size_t d = 9;
    const auto base = random_vectors(20, d, 21, false);
    ExactVectorStore store(split_store_options(d, Metric::inner_product, VectorStorage::f32, 3));
    store.add(numbered_docs(base.size()), base);
    const auto queries = random_vectors(8, d, 22, false);
    // k > n: every live document, best first, in both paths.
    const auto batch = store.search_batch(queries, first_k(50));
    for (std::size_t i = 0; i < queries.size(); ++i) {
        const auto single = store.similarity_search_by_vector(queries[i], first_k(50));
        CHECK(single.size() == 20);
        CHECK(hit_ids(batch[i]) == hit_ids(single));
        CHECK(hit_ids(single) == expected_ids(brute_force(Metric::inner_product, base, queries[i], 20)));
    }
    // A deleted row is never returned; its slot, reused by a new document, returns the new vector.
    const std::vector<std::string> gone{"d3", "d17"};
    CHECK(store.remove(gone) == 2);
    std::vector<Document> fresh(1);
    fresh[0].id = "new";
    const std::vector<std::vector<float>> fresh_vector{queries[0]};
    store.add(fresh, fresh_vector);
    CHECK(*store.vector("new") == queries[0]);
    CHECK(*store.vector("d4") == base[4]);
    CHECK_FALSE(store.vector("d3"));
    const auto after = store.search_batch(queries, first_k(50));
    for (std::size_t i = 0; i < queries.size(); ++i) {
        CHECK(after[i].size() == 19);
        CHECK(hit_ids(after[i]) == hit_ids(store.similarity_search_by_vector(queries[i], first_k(50))));
        for (const auto& h : after[i]) CHECK((h.document.id != "d3" && h.document.id != "d17"));
    }
    CHECK(after[0].at(0).document.id == "new");
    CHECK(store.search_batch(queries, first_k(0)).at(0).empty());
}

TEST_CASE("[vector_kernels] hnswlib-form distances match the scalar ones", "[unit]") {
    const VectorKernels* fast = avx2_vector_kernels();
    if (!fast) {
        WARN("this CPU lacks AVX2, FMA or F16C: nothing to compare");
        return;
    }
    const VectorKernels& ref = scalar_vector_kernels();
    for (const std::size_t d : {std::size_t{1}, std::size_t{9}, std::size_t{33}, std::size_t{384}}) {
        CAPTURE(d);
        const auto a = uniform_floats(d, d);
        const auto b = uniform_floats(d, d + 1);
        double dot = 0, l2 = 0;
        for (std::size_t i = 0; i < d; ++i) {
            dot += double(a[i]) * b[i];
            l2 += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
        }
        CHECK(fast->hnsw_ip_distance(a.data(), b.data(), &d) == Approx(1.0 - dot).margin(1e-4));
        CHECK(ref.hnsw_ip_distance(a.data(), b.data(), &d) == Approx(1.0 - dot).margin(1e-4));
        CHECK(fast->hnsw_l2_distance(a.data(), b.data(), &d) == Approx(l2).margin(1e-4));
        CHECK(ref.hnsw_l2_distance(a.data(), b.data(), &d) == Approx(l2).margin(1e-4));
    }
}
