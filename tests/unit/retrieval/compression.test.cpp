// Contextual compression: the embeddings filter (threshold and k by hand-computed cosines) and the LLM
// extractor (NO_OUTPUT drops a document) with test doubles.
#include <catch2/catch.hpp>

#include <cmath>

#include "braid/error.hpp"
#include "braid/retrieval/compression.hpp"
#include "braid/testing/fake_chat_model.hpp"
#include "retriever_doubles.hpp"

using braid::retrieval::Document;
using braid::retrieval::Documents;

TEST_CASE("[compression] embeddings filter keeps documents above the threshold, most similar first", "[unit]") {
    // Query (1, 0); cosines: near 0.8/1 = 0.8, far 0, close 0.96/1 = 0.96, edge exactly 0.76.
    const double edge_y = std::sqrt(1 - 0.76 * 0.76);
    auto embeddings = std::make_shared<retrieval_doubles::TableEmbeddings>(std::map<std::string, std::vector<float>>{
        {"query", {1, 0}}, {"near", {0.8f, 0.6f}}, {"far", {0, 1}}, {"close", {0.96f, 0.28f}},
        {"edge", {0.76f, static_cast<float>(edge_y)}}});
    const Documents found = {{"near", {}, "n"}, {"far", {}, "f"}, {"close", {}, "c"}, {"edge", {}, "e"}};
    const auto base = retrieval_doubles::scripted({{"query", found}});
    const auto retriever = braid::retrieval::contextual_compression_retriever(
        base, braid::retrieval::embeddings_filter(embeddings));
    const Documents out = retriever.invoke("query");
    REQUIRE(out.size() == 2); // 0.76 itself is not above the threshold (strictly greater, as LangChain)
    CHECK(out[0].id == "c");
    CHECK(out[1].id == "n");

    const auto top1 = braid::retrieval::embeddings_filter(embeddings, {std::nullopt, 1});
    const auto one = braid::retrieval::contextual_compression_retriever(base, top1).invoke("query");
    REQUIRE(one.size() == 1);
    CHECK(one[0].id == "c");
    CHECK(braid::retrieval::contextual_compression_retriever(base, top1).invoke("nothing").empty());
    CHECK_THROWS_AS(braid::retrieval::embeddings_filter(nullptr), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::embeddings_filter(embeddings, {std::nullopt, std::nullopt}), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::contextual_compression_retriever(base, nullptr), braid::Error);
}

TEST_CASE("[compression] LLM extractor keeps the relevant parts and drops NO_OUTPUT", "[unit]") {
    const Documents found = {{"Swords need oil. Cats sleep.", {{"source", "a.md"}}, "a"},
                             {"Shields are round.", {{"source", "b.md"}}, "b"},
                             {"Oil the blade weekly.", {{"source", "c.md"}}, "c"}};
    const auto base = retrieval_doubles::scripted({{"sword care", found}});
    braid::testing::FakeChatModel model(std::vector<std::string>{" Swords need oil.\n", "NO_OUTPUT", "Oil the blade weekly."});
    const auto retriever = braid::retrieval::contextual_compression_retriever(base, braid::retrieval::llm_extractor(model));
    const Documents out = retriever.invoke("sword care");
    REQUIRE(out.size() == 2);
    CHECK(out[0] == Document{"Swords need oil.", {{"source", "a.md"}}, "a"});
    CHECK(out[1].id == "c");
    REQUIRE(model.call_count() == 3);
    const std::string prompt = model.received().at(0).at(0).content;
    CHECK(prompt.find("Question: sword care\n\nContext:\nSwords need oil. Cats sleep.\n\nRelevant parts:") != std::string::npos);

    braid::testing::FakeChatModel custom(std::vector<std::string>{"part"});
    const auto extractor = braid::retrieval::llm_extractor(custom, "Q={question} C={context}");
    (void)braid::retrieval::contextual_compression_retriever(base, extractor).invoke("sword care");
    CHECK(custom.received().at(0).at(0).content == "Q=sword care C=Swords need oil. Cats sleep.");
    CHECK_THROWS_AS(braid::retrieval::llm_extractor(custom, "only {question}"), braid::Error);
}
