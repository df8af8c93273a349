// MetadataFilter (Chroma/LangChain operators, malformed filters name the operator), metric helpers and MMR
// against a hand-computed example.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "braid/error.hpp"
#include "braid/retrieval/metadata_filter.hpp"
#include "braid/retrieval/vector_store.hpp"

using braid::Value;
using namespace braid::retrieval;

namespace {
bool m(const char* filter, const Value& metadata) { return MetadataFilter::parse(Value::parse(filter)).matches(metadata); }

std::string error_of(const char* filter) {
    try {
        (void)MetadataFilter::parse(Value::parse(filter));
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::invalid_argument);
        return e.what();
    }
    return "";
}
} // namespace

TEST_CASE("[vector_filter] equality, comparisons and logic", "[unit]") {
    const Value book{{"genre", "sf"}, {"year", 2004}, {"rating", 4.5}, {"tags", "x"}};
    CHECK(MetadataFilter{}.matches(book));
    CHECK(MetadataFilter::parse(Value()).empty());
    CHECK(m(R"({"genre": "sf"})", book));
    CHECK_FALSE(m(R"({"genre": "fantasy"})", book));
    CHECK(m(R"({"year": {"$gte": 2000, "$lt": 2010}})", book));
    CHECK_FALSE(m(R"({"year": {"$gte": 2000, "$lt": 2004}})", book));
    CHECK(m(R"({"year": {"$lte": 2004, "$gt": 2003.5}})", book));
    CHECK(m(R"({"year": {"$eq": 2004.0}})", book));
    CHECK(m(R"({"genre": {"$ne": "fantasy"}})", book));
    CHECK(m(R"({"missing": {"$ne": 1}})", book));
    CHECK_FALSE(m(R"({"missing": {"$eq": 1}})", book));
    CHECK_FALSE(m(R"({"missing": {"$gt": 1}})", book));
    CHECK(m(R"({"genre": {"$in": ["sf", "horror"]}})", book));
    CHECK_FALSE(m(R"({"genre": {"$nin": ["sf", "horror"]}})", book));
    CHECK(m(R"({"missing": {"$nin": ["sf"]}})", book));
    CHECK(m(R"({"genre": {"$gt": "fa"}})", book));
    CHECK_FALSE(m(R"({"genre": {"$gt": 3}})", book)); // string vs number: false
    CHECK(m(R"({"$and": [{"genre": "sf"}, {"rating": {"$gt": 4}}]})", book));
    CHECK_FALSE(m(R"({"$and": [{"genre": "sf"}, {"rating": {"$gt": 5}}]})", book));
    CHECK(m(R"({"$or": [{"genre": "fantasy"}, {"rating": {"$gt": 4}}]})", book));
    CHECK_FALSE(m(R"({"$or": [{"genre": "fantasy"}, {"rating": {"$gt": 5}}]})", book));
    CHECK(m(R"({"$or": [{"$and": [{"genre": "sf"}, {"year": 2004}]}, {"genre": "x"}]})", book));
    CHECK_FALSE(m(R"({"genre": "sf"})", Value("not an object")));
    const auto f = MetadataFilter::parse(Value::parse(R"({"genre": "sf"})"));
    CHECK(Value(f).get<MetadataFilter>() == f);
}

TEST_CASE("[vector_filter] malformed filters name the operator", "[unit]") {
    CHECK_THAT(error_of(R"({"year": {"$between": [1, 2]}})"), Catch::Contains("$between"));
    CHECK_THAT(error_of(R"({"year": {"$in": 3}})"), Catch::Contains("$in"));
    CHECK_THAT(error_of(R"({"year": {"$nin": "x"}})"), Catch::Contains("$nin"));
    CHECK_THAT(error_of(R"({"year": {"$gt": [1]}})"), Catch::Contains("$gt"));
    CHECK_THAT(error_of(R"({"$and": {}})"), Catch::Contains("$and"));
    CHECK_THAT(error_of(R"({"$or": []})"), Catch::Contains("$or"));
    CHECK_THAT(error_of(R"({"$not": {"a": 1}})"), Catch::Contains("$not"));
    CHECK_THAT(error_of(R"({"$and": [{"a": {"$foo": 1}}]})"), Catch::Contains("$foo"));
    CHECK_THAT(error_of(R"([1, 2])"), Catch::Contains("expected an object"));
    CHECK_THAT(error_of(R"({"year": {}})"), Catch::Contains("year"));
}

TEST_CASE("[vector_filter] metric names and relevance scores", "[unit]") {
    CHECK(metric_from_string("cos") == Metric::cosine);
    CHECK(metric_from_string("ip") == Metric::inner_product);
    CHECK(metric_from_string("l2") == Metric::l2);
    CHECK_THROWS_WITH(metric_from_string("manhattan"), Catch::Contains("manhattan"));
    CHECK(relevance_score(Metric::cosine, 1.0F) == Approx(1.0));
    CHECK(relevance_score(Metric::cosine, -1.0F) == Approx(0.0));
    CHECK(relevance_score(Metric::l2, 0.0F) == Approx(1.0));
    CHECK(relevance_score(Metric::l2, 2.0F) == Approx(0.0));
    CHECK(relevance_score(Metric::l2, 8.0F) == 0.0F);
    CHECK(better_score(Metric::l2, 1.0F, 2.0F));
    CHECK(better_score(Metric::inner_product, 2.0F, 1.0F));
}

TEST_CASE("[vector_filter] MMR picks as computed by hand", "[unit]") {
    // q = (1,0); a = (1,0), b = (1,0.1), c = (1,1), d = (0,1).
    // cos(q,·) = 1, 0.995, 0.707, 0; cos(a,b) = 0.995, cos(a,c) = 0.707, cos(a,d) = 0, cos(c,d) = 0.707, cos(b,d) = 0.0995.
    const std::vector<float> q{1, 0};
    const std::vector<std::vector<float>> cands{{1, 0}, {1, 0.1F}, {1, 1}, {0, 1}};
    // λ = 0.7, second pick: b 0.7·0.995 − 0.3·0.995 = 0.398, c 0.4·0.707 = 0.283, d 0 → b.
    CHECK(maximal_marginal_relevance(q, cands, 2, 0.7F) == std::vector<std::size_t>{0, 1});
    // λ = 0.3: second: b −0.398, c −0.283, d 0 → d; third: b 0.3·0.995 − 0.7·0.995 = −0.398,
    // c 0.3·0.707 − 0.7·0.707 = −0.283 → c.
    CHECK(maximal_marginal_relevance(q, cands, 3, 0.3F) == std::vector<std::size_t>{0, 3, 2});
    CHECK(maximal_marginal_relevance(q, cands, 9, 1.0F).size() == 4);
    CHECK(maximal_marginal_relevance(q, {}, 3, 0.5F).empty());
    CHECK_THROWS_WITH(maximal_marginal_relevance(q, cands, 2, 1.5F), Catch::Contains("lambda_mult"));
    CHECK_THROWS_WITH(maximal_marginal_relevance(std::vector<float>{1, 0, 0}, cands, 2, 0.5F), Catch::Contains("candidate 0"));
}
