// Activations quantized to 8 bits for dot products with quantized weights: blocks of 32 values with a
// float scale and the sums of each 16-value half (so weight offsets and minimums cost one multiply per
// half instead of one per value) for the 32-value weight types; blocks of 256 for the K-quants.
#pragma once

#include <cstdint>

namespace braid::engine::cpu {

struct BlockQ8 {
    float d;              // scale: value ≈ d · qs[i]
    std::int16_t sum[2];  // Σ qs[0..15], Σ qs[16..31]
    std::int8_t qs[32];
};
static_assert(sizeof(BlockQ8) == 40);

/// Activations for the K-quant weight types: 256 values with one scale and the sums of each 16, so a
/// super-block's sub-block products add up in integers and take one float multiply.
struct BlockQ8K {
    float d;
    std::int8_t qs[256];
    std::int16_t bsums[16]; // Σ qs[16i .. 16i+15]
};
static_assert(sizeof(BlockQ8K) == 292);

// quantize_row_q8 and quantize_row_q8k (dot.hpp, portable and AVX2) make them.

} // namespace braid::engine::cpu
