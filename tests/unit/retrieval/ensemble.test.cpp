// Ensemble retriever: weighted reciprocal rank fusion against hand-computed scores, de-duplication.
#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/retrieval/ensemble.hpp"
#include "retriever_doubles.hpp"

using braid::retrieval::Document;
using braid::retrieval::Documents;
using braid::retrieval::EnsembleOptions;

TEST_CASE("[ensemble] weighted RRF equals the hand-computed fusion", "[unit]") {
    const Document a{"alpha", {}, "a"}, b{"beta", {}, "b"}, c{"gamma", {}, "c"}, d{"delta", {}, "d"};
    const std::vector<Documents> rankings = {{a, b, c}, {c, d, a}};
    // weights 0.3 / 0.7, c = 60: a = .3/61 + .7/63, b = .3/62, c = .3/63 + .7/61, d = .7/62.
    const auto fused = braid::retrieval::reciprocal_rank_fusion(rankings, EnsembleOptions{{0.3, 0.7}});
    REQUIRE(fused.size() == 4);
    CHECK(fused[0].first.id == "c");
    CHECK(fused[0].second == Approx(0.3 / 63 + 0.7 / 61));
    CHECK(fused[1].first.id == "a");
    CHECK(fused[1].second == Approx(0.3 / 61 + 0.7 / 63));
    CHECK(fused[2].first.id == "d");
    CHECK(fused[2].second == Approx(0.7 / 62));
    CHECK(fused[3].first.id == "b");
    CHECK(fused[3].second == Approx(0.3 / 62));

    // Equal weights (1/2 each) and c = 0: a = 1/2 + 1/6, c = 1/6 + 1/2 → tie, a seen first stays first.
    const auto equal = braid::retrieval::reciprocal_rank_fusion(rankings, EnsembleOptions{{}, 0});
    CHECK(equal[0].first.id == "a");
    CHECK(equal[1].first.id == "c");
    CHECK(equal[0].second == Approx(0.5 + 0.5 / 3));
    CHECK(braid::retrieval::reciprocal_rank_fusion(rankings, EnsembleOptions{{}, 60, {}, 2}).size() == 2);
}

TEST_CASE("[ensemble] de-duplicates by id, content or a metadata key", "[unit]") {
    const Document x1{"same text", {{"src", "x"}}, ""}, x2{"same text", {{"src", "y"}}, ""};
    const Document y1{"one", {{"src", "k"}}, "1"}, y2{"two", {{"src", "k"}}, "1"};
    CHECK(braid::retrieval::reciprocal_rank_fusion({{x1}, {x2}}).size() == 1); // no id → content
    CHECK(braid::retrieval::reciprocal_rank_fusion({{y1}, {y2}}).size() == 1); // same id
    const auto by_key = braid::retrieval::reciprocal_rank_fusion({{x1, y1}, {x2, y2}}, EnsembleOptions{{}, 60, "src"});
    CHECK(by_key.size() == 3); // src x, k (twice), y
}

TEST_CASE("[ensemble] the retriever runs each and fuses", "[unit]") {
    using retrieval_doubles::scripted;
    const Document a{"alpha", {}, "a"}, b{"beta", {}, "b"}, c{"gamma", {}, "c"};
    const auto first = scripted({{"q", {a, b}}});
    const auto second = scripted({{"q", {c, b}}});
    const auto ensemble = braid::retrieval::ensemble_retriever({first, second});
    const Documents out = ensemble.invoke("q");
    REQUIRE(out.size() == 3);
    CHECK(out[0].id == "b"); // 1/2·(1/62 + 1/62) beats 1/2·1/61
    CHECK(out[1].id == "a");
    CHECK(out[2].id == "c");
    CHECK(ensemble.invoke("other").empty());
    CHECK_THROWS_AS(braid::retrieval::ensemble_retriever({}), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::ensemble_retriever({first, second}, EnsembleOptions{{1.0}}), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::ensemble_retriever({first, second}, EnsembleOptions{{1.0, -1.0}}), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::ensemble_retriever({first}, EnsembleOptions{{}, -5}), braid::Error);
}
