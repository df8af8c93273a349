#include "helpers.hpp"

#include <thread>

#include "braid/core/passthrough.hpp"

using namespace core_test;

namespace core_test {
struct Opaque { // no operator+, no ChunkConcat: chunks cannot combine
    int v;
};
} // namespace core_test

TEST_CASE("[stream] Stream generator basics", "[unit]") {
    SECTION("of / single / collect / range-for") {
        CHECK(braid::Stream<int>::of({1, 2, 3}).collect() == std::vector<int>{1, 2, 3});
        CHECK(braid::Stream<int>::single(7).collect() == std::vector<int>{7});
        CHECK(braid::Stream<int>().collect().empty());
        int sum = 0;
        for (int& v : braid::Stream<int>::of({4, 5}))
            sum += v;
        CHECK(sum == 9);
    }
    SECTION("an exception inside the producer comes out of next(), then the stream is over") {
        auto failing = []() -> braid::Stream<int> {
            co_yield 1;
            throw braid::Error(braid::errc::parse, "bad chunk");
        }();
        CHECK(failing.next() == 1);
        CHECK(error_kind_of([&] { failing.next(); }) == braid::errc::parse);
        CHECK_FALSE(failing.next().has_value());
    }
    SECTION("dropping a stream early destroys the producer's locals") {
        auto alive = std::make_shared<int>(0);
        std::weak_ptr<int> watch = alive;
        {
            auto s = [](std::shared_ptr<int> held) -> braid::Stream<int> {
                for (int i = 0;; ++i)
                    co_yield i + *held;
            }(std::move(alive));
            CHECK(s.next() == 0);
            CHECK_FALSE(watch.expired());
        }
        CHECK(watch.expired());
    }
}

TEST_CASE("[stream] chunks flow through every step that can transform", "[unit]") {
    auto model = word_model();
    auto parser = upper_parser();
    auto chain = model | parser;

    SECTION("model | parser streams word by word") {
        CHECK(chain.stream("the sky is blue").collect() ==
              std::vector<std::string>{"THE ", "SKY ", "IS ", "BLUE"});
        CHECK(chain.invoke("the sky is blue") == "THE SKY IS BLUE");
    }
    SECTION("chunks arrive lazily: the first is available before the model has finished") {
        std::atomic<int> produced{0};
        auto counting = braid::Lambda<std::string, std::string>::generator(
            [&produced](std::string, const braid::RunContext&) -> braid::Stream<std::string> {
                for (int i = 0; i < 5; ++i) {
                    ++produced;
                    co_yield std::to_string(i);
                }
            });
        auto s = (counting | parser).stream("x");
        CHECK(s.next() == "0");
        CHECK(produced.load() == 1);
        CHECK(s.next() == "1");
        CHECK(produced.load() == 2);
    }
    SECTION("a step that cannot stream buffers, using the chunk combination") {
        braid::Lambda length([](const std::string& s) { return std::to_string(s.size()); }, "length");
        CHECK((model | length).stream("ab cd ef").collect() == std::vector<std::string>{"8"});
        auto after = model | length | parser;
        CHECK(after.stream("ab cd").collect() == std::vector<std::string>{"5"});
    }
    SECTION("the callback form") {
        std::vector<std::string> seen;
        chain.stream("a b", [&seen](const std::string& c) { seen.push_back(c); });
        CHECK(seen == std::vector<std::string>{"A ", "B"});
    }
    SECTION("Value chunks flow through a Passthrough and combine with value_concat") {
        auto objects = braid::Lambda<braid::Value, braid::Value>::generator(
            [](braid::Value, const braid::RunContext&) -> braid::Stream<braid::Value> {
                // (GCC 12 mishandles braced JSON temporaries inside co_yield: build them first.)
                braid::Value first = {{"text", "Hel"}};
                braid::Value second = {{"text", "lo"}, {"done", true}};
                co_yield std::move(first);
                co_yield std::move(second);
            });
        auto passed = objects | braid::Passthrough();
        CHECK(passed.stream(braid::Value()).collect().size() == 2);
        CHECK(passed.invoke(braid::Value()) == braid::Value{{"text", "Hello"}, {"done", true}});
    }
    SECTION("chunks of a type that cannot combine fail only when several reach a buffering step") {
        auto two = braid::Lambda<int, Opaque>::generator([](int, const braid::RunContext&) -> braid::Stream<Opaque> {
            co_yield Opaque{1};
            co_yield Opaque{2};
        });
        braid::Lambda read([](const Opaque& o) { return o.v; });
        CHECK(error_kind_of([&] { (two | read).stream(0).collect(); }) == braid::errc::unsupported);
        auto one = braid::Lambda<int, Opaque>::generator(
            [](int, const braid::RunContext&) -> braid::Stream<Opaque> { co_yield Opaque{5}; });
        CHECK((one | read).invoke(0) == 5);
    }
}

TEST_CASE("[stream] errors, cancellation and deadlines inside streams", "[unit]") {
    SECTION("a step that throws mid-stream: earlier chunks arrive, then the error") {
        auto flaky = braid::Lambda<std::string, std::string>::generator(
            [](std::string, const braid::RunContext&) -> braid::Stream<std::string> {
                co_yield "one";
                throw braid::Error(braid::errc::device, "lost the device");
            });
        auto s = (flaky | upper_parser()).stream("x");
        CHECK(s.next() == "ONE");
        CHECK(error_kind_of([&] { s.next(); }) == braid::errc::device);
    }
    SECTION("cancellation between chunks") {
        braid::RunConfig config;
        config.cancellation = braid::CancellationToken();
        auto endless = braid::Lambda<std::string, std::string>::generator(
            [](std::string, const braid::RunContext&) -> braid::Stream<std::string> {
                for (;;)
                    co_yield "tick";
            });
        auto s = (endless | upper_parser()).stream("x", config);
        CHECK(s.next() == "TICK");
        CHECK(s.next() == "TICK");
        config.cancellation.cancel();
        CHECK(error_kind_of([&] { s.next(); }) == braid::errc::cancelled);
    }
    SECTION("a deadline stops an endless stream") {
        braid::RunConfig config;
        config.set_timeout(std::chrono::milliseconds(20));
        auto slow = braid::Lambda<std::string, std::string>::generator(
            [](std::string, const braid::RunContext&) -> braid::Stream<std::string> {
                for (;;) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    co_yield "tick";
                }
            });
        const auto start = braid::RunClock::now();
        CHECK(error_kind_of([&] { slow.stream("x", config).collect(); }) == braid::errc::timeout);
        CHECK(braid::RunClock::now() - start < std::chrono::seconds(2));
    }
}
