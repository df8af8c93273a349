// engine::embed_batch on the Vulkan backend (validation layer on): several texts per pass, each pooled
// over its own sequence, equal to the CPU backend's one-by-one embed() within the F16 reference
// tolerance (cosine ≥ 0.999), nothing left in the cache.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "backend/vulkan/device.hpp"
#include "braid/engine/context.hpp"
#include "braid/engine/embedding.hpp"
#include "unit/engine/reference.hpp"

namespace engine = braid::engine;

TEST_CASE("[vulkan] embed_batch packs texts into passes and equals the CPU one by one", "[vulkan]") {
    const auto device = engine::vk::Device::shared(true);
    const std::size_t messages = device->validation_count();
    engine::Model model = engine::Model::load(engine_test::test_models() / "tiny-bert-f16.gguf");
    const std::vector<std::string> texts = {"The quick brown fox jumps over the lazy dog.", "hello", "",
                                            "What is the capital of France?", "cats and dogs", "An apple a day keeps the doctor away.",
                                            "to be or not to be, that is the question"};
    engine::ContextOptions cpu_options;
    cpu_options.backend = engine::BackendKind::cpu;
    cpu_options.threads = 2;
    engine::Context cpu = engine::Context::create(model, cpu_options);
    engine::ContextOptions vk_options;
    vk_options.backend = engine::BackendKind::vulkan;
    vk_options.validation = true;
    vk_options.n_batch = 32; // several passes
    vk_options.n_ctx = 32;
    vk_options.n_seq_max = 3;
    engine::Context vk = engine::Context::create(model, vk_options);
    const auto got = engine::embed_batch(vk, texts);
    REQUIRE(got.size() == texts.size());
    CHECK(vk.n_used() == 0);
    for (std::size_t i = 0; i < texts.size(); ++i) {
        INFO("text " << i);
        const auto one = engine::embed(cpu, texts[i]);
        CHECK(got[i].tokens == one.tokens);
        CHECK(engine_test::cosine(got[i].values, one.values) >= 0.999);
    }
    CHECK(device->validation_count() == messages);
}
