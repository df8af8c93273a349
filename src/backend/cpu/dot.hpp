// Dot products of one weight row with up to four activation rows — the inner loop of every matmul.
// Quantized weight types take 8-bit activations (BlockQ8); F32, F16 and BF16 weights take floats.
// Two implementations with the same integer arithmetic: portable C++ (dot_scalar.cpp) and AVX2
// (dot_avx2.cpp); both are tested against the float reference (dequantize, multiply, add).
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend/cpu/isa.hpp"
#include "backend/cpu/q8.hpp"
#include "braid/engine/tensor_type.hpp"

namespace braid::engine::cpu {

/// Most activation rows one call handles.
inline constexpr int max_dot_rows = 4;

/// out[c · out_stride] = w · x_c for c < n (1 ≤ n ≤ max_dot_rows), x_c = x + c · x_stride blocks;
/// @p blocks is the row length / 32.
using QuantDot = void (*)(const std::byte* w, const BlockQ8* x, std::int64_t x_stride, int n, std::int64_t blocks,
                          float* out, std::int64_t out_stride);
/// The same for K-quant weights with 256-value activation blocks; @p blocks is the row length / 256.
using QuantDotK = void (*)(const std::byte* w, const BlockQ8K* x, std::int64_t x_stride, int n, std::int64_t blocks,
                           float* out, std::int64_t out_stride);
/// The same for float activations; x_stride and @p k in elements.
using FloatDot = void (*)(const std::byte* w, const float* x, std::int64_t x_stride, int n, std::int64_t k,
                          float* out, std::int64_t out_stride);

/// A tile of float-weight products for prompt processing: out[c · out_stride + r] = w_r · x_c for three
/// weight rows (w_r = w + r · w_stride bytes) and four activation rows.
using FloatTile = void (*)(const std::byte* w, std::int64_t w_stride, const float* x, std::int64_t x_stride, std::int64_t k,
                           float* out, std::int64_t out_stride);
/// Rows and columns of a FloatTile (and of a PairTile).
inline constexpr int tile_rows = 3, tile_cols = 4;

/// Packs four activation rows (row c at x + c · x_stride, k values each) for a PairTile: chunk after chunk
/// of 16 values, rows 0 … 3 of the chunk, each as its 8 even-indexed values, then its 8 odd-indexed ones;
/// after the k / 16 chunks, the last k % 16 values of rows 0 … 3, in order. @p out holds 4 · k floats.
using PairPack = void (*)(const float* x, std::int64_t x_stride, std::int64_t k, float* out);
/// A FloatTile over four activation rows packed by the kernel's PairPack (@p xp): for BF16 weights, whose
/// 32-bit lanes hold an even- and an odd-indexed value, a shift and a mask make floats of both halves
/// in place, so the activations come in that order instead of the weights being reordered.
using PairTile = void (*)(const std::byte* w, std::int64_t w_stride, const float* xp, std::int64_t k, float* out,
                          std::int64_t out_stride);

struct DotKernel {
    QuantDot quant = nullptr;    // the 32-value types (Q4_0 … Q8_0)
    QuantDotK quant_k = nullptr; // the K-quants (Q2_K … Q6_K)
    FloatDot real = nullptr;     // F32, F16, BF16
    FloatTile tile = nullptr;    // F32, F16, BF16 with AVX2
    PairPack pair_pack = nullptr; // BF16 with AVX2: tiles over packed activations, used instead of tile
    PairTile pair_tile = nullptr;
};

/// The kernel of @p type for @p isa (quantized types need row lengths that are multiples of their block).
DotKernel dot_kernel(TensorType type, Isa isa);

// quantize_row_q8: @p k floats (a multiple of 32) to k / 32 blocks, d = max|x| / 127, q = round(x / d);
// quantize_row_q8k: to k / 256 blocks the same way. The AVX2 versions give the same codes.
namespace scalar {
DotKernel dot_kernel(TensorType type);
void quantize_row_q8(const float* x, BlockQ8* y, std::int64_t k);
void quantize_row_q8k(const float* x, BlockQ8K* y, std::int64_t k);
} // namespace scalar

namespace avx2 {
DotKernel dot_kernel(TensorType type);
void pack_pairs(const float* x, std::int64_t x_stride, std::int64_t k, float* out);
void tile_pairs_bf16(const std::byte* w, std::int64_t w_stride, const float* xp, std::int64_t k, float* out,
                     std::int64_t out_stride);
void quantize_row_q8(const float* x, BlockQ8* y, std::int64_t k);
void quantize_row_q8k(const float* x, BlockQ8K* y, std::int64_t k);
} // namespace avx2

} // namespace braid::engine::cpu
