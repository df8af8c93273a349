// The product of float weights (F32, F16, BF16) with a batch of activation rows, as prompt processing
// runs it: tiles of 3 weight rows × 4 tokens read the weights as stored (converted in registers), four
// tokens at a time over a slice of weight rows; for BF16 the four tokens are first packed the way the
// weights' 32-bit lanes pair their values (dot.hpp, PairPack). Rows of the slice that do not fill a tile
// take the one-row kernel; the last tokens of a batch of more than four that do not fill a tile take it
// beside zero tokens, so that a token's products do not depend on its place in the batch (a text embedded
// alone or among others gets the same numbers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backend/cpu/dot.hpp"

namespace braid::engine::cpu {

/// Rows of a weight slice: slices that are multiples of tile_rows leave no row to the one-row kernel,
/// which runs at a third of the tile's speed (1 row in 64 took 1.8–2.7% of a 180M F16 model's prompt time).
inline constexpr std::int64_t float_slice_unit = tile_rows;

/// y[t · y_stride + r] = weight row r · x_t for rows r0 ≤ r < r1 and tokens t < tokens, with x_t = x + t · k
/// and weight row r at w + r · row_bytes (k values of the kernel's type). @p kernel must have a tile (or a
/// pair tile); @p packed is the caller's buffer for packed activations (resized as needed, reused across
/// calls).
void float_matmul(const DotKernel& kernel, const std::byte* w, std::size_t row_bytes, std::int64_t k, std::int64_t r0,
                  std::int64_t r1, const float* x, std::int64_t tokens, float* y, std::int64_t y_stride,
                  std::vector<float>& packed);

} // namespace braid::engine::cpu
