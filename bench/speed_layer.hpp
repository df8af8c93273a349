// One layer of bench/make_speed_model's 180M model as kernel benchmarks time it: its weight shapes, how
// often each occurs, and random weights of a type quantized from normal floats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "braid/engine/quant.hpp"
#include "braid/engine/tensor_type.hpp"

namespace bench {

struct Shape {
    const char* name;
    std::int64_t k, n; // row length, rows
};

// The products per layer: q and o (1024 × 1024), k and v (256 × 1024), gate and up (2816 × 1024), down
// (1024 × 2816).
inline constexpr Shape shapes[] = {{"q,o", 1024, 1024}, {"k,v", 1024, 256}, {"gate,up", 1024, 2816}, {"down", 2816, 1024}};
inline constexpr int shape_weight[] = {2, 2, 2, 1}; // how often each shape occurs per layer

/// @p n rows of @p k values of @p type (GGUF layout), quantized from normal floats (σ 0.05).
inline std::vector<std::byte> random_weights(braid::engine::TensorType type, std::int64_t k, std::int64_t n, std::mt19937& rng) {
    std::normal_distribution<float> normal(0.0f, 0.05f);
    std::vector<float> row(static_cast<std::size_t>(k));
    const std::size_t rb = static_cast<std::size_t>(braid::engine::row_bytes(type, k));
    std::vector<std::byte> w(rb * static_cast<std::size_t>(n));
    for (std::int64_t r = 0; r < n; ++r) {
        for (float& v : row)
            v = normal(rng);
        braid::engine::quantize_row(type, row.data(), w.data() + rb * static_cast<std::size_t>(r), k);
    }
    return w;
}

} // namespace bench
