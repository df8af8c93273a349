#include <catch2/catch.hpp>

#include <cctype>
#include <string>

#include "braid/core/lambda.hpp"
#include "braid/core/runnable.hpp"
#include "helpers.hpp"

// Step types live in a named namespace: GCC 12 warns (-Wsubobject-linkage) when a coroutine frame is
// instantiated for a type from an anonymous namespace.
namespace core_test {

struct Point {
    int x = 0;
    int y = 0;
};
void to_json(braid::Value& v, const Point& p) { v = {{"x", p.x}, {"y", p.y}}; }
void from_json(const braid::Value& v, Point& p) {
    v.at("x").get_to(p.x);
    v.at("y").get_to(p.y);
}

// A custom step through the extension point: upper-cases text, streaming chunk by chunk.
class Upper final : public braid::RunnableImpl<std::string, std::string> {
public:
    std::string invoke(const std::string& text, const braid::RunContext&) const override {
        std::string out = text;
        for (char& c : out)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return out;
    }
    braid::Stream<std::string> transform(braid::Stream<std::string> input, const braid::RunContext& ctx) const override {
        for (std::string& chunk : input)
            co_yield invoke(chunk, ctx);
    }
    braid::StreamMode stream_mode() const override { return braid::StreamMode::transform; }
    std::string name() const override { return "Upper"; }
};


} // namespace core_test

using namespace core_test;

TEST_CASE("[runnable] lambda and typed sequence", "[unit]") {
    braid::Lambda length([](const std::string& s) { return static_cast<int>(s.size()); }, "length");
    braid::Lambda twice([](const int& n) { return n * 2; });
    braid::Runnable<std::string, int> chain = length | twice;
    CHECK(chain.invoke("abcd") == 8);
    CHECK(length.name() == "length");
    CHECK(twice.name() == "Lambda");

    SECTION("a callable on the right becomes a Lambda") {
        auto more = chain | [](const int& n) { return std::to_string(n) + "!"; };
        static_assert(std::is_same_v<decltype(more), braid::Runnable<std::string, std::string>>);
        CHECK(more.invoke("abc") == "6!");
    }
    SECTION("a lambda taking the context can start nested runs") {
        braid::Lambda outer([twice](const int& n, const braid::RunContext& ctx) { return ctx.invoke(twice, n) + 1; });
        CHECK(outer.invoke(5) == 11);
    }
    SECTION("a custom RunnableImpl through make_runnable") {
        braid::Runnable<std::string, std::string> upper = braid::make_runnable(std::make_shared<Upper>());
        CHECK(upper.invoke("hello") == "HELLO");
        CHECK((upper | length).invoke("hey") == 3);
        auto made = braid::make_runnable<Upper>();
        CHECK(made.invoke("x") == "X");
    }
}

TEST_CASE("[runnable] typed and Value steps convert through to_json / from_json", "[unit]") {
    braid::Lambda make_point([](const int& n) { return Point{n, n + 1}; });
    braid::Lambda dynamic([](const braid::Value& v) { return braid::Value(v["x"].get<int>() + v["y"].get<int>()); });
    braid::Lambda shift([](const braid::Value& v) { return braid::Value{{"x", v["x"].get<int>() + 10}, {"y", 0}}; });
    braid::Lambda norm([](const Point& p) { return p.x * p.x + p.y * p.y; }, "norm");

    SECTION("typed output into a Value step") {
        braid::Runnable<int, braid::Value> chain = make_point | dynamic;
        CHECK(chain.invoke(3) == braid::Value(7));
    }
    SECTION("Value output into a typed step") {
        braid::Runnable<braid::Value, int> chain = shift | norm;
        CHECK(chain.invoke(braid::Value{{"x", 2}}) == 144);
    }
    SECTION("a Value of the wrong shape names the step") {
        braid::Lambda bad([](const braid::Value&) { return braid::Value{{"x", "not a number"}}; });
        auto chain = bad | norm;
        try {
            chain.invoke(braid::Value());
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::validation);
            CHECK_THAT(e.what(), Catch::Contains("norm"));
        }
    }
    SECTION("a Value lambda that misreads its input fails with validation naming it") {
        braid::Lambda reader([](const braid::Value& v) { return braid::Value(v.at("missing").get<int>()); }, "reader");
        try {
            reader.invoke(braid::Value{{"present", 1}});
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::validation);
            CHECK_THAT(e.what(), Catch::Contains("reader"));
        }
        braid::AnyRunnable any = braid::Lambda([](const braid::Value& v) { return v; }) | reader;
        CHECK(error_kind_of([&] { any.invoke(braid::Value("string")); }) == braid::errc::validation);
    }
    SECTION("typed runnables convert to AnyRunnable") {
        braid::AnyRunnable any = norm;
        CHECK(any.invoke(braid::Value{{"x", 3}, {"y", 4}}) == braid::Value(25));
        CHECK(any.name() == "norm");
        CHECK(error_kind_of([&] { any.invoke(braid::Value(1)); }) == braid::errc::validation);
    }
}

TEST_CASE("[runnable] empty handles and bad configs are errors", "[unit]") {
    braid::AnyRunnable empty;
    CHECK_FALSE(empty);
    CHECK(error_kind_of([&] { empty.invoke(braid::Value()); }) == braid::errc::invalid_argument);
    CHECK(error_kind_of([&] { empty.stream(braid::Value()); }) == braid::errc::invalid_argument);
    CHECK(error_kind_of([&] { (void)(empty | empty); }) == braid::errc::invalid_argument);
    CHECK(error_kind_of([&] { braid::AnyRunnable(std::shared_ptr<const braid::RunnableImpl<braid::Value, braid::Value>>()); }) ==
          braid::errc::invalid_argument);

    braid::Lambda id([](const braid::Value& v) { return v; });
    braid::RunConfig config;
    config.max_concurrency = 0;
    CHECK(error_kind_of([&] { id.invoke(1, config); }) == braid::errc::invalid_argument);
    config = {};
    config.metadata = 3;
    CHECK(error_kind_of([&] { id.invoke(1, config); }) == braid::errc::invalid_argument);
    config = {};
    config.callbacks.push_back(nullptr);
    CHECK(error_kind_of([&] { id.invoke(1, config); }) == braid::errc::invalid_argument);
    config = {};
    CHECK(error_kind_of([&] { config.cancellation.cancel(); }) == braid::errc::invalid_argument);
}
