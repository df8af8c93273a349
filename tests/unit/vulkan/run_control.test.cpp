// RunControl on the Vulkan backend: a submitted graph runs to its end on the device, so a decode stops
// before the next graph it would submit — a long prompt is n_batch tokens per graph. Cancelling from
// another thread during a 2,000-token prompt stops it within one graph and keeps nothing in the cache; a
// deadline is a timeout. The validation layer is on and must stay silent.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "backend/vulkan/device.hpp"
#include "braid/engine/context.hpp"
#include "braid/error.hpp"
#include "braid/run_control.hpp"
#include "unit/engine/reference.hpp"

namespace engine = braid::engine;
using braid::errc;

namespace {

constexpr int prompt_tokens = 2000;
constexpr int graph_tokens = 250; // n_batch: 8 graphs for the prompt

} // namespace

TEST_CASE("[vulkan] cancelling a 2,000-token decode from another thread stops it within one graph", "[vulkan]") {
    const auto device = braid::engine::vk::Device::shared(true);
    const std::size_t messages = device->validation_count();
    const engine::Model model = engine::Model::load(engine_test::stories);
    engine::ContextOptions o;
    o.n_ctx = prompt_tokens + 48;
    o.n_batch = graph_tokens;
    o.backend = engine::BackendKind::vulkan;
    o.validation = true;
    engine::Context ctx = engine::Context::create(model, o);
    engine::Batch batch;
    for (int i = 0; i < prompt_tokens; ++i)
        batch.add(static_cast<engine::TokenId>(1 + (i * 7) % (model.info().n_vocab - 1)), i, 0, i + 1 == prompt_tokens);

    // The canceller waits for the first graph to be done, then cancels: at most the graph in flight
    // finishes after that.
    braid::RunControl control;
    control.cancellation = braid::CancellationToken();
    std::atomic<int> graphs_done{0};
    control.progress = [&](const braid::Progress& p) { graphs_done = static_cast<int>(p.done / graph_tokens); };
    int done_at_cancel = -1;
    std::thread canceller([&] {
        while (graphs_done.load() < 1)
            std::this_thread::yield();
        done_at_cancel = graphs_done.load();
        control.cancellation.cancel();
    });
    errc kind = errc::internal;
    try {
        ctx.decode(batch, control);
    } catch (const braid::Error& e) {
        kind = e.kind();
    }
    canceller.join();
    INFO(graphs_done.load() << " graphs done, " << done_at_cancel << " when cancelled");
    CHECK(kind == errc::cancelled);
    CHECK(graphs_done.load() <= done_at_cancel + 1);
    CHECK(ctx.n_used() == 0); // nothing of the batch kept

    // A deadline is a timeout, and the context decodes afterwards.
    braid::RunControl late;
    late.set_timeout(std::chrono::milliseconds(0));
    CHECK_THROWS_MATCHES(ctx.decode(batch, late), braid::Error,
                         Catch::Predicate<braid::Error>([](const braid::Error& e) { return e.kind() == errc::timeout; }));
    engine::Batch start;
    for (int i = 0; i < 16; ++i)
        start.add(batch.tokens[static_cast<std::size_t>(i)].token, i, 0, i == 15);
    ctx.decode(start);
    CHECK(ctx.n_used() == 16);
    CHECK(device->validation_count() == messages);
}
