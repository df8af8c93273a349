// The examples of docs/guides/parsers.md, so that the guide stays true.
#include <braid/error.hpp>
#include <braid/parsers/json_output_parser.hpp>
#include <braid/parsers/list_output_parser.hpp>
#include <braid/parsers/structured_output_parser.hpp>
#include <braid/parsers/xml_output_parser.hpp>

#include <catch2/catch.hpp>

using braid::Value;

TEST_CASE("[parsers] guide examples", "[unit]") {
    SECTION("json") {
        CHECK(braid::JsonOutputParser().parse("Sure!\n```json\n{\"name\": \"Ada\", \"langs\": [\"en\"]}\n```") ==
              Value::parse(R"({"name": "Ada", "langs": ["en"]})"));
        CHECK_THROWS_WITH(braid::JsonOutputParser().parse("{\"a\": 1 \"b\": 2}"),
                          "invalid JSON at line 1, column 9: expected ',' or '}' after an object member, got '\"'");
        auto stream = braid::JsonOutputParser().stream();
        CHECK(stream.feed("{\"title\": \"Du") == Value::parse(R"({"title": "Du"})"));
        CHECK(stream.feed("ne\", \"year\": 19") == Value::parse(R"({"title": "Dune"})"));
        CHECK(stream.feed("65}") == Value::parse(R"({"title": "Dune", "year": 1965})"));
        CHECK_FALSE(stream.finish().has_value());
    }
    SECTION("lists") {
        using Items = std::vector<std::string>;
        CHECK(braid::ListOutputParser(braid::ListStyle::comma).parse("red, \"green, light\", blue") ==
              Items{"red", "green, light", "blue"});
        CHECK(braid::ListOutputParser(braid::ListStyle::numbered).parse("Here:\n1. red\n2) green") == Items{"red", "green"});
        CHECK(braid::ListOutputParser(braid::ListStyle::markdown).parse("- red\n* green\n+ blue").size() == 3);
        CHECK(braid::ListOutputParser(braid::ListStyle::newline).parse("red\n\ngreen\n") == Items{"red", "green"});
    }
    SECTION("structured") {
        const braid::StructuredOutputParser parser(Value::parse(R"({
          "type": "object",
          "properties": {"name": {"type": "string"},
                         "items": {"type": "array", "items": {"type": "object", "required": ["name"],
                                   "properties": {"name": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}}}},
          "required": ["name", "items"], "additionalProperties": false})"));
        CHECK_THROWS_WITH(parser.parse(R"({"name": "o", "items": [{"name": "a", "qty": 0}, {"name": "b"}, {"name": 3}]})"),
                          "$.items[0].qty: must be >= 1, got 0; $.items[2].name: expected string, got number");
    }
    SECTION("xml table") {
        const braid::XmlOutputParser xml;
        CHECK(xml.parse("<a>text</a>") == Value::parse(R"({"a": "text"})"));
        CHECK(xml.parse("<a><b>1</b><c>2</c></a>") == Value::parse(R"({"a": {"b": "1", "c": "2"}})"));
        CHECK(xml.parse("<a><b>1</b><b>2</b></a>") == Value::parse(R"({"a": {"b": ["1", "2"]}})"));
        CHECK(xml.parse(R"(<a id="7">x</a>)") == Value::parse(R"({"a": {"@id": "7", "#text": "x"}})"));
        CHECK(xml.parse("<a>hi <b>1</b> there</a>") == Value::parse(R"({"a": {"b": "1", "#text": "hi there"}})"));
        CHECK(xml.parse(R"(<movies><movie year="1999">Matrix</movie><movie>Heat</movie><n>2</n></movies>)") ==
              Value::parse(R"({"movies": {"movie": [{"@year": "1999", "#text": "Matrix"}, "Heat"], "n": "2"}})"));
    }
}
