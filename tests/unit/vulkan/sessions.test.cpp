// Sequence operations on the Vulkan backend (lavapipe here, validation layer on): copy_sequence against
// independent computations, sessions saved and restored through the device's cache, and sessions moved between the CPU and Vulkan backends.
#include <catch2/catch.hpp>

#include <algorithm>

#include "backend/vulkan/device.hpp"
#include "braid/engine/context.hpp"
#include "unit/engine/reference.hpp"
#include "unit/error_text.hpp"

namespace engine = braid::engine;
using engine::TokenId;
using Catch::Matchers::Contains;

namespace kv_vulkan_sessions {

std::vector<float> logits_row(std::span<const float> r) { return {r.begin(), r.end()}; }

engine::ContextOptions options(engine::BackendKind backend, int n_seq = 1, bool f16 = true) {
    engine::ContextOptions o;
    o.backend = backend;
    o.validation = backend == engine::BackendKind::vulkan;
    o.threads = 2;
    o.n_ctx = 256;
    o.n_seq_max = n_seq;
    o.kv_f16 = f16;
    return o;
}

// Greedy steps of @p seq after @p logits: the logits of each.
std::vector<std::vector<float>> steps(engine::Context& ctx, std::vector<float> logits, engine::SeqId seq, int n) {
    std::vector<std::vector<float>> rows{logits};
    for (int i = 0; i < n; ++i) {
        const TokenId next[] = {static_cast<TokenId>(std::max_element(rows.back().begin(), rows.back().end()) - rows.back().begin())};
        rows.push_back(logits_row(ctx.eval(next, seq)));
    }
    return rows;
}

// Attention visits a sequence's cells in position order wherever they lie, but these comparisons also
// change how many tokens a pass holds (a prefix decoded once, then copied), and the matmul kernels round
// by batch shape: logits within 1e-6 NMSE (far inside the F32 reference tolerance, 1e-5) and the same
// greedy tokens.
void check_close(const std::vector<std::vector<float>>& got, const std::vector<std::vector<float>>& expected) {
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("step " << i);
        CHECK(engine_test::nmse(got[i], expected[i]) <= 1e-6);
        CHECK(std::max_element(got[i].begin(), got[i].end()) - got[i].begin() ==
              std::max_element(expected[i].begin(), expected[i].end()) - expected[i].begin());
    }
}

} // namespace kv_vulkan_sessions

TEST_CASE("[vulkan] copy_sequence then decoding equals independent computations", "[vulkan]") {
    using namespace kv_vulkan_sessions;
    const auto device = engine::vk::Device::shared(true);
    const std::size_t messages = device->validation_count();
    engine::Model model = engine::Model::load(engine_test::stories);
    const auto prefix = model.tokenizer().tokenize("Once upon a time, there was a little girl", true);
    const auto a = model.tokenizer().tokenize(" who liked cats.", false);
    const auto b = model.tokenizer().tokenize(" named Sue. She had a red hat", false);
    engine::Context shared = engine::Context::create(model, options(engine::BackendKind::vulkan, 2));
    shared.eval(prefix, 0);
    shared.copy_sequence(0, 1);
    const auto rows_a = steps(shared, logits_row(shared.eval(a, 0)), 0, 4);
    const auto rows_b = steps(shared, logits_row(shared.eval(b, 1)), 1, 4);
    engine::Context alone = engine::Context::create(model, options(engine::BackendKind::vulkan));
    alone.eval(prefix);
    check_close(steps(alone, logits_row(alone.eval(a)), 0, 4), rows_a);
    alone.clear();
    alone.eval(prefix);
    check_close(steps(alone, logits_row(alone.eval(b)), 0, 4), rows_b);
    CHECK(device->validation_count() == messages);
}

TEST_CASE("[vulkan] a restored sequence continues as the original, and sessions move between backends", "[vulkan]") {
    using namespace kv_vulkan_sessions;
    const auto device = engine::vk::Device::shared(true);
    const std::size_t messages = device->validation_count();
    engine::Model model = engine::Model::load(engine_test::stories);
    const auto prompt = model.tokenizer().tokenize("Tom had a big red ball. He liked to kick it in the park", true);
    for (const bool f16 : {true, false}) {
        INFO("f16 cache: " << f16);
        engine::Context vk = engine::Context::create(model, options(engine::BackendKind::vulkan, 2, f16));
        const auto logits = logits_row(vk.eval(prompt));
        const auto session = vk.save_sequence(0, prompt);
        const auto expected = steps(vk, logits, 0, 6);
        // The same backend: another context, another sequence, identical logits.
        engine::Context vk2 = engine::Context::create(model, options(engine::BackendKind::vulkan, 2, f16));
        vk2.eval(model.tokenizer().tokenize("One day", true), 0);
        CHECK(vk2.restore_sequence(1, session) == prompt);
        check_close(steps(vk2, logits, 1, 6), expected);
        // Vulkan → CPU and CPU → Vulkan: the same model and cache type, logits within the F32 tolerance.
        engine::Context cpu = engine::Context::create(model, options(engine::BackendKind::cpu, 1, f16));
        cpu.restore_sequence(0, session);
        const auto on_cpu = steps(cpu, logits, 0, 6);
        for (std::size_t i = 0; i < expected.size(); ++i)
            CHECK(engine_test::nmse(on_cpu[i], expected[i]) <= 1e-5);
        engine::Context cpu_saver = engine::Context::create(model, options(engine::BackendKind::cpu, 1, f16));
        const auto cpu_logits = logits_row(cpu_saver.eval(prompt));
        vk2.remove(1);
        vk2.restore_sequence(1, cpu_saver.save_sequence(0, prompt));
        const auto cpu_rows = steps(cpu_saver, cpu_logits, 0, 6);
        const auto vk_rows = steps(vk2, cpu_logits, 1, 6);
        for (std::size_t i = 0; i < cpu_rows.size(); ++i)
            CHECK(engine_test::nmse(vk_rows[i], cpu_rows[i]) <= 1e-5);
    }
    // A mismatched cache type is refused on Vulkan as on the CPU, nothing changed.
    engine::Context f32 = engine::Context::create(model, options(engine::BackendKind::vulkan, 1, false));
    engine::Context f16 = engine::Context::create(model, options(engine::BackendKind::vulkan, 1, true));
    f16.eval(prompt);
    CHECK_THAT(braid_test::error_of([&] { f32.restore_sequence(0, f16.save_sequence(0)); }), Contains("kv_f16"));
    CHECK(f32.n_used() == 0);
    CHECK(device->validation_count() == messages); // the transfers' barriers satisfy the validation layer
}
