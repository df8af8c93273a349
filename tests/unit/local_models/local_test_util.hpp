// Shared by the local_models tests: the test models (loaded once per process), prompts, greedy requests,
// NMSE and cosine.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "braid/engine/batch.hpp"
#include "braid/engine/context.hpp"
#include "braid/engine/model.hpp"
#include "braid/error.hpp"
#include "braid/models/local_scheduler.hpp"
#include "unit/engine/reference.hpp"

namespace local_test {

namespace fs = std::filesystem;

inline fs::path models_dir() { return fs::path(BRAID_TEST_DATA_DIR) / "models"; }

/// A model of tests/data/models, loaded once and shared (models are immutable and thread-safe).
inline std::shared_ptr<const braid::engine::Model> model(const std::string& file) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const braid::engine::Model>> loaded;
    const std::lock_guard lock(mutex);
    auto& m = loaded[file];
    if (!m)
        m = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(models_dir() / file));
    return m;
}

inline std::shared_ptr<const braid::engine::Model> stories() { return model("stories260K.gguf"); }
inline std::shared_ptr<const braid::engine::Model> tiny_llama() { return model("tiny-llama-gqa-q4_k_m.gguf"); }

/// Eight story openings of different lengths, for requests that run side by side.
inline const std::vector<std::string>& openings() {
    static const std::vector<std::string> v{
        "Once upon a time, there was a little girl named Lily who loved to play outside.",
        "Tom had a big red ball.",
        "One day, a small bird flew into the garden and sang a happy song.",
        "The sun was hot, so Mia and her mom went to the beach to swim.",
        "Once upon a time",
        "The little dog ran to the park and",
        "Lily and Tom were best friends. One day they found a big box in the garden. They opened it and saw",
        "Tim said, \"I want to play!\" His mom smiled."};
    return v;
}

/// The kind of the braid::Error @p f throws (a test failure when it throws none).
inline braid::errc kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const braid::Error& e) {
        return e.kind();
    }
    FAIL("no braid::Error thrown");
    return braid::errc::internal;
}

// NMSE and cosine as the engine tests compute them.
using engine_test::cosine;
using engine_test::nmse;

/// A greedy request: @p text tokenized with BOS, at most @p max_tokens generated.
inline braid::LocalRequest greedy(const braid::engine::Model& model, const std::string& text, int max_tokens) {
    braid::LocalRequest r;
    r.prompt = model.tokenizer().tokenize(text, true);
    r.sampling.temperature = 0.0f;
    r.max_tokens = max_tokens;
    return r;
}

/// The logits of @p token decoded alone at @p pos in sequence @p seq.
inline std::vector<float> decode_one(braid::engine::Context& ctx, braid::engine::TokenId token, std::int32_t pos,
                                     braid::engine::SeqId seq) {
    braid::engine::Batch b;
    b.add(token, pos, seq, true);
    ctx.decode(b);
    const auto row = ctx.logits(0);
    return std::vector<float>(row.begin(), row.end());
}

/// Decodes @p prompt one token per pass into a fresh context, then into one where another sequence first
/// takes the first 6 cells and leaves after 4 tokens (so positions 4 … land in cells before 0 … 3), and
/// checks that every position's logits are bit-identical: attention must not depend on the cells' layout.
/// One token per pass on both sides, so the matmuls see the same rows and only the layout differs.
inline void check_logits_ignore_cell_layout(const braid::engine::Model& model,
                                            const std::vector<braid::engine::TokenId>& prompt,
                                            const braid::engine::ContextOptions& options) {
    REQUIRE(prompt.size() > 8);
    auto in_order = braid::engine::Context::create(model, options);
    std::vector<std::vector<float>> expected;
    for (std::size_t i = 0; i < prompt.size(); ++i)
        expected.push_back(decode_one(in_order, prompt[i], static_cast<std::int32_t>(i), 0));
    auto scattered = braid::engine::Context::create(model, options);
    for (std::int32_t i = 0; i < 6; ++i) // another sequence takes the first cells ...
        decode_one(scattered, prompt[static_cast<std::size_t>(i)], i, 1);
    for (std::size_t i = 0; i < prompt.size(); ++i) {
        if (i == 4)
            scattered.remove(1); // ... and leaves: positions 4 … of sequence 0 go to cells 0 …
        INFO("position " << i);
        CHECK(decode_one(scattered, prompt[i], static_cast<std::int32_t>(i), 0) == expected[i]);
    }
}

} // namespace local_test
