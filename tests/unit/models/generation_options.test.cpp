#include <functional>

#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/models/generation_options.hpp"
#include "unit/error_text.hpp"

using braid::GenerationOptions;
using braid::Value;

using braid_test::error_of;

TEST_CASE("[generation_options] JSON round trip", "[unit]") {
    GenerationOptions o;
    CHECK(Value(o) == Value::object());
    o.temperature = 0.25;
    o.top_p = 0.9;
    o.top_k = 40;
    o.min_p = 0.05;
    o.typical_p = 1.0;
    o.repeat_penalty = 1.1;
    o.frequency_penalty = -0.5;
    o.presence_penalty = 0.5;
    o.max_tokens = 128;
    o.seed = 42;
    o.stop = {"\n\n", "User:"};
    o.tools = Value::parse(R"([{"type":"function","function":{"name":"f","parameters":{}}}])");
    o.tool_choice = "auto";
    o.response_format = {{"type", "json_object"}};
    o.extra = {{"mirostat", 2}};
    const Value j = o;
    CHECK(j["max_tokens"] == 128);
    CHECK(j.get<GenerationOptions>() == o);
    CHECK(Value::parse(j.dump()).get<GenerationOptions>() == o);
    CHECK(Value::parse(R"({"stop":"END","temperature":null})").get<GenerationOptions>().stop ==
          std::vector<std::string>{"END"});
}

TEST_CASE("[generation_options] merging", "[unit]") {
    GenerationOptions base;
    base.temperature = 0.7;
    base.max_tokens = 100;
    base.stop = {"a"};
    base.extra = {{"x", 1}, {"y", 2}};
    GenerationOptions call;
    call.temperature = 0.0;
    call.seed = 7;
    call.extra = {{"y", 3}};
    const GenerationOptions m = base.merged(call);
    CHECK(m.temperature == 0.0);
    CHECK(m.max_tokens == 100);
    CHECK(m.seed == 7u);
    CHECK(m.stop == std::vector<std::string>{"a"});
    CHECK(m.extra == Value{{"x", 1}, {"y", 3}});
    CHECK(base.merged(GenerationOptions{}) == base);
}

TEST_CASE("[generation_options] bad input names the key", "[unit]") {
    auto read = [](const char* text) { return error_of([&] { (void)Value::parse(text).get<GenerationOptions>(); }); };
    CHECK(read("[]") == "invalid_argument: generation options must be a JSON object, got array");
    CHECK(read(R"({"temprature":1})") == "invalid_argument: generation options: unknown key \"temprature\"");
    CHECK(read(R"({"temperature":"hot"})") ==
          "invalid_argument: generation options: \"temperature\" must be a number, got string");
    CHECK(read(R"({"temperature":-1})").find("\"temperature\" must be in [0, inf), got -1") != std::string::npos);
    CHECK(read(R"({"top_p":0})").find("\"top_p\" must be in (0, 1], got 0") != std::string::npos);
    CHECK(read(R"({"top_p":1.5})").find("\"top_p\"") != std::string::npos);
    CHECK(read(R"({"top_k":-2})").find("\"top_k\" must be >= 0") != std::string::npos);
    CHECK(read(R"({"top_k":1.5})").find("\"top_k\" must be an integer") != std::string::npos);
    CHECK(read(R"({"max_tokens":0})").find("\"max_tokens\" must be > 0") != std::string::npos);
    CHECK(read(R"({"max_tokens":18446744073709551615})").find("too large") != std::string::npos);
    CHECK(read(R"({"seed":-1})").find("\"seed\" must be >= 0") != std::string::npos);
    CHECK(read(R"({"stop":[1]})").find("\"stop\"") != std::string::npos);
    CHECK(read(R"({"stop":[""]})").find("\"stop\" item 0 is empty") != std::string::npos);
    CHECK(read(R"({"tools":{}})").find("\"tools\" must be an array") != std::string::npos);
    CHECK(read(R"({"tools":[1]})").find("\"tools\" item 0") != std::string::npos);
    CHECK(read(R"({"tool_choice":1})").find("\"tool_choice\"") != std::string::npos);
    CHECK(read(R"({"response_format":"json"})").find("\"response_format\"") != std::string::npos);
    CHECK(read(R"({"extra":[]})").find("\"extra\"") != std::string::npos);
    GenerationOptions nan;
    nan.temperature = std::nan("");
    CHECK(error_of([&] { nan.validate(); }).find("temperature") != std::string::npos);
}
