// LocalChatModel and its scheduler on the Vulkan backend (lavapipe here): greedy answers equal the CPU
// backend's, four requests side by side each equal the same request alone, and a sequence's logits do
// not depend on where its cells lie in the shared cache (attention visits cells in position order);
// a decoder's pooled embeddings equal the CPU backend's.
// Few tokens each: lavapipe is slow.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/engine/batch.hpp"
#include "braid/engine/context.hpp"
#include "braid/models/local_chat_model.hpp"
#include "braid/models/local_embeddings.hpp"
#include "braid/models/local_scheduler.hpp"
#include "unit/local_models/local_test_util.hpp"

namespace engine = braid::engine;

namespace kv_vulkan_local_models {

braid::LocalSchedulerOptions scheduler_options(engine::BackendKind backend, int n_seq) {
    braid::LocalSchedulerOptions o;
    o.backend = backend;
    o.n_seq_max = n_seq;
    o.n_ctx = 128 * n_seq;
    o.threads = 2;
    o.prompt_cache = false;
    return o;
}

struct Run {
    std::string text;
    std::vector<std::vector<float>> logits;
};

} // namespace kv_vulkan_local_models

TEST_CASE("[vulkan] LocalChatModel's greedy answer on Vulkan equals the CPU backend's", "[vulkan]") {
    using namespace kv_vulkan_local_models;
    const auto model = local_test::stories();
    auto answer = [&](engine::BackendKind backend) {
        braid::LocalChatModelOptions o;
        o.scheduler = scheduler_options(backend, 2);
        o.defaults.temperature = 0.0;
        o.defaults.max_tokens = 10;
        const braid::LocalChatModel chat(model, o);
        const braid::Message m = chat.generate({braid::Message::user(local_test::openings()[4])}, {},
                                               braid::RunContext(braid::default_run_config()));
        return m.content;
    };
    const std::string cpu = answer(engine::BackendKind::cpu);
    CHECK_FALSE(cpu.empty());
    CHECK(answer(engine::BackendKind::vulkan) == cpu);
}

TEST_CASE("[vulkan] four requests side by side on Vulkan each equal the same request alone", "[vulkan]") {
    using namespace kv_vulkan_local_models;
    const auto model = local_test::stories();
    const std::vector<std::string> prompts(local_test::openings().begin(), local_test::openings().begin() + 4);
    std::vector<Run> alone(prompts.size()), together(prompts.size());
    {
        braid::LocalScheduler scheduler(model, scheduler_options(engine::BackendKind::vulkan, 4));
        for (std::size_t i = 0; i < prompts.size(); ++i) {
            braid::LocalRequest r = local_test::greedy(*model, prompts[i], 6);
            r.on_logits = [&, i](std::span<const float> l) { alone[i].logits.emplace_back(l.begin(), l.end()); };
            alone[i].text = scheduler.submit(std::move(r)).result().text;
        }
    }
    braid::LocalSchedulerOptions o = scheduler_options(engine::BackendKind::vulkan, 4);
    o.prompt_chunk = 5; // prompts and generation share passes
    braid::LocalScheduler scheduler(model, o);
    std::vector<braid::LocalRequestHandle> handles;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        braid::LocalRequest r = local_test::greedy(*model, prompts[i], 6);
        r.on_logits = [&, i](std::span<const float> l) { together[i].logits.emplace_back(l.begin(), l.end()); };
        handles.push_back(scheduler.submit(std::move(r)));
    }
    for (std::size_t i = 0; i < prompts.size(); ++i)
        together[i].text = handles[i].result().text;
    CHECK(scheduler.stats().max_active > 1);
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        INFO("prompt " << i << ": " << prompts[i]);
        CHECK(together[i].text == alone[i].text);
        REQUIRE(together[i].logits.size() == alone[i].logits.size());
        // Other batch shapes may pick other matmul kernels: agreement within the F32 reference tolerance.
        for (std::size_t t = 0; t < alone[i].logits.size(); ++t)
            CHECK(local_test::nmse(together[i].logits[t], alone[i].logits[t]) <= 1e-5);
    }
}

TEST_CASE("[vulkan] a sequence's logits do not depend on where its cells lie in the shared cache", "[vulkan]") {
    // The Vulkan twin of the CPU regression test in tests/unit/local_models/scheduler.test.cpp.
    const auto model = local_test::stories();
    const std::vector<engine::TokenId> prompt = model->tokenizer().tokenize(local_test::openings()[0], true);
    engine::ContextOptions co;
    co.backend = engine::BackendKind::vulkan;
    co.n_ctx = 64;
    co.n_seq_max = 2;
    co.threads = 2;
    local_test::check_logits_ignore_cell_layout(*model, prompt, co);

    // A prompt batch (≥ 16 tokens: the tiled attention kernel where the device uses it; ctest runs this
    // case again with BRAID_VK_KERNELS=subgroup to force it on lavapipe) over scattered cells.
    const std::size_t head = 4, batch = prompt.size() - head;
    REQUIRE(batch >= 16);
    auto rows_of = [&](engine::Context& ctx) {
        engine::Batch b;
        for (std::size_t i = head; i < prompt.size(); ++i)
            b.add(prompt[i], static_cast<std::int32_t>(i), 0, true);
        ctx.decode(b);
        std::vector<std::vector<float>> rows;
        for (std::size_t i = 0; i < ctx.n_outputs(); ++i)
            rows.emplace_back(ctx.logits(i).begin(), ctx.logits(i).end());
        return rows;
    };
    auto in_order = engine::Context::create(*model, co);
    for (std::size_t i = 0; i < head; ++i)
        local_test::decode_one(in_order, prompt[i], static_cast<std::int32_t>(i), 0);
    const auto expected_rows = rows_of(in_order);
    auto scattered = engine::Context::create(*model, co);
    for (std::int32_t i = 0; i < 6; ++i)
        local_test::decode_one(scattered, prompt[static_cast<std::size_t>(i)], i, 1);
    for (std::size_t i = 0; i < head; ++i)
        local_test::decode_one(scattered, prompt[i], static_cast<std::int32_t>(i), 0);
    scattered.remove(1); // the batch's first positions go to cells 0 … 5, the rest after sequence 0's
    const auto scattered_rows = rows_of(scattered);
    REQUIRE(scattered_rows.size() == batch);
    for (std::size_t i = 0; i < batch; ++i) {
        INFO("batch row " << i);
        CHECK(scattered_rows[i] == expected_rows[i]);
    }
}

TEST_CASE("[vulkan] a decoder's pooled embeddings on Vulkan equal the CPU backend's", "[vulkan]") {
    using namespace kv_vulkan_local_models;
    const std::vector<std::string> texts(local_test::openings().begin(), local_test::openings().begin() + 3);
    for (const engine::Pooling pooling : {engine::Pooling::mean, engine::Pooling::last}) {
        INFO(engine::pooling_name(pooling));
        auto embed = [&](engine::BackendKind backend) {
            braid::LocalEmbeddingsOptions o;
            o.backend = backend;
            o.threads = 2;
            o.pooling = pooling;
            return braid::LocalEmbeddings(local_test::stories(), o).embed_documents(texts);
        };
        const auto cpu = embed(engine::BackendKind::cpu), vulkan = embed(engine::BackendKind::vulkan);
        REQUIRE(vulkan.size() == cpu.size());
        for (std::size_t i = 0; i < cpu.size(); ++i)
            CHECK(local_test::cosine(vulkan[i], cpu[i]) >= 0.99999);
    }
}
