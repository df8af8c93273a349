// Tiled attention for prompt batches on the CPU: a block of queries (several tokens × the query heads of
// one KV head) walks the cache in tiles of cells with an online softmax, flash-attention style. Each
// tile's keys and values are converted to floats once and shared by every query of the block, so the
// scores (Q·Kᵀ) and the weighted values (P·V) are small matrix products instead of one dot product per
// (query, cell). Accumulation is in fp32 throughout, as llama.cpp's CPU path does for batches of 64
// queries or more (ggml's flash_attn_ext_tiled); short batches and decoding keep the per-query kernel of
// attention.hpp, which reproduces llama.cpp's fp16 value accumulator.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu/attention.hpp"
#include "backend/cpu/isa.hpp"

namespace braid::engine::cpu {

/// Cells per tile: the width of one score row, eight AVX2 vectors (one bit each in a 64-bit mask).
inline constexpr int attention_kv_tile = 64;
/// Tokens per query block. 32 tokens × a GQA group of 4 heads make 128 query rows whose scores,
/// accumulators and the shared tile stay in L2 (head_dim 64: ~100 KiB).
inline constexpr int attention_q_block = 32;
/// From this many tokens in a batch, attention runs tiled (llama.cpp's threshold for its tiled path).
inline constexpr std::int64_t attention_tiled_min_tokens = 64;

/// The inner kernels of the tiled attention, in a portable and an AVX2 version.
struct TileOps {
    /// kt[d·kv_tile + j] = key d of cell j, for j < count (≤ kv_tile), d < hd: the keys of @p count cells,
    /// one row every @p stride elements from @p k (fp16 or fp32), converted and transposed.
    void (*load_keys)(const void* k, std::int64_t stride, bool f16, int count, int hd, float* kt);
    /// v[j·hdp + d] = value d of cell j, for j < count, d < hd, converted to floats.
    void (*load_values)(const void* v, std::int64_t stride, bool f16, int count, int hd, int hdp, float* out);
    /// s[r·kv_tile + j] = Σ_d q[r·hd + d] · kt[d·kv_tile + j] for r < rows, j < kv_tile (kt: the tile's
    /// keys transposed, one row of kv_tile cells per dimension).
    void (*scores)(const float* q, int rows, int hd, const float* kt, float* s);
    /// s[j] = s[j] · scale where bit j of @p visible is set, else −inf, for j < kv_tile; returns the
    /// largest s[j] (−inf when nothing is visible).
    float (*scale_mask)(float* s, std::uint64_t visible, float scale);
    /// p[j] = exp(p[j] − max) for j < n (n a multiple of 8; −inf gives 0); returns Σ p[j].
    float (*exp_sum)(float* p, float max, int n);
    /// acc[r·hdp + d] += Σ_j p[r·kv_tile + j] · v[j·hdp + d] for r < rows, d < hdp (hdp a multiple of 8).
    void (*accumulate)(const float* p, int rows, const float* v, int hdp, float* acc);
};

const TileOps& tile_ops(Isa isa);

namespace scalar {
const TileOps& tile_ops();
}
namespace avx2 {
const TileOps& tile_ops();
}

/// Per-thread buffers of the tiled attention.
struct TileScratch {
    std::vector<float> q, scores, acc, kt, v, row_max, row_sum, rope;
    std::vector<std::uint64_t> visible;
};

/// Work items of one attention step over @p n_tokens tokens: query blocks × KV heads.
std::int64_t attention_tiled_items(const AttentionParams& p, std::int64_t n_tokens);

/// Computes out[t, h] for the tokens and heads of work item @p item (in [0, attention_tiled_items)) of
/// @p q ([n_head·head_dim, T]). Items are independent: threads may take them in any order. Items are
/// numbered from the last query block, the one that sees the most cells, so that threads taking them in
/// turn finish together.
void attention_tiled(const KvLayer& layer, const AttentionParams& p, const float* q, float* out, const BatchInputs& in,
                     std::int64_t item, TileScratch& scratch, Isa isa);

} // namespace braid::engine::cpu
