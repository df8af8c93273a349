// Activations quantized to 8 bits for dot products with quantized weights: blocks of 32 values with a
// float scale and the sums of each 16-value half (so weight offsets and minimums cost one multiply per
// half instead of one per value). Every weight type's sub-blocks (16 or 32 values) line up with them.
#pragma once

#include <cstdint>

namespace braid::engine::cpu {

struct BlockQ8 {
    float d;              // scale: value ≈ d · qs[i]
    std::int16_t sum[2];  // Σ qs[0..15], Σ qs[16..31]
    std::int8_t qs[32];
};
static_assert(sizeof(BlockQ8) == 40);

/// Quantizes @p k floats (a multiple of 32) to k / 32 blocks: d = max|x| / 127, q = round(x / d).
void quantize_row_q8(const float* x, BlockQ8* y, std::int64_t k);

} // namespace braid::engine::cpu
