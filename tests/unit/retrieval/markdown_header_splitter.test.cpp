// MarkdownHeaderTextSplitter: LangChain's header metadata, aggregation of lines, code fences.
#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/retrieval/markdown_header_splitter.hpp"

using braid::Value;
using namespace braid::retrieval;

TEST_CASE("[markdown_header_splitter] sections carry the headers they are under", "[unit]") {
    // LangChain's own example: indented headers are stripped first, "##" closes the previous "##".
    const std::string text = "# Foo\n\n    ## Bar\n\nHi this is Jim\n\nHi this is Joe\n\n ## Baz\n\n Hi this is Molly";
    const MarkdownHeaderTextSplitter splitter({.headers_to_split_on = {{"#", "Header 1"}, {"##", "Header 2"}}});
    CHECK(splitter.split_text(text) ==
          Documents{Document{"Hi this is Jim  \nHi this is Joe", Value{{"Header 1", "Foo"}, {"Header 2", "Bar"}}, ""},
                    Document{"Hi this is Molly", Value{{"Header 1", "Foo"}, {"Header 2", "Baz"}}, ""}});
    const MarkdownHeaderTextSplitter each({.headers_to_split_on = {{"#", "Header 1"}, {"##", "Header 2"}}, .return_each_line = true});
    CHECK(each.split_text(text).size() == 3);
}

TEST_CASE("[markdown_header_splitter] a higher header closes deeper ones, code fences are not headers", "[unit]") {
    const MarkdownHeaderTextSplitter splitter;
    const Documents docs = splitter.split_text("# A\n## B\nunder b\n# C\nunder c\n```\n# not a header\n```\n#hashtag\n");
    REQUIRE(docs.size() == 2);
    CHECK(docs[0] == Document{"under b", Value{{"Header 1", "A"}, {"Header 2", "B"}}, ""});
    CHECK(docs[1] == Document{"under c\n```\n# not a header\n```\n#hashtag", Value{{"Header 1", "C"}}, ""});
    // Headers kept in the content when asked; document metadata is kept too.
    const MarkdownHeaderTextSplitter kept({.strip_headers = false});
    const Documents with = kept.split_documents({Document{"# T\ntext", Value{{"source", "a.md"}}, ""}});
    REQUIRE(with.size() == 1);
    CHECK(with[0] == Document{"# T\ntext", Value{{"source", "a.md"}, {"Header 1", "T"}}, ""});
    CHECK_THROWS_AS(MarkdownHeaderTextSplitter({.headers_to_split_on = {{"", "x"}}}), braid::Error);
}
