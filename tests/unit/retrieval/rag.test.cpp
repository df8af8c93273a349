// RAG helpers: format_documents (numbered sources, metadata variables), the retriever tool (schema and
// argument checks), citations parsed back to the documents.
#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/retrieval/rag.hpp"
#include "retriever_doubles.hpp"

using braid::retrieval::Document;
using braid::retrieval::Documents;

namespace {

Documents rag_sources() {
    return {{"Swords need oil.", {{"source", "arms.md"}, {"page", 3}}, "a"},
            {"Cats sleep a lot.", {{"source", "pets.md"}}, "b"},
            {"No source here.", {}, "c"}};
}

} // namespace

TEST_CASE("[rag] format_documents numbers the sources", "[unit]") {
    CHECK(braid::retrieval::format_documents(rag_sources()) ==
          "[1] (arms.md) Swords need oil.\n\n[2] (pets.md) Cats sleep a lot.\n\n[3] () No source here.");
    CHECK(braid::retrieval::format_documents(rag_sources(), "{index}:{id}:{page_content}", "|") ==
          "1:a:Swords need oil.|2:b:Cats sleep a lot.|3:c:No source here.");
    const Documents first = {rag_sources()[0]};
    CHECK(braid::retrieval::format_documents(first, "p{page} {page_content}") == "p3 Swords need oil.");
    CHECK(braid::retrieval::format_documents({}).empty());
    CHECK_THROWS_AS(braid::retrieval::format_documents(rag_sources(), "p{page}"), braid::Error); // doc 2 has no page
    const auto chain = retrieval_doubles::scripted({{"q", first}}) | braid::retrieval::format_documents_step();
    CHECK(chain.invoke("q") == "[1] (arms.md) Swords need oil.");
}

TEST_CASE("[rag] a retriever as a tool", "[unit]") {
    const auto tool = braid::retrieval::retriever_tool(retrieval_doubles::scripted({{"oil", {rag_sources()[0]}}}),
                                                       "search_manual", "Searches the game manual.");
    CHECK(tool.schema["type"] == "function");
    CHECK(tool.schema["function"]["name"] == "search_manual");
    CHECK(tool.schema["function"]["description"] == "Searches the game manual.");
    CHECK(tool.schema["function"]["parameters"]["properties"]["query"]["type"] == "string");
    CHECK(tool.schema["function"]["parameters"]["required"] == braid::Value::array({"query"}));
    CHECK(tool.run(braid::Value{{"query", "oil"}}) == "[1] (arms.md) Swords need oil.");
    CHECK(tool.run(braid::Value{{"query", "nothing"}}).empty());
    try {
        (void)tool.run(braid::Value{{"q", 1}});
        FAIL("bad arguments accepted");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::tool);
        CHECK(std::string(e.what()).find("search_manual") != std::string::npos);
    }
    const auto base = retrieval_doubles::scripted({});
    CHECK_THROWS_AS(braid::retrieval::retriever_tool(base, "has space", "d"), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::retriever_tool(base, "", "d"), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::retriever_tool(base, "ok", ""), braid::Error);
}

TEST_CASE("[rag] citations map back to the sources", "[unit]") {
    const Documents sources = rag_sources();
    const auto cited = braid::retrieval::parse_citations("Oil them [1]. Cats sleep [2, 1][7]. See [note] and [1a] [0].",
                                                         sources);
    CHECK(cited.numbers == std::vector<std::size_t>{1, 2});
    REQUIRE(cited.documents.size() == 2);
    CHECK(cited.documents[0].id == "a");
    CHECK(cited.documents[1].id == "b");
    CHECK(cited.unknown == std::vector<std::size_t>{7, 0});
    const auto range = braid::retrieval::parse_citations("All of them [1-3], unclosed [2", sources);
    CHECK(range.numbers == std::vector<std::size_t>{1, 2, 3});
    CHECK(braid::retrieval::parse_citations("[3-1] [] [ ] [1,]", sources).numbers.empty());
    CHECK(braid::Value(cited)["numbers"].dump() == "[1,2]");
    const braid::Value list = braid::retrieval::source_list(sources);
    CHECK(list.dump() == R"([{"index":1,"id":"a","source":"arms.md"},{"index":2,"id":"b","source":"pets.md"},{"index":3,"id":"c","source":null}])");
}
