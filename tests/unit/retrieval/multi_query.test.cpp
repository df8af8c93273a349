// Multi-query retriever: lenient line parsing, the model's rewrites each retrieved, union in order.
#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/retrieval/multi_query.hpp"
#include "braid/testing/fake_chat_model.hpp"
#include "retriever_doubles.hpp"

using braid::retrieval::Document;
using braid::retrieval::Documents;
using MqStrings = std::vector<std::string>;

TEST_CASE("[multi_query] parses rewrites leniently", "[unit]") {
    CHECK(braid::retrieval::parse_query_lines("a?\nb?\nc?") == MqStrings{"a?", "b?", "c?"});
    CHECK(braid::retrieval::parse_query_lines("1. first\n\n2) second \r\n- third\n* \"fourth\"\n• fifth\n  ") ==
          MqStrings{"first", "second", "third", "fourth", "fifth"});
    CHECK(braid::retrieval::parse_query_lines("same\nsame\n2021 was a year") == MqStrings{"same", "2021 was a year"});
    CHECK(braid::retrieval::parse_query_lines("   \n\n").empty());
}

TEST_CASE("[multi_query] retrieves each rewrite and unites the results", "[unit]") {
    const Document a{"alpha", {}, "a"}, b{"beta", {}, "b"}, c{"gamma", {}, "c"}, o{"orig", {}, "o"};
    const auto base = retrieval_doubles::scripted({{"q1", {a, b}}, {"q2", {b, c}}, {"q3", {a}}, {"question", {o, a}}});
    braid::testing::FakeChatModel model(std::vector<std::string>{"1. q1\n2. q2\n3. q3\n"});
    const auto retriever = braid::retrieval::multi_query_retriever(base, model);
    const Documents out = retriever.invoke("question");
    REQUIRE(out.size() == 3);
    CHECK(out[0].id == "a");
    CHECK(out[1].id == "b");
    CHECK(out[2].id == "c");
    REQUIRE(model.call_count() == 1);
    const std::string prompt = model.received().at(0).at(0).content;
    CHECK(prompt.find("Write 3 different rewordings") != std::string::npos);
    CHECK(prompt.find("Question: question") != std::string::npos);

    braid::testing::FakeChatModel model2(std::vector<std::string>{"q2"});
    const auto with_original = braid::retrieval::multi_query_retriever(
        base, model2, {"Rewrite: {question}", true});
    const Documents out2 = with_original.invoke("question");
    REQUIRE(out2.size() == 4); // o, a (original first), then b, c
    CHECK(out2[0].id == "o");
    CHECK(out2[3].id == "c");
    CHECK(model2.received().at(0).at(0).content == "Rewrite: question");

    braid::testing::FakeChatModel silent(std::vector<std::string>{"\n\n"});
    CHECK(braid::retrieval::multi_query_retriever(base, silent).invoke("question").size() == 2); // falls back
}

TEST_CASE("[multi_query] a prompt without {question} is refused", "[unit]") {
    braid::testing::FakeChatModel model(std::vector<std::string>{"x"});
    const auto base = retrieval_doubles::scripted({});
    CHECK_THROWS_AS(braid::retrieval::multi_query_retriever(base, model, {"no variable"}), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::multi_query_retriever(base, model, {"{question} {other}"}), braid::Error);
}
