#include "helpers.hpp"

#include <chrono>
#include <thread>

#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/core/pick.hpp"

using namespace core_test;
using braid::Value;

TEST_CASE("[parallel] branches run on the same input and gather an object", "[unit]") {
    braid::Lambda size([](const Value& v) { return Value(v["q"].get<std::string>().size()); }, "size");
    braid::Lambda typed([](const std::string& s) { return s + "?"; }, "typed");
    braid::Parallel map({{"a", braid::Passthrough()}, {"b", size}});
    CHECK(map.invoke(Value{{"q", "four"}}) == Value{{"a", {{"q", "four"}}}, {"b", 4}});
    CHECK(map.name() == "Parallel<a, b>");

    SECTION("typed branches convert") {
        braid::Parallel mixed({{"t", braid::AnyRunnable(typed)}, {"same", braid::Passthrough()}});
        CHECK(mixed.invoke(Value("x")) == Value{{"t", "x?"}, {"same", "x"}});
        CHECK(error_kind_of([&] { mixed.invoke(Value(1)); }) == braid::errc::validation);
    }
    SECTION("branches really run concurrently") {
        braid::Lambda slow([](const Value& v) {
            std::this_thread::sleep_for(std::chrono::milliseconds(60));
            return v;
        });
        braid::Parallel four({{"1", slow}, {"2", slow}, {"3", slow}, {"4", slow}});
        braid::RunConfig config;
        config.max_concurrency = 4;
        const auto start = std::chrono::steady_clock::now();
        CHECK(four.invoke(Value(1), config).size() == 4);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200));
    }
    SECTION("a failing branch: its error propagates") {
        braid::Lambda boom([](const Value&) -> Value { throw braid::Error(braid::errc::tool, "branch failed"); });
        braid::Parallel failing({{"ok", braid::Passthrough()}, {"bad", boom}});
        CHECK(error_message_of([&] { failing.invoke(Value(1)); }) == "branch failed");
        CHECK(error_kind_of([&] { failing.stream(Value(1)).collect(); }) == braid::errc::tool);
    }
    SECTION("bad construction") {
        CHECK(error_kind_of([] { braid::Parallel({}); }) == braid::errc::invalid_argument);
        CHECK(error_kind_of([] { braid::Parallel({{"a", braid::Passthrough()}, {"a", braid::Passthrough()}}); }) ==
              braid::errc::invalid_argument);
        CHECK(error_kind_of([] { braid::Parallel({{"", braid::Passthrough()}}); }) == braid::errc::invalid_argument);
        CHECK(error_kind_of([] { braid::Parallel({{"a", braid::AnyRunnable()}}); }) == braid::errc::invalid_argument);
    }
}

TEST_CASE("[parallel] streaming yields keyed chunks as branches produce them", "[unit]") {
    auto words = braid::Lambda<Value, Value>::generator([](Value v, const braid::RunContext&) -> braid::Stream<Value> {
        for (const Value& w : v["words"])
            co_yield w;
    });
    braid::Parallel map({{"w", words}, {"n", braid::Lambda([](const Value& v) { return Value(v["words"].size()); })}});
    const Value input = {{"words", {"a ", "b ", "c"}}};
    std::vector<Value> chunks = map.stream(input).collect();
    CHECK(chunks.size() == 4);
    Value total;
    for (const Value& c : chunks) {
        CHECK(c.size() == 1);
        total = braid::value_concat(std::move(total), c);
    }
    // Branches finish in any order: compare without key order.
    auto unordered = [](const Value& v) { return nlohmann::json::parse(v.dump()); };
    CHECK(unordered(total) == unordered(map.invoke(input)));
    CHECK(unordered(total) == unordered(Value{{"w", "a b c"}, {"n", 3}}));

    SECTION("dropping the stream early stops the branches") {
        auto endless = braid::Lambda<Value, Value>::generator([](Value, const braid::RunContext&) -> braid::Stream<Value> {
            for (;;)
                co_yield Value("x");
        });
        braid::Parallel two({{"a", endless}, {"b", endless}});
        auto s = two.stream(Value());
        CHECK(s.next().has_value());
        CHECK(s.next().has_value());
    } // destroying s must not hang

    SECTION("an endless branch does not starve the others when the pool is narrow") {
        auto endless = braid::Lambda<Value, Value>::generator([](Value, const braid::RunContext&) -> braid::Stream<Value> {
            for (;;)
                co_yield Value("x");
        });
        braid::Parallel two({{"endless", endless}, {"w", words}});
        braid::RunConfig narrow;
        narrow.max_concurrency = 1; // one pool worker: the pulling thread must take over the second branch
        auto s = two.stream(input, narrow);
        std::string w;
        for (int i = 0; i < 100000 && w != "a b c"; ++i) {
            auto chunk = s.next();
            REQUIRE(chunk.has_value());
            if (chunk->contains("w"))
                w += (*chunk)["w"].get<std::string>();
        }
        CHECK(w == "a b c");
    }
}

TEST_CASE("[parallel] Passthrough and assign", "[unit]") {
    braid::Lambda length([](const Value& v) { return Value(v["q"].get<std::string>().size()); });
    auto assign = braid::Passthrough::assign({{"len", length}});
    CHECK(assign.invoke(Value{{"q", "abc"}}) == Value{{"q", "abc"}, {"len", 3}});
    CHECK(braid::Passthrough().invoke(Value(5)) == Value(5));
    CHECK(braid::passthrough<int>().invoke(5) == 5);
    CHECK(error_kind_of([&] { assign.invoke(Value("text")); }) == braid::errc::validation);

    SECTION("streaming passes the input chunks first, then the computed keys") {
        auto chunks = assign.stream(Value{{"q", "hello"}}).collect();
        REQUIRE(chunks.size() == 2);
        CHECK(chunks[0] == Value{{"q", "hello"}});
        CHECK(chunks[1] == Value{{"len", 5}});
    }
}

TEST_CASE("[parallel] pick", "[unit]") {
    const Value input = {{"a", 1}, {"b", {{"c", 2}}}, {"d", 3}};
    CHECK(braid::pick("b").invoke(input) == Value{{"c", 2}});
    CHECK(braid::pick({"a", "d", "zz"}).invoke(input) == Value{{"a", 1}, {"d", 3}});
    CHECK(error_kind_of([&] { braid::pick("zz").invoke(input); }) == braid::errc::not_found);
    CHECK_THAT(error_message_of([&] { braid::pick("zz").invoke(input); }), Catch::Contains("a, b, d"));
    CHECK(error_kind_of([&] { braid::pick("a").invoke(Value(1)); }) == braid::errc::validation);
    CHECK(error_kind_of([] { braid::pick(""); }) == braid::errc::invalid_argument);
    CHECK(error_kind_of([] { braid::pick(std::vector<std::string>{}); }) == braid::errc::invalid_argument);

    SECTION("streaming picks from each chunk") {
        auto parts = braid::Lambda<Value, Value>::generator([](Value, const braid::RunContext&) -> braid::Stream<Value> {
            Value first = {{"answer", "Par"}, {"other", 1}};
            Value second = {{"other", 2}};
            Value third = {{"answer", "is"}};
            co_yield std::move(first);
            co_yield std::move(second);
            co_yield std::move(third);
        });
        CHECK((parts | braid::pick("answer")).stream(Value()).collect() == std::vector<Value>{"Par", "is"});
        CHECK(error_kind_of([&] { (parts | braid::pick("none")).stream(Value()).collect(); }) == braid::errc::not_found);
    }
}
