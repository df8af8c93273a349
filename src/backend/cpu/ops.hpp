// The CPU backend's row-wise operations (everything but matmul and attention), each over a range of
// rows or elements so the caller can split the work between threads.
#pragma once

#include <cstdint>
#include <utility>

#include "braid/engine/model.hpp"

namespace braid::engine::cpu {

/// Thread @p ith of @p nth takes [first, second) of [0, n): contiguous, near-equal parts.
inline std::pair<std::int64_t, std::int64_t> split(std::int64_t n, int ith, int nth) {
    const std::int64_t per = n / nth, extra = n % nth;
    const std::int64_t begin = ith * per + (ith < extra ? ith : extra);
    return {begin, begin + per + (ith < extra ? 1 : 0)};
}

/// y = x / sqrt(mean(x²) + eps) · w, rows [r0, r1) of width n (sums in double, as ggml).
void rms_norm(const float* x, const float* w, float* y, std::int64_t n, std::int64_t r0, std::int64_t r1, float eps);
/// y = (x − mean) / sqrt(var + eps) · w + b.
void layer_norm(const float* x, const float* w, const float* b, float* y, std::int64_t n, std::int64_t r0,
                std::int64_t r1, float eps);
/// y[i] = a[i] + b[i] for i in [i0, i1).
void add(const float* a, const float* b, float* y, std::int64_t i0, std::int64_t i1);
/// y[i] = silu(g[i]) · u[i].
void swiglu(const float* g, const float* u, float* y, std::int64_t i0, std::int64_t i1);
/// y[i] = gelu(x[i]) with the tanh approximation.
void gelu(const float* x, float* y, std::int64_t i0, std::int64_t i1);

/// The rotary angles' cosines and sines of position @p pos for @p n_rot dims (n_rot / 2 pairs):
/// theta_i = pos · base^(−2i / n_rot), computed by repeated multiplication in float as ggml does.
void rope_table(std::int32_t pos, int n_rot, float base, float* cos_sin);
/// Rotates the first n_rot dims of each of @p n_heads heads of @p v in place.
void rope_apply(float* v, int n_heads, int head_dim, int n_rot, bool neox, const float* cos_sin);

} // namespace braid::engine::cpu
