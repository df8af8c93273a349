#include "helpers.hpp"

#include <map>
#include <mutex>

#include "braid/core/parallel.hpp"

using namespace core_test;

namespace core_test {

/// Records every callback (thread-safe).
class Recorder final : public braid::CallbackHandler {
public:
    struct Entry {
        std::string kind;
        std::string name;
        braid::RunId run;
        braid::RunId parent;
        braid::Value data;
        std::vector<std::string> tags;
    };
    void on_start(const braid::RunInfo& r, const braid::Value& v) override { add("start", r, v); }
    void on_chunk(const braid::RunInfo& r, const braid::Value& v) override { add("chunk", r, v); }
    void on_end(const braid::RunInfo& r, const braid::Value& v) override { add("end", r, v); }
    void on_error(const braid::RunInfo& r, const std::exception_ptr& e) override { add("error", r, braid::describe_error(e)); }
    std::vector<Entry> entries() {
        const std::lock_guard lock(mutex_);
        return entries_;
    }

private:
    void add(const char* kind, const braid::RunInfo& r, const braid::Value& v) {
        const std::lock_guard lock(mutex_);
        entries_.push_back(Entry{kind, std::string(r.name), r.run_id, r.parent_run_id, v, r.tags});
    }
    std::mutex mutex_;
    std::vector<Entry> entries_;
};

} // namespace core_test

TEST_CASE("[events] callbacks see every nested run with parent ids", "[unit]") {
    braid::Lambda a([](const int& n) { return n + 1; }, "a");
    braid::Lambda b([](const int& n) { return n * 10; }, "b");
    auto chain = a | b;
    auto recorder = std::make_shared<Recorder>();
    braid::RunConfig config;
    config.callbacks.push_back(recorder);
    config.tags = {"t1"};
    config.run_name = "my chain";
    CHECK(chain.invoke(1, config) == 20);
    const auto log = recorder->entries();
    REQUIRE(log.size() == 6);
    CHECK(log[0].kind == "start");
    CHECK(log[0].name == "my chain");
    CHECK_FALSE(log[0].parent);
    CHECK(log[0].data == braid::Value(1));
    CHECK(log[1].name == "a");
    CHECK(log[1].parent == log[0].run);
    CHECK(log[2].kind == "end");
    CHECK(log[2].data == braid::Value(2));
    CHECK(log[3].name == "b");
    CHECK(log[3].parent == log[0].run);
    CHECK(log[4].data == braid::Value(20));
    CHECK(log[5].kind == "end");
    CHECK(log[5].run == log[0].run);
    CHECK(log[5].tags == std::vector<std::string>{"t1"});
    CHECK(log[0].run.str().size() == 36);
    CHECK(log[0].run.str()[14] == '4');
    CHECK(log[1].run != log[3].run);
}

TEST_CASE("[events] events() yields the event sequence of a stream, errors included", "[unit]") {
    auto chain = word_model() | upper_parser();
    std::vector<braid::Event> events;
    // Pull order: the last step starts first and pulls from the one before it.
    for (braid::Event& e : chain.events("hi there"))
        events.push_back(std::move(e));
    std::vector<std::string> summary;
    for (const braid::Event& e : events)
        summary.push_back(std::string(braid::event_kind_name(e.kind)) + ":" + e.name);
    CHECK(summary == std::vector<std::string>{"start:Sequence", "start:upper", "start:model", "chunk:model",
                                              "chunk:upper", "chunk:Sequence", "chunk:model", "chunk:upper",
                                              "chunk:Sequence", "end:model", "end:upper", "end:Sequence"});
    const braid::RunId root = events[0].run_id;
    for (const braid::Event& e : events) {
        if (e.name != "Sequence") {
            CHECK(e.parent_run_id == root);
            CHECK(e.depth == 2);
        }
    }
    CHECK(events.back().data == braid::Value("HI THERE"));
    CHECK(events[4].data == braid::Value("HI "));
    CHECK(events[0].to_json()["event"] == "start");

    SECTION("an error is reported as error events, then thrown") {
        braid::Lambda boom([](const std::string&) -> std::string { throw braid::Error(braid::errc::tool, "boom"); },
                           "boom");
        auto failing = chain | boom;
        std::vector<std::string> kinds;
        try {
            for (braid::Event& e : failing.events("x"))
                kinds.push_back(std::string(braid::event_kind_name(e.kind)) + ":" + e.name);
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::tool);
        }
        REQUIRE(kinds.size() >= 2);
        CHECK(kinds[kinds.size() - 2] == "error:boom");
        CHECK(kinds.back() == "error:Sequence");
    }
}

TEST_CASE("[events] parallel branches report their parent from pool threads", "[unit]") {
    braid::Lambda one([](const braid::Value& v) { return v; }, "one");
    braid::Lambda two([](const braid::Value& v) { return braid::Value(v.dump()); }, "two");
    braid::Parallel map({{"one", one}, {"two", two}});
    auto recorder = std::make_shared<Recorder>();
    braid::RunConfig config;
    config.callbacks.push_back(recorder);
    CHECK(map.invoke(braid::Value(3), config) == braid::Value{{"one", 3}, {"two", "3"}});
    std::map<std::string, braid::RunId> runs;
    braid::RunId parallel;
    for (const auto& e : recorder->entries()) {
        if (e.kind == "start" && e.name.rfind("Parallel", 0) == 0)
            parallel = e.run;
    }
    REQUIRE(parallel);
    int children = 0;
    for (const auto& e : recorder->entries()) {
        if (e.kind == "start" && (e.name == "one" || e.name == "two")) {
            CHECK(e.parent == parallel);
            ++children;
        }
    }
    CHECK(children == 2);
}

TEST_CASE("[events] no handler: no run ids are made", "[unit]") {
    braid::Lambda probe([](const int&, const braid::RunContext& ctx) { return static_cast<int>(ctx.run_id().high != 0); });
    CHECK(probe.invoke(0) == 0);
    braid::RunConfig config;
    config.callbacks.push_back(std::make_shared<braid::CallbackHandler>());
    CHECK(probe.invoke(0, config) == 1);
}
