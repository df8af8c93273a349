// Shared by the local_models tests: the test models (loaded once per process), prompts, NMSE.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "braid/engine/model.hpp"
#include "braid/error.hpp"

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

/// Σ(a−b)² / Σb² (b the reference).
inline double nmse(const std::vector<float>& a, const std::vector<float>& b) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < b.size() && i < a.size(); ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        num += d * d;
        den += static_cast<double>(b[i]) * b[i];
    }
    return den > 0 ? num / den : num;
}

} // namespace local_test
