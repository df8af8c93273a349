// Q3_K and Q6_K weights interleaved by eight rows (repack.hpp): the two K-quants whose 256-value
// super-blocks have sixteen signed sub-block scales and codes with a fixed offset (value = d · scale ·
// (code − offset); Q3_K: 3-bit codes, offset 4; Q6_K: 6-bit codes, offset 32). The file layouts spread a
// code's bits over several arrays and pack the scales (Q3_K: 6 bits in 12 bytes), which a kernel would
// otherwise decode again for every call; here they are decoded once at load.
//
// A quad is four consecutive values of a row (quad q: values 4q … 4q+3, sub-block q / 4); a chunk is 32
// bytes holding one quad of each of the 8 rows (byte 4·row + i: value i of the quad), so a kernel's 32-bit
// lane r collects row r's sum. Layout of one super-block of 8 rows:
//   bytes 0 … 15:    8 × fp16 d (row 0 … 7)
//   bytes 16 … 143:  the scales as int8, scale[sub-block j][row] at 16 + 8j + row
//   Q6_K, then 32 nibble chunks: chunk c holds quad c in its low nibbles, quad c + 32 in its high
//         nibbles (code bits 0 … 3); then 16 chunks of high bits: bits 2s, 2s + 1 of chunk c hold code
//         bits 4, 5 of quad c + 16s.
//   Q3_K, then 16 chunks of low bits: bits 2s, 2s + 1 of chunk c hold code bits 0, 1 of quad c + 16s;
//         then 8 chunks of high bits: bit s of chunk c holds code bit 2 of quad c + 8s.
// Q6_K keeps its file size (8 × 210 bytes); Q3_K takes 912 bytes instead of 8 × 110 (the decoded scales).
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend/cpu/q8.hpp"

namespace braid::engine::cpu::k16 {

inline constexpr std::int64_t scales_at = 16;
inline constexpr std::int64_t codes_at = scales_at + 16 * 8;
inline constexpr std::int64_t chunk = 32;

struct Q6Layout {
    static constexpr std::int64_t high_at = codes_at + 32 * chunk;
    static constexpr std::int64_t bytes = high_at + 16 * chunk;
    static constexpr int offset_shift = 5; // offset 32
};
static_assert(Q6Layout::bytes == 8 * 210);

struct Q3Layout {
    static constexpr std::int64_t high_at = codes_at + 16 * chunk;
    static constexpr std::int64_t bytes = high_at + 8 * chunk;
    static constexpr int offset_shift = 2; // offset 4
};

/// The AVX2 kernels over one group (repack.hpp's PackedDotK contract); defined on x86-64 only.
void q6_kx8(const std::byte* group, const BlockQ8K* x, std::int64_t x_stride, int n, std::int64_t blocks, float* out,
            std::int64_t out_stride);
void q3_kx8(const std::byte* group, const BlockQ8K* x, std::int64_t x_stride, int n, std::int64_t blocks, float* out,
            std::int64_t out_stride);

/// Writes the interleaved super-block of 8 file-layout blocks (@p blocks[r]: row r's) to @p out.
void repack_q6_k(const std::byte* const (&blocks)[8], std::byte* out);
void repack_q3_k(const std::byte* const (&blocks)[8], std::byte* out);

} // namespace braid::engine::cpu::k16
