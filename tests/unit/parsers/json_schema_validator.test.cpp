#include <braid/error.hpp>
#include <braid/parsers/json_schema_validator.hpp>

#include <catch2/catch.hpp>

using braid::JsonSchemaValidator;
using braid::Value;

namespace {

// The violations of `value` as "path: message" lines.
std::vector<std::string> problems(const char* schema, const char* value) {
    std::vector<std::string> out;
    for (const auto& v : JsonSchemaValidator(Value::parse(schema)).violations(Value::parse(value))) {
        out.push_back(v.to_string());
    }
    return out;
}

using Lines = std::vector<std::string>;

std::string schema_error(const char* schema) {
    try {
        JsonSchemaValidator validator{Value::parse(schema)};
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::invalid_argument);
        return e.what();
    }
    return "<no error>";
}

} // namespace

TEST_CASE("[json_schema] types", "[unit]") {
    CHECK(problems(R"({"type": "string"})", R"("x")").empty());
    CHECK(problems(R"({"type": "string"})", "1") == Lines{"$: expected string, got number"});
    CHECK(problems(R"({"type": "integer"})", "3").empty());
    CHECK(problems(R"({"type": "integer"})", "3.0").empty());
    CHECK(problems(R"({"type": "integer"})", "3.5") == Lines{"$: expected integer, got number"});
    CHECK(problems(R"({"type": "number"})", "3").empty());
    CHECK(problems(R"({"type": "null"})", "null").empty());
    CHECK(problems(R"({"type": "boolean"})", "0") == Lines{"$: expected boolean, got number"});
    CHECK(problems(R"({"type": ["string", "null"]})", "null").empty());
    CHECK(problems(R"({"type": ["string", "null"]})", "[]") == Lines{"$: expected string or null, got array"});
    CHECK(problems(R"({"type": "object"})", "[]") == Lines{"$: expected object, got array"});
    CHECK(problems("true", "[]").empty());
    CHECK(problems("false", "1") == Lines{"$: no value is allowed here"});
    CHECK(problems("{}", R"({"anything": [1]})").empty());
}

TEST_CASE("[json_schema] enum, const, numbers, strings", "[unit]") {
    CHECK(problems(R"({"enum": ["a", 1, null]})", "null").empty());
    CHECK(problems(R"({"enum": ["a", "b"]})", R"("c")") == Lines{R"($: expected one of ["a","b"], got "c")"});
    CHECK(problems(R"({"const": {"k": 1}})", R"({"k": 2})") == Lines{R"($: expected {"k":1}, got {"k":2})"});
    CHECK(problems(R"({"minimum": 1, "maximum": 3})", "0") == Lines{"$: must be >= 1, got 0"});
    CHECK(problems(R"({"minimum": 1, "maximum": 3})", "3.5") == Lines{"$: must be <= 3, got 3.5"});
    CHECK(problems(R"({"minimum": 1, "maximum": 3})", "3").empty());
    CHECK(problems(R"({"exclusiveMinimum": 1})", "1") == Lines{"$: must be > 1, got 1"});
    CHECK(problems(R"({"exclusiveMaximum": 1})", "1") == Lines{"$: must be < 1, got 1"});
    CHECK(problems(R"({"maximum": 5, "exclusiveMaximum": true})", "5") == Lines{"$: must be < 5, got 5"});
    CHECK(problems(R"({"multipleOf": 0.5})", "2.5").empty());
    CHECK(problems(R"({"multipleOf": 3})", "7") == Lines{"$: must be a multiple of 3, got 7"});
    CHECK(problems(R"({"minimum": 5})", R"("text")").empty()); // numeric keywords ignore other types
    CHECK(problems(R"({"minLength": 2, "maxLength": 3})", R"("é")") == Lines{"$: must have at least 2 characters, got 1"});
    CHECK(problems(R"({"minLength": 2, "maxLength": 3})", R"("éèà")").empty());
    CHECK(problems(R"({"maxLength": 3})", R"("abcd")") == Lines{"$: must have at most 3 characters, got 4"});
    CHECK(problems(R"({"pattern": "^[a-z]+-\\d{2}$"})", R"("abc-12")").empty());
    CHECK(problems(R"({"pattern": "\\d"})", R"("no 5 here")").empty()); // search, not full match
    CHECK(problems(R"({"pattern": "^[a-z]+$"})", R"("ABC")") == Lines{R"($: must match pattern "^[a-z]+$", got "ABC")"});
    SECTION("a very long string is checked or refused, never overflowing the stack") {
        const JsonSchemaValidator validator(Value::parse(R"({"pattern": "^[a-z]+$"})"));
        CHECK(validator.is_valid(Value(std::string(20000, 'a'))));
        const auto found = validator.violations(Value(std::string(20001, 'a')));
        REQUIRE(found.size() == 1);
        CHECK(found[0].message.find("too long to check against pattern") != std::string::npos);
    }
}

TEST_CASE("[json_schema] objects and arrays with paths", "[unit]") {
    const char* schema = R"({
      "type": "object",
      "properties": {
        "name": {"type": "string"},
        "items": {"type": "array", "minItems": 1, "maxItems": 3,
                  "items": {"type": "object", "required": ["name"], "additionalProperties": false,
                            "properties": {"name": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}}},
        "odd key": {"type": "boolean"}
      },
      "required": ["name", "items"]
    })";
    CHECK(problems(schema, R"({"name": "order", "items": [{"name": "a", "qty": 2}]})").empty());
    CHECK(problems(schema, R"({"items": [{"name": "a"}, {"name": "b"}, {"name": 3}]})") ==
          Lines{R"($: missing required property "name")", "$.items[2].name: expected string, got number"});
    CHECK(problems(schema, R"({"name": "x", "items": [{"name": "a", "qty": 0, "extra": 1}], "odd key": 1})") ==
          Lines{"$.items[0].qty: must be >= 1, got 0",
                "$.items[0].extra: property is not allowed (additionalProperties is false)",
                R"($["odd key"]: expected boolean, got number)"});
    CHECK(problems(schema, R"({"name": "x", "items": []})") == Lines{"$.items: must have at least 1 items, got 0"});
    CHECK(problems(schema, R"({"name": "x", "items": [{"name":"a"},{"name":"a"},{"name":"a"},{"name":"a"}]})") ==
          Lines{"$.items: must have at most 3 items, got 4"});
    SECTION("additionalProperties as a schema, patternProperties, property counts") {
        const char* s = R"({"additionalProperties": {"type": "integer"}, "patternProperties": {"^x_": {"type": "string"}},
                           "minProperties": 1, "maxProperties": 2})";
        CHECK(problems(s, R"({"x_a": "s", "b": 1})").empty());
        CHECK(problems(s, R"({"x_a": 1})") == Lines{"$.x_a: expected string, got number"});
        CHECK(problems(s, R"({"b": "s"})") == Lines{"$.b: expected integer, got string"});
        CHECK(problems(s, "{}") == Lines{"$: must have at least 1 properties, got 0"});
    }
    SECTION("tuples, uniqueItems, contains") {
        CHECK(problems(R"({"prefixItems": [{"type": "string"}, {"type": "number"}], "items": false})", R"(["a", 1, 2])") ==
              Lines{"$[2]: no item is allowed beyond the first 2"});
        CHECK(problems(R"({"items": [{"type": "string"}], "additionalItems": {"type": "number"}})", R"(["a", 1, "b"])") ==
              Lines{"$[2]: expected number, got string"});
        CHECK(problems(R"({"uniqueItems": true})", R"([1, 2, 1])") == Lines{"$: items 0 and 2 are equal"});
        CHECK(problems(R"({"contains": {"const": 5}})", R"([1, 2])") ==
              Lines{"$: must contain an item matching the 'contains' schema"});
    }
}

TEST_CASE("[json_schema] combinators and references", "[unit]") {
    CHECK(problems(R"({"anyOf": [{"type": "string"}, {"type": "integer"}]})", "1").empty());
    CHECK(problems(R"({"anyOf": [{"type": "string"}, {"type": "integer"}]})", "1.5") ==
          Lines{"$: matches none of the anyOf schemas (first: $: expected string, got number)"});
    CHECK(problems(R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})", "1") ==
          Lines{"$: matches 2 of the oneOf schemas, expected exactly one"});
    CHECK(problems(R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})", "1.5").empty());
    CHECK(problems(R"({"allOf": [{"minimum": 0}, {"maximum": 1}]})", "2") == Lines{"$: must be <= 1, got 2"});
    CHECK(problems(R"({"not": {"type": "null"}})", "null") == Lines{"$: must not match the 'not' schema"});
    const char* tree = R"({"$defs": {"node": {"type": "object", "required": ["v"],
                           "properties": {"v": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
                           "$ref": "#/$defs/node"})";
    CHECK(problems(tree, R"({"v": 1, "kids": [{"v": 2, "kids": [{"v": 3}]}]})").empty());
    CHECK(problems(tree, R"({"v": 1, "kids": [{"v": 2, "kids": [{"v": "3"}]}]})") ==
          Lines{"$.kids[0].kids[0].v: expected integer, got string"});
    CHECK(problems(R"({"definitions": {"s": {"type": "string"}}, "properties": {"a": {"$ref": "#/definitions/s"}}})",
                   R"({"a": 1})") == Lines{"$.a: expected string, got number"});
    CHECK(problems(R"({"$ref": "#"})", "1") == Lines{"$: schema references nest too deeply (a $ref cycle?)"});
}

TEST_CASE("[json_schema] validate throws errc::validation listing the problems", "[unit]") {
    const JsonSchemaValidator validator(Value::parse(R"({"type": "object", "required": ["a", "b"]})"));
    CHECK(validator.is_valid(Value::parse(R"({"a": 1, "b": 2})")));
    CHECK_FALSE(validator.is_valid(Value::parse("{}")));
    try {
        validator.validate(Value::parse("{}"));
        FAIL("no error");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::validation);
        CHECK(std::string(e.what()) == R"($: missing required property "a"; $: missing required property "b")");
    }
    CHECK(validator.violations(Value::parse("{}"), 1).size() == 1);
    CHECK(validator.schema() == Value::parse(R"({"type": "object", "required": ["a", "b"]})"));
}

TEST_CASE("[json_schema] malformed schemas are refused with their location", "[unit]") {
    CHECK(schema_error("3") == "invalid JSON Schema at #: a schema must be an object or a boolean");
    CHECK(schema_error(R"({"type": "text"})").find("invalid JSON Schema at #/type: must be a type name") == 0);
    CHECK(schema_error(R"({"properties": {"a": {"minimum": "1"}}})") ==
          "invalid JSON Schema at #/properties/a/minimum: must be a number");
    CHECK(schema_error(R"({"items": {"minLength": -1}})") == "invalid JSON Schema at #/items/minLength: must be a non-negative integer");
    CHECK(schema_error(R"({"pattern": "(["})").find("invalid JSON Schema at #/pattern: pattern \"([\" does not compile") == 0);
    CHECK(schema_error(R"({"$ref": "#/$defs/missing"})").find("invalid JSON Schema at #/$ref") == 0);
    CHECK(schema_error(R"({"required": [1]})") == "invalid JSON Schema at #/required: must be an array of property names");
    CHECK(schema_error(R"({"anyOf": []})") == "invalid JSON Schema at #/anyOf: must be a non-empty array of schemas");
    CHECK(schema_error(R"({"multipleOf": 0})") == "invalid JSON Schema at #/multipleOf: must be greater than 0");
}
