// Attention for decoding (batches too short for the tiled kernel of attention_tiles.hpp): the query heads
// that share one KV head walk that head's visible cells together, in three passes — every score, then the
// online softmax's weights, then the weighted values — so each cached key and value row is converted once
// per group instead of once per head, and the passes run without a call per cell.
//
// The result is bit for bit the per-(token, head) kernel of attention.hpp in its fast mode: the same dot
// products (same summation order), the same running maximum and exp() values (exact_exp.hpp computes them
// eight at a time, bit for bit std::exp), the same fp16 rounding of the value accumulator after every cell
// (llama.cpp's CPU flash attention), in position order. A sequence's logits therefore stay what they were
// alone, whatever shares the batch or the cache with it.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu/attention.hpp"
#include "backend/cpu/isa.hpp"

namespace braid::engine::cpu {

/// One KV head's rows in a layer's cache (keys or values): element i of cell c is at
/// `base[(c · row + offset) + i]`, fp16 or fp32.
struct KvHeadView {
    const std::byte* base = nullptr;
    std::int64_t row = 0;    // elements per cell (all KV heads)
    std::int64_t offset = 0; // this head's first element in a cell
    bool f16 = true;
    int head_dim = 0;
};

/// The fused inner loops of one group of query heads, for a kernel set that has them.
struct DecodeKernels {
    /// s[h · n + j] = (keys of cells[j]) · q[h · head_dim …] × scale for h < heads, j < n.
    void (*scores)(const KvHeadView& keys, const std::int32_t* cells, int n, const float* q, int heads, float scale, float* s);
    /// For each cell j in order and each head h: acc_h ← acc_h · rescale[h · n + j] when that is not 1, then
    /// acc_h ← acc_h + weight[h · n + j] · (values of cells[j]); with an fp16 cache each step is rounded to fp16.
    /// acc_h = acc[h · head_dim …].
    void (*accumulate)(const KvHeadView& values, const std::int32_t* cells, int n, const float* rescale, const float* weight,
                       int heads, float* acc);
};

/// The AVX2 kernels for head dimensions that are multiples of 8, or nullptr (no AVX2 build, or another
/// head dimension: then the per-head vector primitives of vec.hpp run the same arithmetic).
const DecodeKernels* decode_kernels_avx2(int head_dim) noexcept;

/// Per-thread buffers of the decoding attention.
struct DecodeScratch {
    std::vector<float> q, acc, rope, scores, rescale, weight, sums;
    std::vector<std::int32_t> visible; // the cells one token attends to, in position order
};

/// Work items of the decoding attention over @p tokens tokens: one per (token, KV head).
inline std::int64_t attention_decode_items(const AttentionParams& p, std::int64_t tokens) noexcept {
    return tokens * p.n_head_kv;
}

/// out[t, h] for every query head h of the items [item0, item1) (item = t · n_head_kv + KV head) of
/// @p q ([n_head·head_dim, T]).
void attention_decode(const KvLayer& layer, const AttentionParams& p, const float* q, float* out, const BatchInputs& in,
                      std::int64_t item0, std::int64_t item1, DecodeScratch& scratch, Isa isa);

} // namespace braid::engine::cpu
