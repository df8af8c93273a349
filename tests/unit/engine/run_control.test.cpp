// RunControl in the engine: cancellation and deadlines stop a long prompt decode between graph steps and
// between chunks, leaving the cache as it was; generation stops before the next token even while text is
// held back for a possible stop string; log messages reach the sink set for the process or the run.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/embedding.hpp"
#include "braid/engine/generator.hpp"
#include "braid/error.hpp"
#include "braid/run_control.hpp"
#include "reference.hpp"

namespace engine = braid::engine;
using braid::errc;
using Clock = std::chrono::steady_clock;
using engine_test::stories;

namespace {

constexpr int long_prompt = 2000;

engine::Batch long_batch(const engine::Model& model) {
    engine::Batch b;
    for (int i = 0; i < long_prompt; ++i)
        b.add(static_cast<engine::TokenId>(1 + (i * 7) % (model.info().n_vocab - 1)), i, 0, i + 1 == long_prompt);
    return b;
}

engine::Context long_context(const engine::Model& model, std::int64_t n_batch,
                             engine::BackendKind backend = engine::BackendKind::cpu) {
    engine::ContextOptions o;
    o.n_ctx = long_prompt + 64;
    o.n_batch = n_batch;
    o.threads = 2;
    o.backend = backend;
    return engine::Context::create(model, o);
}

errc kind_of_decode(engine::Context& ctx, const engine::Batch& batch, const braid::RunControl& control) {
    try {
        ctx.decode(batch, control);
    } catch (const braid::Error& e) {
        return e.kind();
    }
    return errc::internal; // not stopped
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

} // namespace

TEST_CASE("[run control] cancelling from another thread stops a 2,000-token decode inside its graph", "[engine]") {
    const engine::Model model = engine::Model::load(stories);
    engine::Context ctx = long_context(model, long_prompt); // one graph: only the graph steps can stop it
    const engine::Batch batch = long_batch(model);
    auto t0 = Clock::now();
    ctx.decode(batch);
    const double full_ms = ms_since(t0);
    ctx.clear();

    braid::RunControl control;
    control.cancellation = braid::CancellationToken();
    std::atomic<bool> started{false};
    Clock::time_point cancelled_at;
    std::thread canceller([&] {
        while (!started.load())
            std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(full_ms / 10));
        cancelled_at = Clock::now();
        control.cancellation.cancel();
    });
    started = true;
    const errc kind = kind_of_decode(ctx, batch, control);
    const auto returned_at = Clock::now();
    canceller.join();
    CHECK(kind == errc::cancelled);
    // Within one graph step: the largest, one layer's attention over 2,000 tokens, is about a fifth of the
    // decode here; the rest of the decode would be nine tenths of it. Half leaves room for a loaded machine.
    CHECK(std::chrono::duration<double, std::milli>(returned_at - cancelled_at).count() < full_ms / 2);
    CHECK(ctx.n_used() == 0); // nothing of the batch kept
    CHECK(ctx.next_position(0) == 0);
    INFO("a full decode took " << full_ms << " ms");
}

TEST_CASE("[run control] a deadline inside a decode is a timeout, and the context is usable after", "[engine]") {
    const engine::Model model = engine::Model::load(stories);
    engine::Context ctx = long_context(model, 256);
    const engine::Batch batch = long_batch(model);
    braid::RunControl control;
    control.set_timeout(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK(kind_of_decode(ctx, batch, control) == errc::timeout);
    CHECK(ctx.n_used() == 0);
    ctx.decode(batch); // the same batch decodes in full afterwards
    CHECK(ctx.n_used() == long_prompt);
}

TEST_CASE("[run control] cancelled between chunks: progress is reported per chunk and nothing is kept", "[engine]") {
    const engine::Model model = engine::Model::load(stories);
    engine::Context ctx = long_context(model, 128);
    braid::RunControl control;
    control.cancellation = braid::CancellationToken();
    std::vector<std::int64_t> done;
    control.progress = [&](const braid::Progress& p) {
        CHECK(p.stage == "decode");
        CHECK(p.total == long_prompt);
        done.push_back(p.done);
        if (p.done == 256)
            control.cancellation.cancel();
    };
    CHECK(kind_of_decode(ctx, long_batch(model), control) == errc::cancelled);
    CHECK(done == std::vector<std::int64_t>{128, 256});
    CHECK(ctx.n_used() == 0);
}

TEST_CASE("[run control] generation stops before the next token while text is held back for a stop string", "[engine]") {
    const engine::Model model = engine::Model::load(stories);
    engine::Context ctx = engine::Context::create(model);
    const auto prompt = model.tokenizer().tokenize("Once upon a time", true);
    engine::GenerateOptions o;
    o.max_tokens = 64;
    o.sampling.temperature = 0.0f;
    const std::string text = engine::generate(model, ctx, prompt, o).text;
    REQUIRE(text.size() > 40);
    ctx.clear();

    // A stop string that the greedy text follows for 40 characters, then leaves: everything up to there is
    // held back, and on_text is not called while it is.
    o.stop = {text.substr(0, 40) + "\x01"};
    std::string delivered;
    o.on_text = [&](std::string_view piece) {
        delivered += piece;
        return true;
    };
    o.control.cancellation = braid::CancellationToken();
    int seen = 0;
    o.control.progress = [&](const braid::Progress& p) {
        if (p.stage == "generate" && (seen = static_cast<int>(p.done)) == 4)
            o.control.cancellation.cancel(); // 4 tokens in: still inside the held-back text
    };
    try {
        engine::generate(model, ctx, prompt, o);
        FAIL("generate was not cancelled");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == errc::cancelled);
    }
    CHECK(seen == 4);         // stopped before sampling a fifth token
    CHECK(delivered.empty()); // nothing was due yet

    // A deadline gives a timeout the same way.
    ctx.clear();
    o.control = {};
    o.control.set_timeout(std::chrono::milliseconds(0));
    try {
        engine::generate(model, ctx, prompt, o);
        FAIL("generate passed its deadline");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == errc::timeout);
    }
}

TEST_CASE("[run control] embed stops like decode", "[engine]") {
    const engine::Model model = engine::Model::load(engine_test::test_models() / "tiny-bert-f16.gguf");
    engine::Context ctx = engine::Context::create(model);
    braid::RunControl control;
    control.cancellation = braid::CancellationToken();
    control.cancellation.cancel();
    CHECK_THROWS_MATCHES(engine::embed(ctx, "hello world", true, control), braid::Error,
                         Catch::Predicate<braid::Error>([](const braid::Error& e) { return e.kind() == errc::cancelled; }));
    CHECK(engine::embed(ctx, "hello world").values.size() == static_cast<std::size_t>(model.info().n_embd));
}

TEST_CASE("[run control] log messages reach the process sink, or the run's own", "[engine]") {
    struct Record {
        braid::LogLevel level;
        std::string component, message;
    };
    std::mutex mutex;
    std::vector<Record> records;
    braid::set_log_sink(
        [&](braid::LogLevel level, std::string_view component, std::string_view message) {
            const std::lock_guard lock(mutex);
            records.push_back({level, std::string(component), std::string(message)});
        },
        braid::LogLevel::info);
    const engine::Model model = engine::Model::load(stories);
    { engine::Context ctx = engine::Context::create(model); }
    braid::set_log_sink(nullptr); // back to standard error, warning
    CHECK(braid::log_level() == braid::LogLevel::warning);
    REQUIRE(records.size() == 1);
    CHECK(records[0].level == braid::LogLevel::info);
    CHECK(records[0].component == "context");
    CHECK(records[0].message.find("llama context on cpu") == 0);

    // A run's own sink takes what the run logs, at its own level.
    std::vector<std::string> own;
    braid::RunControl control;
    control.log_level = braid::LogLevel::debug;
    control.log_sink = [&](braid::LogLevel, std::string_view, std::string_view message) { own.emplace_back(message); };
    control.log(braid::LogLevel::debug, "test", "for the run");
    control.log(braid::LogLevel::off, "test", "never");
    CHECK(own == std::vector<std::string>{"for the run"});
    CHECK(records.size() == 1); // not the process sink
}
