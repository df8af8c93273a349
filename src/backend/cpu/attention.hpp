// Attention on the CPU: storing a batch's keys (rotated) and values in the KV cache, and attending
// from each query head over the cache cells its token may see (same sequence; earlier positions when
// causal) with a numerically stable softmax.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu/isa.hpp"

namespace braid::engine::cpu {

/// One layer's cache: n_ctx rows of keys and of values, each `row` elements (fp16 or fp32).
struct KvLayer {
    std::byte* k = nullptr;
    std::byte* v = nullptr;
    bool f16 = true;
    std::int64_t row = 0;
};

/// Per-thread buffers of the attention kernels.
struct AttentionScratch {
    std::vector<float> q, acc, rope, scores, row;
    std::vector<std::int32_t> visible; // the cells one token attends to, in position order
    void resize(int head_dim, int n_rot, std::int64_t n_ctx) {
        q.resize(static_cast<std::size_t>(head_dim));
        acc.resize(static_cast<std::size_t>(head_dim));
        rope.resize(static_cast<std::size_t>(n_rot));
        scores.resize(static_cast<std::size_t>(n_ctx));
    }
};

/// Stores tokens [t0, t1) of @p k and @p v ([kv_dim, T]) in their cache cells, RoPE applied to k.
void kv_store(const KvLayer& layer, const AttentionParams& p, const float* k, const float* v, const BatchInputs& in,
              std::int64_t t0, std::int64_t t1, AttentionScratch& scratch, Isa isa);

/// The cells token @p t of @p in sees (its sequence; not a later position when causal), in position order:
/// where a sequence's cells lie depends on the other sequences (freed cells are reused), and with the
/// fp16 accumulator the order of the sum changes the result.
void visible_cells(const AttentionParams& p, const BatchInputs& in, std::int64_t t, std::vector<std::int32_t>& visible);

/// out[t, h] for the (token, head) pairs [pair0, pair1) (pair = t · n_head + h) of @p q ([n_head·head_dim, T]).
void attention(const KvLayer& layer, const AttentionParams& p, const float* q, float* out, const BatchInputs& in,
               std::int64_t pair0, std::int64_t pair1, AttentionScratch& scratch, Isa isa);

} // namespace braid::engine::cpu
