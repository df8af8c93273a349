// Weights repacked at load for the AVX2 kernels: eight rows interleaved block by block, so one pass
// computes eight dot products whose sums land in the eight lanes of a register — the rows' scales load
// as one vector and nothing is summed horizontally. Used for Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q3_K and
// Q6_K weights (the last two: packed_k16.hpp) whose row count is a multiple of eight; everything else
// keeps the file's layout.
//
// Layout of one group of 8 rows, block b after block b (32 values per row per block):
//   Q4_0x8: 8 × fp16 scale (row 0 … 7), then 4 chunks of 32 bytes; chunk k = bytes 4k … 4k+3 of each
//           row's 16 nibble bytes, row after row. Low nibbles of chunk k are values 4k … 4k+3, high
//           nibbles values 16+4k … 16+4k+3.
//   Q4_1x8: 8 × fp16 scale, 8 × fp16 minimum, then the chunks as Q4_0x8.
//   Q5_0x8: 8 × fp16 scale, 8 × 32 high bits (bit j: value j's fifth bit), then the chunks as Q4_0x8.
//   Q5_1x8: 8 × fp16 scale, 8 × fp16 minimum, 8 × 32 high bits, then the chunks as Q4_0x8.
//   Q8_0x8: 8 × fp16 scale, then 8 chunks of 32 bytes; chunk k = values 4k … 4k+3 of each row.
//   Q4_Kx8 (per 256-value super-block): 8 × fp16 d, 8 × fp16 dmin, the 6-bit scales and mins decoded to
//           bytes (scale[sub-block][row], then min[sub-block][row], 64 bytes each), then for each pair p of
//           sub-blocks 8 chunks of 32 bytes: chunk k = bytes 32p + 4k … 32p + 4k + 3 of each row's codes
//           (low nibbles: sub-block 2p, values 4k …; high nibbles: sub-block 2p + 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "backend/cpu/q8.hpp"
#include "braid/engine/tensor_type.hpp"

namespace braid::engine::cpu {

/// Whether @p type has an interleaved layout (and the kernels for it).
bool can_repack(TensorType type) noexcept;
/// Bytes of one group of 8 rows of @p k values.
std::size_t packed_group_bytes(TensorType type, std::int64_t k);

/// Rearranges @p rows (a multiple of 8) rows of @p k values from GGUF layout (@p src, rows back to back)
/// into @p dst (rows / 8 groups).
void repack_rows(TensorType type, const std::byte* src, std::byte* dst, std::int64_t rows, std::int64_t k);

/// Tokens one call of a kernel takes (PackedDot's and PackedDotK's n): eight, so a batch of eight decoding
/// requests unpacks each block of weights once.
inline constexpr int packed_dot_width = 8;

/// out[c · out_stride + r] = row r of the group · x_c for r < 8 and c < n (1 ≤ n ≤ packed_dot_width),
/// x_c = x + c · x_stride.
using PackedDot = void (*)(const std::byte* group, const BlockQ8* x, std::int64_t x_stride, int n, std::int64_t blocks,
                           float* out, std::int64_t out_stride);
/// The same for the K-quants (256-value activation blocks).
using PackedDotK = void (*)(const std::byte* group, const BlockQ8K* x, std::int64_t x_stride, int n, std::int64_t blocks,
                            float* out, std::int64_t out_stride);
/// The AVX2 kernels of @p type (nullptr when none).
PackedDot packed_dot(TensorType type) noexcept;
PackedDotK packed_dot_k(TensorType type) noexcept;

} // namespace braid::engine::cpu
