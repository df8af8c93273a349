#include <braid/error.hpp>
#include <braid/parsers/partial_json.hpp>

#include <catch2/catch.hpp>

#include "unit/parsers/stream_util.hpp"

using braid::PartialJsonParser;
using braid::Value;

namespace {

Value partial_after(std::string_view text) {
    PartialJsonParser parser;
    parser.feed(text);
    return parser.value();
}

std::string parse_error(std::string_view text, std::size_t* offset = nullptr) {
    PartialJsonParser parser;
    try {
        parser.feed(text);
        if (!parser.finish()) return "<incomplete>";
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::parse);
        if (offset) *offset = parser.error_offset();
        return e.what();
    }
    return "<no error>";
}

} // namespace

TEST_CASE("[partial_json] complete values match nlohmann", "[unit]") {
    const char* texts[] = {
        R"({"a": 1, "b": [true, false, null], "c": {"d": "e"}})",
        R"([1, -2, 3.5, -0.25e2, 1E+2, 0, 18446744073709551615, -9223372036854775808])",
        R"("esc \" \\ \/ \b \f \n \r \t \u00e9 \u20ac \ud83d\ude00")",
        R"({"unicode": "héllo wörld €😀", "empty": "", "arr": [], "obj": {}})",
        R"(  [ [ [ ] ] , { } ]  )",
        "12345678901234567890123",
        "-0",
        "1e-400",
    };
    for (const char* text : texts) {
        INFO(text);
        PartialJsonParser parser;
        parser.feed(text);
        REQUIRE(parser.finish());
        CHECK(parser.value() == Value::parse(text));
    }
}

TEST_CASE("[partial_json] partial values", "[unit]") {
    SECTION("open containers and strings are closed") {
        CHECK(partial_after(R"({"a": [1, 2, {"b": "hel)") == Value::parse(R"({"a": [1, 2, {"b": "hel"}]})"));
        CHECK(partial_after(R"([")") == Value::parse(R"([""])"));
    }
    SECTION("keys without a value are left out") {
        CHECK(partial_after(R"({"a": 1, "b)") == Value::parse(R"({"a": 1})"));
        CHECK(partial_after(R"({"a": 1, "b")") == Value::parse(R"({"a": 1})"));
        CHECK(partial_after(R"({"a": 1, "b": )") == Value::parse(R"({"a": 1})"));
    }
    SECTION("numbers and literals appear once complete") {
        CHECK(partial_after(R"({"a": 12)") == Value::object());
        CHECK(partial_after(R"({"a": 12,)") == Value::parse(R"({"a": 12})"));
        CHECK(partial_after(R"([tru)") == Value::array());
        CHECK(partial_after(R"([true)") == Value::parse("[true]"));
        CHECK(partial_after(R"([1.)") == Value::array());
    }
    SECTION("half an escape or half a UTF-8 character is not shown") {
        CHECK(partial_after(R"(["ab\)") == Value::parse(R"(["ab"])"));
        CHECK(partial_after(R"(["ab\u00)") == Value::parse(R"(["ab"])"));
        CHECK(partial_after(R"(["ab\ud83d)") == Value::parse(R"(["ab"])"));
        CHECK(partial_after("[\"ab\xE2\x82") == Value::parse(R"(["ab"])"));
    }
    SECTION("a top-level number completes at finish or at a delimiter") {
        PartialJsonParser parser;
        CHECK(parser.feed("42") == 2);
        CHECK_FALSE(parser.complete());
        CHECK(parser.finish());
        CHECK(parser.value() == 42);
        PartialJsonParser followed;
        CHECK(followed.feed("42}") == 2); // the '}' belongs to the caller
        CHECK(followed.complete());
    }
    SECTION("a repeated key: the last value wins, in the first one's place") {
        PartialJsonParser parser;
        parser.feed(R"({"a": "x", "b": 1, "a": [2)");
        CHECK(parser.repeated_key());
        CHECK(parser.value() == Value::parse(R"({"a": [], "b": 1})"));
        parser.feed("]}");
        CHECK(parser.value().dump() == R"({"a":[2],"b":1})");
    }
    SECTION("bytes after the value are not consumed") {
        PartialJsonParser parser;
        CHECK(parser.feed(R"({"a":1} trailing)") == 7);
        CHECK(parser.complete());
        CHECK(parser.offset() == 7);
    }
    SECTION("expectation explains where the text stopped") {
        PartialJsonParser parser;
        parser.feed(R"({"a": 1)");
        CHECK(parser.expectation() == "more of the number '1'");
        parser.feed(" ");
        CHECK(parser.expectation() == "',' or '}' after an object member (inside an object)");
    }
}

TEST_CASE("[partial_json] syntax errors say what was expected", "[unit]") {
    std::size_t offset = 0;
    CHECK(parse_error(R"({"a": 1 "b": 2})", &offset) == "expected ',' or '}' after an object member, got '\"'");
    CHECK(offset == 8);
    CHECK(parse_error("[1, 2,]") == "expected a JSON value, got ']'");
    CHECK(parse_error("{'a': 1}") == "expected a key string or '}', got '''");
    CHECK(parse_error("{\"a\" 1}") == "expected ':' after an object key, got '1'");
    CHECK(parse_error("[01]") == "expected ',' or ']' after an array element, got '1'");
    CHECK(parse_error("[1.]") == "expected a digit in number '1.', got ']'");
    CHECK(parse_error("[-]") == "expected a digit in number '-', got ']'");
    CHECK(parse_error("[trve]") == "invalid literal: expected 'true', got 'v'");
    CHECK(parse_error("[\"a\x01\"]") == "control character byte 0x01 in string (it must be escaped)");
    CHECK(parse_error(R"(["\x"])") == "invalid escape '\\x' in string");
    CHECK(parse_error(R"(["\u12g4"])") == "invalid \\u escape: expected a hex digit, got 'g'");
    CHECK(parse_error(R"(["\udc00"])") == "unpaired surrogate in string: a low surrogate \\u escape without a high one");
    CHECK(parse_error(R"(["\ud800x"])").find("unpaired surrogate") == 0);
    CHECK(parse_error("[\"\xC0\xAF\"]") == "invalid UTF-8 in string: byte 0xC0 cannot start a character");
    CHECK(parse_error("[\"\xE2\x28\xA1\"]").find("invalid UTF-8 in string") == 0);
    CHECK(parse_error("[\"\xED\xA0\x80\"]").find("invalid UTF-8") == 0); // an encoded surrogate
    CHECK(parse_error("[1e999]") == "number 1e999 is out of range");
    CHECK(parse_error(std::string(300, '[')) == "JSON nested deeper than 256 levels");
    SECTION("a failed parser refuses more input") {
        PartialJsonParser parser;
        CHECK_THROWS_AS(parser.feed("[x"), braid::Error);
        CHECK_THROWS_AS(parser.feed("]"), braid::Error);
    }
}

TEST_CASE("[partial_json] every chunking gives the same value and a growing sequence", "[unit]") {
    const std::string text =
        R"({"name": "Ada \"Countess\" Lovelace 😀", "born": 1815, "tags": ["math", "poetry", ["x", 2.5e3]],)"
        R"( "alive": false, "spouse": null, "notes": {"k": "v\u00e9", "n": -12}})";
    const Value expected = Value::parse(text);
    for (std::size_t size = 1; size <= text.size(); ++size) {
        PartialJsonParser parser;
        Value previous;
        bool any = false;
        for (auto piece : braid_test::chunks(text, size)) {
            CHECK(parser.feed(piece) == piece.size());
            if (parser.take_changed()) {
                if (any) {
                    INFO("chunk size " << size << ": " << previous.dump() << " -> " << parser.value().dump());
                    REQUIRE(braid_test::grows_into(previous, parser.value()));
                }
                previous = parser.value();
                any = true;
                REQUIRE_NOTHROW(previous.dump()); // partial strings are always valid UTF-8
            }
        }
        REQUIRE(parser.finish());
        REQUIRE(parser.value() == expected);
    }
}
