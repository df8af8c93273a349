// Contexts on one shared Vulkan device, decoding from several threads at once: each waits for its own
// work only and every submit holds its queue's lock, so they compute bit for bit what they compute one
// after another, and the validation layer (whose thread-safety checks report a queue used from two
// threads at once) stays silent.
#include <catch2/catch.hpp>

#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "backend/vulkan/device.hpp"
#include "braid/engine/context.hpp"
#include "unit/engine/reference.hpp"

namespace engine = braid::engine;

using engine_test::decode_prompt_then_tokens;
using Rows = std::vector<std::vector<float>>;

TEST_CASE("[vulkan] four contexts decoding on four threads compute what they compute one after another", "[vulkan]") {
    const auto device = engine::vk::Device::shared(true);
    const std::size_t messages = device->validation_count();
    const engine::Model model = engine::Model::load(engine_test::stories);
    engine::ContextOptions o;
    o.backend = engine::BackendKind::vulkan;
    o.validation = true;
    o.n_ctx = 64;
    std::vector<std::vector<engine::TokenId>> prompts; // 27 to 32 tokens each
    for (const char* text : engine_test::story_openings)
        prompts.push_back(model.tokenizer().tokenize(text, true));

    // Concurrently first, on fresh contexts: passes are recorded (and pipelines created) concurrently too.
    std::vector<engine::Context> contexts;
    for (std::size_t t = 0; t < prompts.size(); ++t)
        contexts.push_back(engine::Context::create(model, o));
    std::vector<Rows> concurrent(prompts.size());
    std::vector<std::exception_ptr> errors(prompts.size());
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < prompts.size(); ++t)
        threads.emplace_back([&, t] {
            try {
                concurrent[t] = decode_prompt_then_tokens(contexts[t], prompts[t]);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    for (std::thread& thread : threads)
        thread.join();
    for (const std::exception_ptr& error : errors)
        if (error)
            std::rethrow_exception(error);

    for (std::size_t t = 0; t < prompts.size(); ++t) {
        INFO("thread " << t << ", " << prompts[t].size() << " prompt tokens");
        engine::Context alone = engine::Context::create(model, o);
        CHECK(decode_prompt_then_tokens(alone, prompts[t]) == concurrent[t]);
    }
    const std::size_t said = device->validation_count() - messages;
    if (said > 0)
        for (const std::string& message : device->validation_messages())
            UNSCOPED_INFO(message);
    CHECK(said == 0);
}

TEST_CASE("[vulkan] submits from many threads to both queues take turns", "[vulkan]") {
    // Many empty submits, so that unsynchronized ones would overlap (the decodes above submit rarely):
    // the validation layer reports a queue used by two threads at once. Where the device has no
    // separate transfer queue, both names are the same queue, and so the same lock.
    const auto device = engine::vk::Device::shared(true);
    const std::size_t messages = device->validation_count();
    constexpr int submits_per_thread = 10000;
    VkSubmitInfo nothing{}; // not {VK_STRUCTURE_TYPE_SUBMIT_INFO}: tests warn about the fields left out
    nothing.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            const auto queue = t % 2 ? engine::vk::Queue::transfer : engine::vk::Queue::compute;
            for (int i = 0; i < submits_per_thread; ++i)
                device->submit(queue, nothing, VK_NULL_HANDLE);
        });
    for (std::thread& thread : threads)
        thread.join();
    CHECK(device->validation_count() == messages);
}
