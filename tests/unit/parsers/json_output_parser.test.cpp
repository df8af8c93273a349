#include <braid/error.hpp>
#include <braid/parsers/json_output_parser.hpp>

#include <catch2/catch.hpp>

#include "unit/parsers/stream_util.hpp"

using braid::JsonOutputOptions;
using braid::JsonOutputParser;
using braid::Value;

namespace {

std::string error_of(std::string_view text, JsonOutputOptions options = {}) {
    try {
        JsonOutputParser(options).parse(text);
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::parse);
        return e.what();
    }
    return "<no error>";
}

} // namespace

TEST_CASE("[json_output_parser] finds the JSON in model text", "[unit]") {
    const JsonOutputParser parser;
    SECTION("bare object and array") {
        CHECK(parser.parse(R"({"a": 1})") == Value::parse(R"({"a": 1})"));
        CHECK(parser.parse("  [1, 2]\n") == Value::parse("[1, 2]"));
    }
    SECTION("fenced block with and without info string") {
        CHECK(parser.parse("Here it is:\n```json\n{\"a\": [1, 2]}\n```\nDone.") == Value::parse(R"({"a": [1, 2]})"));
        CHECK(parser.parse("```\n[\"x\"]\n```") == Value::parse(R"(["x"])"));
        CHECK(parser.parse("```JSON {\"inline\": true}```") == Value::parse(R"({"inline": true})"));
        CHECK(parser.parse("```json\n\"just a string\"\n```") == "just a string");
    }
    SECTION("first object or array in prose") {
        CHECK(parser.parse("Sure! The answer is {\"x\": \"y\"}. Anything else?") == Value::parse(R"({"x": "y"})"));
        CHECK(parser.parse("Result: [1, {\"b\": null}] as requested") == Value::parse(R"([1, {"b": null}])"));
    }
    SECTION("prose brackets that are not JSON are skipped") {
        CHECK(parser.parse("[see below] {\"ok\": true}") == Value::parse(R"({"ok": true})"));
        CHECK(parser.parse("Use {name} here: {\"name\": \"Bo\"}") == Value::parse(R"({"name": "Bo"})"));
        CHECK(parser.parse("`code` and ``more`` then ```\n{\"a\": 2}\n```") == Value::parse(R"({"a": 2})"));
        CHECK(parser.parse("```python\nprint(1)\n```\n{\"a\": 3}") == Value::parse(R"({"a": 3})"));
    }
    SECTION("a bare scalar counts only as the whole answer") {
        CHECK(parser.parse(" 42 ") == 42);
        CHECK(parser.parse("-1.5") == -1.5);
        CHECK(parser.parse("\"hi\"") == "hi");
        CHECK(parser.parse("true") == true);
        CHECK(parser.parse("null") == nullptr);
        CHECK(parser.parse("the list: [1]") == Value::parse("[1]"));
        CHECK(parser.parse("42 is the answer: {\"n\": 42}") == Value::parse(R"({"n": 42})"));
        CHECK(parser.parse("true story [1]") == Value::parse("[1]"));
    }
    SECTION("text after the value is ignored") {
        CHECK(parser.parse("{\"a\": 1} and then {\"b\": 2}") == Value::parse(R"({"a": 1})"));
    }
    SECTION("format instructions mention JSON") {
        CHECK(JsonOutputParser::format_instructions().find("JSON") != std::string::npos);
    }
}

TEST_CASE("[json_output_parser] errors name the position and what was expected", "[unit]") {
    CHECK(error_of("") == "no JSON object or array found in the model output");
    CHECK(error_of("I cannot help with that.") == "no JSON object or array found in the model output");
    CHECK(error_of("Here:\n{\"a\": 1 \"b\": 2}") ==
          "invalid JSON at line 2, column 9: expected ',' or '}' after an object member, got '\"'");
    CHECK(error_of("```json\n{\"a\": [1, 2,]}\n```") ==
          "invalid JSON at line 2, column 13: expected a JSON value, got ']'");
    CHECK(error_of("{\"a\": [1, 2") ==
          "incomplete JSON at line 1, column 12: the output ended where more of the number '2' was expected");
    CHECK(error_of("{\"a\": \"unterminated") ==
          "incomplete JSON at line 1, column 20: the output ended where the closing '\"' of a string was expected");
    SECTION("give up after many candidates") {
        std::string text;
        for (int i = 0; i < 40; ++i) text += "[x ";
        CHECK(error_of(text).find("(gave up after 32 candidates)") != std::string::npos);
    }
    SECTION("allow_partial returns the truncated value") {
        JsonOutputOptions options;
        options.allow_partial = true;
        CHECK(JsonOutputParser(options).parse("```json\n{\"a\": [1, 2], \"b\": \"te") ==
              Value::parse(R"({"a": [1, 2], "b": "te"})"));
        CHECK(error_of("no json", options) == "no JSON object or array found in the model output");
    }
    SECTION("max_depth") {
        JsonOutputOptions options;
        options.max_depth = 2;
        CHECK(error_of("[[[1]]]", options) == "invalid JSON at line 1, column 3: JSON nested deeper than 2 levels");
    }
}

TEST_CASE("[json_output_parser] streaming yields growing partial objects", "[unit]") {
    const std::string text = "Sure, here you go:\n```json\n{\"title\": \"Dune\", \"year\": 1965, "
                             "\"genres\": [\"sf\", \"adventure\"], \"author\": {\"name\": \"Frank Herbert\"}}\n```\n"
                             "Enjoy [the book]!";
    const Value expected = JsonOutputParser().parse(text);
    REQUIRE(expected == Value::parse(R"({"title": "Dune", "year": 1965, "genres": ["sf", "adventure"],
                                         "author": {"name": "Frank Herbert"}})"));
    for (std::size_t size = 1; size <= text.size(); ++size) {
        auto stream = JsonOutputParser().stream();
        std::vector<Value> seen;
        for (auto piece : braid_test::chunks(text, size)) {
            if (auto partial = stream.feed(piece)) seen.push_back(*partial);
        }
        if (auto last = stream.finish()) seen.push_back(*last);
        REQUIRE(stream.result() == expected);
        REQUIRE(!seen.empty());
        REQUIRE(seen.back() == expected);
        for (std::size_t i = 1; i < seen.size(); ++i) {
            INFO("chunk size " << size << ": " << seen[i - 1].dump() << " -> " << seen[i].dump());
            REQUIRE(seen[i - 1] != seen[i]); // only changes are emitted
            REQUIRE(braid_test::grows_into(seen[i - 1], seen[i]));
        }
        if (size == 1) {
            CHECK(seen.front() == Value::object());
            CHECK(std::find(seen.begin(), seen.end(), Value::parse(R"({"title": "Du"})")) != seen.end());
        }
    }
}

TEST_CASE("[json_output_parser] stream and parse agree on every chunking", "[unit]") {
    const char* texts[] = {
        "42", "  \"str\"  ", "[1] tail", "x {\"a\": tru} {\"b\": 1}", "[see] [1, 2]", "``` \n[3]```",
        "prefix ``json\n[4]", "{\"a\": 1e5, \"b\": [-0.5]}", "true story [5]", "null",
    };
    for (const char* text : texts) {
        const std::string_view view(text);
        const Value expected = JsonOutputParser().parse(view);
        for (std::size_t size = 1; size <= view.size(); ++size) {
            INFO(text << " in chunks of " << size);
            auto stream = JsonOutputParser().stream();
            for (auto piece : braid_test::chunks(view, size)) stream.feed(piece);
            stream.finish();
            REQUIRE(stream.result() == expected);
        }
    }
}

TEST_CASE("[json_output_parser] stream misuse is reported", "[unit]") {
    auto stream = JsonOutputParser().stream();
    CHECK_THROWS_AS(stream.result(), braid::Error);
    CHECK(stream.feed("[1]") == Value::parse("[1]"));
    CHECK_FALSE(stream.finish().has_value()); // [1] was already emitted
    CHECK(stream.result() == Value::parse("[1]"));
    CHECK_THROWS_AS(stream.feed("x"), braid::Error);
    CHECK_THROWS_AS(stream.finish(), braid::Error);
}
