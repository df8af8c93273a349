#include "helpers.hpp"

#include "braid/core/branch.hpp"
#include "braid/core/router.hpp"

using namespace core_test;
using braid::Value;

TEST_CASE("[branch] the first condition that holds chooses the runnable", "[unit]") {
    braid::Lambda neg([](const Value&) { return Value("negative"); }, "neg");
    braid::Lambda zero([](const Value&) { return Value("zero"); }, "zero");
    braid::Lambda pos([](const Value&) { return Value("positive"); }, "pos");
    braid::Branch sign({{[](const Value& v) { return v.get<int>() < 0; }, neg},
                        {braid::Lambda([](const Value& v) { return v.get<int>() == 0; }, "is_zero"), zero}},
                       pos);
    CHECK(sign.invoke(Value(-3)) == "negative");
    CHECK(sign.invoke(Value(0)) == "zero");
    CHECK(sign.invoke(Value(9)) == "positive");
    CHECK(sign.stream(Value(0)).collect() == std::vector<Value>{"zero"});

    SECTION("a condition that fails propagates its error") {
        CHECK(error_kind_of([&] { sign.invoke(Value("text")); }) == braid::errc::validation);
    }
    SECTION("bad construction") {
        CHECK(error_kind_of([&] { braid::Branch({}, pos); }) == braid::errc::invalid_argument);
        CHECK(error_kind_of([&] { braid::Branch({{[](const Value&) { return true; }, neg}}, braid::AnyRunnable()); }) ==
              braid::errc::invalid_argument);
    }
    SECTION("the chosen branch streams") {
        auto words = braid::Lambda<Value, Value>::generator([](Value, const braid::RunContext&) -> braid::Stream<Value> {
            co_yield Value("a");
            co_yield Value("b");
        });
        braid::Branch b({{[](const Value& v) { return v.is_string(); }, words}}, pos);
        CHECK(b.stream(Value("x")).collect() == std::vector<Value>{"a", "b"});
    }
}

TEST_CASE("[branch] Router chooses by a key of the input", "[unit]") {
    braid::Lambda math([](const Value& v) { return Value("math: " + v["q"].get<std::string>()); });
    braid::Lambda code([](const Value& v) { return Value("code: " + v["q"].get<std::string>()); });
    braid::Lambda general([](const Value&) { return Value("general"); });
    braid::Router router("topic", {{"math", math}, {"code", code}}, general);
    CHECK(router.invoke(Value{{"topic", "math"}, {"q", "1+1"}}) == "math: 1+1");
    CHECK(router.invoke(Value{{"topic", "code"}, {"q", "x"}}) == "code: x");
    CHECK(router.invoke(Value{{"topic", "art"}}) == "general");
    CHECK(router.invoke(Value{{"q", "no topic"}}) == "general");
    CHECK(router.name() == "Router(topic)");

    braid::Router strict("topic", {{"math", math}});
    CHECK(error_kind_of([&] { strict.invoke(Value{{"topic", "art"}}); }) == braid::errc::not_found);
    CHECK_THAT(error_message_of([&] { strict.invoke(Value{{"topic", "art"}}); }), Catch::Contains("'math'"));
    CHECK(error_kind_of([&] { strict.invoke(Value{{"q", 1}}); }) == braid::errc::not_found);
    CHECK(error_kind_of([&] { strict.invoke(Value("text")); }) == braid::errc::validation);
    CHECK(strict.stream(Value{{"topic", "math"}, {"q", "2"}}).collect() == std::vector<Value>{"math: 2"});
    CHECK(error_kind_of([&] { braid::Router("", {{"a", math}}); }) == braid::errc::invalid_argument);
    CHECK(error_kind_of([&] { braid::Router("k", {{"a", math}, {"a", code}}); }) == braid::errc::invalid_argument);
}
