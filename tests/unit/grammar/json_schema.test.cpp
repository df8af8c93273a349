// JSON Schema → GBNF: keyword by keyword, valid and invalid instances through the compiled grammar.
#include <catch2/catch.hpp>

#include <mutex>

#include "braid/engine/grammar.hpp"
#include "braid/engine/json_schema.hpp"
#include "braid/error.hpp"
#include "braid/run_control.hpp"

using braid::engine::Grammar;
using braid::engine::JsonSchemaOptions;
using braid::engine::json_schema_to_gbnf;
using Json = nlohmann::ordered_json;

namespace {

std::shared_ptr<const Grammar> schema_grammar(const std::string& schema, const JsonSchemaOptions& o = {}) {
    return braid::engine::json_schema_grammar(Json::parse(schema), o);
}

// Every text in @p good is accepted, every one in @p bad rejected.
void check(const std::string& schema, std::initializer_list<const char*> good, std::initializer_list<const char*> bad,
           const JsonSchemaOptions& o = {}) {
    auto g = schema_grammar(schema, o);
    for (const char* t : good) {
        INFO("schema " << schema << "\nvalid " << t);
        CHECK(g->accepts(t));
    }
    for (const char* t : bad) {
        INFO("schema " << schema << "\ninvalid " << t);
        CHECK_FALSE(g->accepts(t));
    }
}

std::string error_of(const std::string& schema, braid::errc kind, const JsonSchemaOptions& o = {}) {
    try {
        json_schema_to_gbnf(Json::parse(schema), o);
    } catch (const braid::Error& e) {
        CHECK(e.kind() == kind);
        return e.what();
    }
    FAIL("no error for " << schema);
    return {};
}

} // namespace

TEST_CASE("[json_schema] primitive types and unions", "[unit]") {
    check(R"({"type":"string"})", {R"("")", R"("abc")", R"("a\"b")", R"("\u00e9\n")", "\"\xC3\xA9\""},
          {"abc", R"("a"b")", "\"a\nb\"", R"("\x")", R"("\u12")", "1"});
    check(R"({"type":"integer"})", {"0", "-0", "12", "-7"}, {"01", "1.0", "1e3", "+1", "", "-"});
    check(R"({"type":"number"})", {"0", "1.5", "-0.25", "1e5", "1E-05", "2.5e+10", "10"},
          {"01", "1.", ".5", "1e", "--1", "NaN", "Infinity"});
    check(R"({"type":"boolean"})", {"true", "false"}, {"True", "1", "null"});
    check(R"({"type":"null"})", {"null"}, {"nul", "\"null\""});
    check(R"({"type":["string","null"]})", {"null", R"("x")"}, {"1", "true"});
    check(R"({"type":"string","nullable":true})", {"null", R"("x")"}, {"1"});
}

TEST_CASE("[json_schema] strings: escapes, surrogate pairs and lengths", "[unit]") {
    check(R"({"type":"string"})", {R"("\ud83d\ude00")", R"("\/\b\f\r\t")"},
          {R"("\ud83d")", R"("\ude00")", "\"\x01\""});
    check(R"({"type":"string","minLength":2,"maxLength":3})", {R"("ab")", R"("abc")", R"("a\n")", R"("\ud83d\ude00x")"},
          {R"("a")", R"("abcd")", R"("")"});
    check(R"({"type":"string","maxLength":0})", {R"("")"}, {R"("a")"});
}

TEST_CASE("[json_schema] integer ranges are exact", "[unit]") {
    const std::pair<const char*, std::pair<int, int>> cases[] = {
        {R"({"type":"integer","minimum":-37,"maximum":123})", {-37, 123}},
        {R"({"type":"integer","exclusiveMinimum":5,"exclusiveMaximum":100})", {6, 99}},
        {R"({"type":"integer","minimum":-120,"maximum":-3})", {-120, -3}},
        {R"({"type":"integer","minimum":0,"maximum":0})", {0, 0}},
        {R"({"type":"integer","minimum":7,"maximum":1000})", {7, 1000}},
        {R"({"type":"integer","minimum":2.5,"maximum":19.9})", {3, 19}},
        {R"({"type":"integer","minimum":10,"exclusiveMinimum":true,"maximum":20})", {11, 20}},
    };
    for (const auto& [schema, range] : cases) {
        auto g = schema_grammar(schema);
        for (int i = -1100; i <= 1100; ++i) {
            INFO(schema << " " << i);
            CHECK(g->accepts(std::to_string(i)) == (i >= range.first && i <= range.second));
        }
    }
    // Open ends.
    check(R"({"type":"integer","minimum":42})", {"42", "99", "100", "123456789"}, {"41", "-42", "9", "0"});
    check(R"({"type":"integer","maximum":-5})", {"-5", "-99", "-100000"}, {"-4", "0", "5"});
}

TEST_CASE("[json_schema] number bounds without exponent", "[unit]") {
    check(R"({"type":"number","minimum":0})", {"0", "0.5", "3", "12.25"}, {"-1", "-0.5", "1e5"});
    check(R"({"type":"number","exclusiveMinimum":0})", {"0.5", "0.001", "1"}, {"0", "0.0", "0.000", "-1"});
    check(R"({"type":"number","maximum":10})", {"10", "10.0", "9.99", "-3", "-1000.5"}, {"10.01", "11", "100"});
    check(R"({"type":"number","exclusiveMaximum":10})", {"9.99", "0", "-5.5"}, {"10", "10.0", "10.5"});
    check(R"({"type":"number","minimum":-2,"maximum":3})", {"-2", "-2.0", "-1.5", "0", "3", "2.999"},
          {"-2.5", "-3", "3.1", "4"});
    // multipleOf 10^-k: at most k decimals.
    check(R"({"type":"number","multipleOf":0.01,"minimum":0})", {"0", "10.99", "3.5", "7"}, {"10.999", "-1", "1e2"});
    check(R"({"type":"number","multipleOf":0.1,"exclusiveMinimum":0})", {"0.1", "2", "0.5"}, {"0", "0.0", "0.05"});
    check(R"({"type":"number","multipleOf":1})", {"0", "-7"}, {"1.5"});
    CHECK_THAT(error_of(R"({"type":"number","minimum":1.25,"maximum":1.5})", braid::errc::unsupported),
               Catch::Contains("'minimum'") && Catch::Contains("at /"));
}

TEST_CASE("[json_schema] fractional number bounds are exact", "[unit]") {
    struct Case {
        const char* schema;
        double lo, hi;
        bool lo_ex, hi_ex;
    };
    const Case cases[] = {
        {R"({"type":"number","minimum":-1.5,"maximum":2.25})", -1.5, 2.25, false, false},
        {R"({"type":"number","exclusiveMinimum":-1.5,"exclusiveMaximum":2.25})", -1.5, 2.25, true, true},
        {R"({"type":"number","minimum":0.05})", 0.05, 1e9, false, false},
        {R"({"type":"number","exclusiveMaximum":-0.5})", -1e9, -0.5, false, true},
        {R"({"type":"number","minimum":0.01,"maximum":2.5,"multipleOf":0.01})", 0.01, 2.5, false, false},
    };
    for (const auto& c : cases) {
        auto g = schema_grammar(c.schema);
        for (int k = -300; k <= 300; ++k) {
            const double x = k / 100.0;
            const bool in = (c.lo_ex ? x > c.lo : x >= c.lo) && (c.hi_ex ? x < c.hi : x <= c.hi);
            // A trailing zero changes nothing, except past multipleOf's digits (which the grammar refuses).
            const std::string repr = braid::engine::to_python_json(Json(x));
            const bool multiple = std::string(c.schema).find("multipleOf") != std::string::npos;
            for (const std::string& text : {repr, multiple ? repr : repr + "0"}) {
                INFO(c.schema << " " << text);
                CHECK(g->accepts(text) == in);
            }
        }
    }
    // multipleOf 0.01 allows at most two decimals, at the bounds too.
    check(R"({"type":"number","minimum":0.01,"maximum":2.5,"multipleOf":0.01})", {"0.01", "2.5", "2.50", "1"},
          {"0.001", "2.501", "0.015", "0"});
}

TEST_CASE("[json_schema] objects: required, order, additionalProperties", "[unit]") {
    const char* s = R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"]})";
    check(s, {R"({"a":1})", R"({"a": 1, "b": "x"})", R"({"b":"x","a":1})", R"({"a":1,"c":[1,2]})", R"({"c":null,"a":1})"},
          {R"({})", R"({"b":"x"})", R"({"a":"1"})", R"({"a":1,"a":2})", R"({"a":1,"b":2})", R"({"a":1,"b\u0022":2)"});
    // An additional key never stands for a declared one, even written with escapes.
    check(s, {R"({"a":1,"ab":true})", R"({"a":1,"":0})", R"({"a":1,"b\"":0})", R"({"a":1,"\n":0})"},
          {R"({"a":1,"\u0062":2})", R"({"a":1,"b":2})"});
    // Required names missing from properties come after them, in the order of `required`.
    JsonSchemaOptions in_order;
    in_order.property_order = braid::engine::JsonPropertyOrder::schema;
    check(R"({"type":"object","properties":{"x":{}},"required":["z","y"]})", {R"({"x":1,"z":2,"y":3})"},
          {R"({"x":1,"y":3,"z":2})", R"({"x":1,"z":2})"}, in_order);
    check(R"({"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false})",
          {R"({})", R"({"a":3})"}, {R"({"b":3})", R"({"a":3,"c":1})"});
    check(R"({"type":"object","additionalProperties":{"type":"integer"}})", {R"({})", R"({"x":1,"y":2})"},
          {R"({"x":"1"})"});
    JsonSchemaOptions schema_order;
    schema_order.property_order = braid::engine::JsonPropertyOrder::schema;
    check(s, {R"({"a":1,"b":"x"})"}, {R"({"b":"x","a":1})"}, schema_order);
    JsonSchemaOptions closed;
    closed.additional_properties_default = false;
    check(s, {R"({"a":1})"}, {R"({"a":1,"c":2})"}, closed);
}

TEST_CASE("[json_schema] patternProperties with additionalProperties false", "[unit]") {
    check(R"({"type":"object","properties":{"id":{"type":"string"}},
              "patternProperties":{"^x-[a-z]+$":{"type":"integer"}},"additionalProperties":false})",
          {R"({"id":"a","x-foo":1})", R"({"x-a":1,"x-b":2})", R"({})"},
          {R"({"x-foo":"1"})", R"({"y":1})", R"({"x-":1})", R"({"id":1})"});
    // Open additional keys: extra keys are limited to the patterns' keys (narrowing: "z" is valid but left out).
    check(R"({"type":"object","patternProperties":{"^a":{"type":"integer"}}})", {"{}", R"({"ab":1,"a":2})"},
          {R"({"ab":"x"})", R"({"z":1})"});
    CHECK_THAT(error_of(R"({"type":"object","patternProperties":{"^a":{"type":"integer"},"^b":{"type":"string"}}})",
                        braid::errc::unsupported),
               Catch::Contains("'patternProperties'"));
    // Patterns whose schema is true change nothing while other keys are free too.
    check(R"({"type":"object","patternProperties":{"^a":true}})", {R"({"ab":[1]})", R"({"z":1})"}, {R"({"a":)"});
}

TEST_CASE("[json_schema] objects with many properties fall back to schema order", "[unit]") {
    Json schema{{"type", "object"}, {"properties", Json::object()}, {"additionalProperties", false}};
    for (int i = 0; i < 10; ++i) schema["properties"]["p" + std::to_string(i)] = {{"type", "integer"}};
    auto g = Grammar::from_gbnf(json_schema_to_gbnf(schema));
    CHECK(g->accepts(R"({"p0":1,"p3":2,"p9":3})"));
    CHECK_FALSE(g->accepts(R"({"p3":1,"p0":2})"));
    CHECK_FALSE(g->accepts(R"({"p3":1,"p3":2})"));
}

TEST_CASE("[json_schema] minProperties and maxProperties", "[unit]") {
    check(R"({"type":"object","minProperties":1,"maxProperties":2})", {R"({"a":1})", R"({"a":1,"b":2})"},
          {R"({})", R"({"a":1,"b":2,"c":3})"});
}

TEST_CASE("[json_schema] arrays: items, prefixItems, counts", "[unit]") {
    check(R"({"type":"array","items":{"type":"integer"}})", {"[]", "[1]", "[1, 2,3]"}, {"[1,]", "[\"a\"]", "[,]"});
    check(R"({"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":3})", {"[1,2]", "[1,2,3]"},
          {"[]", "[1]", "[1,2,3,4]"});
    check(R"({"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false})",
          {"[]", R"(["a"])", R"(["a",1])"}, {R"([1])", R"(["a",1,2])"});
    check(R"({"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"integer"},"minItems":2})",
          {R"(["a",1])", R"(["a",1,2])"}, {R"(["a"])", R"(["a","b"])"});
    check(R"({"type":"array","maxItems":0})", {"[]"}, {"[1]"});
}

TEST_CASE("[json_schema] enum and const", "[unit]") {
    check(R"({"enum":["red","green",3,null,{"a":[1,true]}]})", {R"("red")", "3", "null", R"({"a": [1, true]})"},
          {R"("blue")", "4", R"({"a":[1]})"});
    check(R"({"const":"x\"y"})", {R"("x\"y")"}, {R"("xy")"});
    // Values the other keywords rule out are left out.
    check(R"({"type":"string","enum":["a","bbb",1],"maxLength":2})", {R"("a")"}, {R"("bbb")", "1"});
}

TEST_CASE("[json_schema] anyOf, oneOf and allOf", "[unit]") {
    check(R"({"anyOf":[{"type":"integer"},{"type":"string","maxLength":1}]})", {"1", R"("a")"}, {R"("ab")", "true"});
    check(R"({"oneOf":[{"type":"integer"},{"type":"string"}]})", {"1", R"("a")"}, {"null"});
    check(R"({"type":"object","properties":{"a":{}},"anyOf":[{"required":["a"]},{"required":["b"]}]})",
          {R"({"a":1})", R"({"b":1})"}, {R"({})", R"({"c":1})"});
    check(R"({"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},
                        {"properties":{"b":{"type":"string"}},"required":["b"]}]})",
          {R"({"a":1,"b":"x"})"}, {R"({"a":1})", R"({"b":"x"})", R"({"a":"1","b":"x"})"});
    check(R"({"allOf":[{"type":"integer","minimum":0},{"maximum":5}]})", {"0", "5"}, {"-1", "6"});
    // oneOf branches that may overlap: an error by default.
    CHECK_THAT(error_of(R"({"oneOf":[{"type":"integer"},{"type":"number"}]})", braid::errc::unsupported),
               Catch::Contains("'oneOf'"));
    // Overlapping oneOf decided type by type: without "type" both branches accept every string, so no
    // string is valid; objects need exactly one branch.
    check(R"({"oneOf":[{"properties":{"g":{"enum":["a"]}},"required":["g"]},
                       {"properties":{"g":{"enum":["b"]}},"required":["g"]}]})",
          {R"({"g":"a"})", R"({"g":"b"})"}, {R"("x")", "1", R"({"g":"c"})", "null"});
    check(R"({"oneOf":[{"type":"string"},{"type":["string","null"]}]})", {"null"}, {R"("x")"});
    check(R"({"oneOf":[{"type":"object","properties":{"k":{"const":"a"}},"required":["k"]},
                       {"type":"object","properties":{"k":{"const":"b"}},"required":["k"]}]})",
          {R"({"k":"a"})", R"({"k":"b"})"}, {R"({"k":"c"})"});
}

TEST_CASE("[json_schema] $ref: definitions, recursion, escaped pointers, the root", "[unit]") {
    check(R"({"$defs":{"a/b":{"type":"integer"},"t~":{"type":"string"}},
             "type":"array","items":{"anyOf":[{"$ref":"#/$defs/a~1b"},{"$ref":"#/$defs/t~0"}]}})",
          {"[1,\"x\"]"}, {"[true]"});
    check(R"({"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}},"required":["v"],
             "additionalProperties":false})",
          {R"({"v":1})", R"({"v":1,"next":{"v":2,"next":{"v":3}}})"}, {R"({"v":1,"next":{}})"});
    check(R"({"definitions":{"node":{"type":"array","items":{"$ref":"#/definitions/node"}}},"$ref":"#/definitions/node"})",
          {"[]", "[[],[[]]]"}, {"[1]"});
    CHECK_THAT(error_of(R"({"$ref":"#/definitions/missing"})", braid::errc::invalid_argument),
               Catch::Contains("missing"));
    CHECK_THAT(error_of(R"({"$ref":"other.json#/a"})", braid::errc::unsupported), Catch::Contains("'$ref'"));
}

TEST_CASE("[json_schema] pattern and format", "[unit]") {
    check(R"({"type":"string","pattern":"^[a-z]+-[0-9]{2}$"})", {R"("ab-12")"}, {R"("ab-1")", R"("Ab-12")", R"("xab-123")"});
    // A pattern that repeats one class meets minLength/maxLength in one repetition.
    check(R"({"type":"string","pattern":"^[A-Z0-9]+$","minLength":2,"maxLength":4})", {R"("AB")", R"("A1B2")"},
          {R"("A")", R"("ABCDE")", R"("ab")"});
    CHECK_THAT(error_of(R"({"type":"string","pattern":"^a(b|c)+$","minLength":5})", braid::errc::unsupported),
               Catch::Contains("'minLength'"));
    check(R"({"type":"string","pattern":"[0-9]"})", {R"("a1b")", R"("7")"}, {R"("abc")"});
    check(R"({"type":"string","format":"date"})", {R"("2024-02-29")"}, {R"("2024-13-01")", R"("24-01-01")"});
    check(R"({"type":"string","format":"date"})", {R"("2000-02-29")", R"("1996-02-29")", R"("2023-04-30")", R"("0001-01-01")"},
          {R"("1900-02-29")", R"("2023-02-29")", R"("2020-02-30")", R"("2023-04-31")", R"("0000-01-01")"});
    check(R"({"type":"string","format":"date-time"})", {R"("2024-02-29T12:30:00Z")", R"("2024-02-29T12:30:00.5+01:00")"},
          {R"("2024-02-29 12:30")"});
    check(R"({"type":"string","format":"uuid"})", {R"("123e4567-e89b-12d3-a456-426614174000")"}, {R"("123e4567")"});
    check(R"({"type":"string","format":"email"})", {R"("a.b@example.com")"}, {R"("a.b")", R"("@x")"});
    check(R"({"type":"string","format":"ipv4"})", {R"("192.168.0.1")"}, {R"("256.1.1.1")", R"("01.1.1.1")"});
    check(R"({"type":"string","format":"uri"})",
          {R"("https://example.com/a?b=1#c")", R"("file:///tmp/x")", R"("urn:isbn:0451450523")", R"("mailto:a@b.c")"},
          {R"("not a uri")", R"("//x")", R"("http://a b")"});
    check(R"({"type":"string","format":"hostname"})", {R"("example.com")", R"("a-b.c.org")", R"("localhost")"},
          {R"("-a.com")", R"("a..com")", R"("10.0.0.1")"});
    check(R"({"type":"string","format":"regex"})", {R"("abc")", R"("")"}, {R"("*")", R"("a(")"});
    check(R"({"type":"string","format":"json-pointer"})", {R"("")", R"("/a/~0b/~1")"}, {R"("a")", R"("/~2")"});
    // Formats validators check but braid cannot enforce are errors; unknown formats are annotations.
    CHECK_THAT(error_of(R"({"type":"string","format":"ipv6"})", braid::errc::unsupported), Catch::Contains("'format'"));
    check(R"({"type":"string","format":"something-else"})", {R"("anything")"}, {"1"});
}

TEST_CASE("[json_schema] any value, nothing, metadata and untyped schemas", "[unit]") {
    check("true", {"1", R"({"a":[null]})", R"("s")"}, {"", "{"});
    check("{}", {"1", R"([{"a":{}}])"}, {"[1,]"});
    check(R"({"title":"t","description":"d","examples":[1],"default":2,"$comment":"c","deprecated":true,
             "readOnly":true,"x-custom":1,"type":"integer"})",
          {"1"}, {"\"1\""});
    // Keywords of one type leave the other types alone.
    check(R"({"minLength":2})", {R"("ab")", "1", "null", "[]"}, {R"("a")"});
    CHECK_THAT(error_of("false", braid::errc::invalid_argument), Catch::Contains("no value"));
}

TEST_CASE("[json_schema] unsupported keywords are errors naming keyword and pointer", "[unit]") {
    CHECK_THAT(error_of(R"({"not":{"pattern":"^a"}})", braid::errc::unsupported), Catch::Contains("'not' at /"));
    CHECK_THAT(error_of(R"({"properties":{"a~b":{"type":"object","patternProperties":{"x":{"type":"string"},"y":{"type":"integer"}}}}})", braid::errc::unsupported),
               Catch::Contains("'patternProperties' at /properties/a~0b"));
    CHECK_THAT(error_of(R"({"type":"array","uniqueItems":true})", braid::errc::unsupported), Catch::Contains("'uniqueItems'"));
    CHECK_THAT(error_of(R"({"type":"integer","multipleOf":3})", braid::errc::unsupported), Catch::Contains("'multipleOf'"));
    CHECK_THAT(error_of(R"({"type":"string","pattern":"(a)\\1"})", braid::errc::unsupported), Catch::Contains("backreference"));
    CHECK_THAT(error_of(R"({"type":"intger"})", braid::errc::invalid_argument), Catch::Contains("intger"));
    CHECK_THAT(error_of(R"({"type":"string","minLength":"2"})", braid::errc::invalid_argument), Catch::Contains("minLength"));
}

TEST_CASE("[json_schema] not: complements of types, bounds, lengths, required and values", "[unit]") {
    check(R"({"not":{"type":"string"}})", {"1", "null", "{}", "[]", "true"}, {R"("a")", R"("")"});
    check(R"({"not":{"type":["object","array"]}})", {"1", R"("x")"}, {"{}", "[]"});
    check(R"({"type":"integer","not":{"minimum":5}})", {"4", "-1"}, {"5", "6"});
    check(R"({"type":"number","not":{"exclusiveMaximum":2.5}})", {"2.5", "3"}, {"2.4", "-1"});
    check(R"({"type":"string","not":{"maxLength":2}})", {R"("abc")"}, {R"("ab")", R"("")"});
    check(R"({"type":"array","not":{"minItems":2}})", {"[]", "[1]"}, {"[1,2]"});
    check(R"({"type":"object","properties":{"a":{"type":"integer"}},"not":{"required":["a"]}})",
          {"{}", R"({"b":1})"}, {R"({"a":1})", R"({"b":1,"a":2})"});
    check(R"({"type":"object","not":{"properties":{"a":{"type":"string"}}}})", {R"({"a":1})"},
          {"{}", R"({"a":"x"})", R"({"b":1})"});
    check(R"({"not":{"const":null}})", {"1", "false"}, {"null"});
    check(R"({"type":"boolean","not":{"enum":[true]}})", {"false"}, {"true"});
    check(R"({"type":"string","not":{"enum":["a","bc"]}})", {R"("b")", R"("ab")", R"("bcd")", R"("")"},
          {R"("a")", R"("bc")", R"("a")"});
    check(R"({"not":{"anyOf":[{"type":"string"},{"type":"null"}]}})", {"1", "[]"}, {R"("x")", "null"});
    check(R"({"type":["integer","string"],"not":{"allOf":[{"type":"integer"},{"minimum":3}]}})",
          {"2", R"("x")"}, {"3", "7"});
    check(R"({"not":{"not":{"type":"boolean"}}})", {"true"}, {"1", "null"});
    CHECK_THAT(error_of(R"({"not":true})", braid::errc::invalid_argument), Catch::Contains("accepts no value"));
    CHECK_THAT(error_of(R"({"not":{}})", braid::errc::invalid_argument), Catch::Contains("accepts no value"));
    // Beside an enum, every value is checked: forms without a grammar of their own work too.
    check(R"({"enum":[1,2,3,"x"],"not":{"enum":[2,"x"]}})", {"1", "3"}, {"2", R"("x")"});
    check(R"({"allOf":[{"enum":[2,3,4]},{"not":{"multipleOf":2}}]})", {"3"}, {"2", "4"});
    CHECK_THAT(error_of(R"({"properties":{"x":{"not":{"multipleOf":3}}}})", braid::errc::unsupported),
               Catch::Contains("'not' at /properties/x"));
    CHECK_THAT(error_of(R"({"type":"integer","not":{"const":3}})", braid::errc::unsupported), Catch::Contains("'not'"));
}

TEST_CASE("[json_schema] enum values are checked against every other keyword", "[unit]") {
    check(R"({"enum":[{"a1":1},{"b":"x"},{"a2":"s"},{"c":2}],"patternProperties":{"^a":{"type":"integer"}},
              "additionalProperties":{"type":"string"}})",
          {R"({"a1": 1})", R"({"b": "x"})"}, {R"({"a2": "s"})", R"({"c": 2})"});
    check(R"({"enum":[[1,2],[1,1],[3]],"uniqueItems":true,"minItems":2})", {"[1, 2]"}, {"[1, 1]", "[3]"});
    check(R"({"enum":[{"a":1},{"a":1,"b":2},{"b":2}],"dependentRequired":{"a":["b"]}})", {R"({"a": 1, "b": 2})", R"({"b": 2})"},
          {R"({"a": 1})"});
    check(R"({"enum":[1,5,"x"],"if":{"type":"integer"},"then":{"minimum":3}})", {"5", R"("x")"}, {"1"});
    check(R"({"enum":[3,4,5],"oneOf":[{"minimum":4},{"maximum":4}]})", {"3", "5"}, {"4"});
    // A value the check cannot decide (format) is left out: narrower, sound.
    check(R"({"enum":["a@b.c",1],"format":"email"})", {"1"}, {R"("a@b.c")"});
}

TEST_CASE("[json_schema] if/then/else as (if and then) or (not if and else)", "[unit]") {
    const char* schema = R"({"type":"object","properties":{"kind":{"enum":["a","b"]},"x":{"type":"integer"},
        "y":{"type":"string"}},"required":["kind"],"if":{"properties":{"kind":{"const":"a"}}},
        "then":{"required":["x"]},"else":{"required":["y"]}})";
    check(schema, {R"({"kind":"a","x":1})", R"({"kind":"b","y":"s"})", R"({"kind":"a","x":1,"y":"s"})"},
          {R"({"kind":"a"})", R"({"kind":"a","y":"s"})", R"({"kind":"b","x":1})", R"({"kind":"c","y":"s"})"});
    check(R"({"type":"integer","if":{"minimum":10},"then":{"maximum":20},"else":{"minimum":0}})",
          {"10", "20", "0", "9"}, {"21", "-1"});
    check(R"({"if":{"type":"string"},"then":{"maxLength":1}})", {R"("a")", "12"}, {R"("ab")"});
    CHECK_THAT(error_of(R"({"type":"string","if":{"pattern":"^a"},"then":{"maxLength":3}})", braid::errc::unsupported),
               Catch::Contains("'if' at /"));
}

TEST_CASE("[json_schema] dependentRequired, dependentSchemas and dependencies", "[unit]") {
    const char* props = R"("type":"object","properties":{"card":{"type":"string"},"address":{"type":"string"},
        "zip":{"type":"integer"}})";
    check(std::string("{") + props + R"(,"dependentRequired":{"card":["address"]}})",
          {"{}", R"({"address":"x"})", R"({"card":"1","address":"x"})", R"({"address":"x","card":"1"})"},
          {R"({"card":"1"})", R"({"card":"1","zip":2})"});
    check(std::string("{") + props + R"(,"dependencies":{"card":["address","zip"]}})",
          {R"({"card":"1","address":"x","zip":2})", R"({"zip":2})"}, {R"({"card":"1","address":"x"})"});
    check(std::string("{") + props + R"(,"dependentSchemas":{"card":{"properties":{"zip":{"minimum":10}},"required":["zip"]}}})",
          {R"({"card":"1","zip":10})", R"({"zip":1})"}, {R"({"card":"1","zip":9})", R"({"card":"1"})"});
    check(std::string("{") + props + R"(,"dependencies":{"card":{"required":["address"]},"zip":["card"]}})",
          {"{}", R"({"card":"1","address":"x"})", R"({"card":"1","address":"x","zip":1})"},
          {R"({"zip":1})", R"({"card":"1","zip":1})"});
    CHECK_THAT(error_of(R"({"dependentRequired":{"a":"b"}})", braid::errc::invalid_argument), Catch::Contains("dependentRequired"));
}

TEST_CASE("[json_schema] oneOf: discriminators, required sets and overlapping branches", "[unit]") {
    // Disjoint by a required property's constant.
    check(R"({"oneOf":[{"type":"object","properties":{"t":{"const":"a"},"x":{"type":"integer"}},"required":["t"]},
                       {"type":"object","properties":{"t":{"const":"b"},"y":{"type":"string"}},"required":["t"]}]})",
          {R"({"t":"a","x":1})", R"({"t":"b","y":"s"})"}, {R"({"t":"c"})", R"({"t":"a","x":"s"})"});
    // Overlapping required sets: exactly one of them.
    const char* shapes = R"({"type":"object","properties":{"length":{"type":"number"},"width":{"type":"number"},
        "radius":{"type":"number"}},"oneOf":[{"required":["length","width"]},{"required":["radius"]}]})";
    check(shapes, {R"({"length":1,"width":2})", R"({"radius":3})"},
          {"{}", R"({"length":1})", R"({"length":1,"width":2,"radius":3})"});
    // Three required sets over six properties: enforced by the property state machine.
    const char* three = R"({"type":"object","required":["shape"],"oneOf":[{"required":["radius"]},{"required":["length","width"]},
        {"required":["base","height"]}],"properties":{"shape":{"type":"string"},"radius":{"type":"number"},
        "length":{"type":"number"},"width":{"type":"number"},"base":{"type":"number"},"height":{"type":"number"}}})";
    check(three, {R"({"shape":"c","radius":1})", R"({"width":2,"shape":"r","length":1})", R"({"shape":"c","radius":1,"base":2})"},
          {R"({"shape":"c"})", R"({"shape":"c","radius":1,"length":1,"width":2})", R"({"radius":1})", "1"});
    JsonSchemaOptions in_order;
    in_order.property_order = braid::engine::JsonPropertyOrder::schema;
    CHECK_THAT(error_of(three, braid::errc::unsupported, in_order), Catch::Contains("'oneOf'"));
    // Non-integral numbers are left out of "not integer" (narrower, sound).
    check(R"({"oneOf":[{"type":"integer"},{"minimum":2}]})", {"1", "-3", R"("x")"}, {"2", "3"});
    CHECK_THAT(error_of(R"({"oneOf":[{"pattern":"^a"},{"pattern":"b$"}]})", braid::errc::unsupported), Catch::Contains("'oneOf'"));
}

TEST_CASE("[json_schema] ignore_unsupported drops keywords with a warning", "[unit]") {
    std::mutex m;
    std::vector<std::string> warnings;
    braid::set_log_sink(
        [&](braid::LogLevel level, std::string_view component, std::string_view message) {
            std::lock_guard lock(m);
            if (level == braid::LogLevel::warning && component == "json_schema") warnings.emplace_back(message);
        },
        braid::LogLevel::warning);
    JsonSchemaOptions o;
    o.ignore_unsupported = true;
    auto g = schema_grammar(R"({"type":"integer","not":{"const":3}})", o);
    braid::set_log_sink({});
    CHECK(g->accepts("3"));
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::Contains("'not'") && Catch::Contains("ignored"));
}

TEST_CASE("[json_schema] flexible whitespace", "[unit]") {
    JsonSchemaOptions o;
    o.whitespace = braid::engine::JsonWhitespace::flexible;
    check(R"({"type":"object","properties":{"a":{"type":"array"}}})", {"{ \"a\" :\n [ 1 ,\t2 ] }", "{}"},
          {" {}"}, o);
    check(R"({"type":"object","properties":{"a":{"type":"array"}}})", {R"({"a": [1, 2]})"}, {"{ \"a\": []}"});
}

TEST_CASE("[json_schema] compile limits turn huge schemas into errors", "[unit]") {
    JsonSchemaOptions o;
    o.max_grammar_bytes = 2000;
    Json schema{{"type", "object"}, {"properties", Json::object()}};
    for (int i = 0; i < 100; ++i) schema["properties"]["property_" + std::to_string(i)] = {{"type", "string"}};
    try {
        json_schema_to_gbnf(schema, o);
        FAIL("no error");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::unsupported);
        CHECK_THAT(e.what(), Catch::Contains("larger than 2000 bytes"));
    }
}

TEST_CASE("[json_schema] to_python_json writes what Python's json.dumps writes", "[unit]") {
    using braid::engine::to_python_json;
    CHECK(to_python_json(Json::parse(R"({"a":[1,2.5,null,true],"b":{}})")) == R"({"a": [1, 2.5, null, true], "b": {}})");
    CHECK(to_python_json(Json(1.0)) == "1.0");
    CHECK(to_python_json(Json(1e-05)) == "1e-05");
    CHECK(to_python_json(Json(0.0001)) == "0.0001");
    CHECK(to_python_json(Json(1e16)) == "1e+16");
    CHECK(to_python_json(Json(1e15)) == "1000000000000000.0");
    CHECK(to_python_json(Json(123456789.125)) == "123456789.125");
    CHECK(to_python_json(Json(-0.0)) == "-0.0");
    CHECK(to_python_json(Json(0.1)) == "0.1");
    CHECK(to_python_json(Json(1.5e300)) == "1.5e+300");
    CHECK(to_python_json(Json(2.5e-7)) == "2.5e-07");
    CHECK(to_python_json(Json(std::numeric_limits<double>::infinity())) == "Infinity");
    CHECK(to_python_json(Json(-12345678901234LL)) == "-12345678901234");
    CHECK(to_python_json(Json("q\"\\\n\r\t\b\f\x01\x1f\x7f")) == R"("q\"\\\n\r\t\b\f\u0001\u001f)" "\x7f\"");
    CHECK(to_python_json(Json("\xC3\xA9\xE2\x82\xAC/")) == "\"\xC3\xA9\xE2\x82\xAC/\"");
    CHECK(to_python_json(Json::array()) == "[]");
}
