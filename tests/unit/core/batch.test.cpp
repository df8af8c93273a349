#include "helpers.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include "braid/core/parallel.hpp"

using namespace core_test;
using braid::Value;

TEST_CASE("[batch] outputs in input order, bounded concurrency", "[unit]") {
    auto active = std::make_shared<std::atomic<int>>(0);
    auto peak = std::make_shared<std::atomic<int>>(0);
    braid::Lambda work([active, peak](const int& n) {
        const int now = ++*active;
        int seen = peak->load();
        while (now > seen && !peak->compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        --*active;
        return n * n;
    });
    std::vector<int> inputs;
    for (int i = 0; i < 40; ++i)
        inputs.push_back(i);
    braid::RunConfig config;
    config.max_concurrency = 3;
    const std::vector<int> out = work.batch(inputs, config);
    REQUIRE(out.size() == 40);
    for (int i = 0; i < 40; ++i)
        CHECK(out[static_cast<std::size_t>(i)] == i * i);
    CHECK(peak->load() <= 3);
    CHECK(peak->load() >= 2);
    CHECK(work.batch({}).empty());
}

TEST_CASE("[batch] errors: batch throws the first, batch_results reports each", "[unit]") {
    braid::Lambda odd_fails([](const int& n) {
        if (n % 2)
            throw braid::Error(braid::errc::tool, "odd " + std::to_string(n));
        return n;
    });
    CHECK(error_kind_of([&] { odd_fails.batch({0, 1, 2, 3}); }) == braid::errc::tool);
    const auto results = odd_fails.batch_results({0, 1, 2, 3});
    REQUIRE(results.size() == 4);
    CHECK(results[0].ok());
    CHECK(results[0].value() == 0);
    CHECK_FALSE(results[1].ok());
    CHECK(results[1].error_kind() == braid::errc::tool);
    CHECK(results[1].error_message() == "odd 1");
    CHECK(error_kind_of([&] { (void)results[3].value(); }) == braid::errc::tool);
    CHECK(results[2].value() == 2);
}

TEST_CASE("[batch] nested batch inside parallel inside batch does not deadlock", "[unit]") {
    braid::Lambda leaf([](const int& n) { return n + 1; });
    braid::Lambda inner([leaf](const Value& v) {
        std::vector<int> xs(20, v.get<int>());
        int sum = 0;
        for (int x : leaf.batch(xs))
            sum += x;
        return Value(sum);
    });
    braid::Parallel map({{"a", inner}, {"b", inner}, {"c", inner}});
    braid::Lambda outer([map](const int& n) { return map.invoke(Value(n))["a"].get<int>(); });
    std::vector<int> inputs(64);
    for (int i = 0; i < 64; ++i)
        inputs[static_cast<std::size_t>(i)] = i;
    braid::RunConfig config;
    config.max_concurrency = 16;
    const std::vector<int> out = outer.batch(inputs, config);
    for (int i = 0; i < 64; ++i)
        CHECK(out[static_cast<std::size_t>(i)] == 20 * (i + 1));
}

TEST_CASE("[batch] one chain from 16 threads x 2000 invocations gives identical results", "[unit][concurrency]") {
    braid::Lambda parse([](const Value& v) { return v["q"].get<std::string>(); }, "parse");
    braid::Lambda shout([](const std::string& s) { return s + "!"; }, "shout");
    braid::Lambda wrap([](const std::string& s) { return Value{{"answer", s}}; }, "wrap");
    auto chain = (parse | shout | wrap).bind({{"temperature", 0}});
    const Value expected = chain.invoke(Value{{"q", "hi"}});
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&chain, &expected, &mismatches, t] {
            for (int i = 0; i < 2000; ++i) {
                if (chain.invoke(Value{{"q", "hi"}}) != expected)
                    ++mismatches;
                if (i % 500 == t % 500 && chain.stream(Value{{"q", "hi"}}).collect().front() != expected)
                    ++mismatches;
            }
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    CHECK(mismatches.load() == 0);
}
