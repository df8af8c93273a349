#include <braid/error.hpp>
#include <braid/parsers/xml_output_parser.hpp>

#include <catch2/catch.hpp>

#include "unit/parsers/stream_util.hpp"

using braid::Value;
using braid::XmlOutputParser;

namespace {

std::string error_of(std::string_view text) {
    try {
        XmlOutputParser().parse(text);
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::parse);
        return e.what();
    }
    return "<no error>";
}

} // namespace

TEST_CASE("[xml_output_parser] mapping to JSON", "[unit]") {
    const XmlOutputParser parser;
    SECTION("flat and nested, repeated tags become arrays") {
        CHECK(parser.parse("<name>Ada</name>") == Value::parse(R"({"name": "Ada"})"));
        CHECK(parser.parse("<movies>\n  <movie>Matrix</movie>\n  <movie>Heat</movie>\n  <count>2</count>\n</movies>") ==
              Value::parse(R"({"movies": {"movie": ["Matrix", "Heat"], "count": "2"}})"));
        CHECK(parser.parse("<a><b><c>1</c><c>2</c><c>3</c></b><d/></a>") ==
              Value::parse(R"({"a": {"b": {"c": ["1", "2", "3"]}, "d": ""}})"));
        CHECK(parser.parse("<a><p><x>1</x></p><p><x>2</x></p></a>") ==
              Value::parse(R"({"a": {"p": [{"x": "1"}, {"x": "2"}]}})"));
    }
    SECTION("attributes and mixed text") {
        CHECK(parser.parse(R"(<movie year="1999" lang='en'>Matrix</movie>)") ==
              Value::parse(R"({"movie": {"@year": "1999", "@lang": "en", "#text": "Matrix"}})"));
        CHECK(parser.parse("<a>hello <b>x</b> world</a>") == Value::parse(R"({"a": {"b": "x", "#text": "hello world"}})"));
        CHECK(parser.parse(R"(<a href="x&amp;y &gt; z"/>)") == Value::parse(R"({"a": {"@href": "x&y > z"}})"));
    }
    SECTION("text: trimmed, entities, CDATA, stray characters") {
        CHECK(parser.parse("<t>  &lt;b&gt; &amp; &quot;q&quot; &apos;s&apos; &#233; &#x1F600; </t>") ==
              Value::parse(R"({"t": "<b> & \"q\" 's' é 😀"})"));
        CHECK(parser.parse("<t>AT&T &nbsp; &#xD800; &#;</t>") == Value::parse(R"({"t": "AT&T &nbsp; &#xD800; &#;"})"));
        CHECK(parser.parse("<t>1 < 2 and 3 > 2</t>") == Value::parse(R"({"t": "1 < 2 and 3 > 2"})"));
        CHECK(parser.parse("<t><![CDATA[<raw> & stuff]]></t>") == Value::parse(R"({"t": "<raw> & stuff"})"));
        CHECK(parser.parse("<t>a<!-- note <x> -->b</t>") == Value::parse(R"({"t": "ab"})"));
        CHECK(parser.parse("<t>line 1\n  line 2</t>") == Value::parse(R"({"t": "line 1\n  line 2"})"));
    }
    SECTION("surrounding prose, fences, declarations are skipped") {
        CHECK(parser.parse("Here you go:\n```xml\n<?xml version=\"1.0\"?>\n<!DOCTYPE r>\n<!-- c -->\n<r><i>1</i></r>\n```\nBye") ==
              Value::parse(R"({"r": {"i": "1"}})"));
        CHECK(parser.parse("if a <b then c > d: <r>ok</r>") == Value::parse(R"({"r": "ok"})"));
        CHECK(parser.parse("1 < 2 <r>ok</r> <other>ignored</other>") == Value::parse(R"({"r": "ok"})"));
    }
    SECTION("format instructions name the tags") {
        const std::string text = XmlOutputParser({"movie", "year"}).format_instructions();
        CHECK(text.find("<movie> <year>") != std::string::npos);
        CHECK(text.find("XML") != std::string::npos);
    }
}

TEST_CASE("[xml_output_parser] errors", "[unit]") {
    CHECK(error_of("no xml here") == "no XML element found in the model output");
    CHECK(error_of("") == "no XML element found in the model output");
    CHECK(error_of("<a>\n  <b>x</c>\n</a>") ==
          "invalid XML at line 2, column 7: closing tag </c> does not match the open <b> (opened at line 2, column 3)");
    CHECK(error_of("<a><b>x</b>") ==
          "incomplete XML at line 1, column 12: the output ended inside <a> (opened at line 1, column 1)");
    CHECK(error_of("<a><b attr=\"x") ==
          "incomplete XML at line 1, column 14: the output ended inside <a> (opened at line 1, column 1)");
    CHECK(error_of("<a><b c=d></b></a>") == "invalid XML at line 1, column 4: malformed tag <b c=d");
    CHECK(error_of("<a><b <c></c></b></a>") == "invalid XML at line 1, column 4: malformed tag <b  (a '<' inside a tag)");
    std::string deep;
    for (int i = 0; i < 300; ++i) deep += "<x>";
    CHECK(error_of(deep) == "invalid XML at line 1, column 769: elements nested deeper than 256 levels");
}

TEST_CASE("[xml_output_parser] streaming yields a value when an element closes", "[unit]") {
    const std::string text = "Sure:\n```xml\n<movies count=\"2\">\n  <movie><title>Matrix &amp; co</title><year>1999</year></movie>\n"
                             "  <movie><title>Heat</title><!-- c --><year><![CDATA[1995]]></year></movie>\n</movies>\n```";
    const Value expected = XmlOutputParser().parse(text);
    REQUIRE(expected == Value::parse(R"({"movies": {"@count": "2", "movie": [{"title": "Matrix & co", "year": "1999"},
                                                                            {"title": "Heat", "year": "1995"}]}})"));
    for (std::size_t size = 1; size <= text.size(); ++size) {
        INFO("chunks of " << size);
        auto stream = XmlOutputParser().stream();
        std::vector<Value> seen;
        for (auto piece : braid_test::chunks(text, size)) {
            if (auto partial = stream.feed(piece)) seen.push_back(*partial);
        }
        if (auto last = stream.finish()) seen.push_back(*last);
        REQUIRE(stream.result() == expected);
        REQUIRE(seen.back() == expected);
        if (size == 1) {
            // At </title>, </year>, </title>, </year>: closing a <movie> or <movies> changes nothing visible.
            REQUIRE(seen.size() == 4);
            CHECK(seen[0] == Value::parse(R"({"movies": {"@count": "2", "movie": {"title": "Matrix & co"}}})"));
        }
    }
    SECTION("misuse") {
        auto stream = XmlOutputParser().stream();
        CHECK_THROWS_AS(stream.result(), braid::Error);
        stream.feed("<a>x</a> trailing <b>");
        CHECK_FALSE(stream.feed("more").has_value());
        CHECK(stream.finish() == std::optional<Value>()); // already emitted at </a>
        CHECK(stream.result() == Value::parse(R"({"a": "x"})"));
        CHECK_THROWS_AS(stream.finish(), braid::Error);
    }
}
