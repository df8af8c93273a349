#include <braid/error.hpp>
#include <braid/parsers/structured_output_parser.hpp>

#include <catch2/catch.hpp>

#include "unit/parsers/stream_util.hpp"

using braid::StructuredOutputParser;
using braid::Value;

namespace {

const Value person_schema = Value::parse(R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1},
    "age": {"type": "integer", "minimum": 0},
    "pets": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}},
                                         "required": ["name"]}}
  },
  "required": ["name", "age"],
  "additionalProperties": false
})");

braid::errc kind_of(const StructuredOutputParser& parser, std::string_view text, std::string* message) {
    try {
        parser.parse(text);
    } catch (const braid::Error& e) {
        *message = e.what();
        return e.kind();
    }
    return braid::errc::internal;
}

} // namespace

TEST_CASE("[structured_output_parser] parses and validates", "[unit]") {
    const StructuredOutputParser parser(person_schema);
    CHECK(parser.parse("```json\n{\"name\": \"Ann\", \"age\": 31, \"pets\": [{\"name\": \"Rex\"}]}\n```") ==
          Value::parse(R"({"name": "Ann", "age": 31, "pets": [{"name": "Rex"}]})"));
    std::string message;
    CHECK(kind_of(parser, R"({"name": "Ann", "age": "31", "pets": [{"name": 7}], "x": 1})", &message) ==
          braid::errc::validation);
    CHECK(message == "$.age: expected integer, got string; $.pets[0].name: expected string, got number; "
                     "$.x: property is not allowed (additionalProperties is false)");
    CHECK(kind_of(parser, R"({"name": "Ann", "age": })", &message) == braid::errc::parse);
    CHECK(message.find("invalid JSON at line 1, column 24") == 0);
    CHECK(parser.validator().is_valid(Value::parse(R"({"name": "B", "age": 1})")));
    CHECK_THROWS_AS(StructuredOutputParser(Value::parse(R"({"type": 3})")), braid::Error);
}

TEST_CASE("[structured_output_parser] format instructions carry the schema", "[unit]") {
    const std::string text = StructuredOutputParser(person_schema).format_instructions();
    CHECK(text.find("JSON Schema") != std::string::npos);
    CHECK(text.find("```json\n{\n  \"type\": \"object\"") != std::string::npos);
    CHECK(text.find("\"additionalProperties\": false") != std::string::npos);
    CHECK(text.find("$schema") == std::string::npos);
}

TEST_CASE("[structured_output_parser] streams partial values, validates at the end", "[unit]") {
    const StructuredOutputParser parser(person_schema);
    const std::string good = "{\"name\": \"Ann\", \"age\": 31, \"pets\": [{\"name\": \"Rex\"}, {\"name\": \"Tom\"}]}";
    for (std::size_t size = 1; size <= good.size(); size += 3) {
        auto stream = parser.stream();
        std::vector<Value> seen;
        for (auto piece : braid_test::chunks(good, size)) {
            if (auto partial = stream.feed(piece)) seen.push_back(*partial);
        }
        if (auto last = stream.finish()) seen.push_back(*last);
        REQUIRE(stream.result() == Value::parse(good));
        REQUIRE(seen.back() == Value::parse(good));
        for (std::size_t i = 1; i < seen.size(); ++i) REQUIRE(braid_test::grows_into(seen[i - 1], seen[i]));
    }
    auto bad = parser.stream();
    CHECK(bad.feed(R"({"name": "Ann"})").has_value()); // partial values are not validated
    try {
        bad.finish();
        FAIL("no error");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::validation);
        CHECK(std::string(e.what()) == R"($: missing required property "age")");
    }
}
