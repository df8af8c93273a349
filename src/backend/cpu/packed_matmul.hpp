// The product of interleaved weight rows (repack.hpp) with a batch of quantized activation rows, as prompt
// processing needs it: the batch is cut into tiles of tokens small enough to stay in L2 while every
// 8-row group of the weight slice passes over them, so the activations are read from memory once per
// slice instead of once per group (a 2,048-token batch of 2,816-wide rows is 7 MiB).
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend/cpu/repack.hpp"

namespace braid::engine::cpu {

/// Activation bytes a token tile may hold. Measured on this project's 2-core AMD EPYC (1 MiB L2 per core),
/// one thread, 2,048 Q4_0 tokens against 1024×2816 and 2816×1024 weights: tiles of 32–72 tokens ran at
/// 66–70 GMAC per CPU second, 204–408 tokens at 64–66, no tiling at 53–59. 128 KiB makes 100 tokens of a
/// 1,024-wide row and 36 of a 2,816-wide one.
inline constexpr std::size_t token_tile_bytes = 128 * 1024;

/// Tokens per tile for activation rows of @p row_bytes bytes: a multiple of packed_dot_width (so of every
/// kernel's width), at least packed_dot_width.
std::int64_t token_tile(std::size_t row_bytes) noexcept;

/// y[t · y_stride + r] = weight row r · x_t for rows r0 ≤ r < r1 (multiples of 8) and tokens t < tokens,
/// x_t = x + t · blocks; @p groups holds the weight's interleaved groups of 8 rows, @p group_bytes each;
/// @p tile tokens (a multiple of 4, token_tile()) per pass over the groups.
void packed_matmul(PackedDot kernel, const std::byte* groups, std::size_t group_bytes, std::int64_t r0, std::int64_t r1,
                   const BlockQ8* x, std::int64_t blocks, std::int64_t tokens, float* y, std::int64_t y_stride,
                   std::int64_t tile);
/// The same for the K-quants (256-value activation blocks).
void packed_matmul(PackedDotK kernel, const std::byte* groups, std::size_t group_bytes, std::int64_t r0, std::int64_t r1,
                   const BlockQ8K* x, std::int64_t blocks, std::int64_t tokens, float* y, std::int64_t y_stride,
                   std::int64_t tile);

} // namespace braid::engine::cpu
