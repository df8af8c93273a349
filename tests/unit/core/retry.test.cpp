#include "helpers.hpp"

#include <atomic>
#include <chrono>

using namespace core_test;
using braid::Value;

TEST_CASE("[retry] retries until success or attempts run out", "[unit]") {
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto flaky_after = [calls](int failures) {
        return braid::Lambda<Value, Value>(
            [calls, failures](const Value& v) {
                if (calls->fetch_add(1) < failures)
                    throw braid::Error(braid::errc::device, "transient");
                return v;
            },
            "flaky");
    };
    SECTION("succeeds on the third attempt") {
        auto r = flaky_after(2).with_retry(3, braid::Backoff::none());
        CHECK(r.invoke(Value(1)) == Value(1));
        CHECK(calls->load() == 3);
    }
    SECTION("exhausted: the last error propagates") {
        auto r = flaky_after(5).with_retry(3, braid::Backoff::none());
        CHECK(error_kind_of([&] { r.invoke(Value(1)); }) == braid::errc::device);
        CHECK(calls->load() == 3);
    }
    SECTION("only the accepted kinds are retried") {
        auto r = flaky_after(1).with_retry(3, braid::Backoff::none(), braid::errors_of_kind({braid::errc::parse}));
        CHECK(error_kind_of([&] { r.invoke(Value(1)); }) == braid::errc::device);
        CHECK(calls->load() == 1);
    }
    SECTION("backoff waits between attempts") {
        braid::Backoff backoff{std::chrono::milliseconds(20), 2.0, std::chrono::milliseconds(100), false};
        CHECK(braid::detail::retry_delay(backoff, 2) == std::chrono::milliseconds(20));
        CHECK(braid::detail::retry_delay(backoff, 3) == std::chrono::milliseconds(40));
        CHECK(braid::detail::retry_delay(backoff, 10) == std::chrono::milliseconds(100));
        const auto start = std::chrono::steady_clock::now();
        CHECK(flaky_after(2).with_retry(3, backoff).invoke(Value(1)) == Value(1));
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(60));
    }
    SECTION("a deadline cuts the backoff short") {
        braid::Backoff long_wait{std::chrono::milliseconds(5000), 1.0, std::chrono::milliseconds(5000), false};
        braid::RunConfig config;
        config.set_timeout(std::chrono::milliseconds(30));
        const auto start = std::chrono::steady_clock::now();
        CHECK(error_kind_of([&] { flaky_after(5).with_retry(3, long_wait).invoke(Value(1), config); }) ==
              braid::errc::timeout);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }
    SECTION("cancellation is not retried") {
        braid::RunConfig config;
        config.cancellation = braid::CancellationToken();
        braid::Lambda cancels([config](const Value& v) {
            config.cancellation.cancel();
            return v;
        });
        auto r = (cancels | flaky_after(0)).with_retry(3, braid::Backoff::none());
        CHECK(error_kind_of([&] { r.invoke(Value(1), config); }) == braid::errc::cancelled);
    }
    SECTION("streaming retries until the first chunk") {
        auto attempts = std::make_shared<std::atomic<int>>(0);
        auto gen = braid::Lambda<Value, Value>::generator([attempts](Value, const braid::RunContext&) -> braid::Stream<Value> {
            const int attempt = attempts->fetch_add(1);
            if (attempt == 0)
                throw braid::Error(braid::errc::device, "before any chunk");
            co_yield Value("a");
            if (attempt == 1)
                throw braid::Error(braid::errc::device, "after a chunk");
            co_yield Value("b");
        });
        auto r = gen.with_retry(5, braid::Backoff::none());
        auto s = r.stream(Value());
        CHECK(s.next() == Value("a"));
        CHECK(error_kind_of([&] { s.next(); }) == braid::errc::device);
        CHECK(attempts->load() == 2);
        CHECK(r.stream(Value()).collect() == std::vector<Value>{"a", "b"});
    }
    SECTION("bad policies") {
        CHECK(error_kind_of([&] { flaky_after(0).with_retry(0); }) == braid::errc::invalid_argument);
        CHECK(error_kind_of([&] { flaky_after(0).with_retry(2, braid::Backoff{std::chrono::milliseconds(1), 0.5}); }) ==
              braid::errc::invalid_argument);
    }
}

TEST_CASE("[fallbacks] the next runnable runs when one fails", "[unit]") {
    braid::Lambda broken([](const Value&) -> Value { throw braid::Error(braid::errc::device, "primary down"); }, "primary");
    braid::Lambda parse_fail([](const Value&) -> Value { throw braid::Error(braid::errc::parse, "bad output"); }, "second");
    braid::Lambda backup([](const Value& v) { return Value("backup: " + v.dump()); }, "backup");

    CHECK(broken.with_fallbacks({backup}).invoke(Value(1)) == "backup: 1");
    CHECK(broken.with_fallbacks({parse_fail, backup}).invoke(Value(1)) == "backup: 1");
    SECTION("all fail: the primary's error propagates") {
        CHECK(error_message_of([&] { broken.with_fallbacks({parse_fail}).invoke(Value(1)); }) == "primary down");
    }
    SECTION("only for some error kinds") {
        auto only_parse = broken.with_fallbacks({backup}, std::vector<braid::errc>{braid::errc::parse});
        CHECK(error_kind_of([&] { only_parse.invoke(Value(1)); }) == braid::errc::device);
        auto only_device = broken.with_fallbacks({backup}, std::vector<braid::errc>{braid::errc::device});
        CHECK(only_device.invoke(Value(1)) == "backup: 1");
    }
    SECTION("streaming falls back before the first chunk") {
        CHECK(broken.with_fallbacks({backup}).stream(Value(2)).collect() == std::vector<Value>{"backup: 2"});
    }
    SECTION("bad construction") {
        CHECK(error_kind_of([&] { broken.with_fallbacks({}); }) == braid::errc::invalid_argument);
        CHECK(error_kind_of([&] { broken.with_fallbacks({braid::AnyRunnable()}); }) == braid::errc::invalid_argument);
    }
}
