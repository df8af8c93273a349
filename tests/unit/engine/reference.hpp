// Reading llama.cpp reference outputs (tests/data/models/*.cpu.jsonl, shared/reference/) and comparing
// braid's logits and embeddings with them.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "braid/engine/context.hpp"
#include "braid/engine/tokenizer_vocab.hpp"

namespace engine_test {

namespace fs = std::filesystem;

/// A reference row: the full vocabulary, or the top entries as (id, logit) pairs.
struct RefRow {
    std::vector<float> full;
    std::vector<std::pair<braid::engine::TokenId, float>> top;
};

struct RefCase {
    std::string prompt;
    std::vector<braid::engine::TokenId> tokens;
    std::vector<RefRow> logits;
    std::vector<braid::engine::TokenId> greedy;
    std::vector<float> embedding_mean, embedding_normalized;
};

inline std::vector<RefCase> read_reference(const fs::path& path) {
    std::ifstream in(path);
    std::vector<RefCase> cases;
    for (std::string line; std::getline(in, line);) {
        if (line.empty())
            continue;
        const nlohmann::json j = nlohmann::json::parse(line);
        RefCase c;
        c.prompt = j.at("prompt").get<std::string>();
        c.tokens = j.at("tokens").get<std::vector<braid::engine::TokenId>>();
        if (j.contains("logits")) {
            for (const auto& row : j["logits"]) {
                RefRow r;
                if (!row.empty() && row[0].is_array())
                    for (const auto& pair : row)
                        r.top.emplace_back(pair[0].get<braid::engine::TokenId>(), pair[1].get<float>());
                else
                    r.full = row.get<std::vector<float>>();
                c.logits.push_back(std::move(r));
            }
            c.greedy = j.at("greedy").get<std::vector<braid::engine::TokenId>>();
        } else {
            c.embedding_mean = j.at("embedding_mean").get<std::vector<float>>();
            c.embedding_normalized = j.at("embedding_mean_normalized").get<std::vector<float>>();
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

/// Σ(a−b)² / Σb² (b the reference), over the elements both have.
inline double nmse(const std::vector<float>& a, const std::vector<float>& b) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < b.size() && i < a.size(); ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        num += d * d;
        den += static_cast<double>(b[i]) * b[i];
    }
    return den > 0 ? num / den : num;
}

inline std::size_t argmax(const std::vector<float>& v) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < v.size(); ++i)
        if (v[i] > v[best])
            best = i;
    return best;
}

inline double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += static_cast<double>(a[i]) * b[i];
        aa += static_cast<double>(a[i]) * a[i];
        bb += static_cast<double>(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

/// The folder with the test models (tests/data/models) and, when it exists, shared/ beside the repo.
inline fs::path test_models() { return fs::path(BRAID_TEST_DATA_DIR) / "models"; }
/// The real trained model every engine test can rely on (tests/data/models/stories260K.gguf).
inline const fs::path stories = test_models() / "stories260K.gguf";

/// Four story openings (27 to 32 tokens of stories260K each), for tests that run a context per thread.
inline constexpr const char* story_openings[] = {
    "Once upon a time, there was a little girl named Lily who loved to play outside.",
    "Tom had a big red ball. He liked to kick it in the park with his dog.",
    "One day, a small bird flew into the garden and sang a happy song.",
    "The sun was hot, so Mia and her mom went to the beach to swim."};

/// Decodes @p prompt in @p ctx, then 4 tokens one at a time (each the argmax of the logits before):
/// the logits after the prompt and after each token.
inline std::vector<std::vector<float>> decode_prompt_then_tokens(braid::engine::Context& ctx,
                                                                 const std::vector<braid::engine::TokenId>& prompt) {
    constexpr int single_tokens = 4;
    std::vector<std::vector<float>> rows;
    std::span<const float> logits = ctx.eval(prompt);
    for (int i = 0;; ++i) {
        rows.emplace_back(logits.begin(), logits.end());
        if (i == single_tokens)
            return rows;
        const braid::engine::TokenId next[] = {
            static_cast<braid::engine::TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin())};
        logits = ctx.eval(next);
    }
}
inline std::optional<fs::path> shared_dir() {
    const fs::path p = fs::path(BRAID_TEST_DATA_DIR) / ".." / ".." / ".." / "shared";
    if (fs::exists(p / "reference" / "README.md"))
        return fs::canonical(p);
    return std::nullopt;
}

} // namespace engine_test
