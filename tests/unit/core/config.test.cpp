#include "helpers.hpp"

#include <thread>

using namespace core_test;
using braid::Value;

TEST_CASE("[config] cancellation and deadlines are checked between steps", "[unit]") {
    braid::RunConfig config;
    config.cancellation = braid::CancellationToken();
    auto steps = std::make_shared<std::atomic<int>>(0);
    braid::Lambda count([steps](const Value& v) {
        ++*steps;
        return v;
    });
    braid::Lambda cancel_now([config](const Value& v) {
        config.cancellation.cancel();
        return v;
    });
    auto chain = count | cancel_now | count;
    CHECK(error_kind_of([&] { chain.invoke(Value(1), config); }) == braid::errc::cancelled);
    CHECK(steps->load() == 1);
    CHECK(config.cancellation.cancelled());
    CHECK(error_kind_of([&] { count.invoke(Value(1), config); }) == braid::errc::cancelled);

    SECTION("a deadline in the past") {
        braid::RunConfig late;
        late.deadline = braid::RunClock::now() - std::chrono::milliseconds(1);
        CHECK(error_kind_of([&] { count.invoke(Value(1), late); }) == braid::errc::timeout);
    }
    SECTION("a deadline passing during a chain") {
        braid::RunConfig timed;
        timed.set_timeout(std::chrono::milliseconds(30));
        braid::Lambda slow([](const Value& v) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            return v;
        });
        const int before = steps->load();
        CHECK_THAT(error_message_of([&] { (slow | count).invoke(Value(1), timed); }), Catch::Contains("deadline"));
        CHECK(steps->load() == before);
    }
    SECTION("a step can check inside a long loop") {
        braid::RunConfig cancelled;
        cancelled.cancellation = braid::CancellationToken();
        cancelled.cancellation.cancel();
        braid::Lambda loop([](const Value& v, const braid::RunContext& ctx) {
            ctx.check();
            return v;
        });
        CHECK(error_kind_of([&] { loop.invoke(Value(1), cancelled); }) == braid::errc::cancelled);
    }
}

TEST_CASE("[config] recursion limit", "[unit]") {
    // A step that invokes itself through the context: stopped by the limit, not by the stack.
    auto self = std::make_shared<braid::AnyRunnable>();
    *self = braid::Lambda([weak = std::weak_ptr<braid::AnyRunnable>(self)](const Value& v, const braid::RunContext& ctx) {
        return ctx.invoke(*weak.lock(), Value(v.get<int>() + 1));
    }, "recurse");
    CHECK_THAT(error_message_of([&] { self->invoke(Value(0)); }), Catch::Contains("recursion limit of 25"));
    braid::RunConfig config;
    config.recursion_limit = 5;
    CHECK(error_kind_of([&] { self->invoke(Value(0), config); }) == braid::errc::invalid_argument);

    braid::Lambda depth([](const Value&, const braid::RunContext& ctx) { return Value(ctx.depth()); });
    CHECK(depth.invoke(Value()) == Value(1));
    braid::Lambda wrap([depth](const Value& v, const braid::RunContext& ctx) { return ctx.invoke(depth, v); });
    CHECK(wrap.invoke(Value()) == Value(2));
    config.recursion_limit = 1;
    CHECK(error_kind_of([&] { wrap.invoke(Value(), config); }) == braid::errc::invalid_argument);
}

TEST_CASE("[config] bind and with_config", "[unit]") {
    braid::Lambda model([](const Value&, const braid::RunContext& ctx) { return ctx.configurable(); }, "model");
    CHECK(model.invoke(Value()) == Value::object());
    auto bound = model.bind({{"temperature", 0}, {"stop", {"\n"}}});
    CHECK(bound.invoke(Value()) == Value{{"temperature", 0}, {"stop", {"\n"}}});
    CHECK(bound.name() == "model");

    braid::RunConfig config;
    config.configurable = {{"temperature", 1}, {"user", "ann"}};
    CHECK(bound.invoke(Value(), config) == Value{{"temperature", 0}, {"user", "ann"}, {"stop", {"\n"}}});
    CHECK(model.bind({{"temperature", 0.5}}).bind({{"temperature", 0.7}}).invoke(Value())["temperature"] == 0.5);
    CHECK(bound.stream(Value()).collect() == std::vector<Value>{bound.invoke(Value())});
    CHECK(error_kind_of([&] { model.bind(Value(3)); }) == braid::errc::invalid_argument);

    SECTION("with_config merges tags, metadata, configurable and names the run") {
        braid::Lambda seen([](const Value&, const braid::RunContext& ctx) {
            return Value{{"tags", ctx.config().tags}, {"metadata", ctx.config().metadata}, {"conf", ctx.configurable()}};
        });
        braid::RunConfig overlay;
        overlay.tags = {"inner"};
        overlay.metadata = {{"m", 1}};
        overlay.configurable = {{"k", "v"}};
        braid::RunConfig outer;
        outer.tags = {"outer", "inner"};
        const Value out = seen.with_config(overlay).bind({{"b", 2}}).invoke(Value(), outer);
        CHECK(out["tags"] == Value{"outer", "inner"});
        CHECK(out["metadata"] == Value{{"m", 1}});
        CHECK(out["conf"] == Value{{"b", 2}, {"k", "v"}}); // bind is applied outside with_config

        braid::RunConfig timeout;
        timeout.deadline = braid::RunClock::now() - std::chrono::seconds(1);
        CHECK(error_kind_of([&] { seen.with_config(timeout).invoke(Value()); }) == braid::errc::timeout);
    }
    SECTION("merge_configs keeps both cancellation tokens") {
        braid::RunConfig base, overlay;
        base.cancellation = braid::CancellationToken();
        overlay.cancellation = braid::CancellationToken();
        const braid::RunConfig merged = braid::merge_configs(base, overlay);
        CHECK_FALSE(merged.cancellation.cancelled());
        base.cancellation.cancel();
        CHECK(merged.cancellation.cancelled());
        const braid::RunConfig other = braid::merge_configs(braid::RunConfig{}, overlay);
        overlay.cancellation.cancel();
        CHECK(other.cancellation.cancelled());
    }
}

TEST_CASE("[config] value_concat rules", "[unit]") {
    CHECK(braid::value_concat(Value(), Value("a")) == "a");
    CHECK(braid::value_concat(Value("a"), Value()) == "a");
    CHECK(braid::value_concat(Value("ab"), Value("cd")) == "abcd");
    CHECK(braid::value_concat(Value{1}, Value{2, 3}) == Value{1, 2, 3});
    CHECK(braid::value_concat(Value{{"a", "x"}, {"n", 1}}, Value{{"a", "y"}, {"n", 2}, {"b", true}}) ==
          Value{{"a", "xy"}, {"n", 2}, {"b", true}});
    CHECK(braid::value_concat(Value(1), Value("s")) == "s");
    CHECK(braid::ChunkConcat<std::string>::concat("ab", "c") == "abc");
}
