// AVX2 + F16C inner loops of the decoding attention (attention_decode.hpp). Each reproduces the arithmetic
// of vec_avx2.cpp's primitives exactly — one 8-lane FMA chain per dot product reduced by the same
// horizontal sum; fp16 rounding after every multiply-add — only without a call per (head, cell): scores
// run four cells' chains side by side, and a head's accumulator stays in registers across all its cells.
#include <algorithm>
#include <cstdint>

#include "backend/cpu/attention_decode.hpp"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

#include "backend/cpu/hsum_avx2.hpp"

namespace braid::engine::cpu {

namespace {

// hsum: vec_avx2.cpp's reduction (hsum_avx2.hpp), so a dot product sums exactly as the per-head kernel's does.
using avx2::hsum;

inline __m256 round8(__m256 v) { return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT)); }

// A sequence's cells are scattered over the cache (a row per cell, of every KV head), and a pass reads
// every layer's: the rows come from L3 or memory, so each loop asks for the row of a cell this many
// ahead of the one it works on.
constexpr int prefetch_cells = 8;

// Requests elements [element, element + count) of a cache row into L1.
template <bool F16> inline void prefetch_row(const std::byte* base, std::int64_t element, int count) {
    constexpr std::int64_t size = F16 ? 2 : 4;
    const char* first = reinterpret_cast<const char*>(base) + element * size;
    for (std::int64_t at = 0; at < count * size; at += 64)
        _mm_prefetch(first + at, _MM_HINT_T0);
    _mm_prefetch(first + count * size - 1, _MM_HINT_T0);
}

template <bool F16> inline __m256 load8(const std::byte* base, std::int64_t element) {
    if constexpr (F16)
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(reinterpret_cast<const std::uint16_t*>(base) + element)));
    else
        return _mm256_loadu_ps(reinterpret_cast<const float*>(base) + element);
}

// One cell's key converted once, then dotted with each head's query: chains of different heads run side by
// side. Other head sizes reload the key per head.
template <bool F16, int V>
void scores_cells(const KvHeadView& keys, const std::int32_t* cells, int n, const float* q, int heads, float scale, float* s) {
    for (int j = 0; j < n; ++j) {
        if (j + prefetch_cells < n)
            prefetch_row<F16>(keys.base, cells[j + prefetch_cells] * keys.row + keys.offset, 8 * V);
        const std::int64_t at = cells[j] * keys.row + keys.offset;
        __m256 k[V];
        for (int i = 0; i < V; ++i)
            k[i] = load8<F16>(keys.base, at + 8 * i);
        for (int h = 0; h < heads; ++h) {
            const float* qh = q + h * keys.head_dim;
            __m256 acc = _mm256_setzero_ps();
            for (int i = 0; i < V; ++i)
                acc = _mm256_fmadd_ps(k[i], _mm256_loadu_ps(qh + 8 * i), acc);
            s[h * n + j] = hsum(acc) * scale;
        }
    }
}

template <bool F16>
void scores_any_width(const KvHeadView& keys, const std::int32_t* cells, int n, const float* q, int heads, float scale, float* s) {
    const int vectors = keys.head_dim / 8;
    for (int h = 0; h < heads; ++h) {
        const float* qh = q + h * keys.head_dim;
        for (int j = 0; j < n; ++j) {
            if (j + prefetch_cells < n)
                prefetch_row<F16>(keys.base, cells[j + prefetch_cells] * keys.row + keys.offset, keys.head_dim);
            const std::int64_t at = cells[j] * keys.row + keys.offset;
            __m256 acc = _mm256_setzero_ps();
            for (int i = 0; i < vectors; ++i)
                acc = _mm256_fmadd_ps(load8<F16>(keys.base, at + 8 * i), _mm256_loadu_ps(qh + 8 * i), acc);
            s[h * n + j] = hsum(acc) * scale;
        }
    }
}

template <bool F16>
void scores(const KvHeadView& keys, const std::int32_t* cells, int n, const float* q, int heads, float scale, float* s) {
    switch (keys.head_dim) {
    case 32: scores_cells<F16, 4>(keys, cells, n, q, heads, scale, s); break;
    case 64: scores_cells<F16, 8>(keys, cells, n, q, heads, scale, s); break;
    default: scores_any_width<F16>(keys, cells, n, q, heads, scale, s); break;
    }
}

// Dimensions [8·first, 8·(first + W)) of heads [0, H) of the accumulator over every cell. The fp16 rounding
// after each multiply-add makes every (head, vector) a chain whose steps wait on each other's latency
// (FMA, then two conversions): H·W chains side by side hide it, and each value vector, converted once,
// serves the H heads that share it.
template <bool F16, int H, int W>
void accumulate_block(const KvHeadView& values, const std::int32_t* cells, int n, const float* rescale, const float* weight,
                      int first, float* acc) {
    const int hd = values.head_dim;
    __m256 a[H][W];
    for (int h = 0; h < H; ++h)
        for (int i = 0; i < W; ++i)
            a[h][i] = _mm256_loadu_ps(acc + h * hd + 8 * (first + i));
    for (int j = 0; j < n; ++j) {
        const std::int64_t at = cells[j] * values.row + values.offset + 8 * first;
        if (j + prefetch_cells < n)
            prefetch_row<F16>(values.base, cells[j + prefetch_cells] * values.row + values.offset + 8 * first, 8 * W);
        __m256 v[W];
        for (int i = 0; i < W; ++i)
            v[i] = load8<F16>(values.base, at + 8 * i);
        for (int h = 0; h < H; ++h) {
            const float ms = rescale[h * n + j];
            if (ms != 1.0f) {
                const __m256 m = _mm256_set1_ps(ms);
                for (int i = 0; i < W; ++i)
                    a[h][i] = F16 ? round8(_mm256_mul_ps(a[h][i], m)) : _mm256_mul_ps(a[h][i], m);
            }
            const __m256 vs = _mm256_set1_ps(weight[h * n + j]);
            for (int i = 0; i < W; ++i) {
                if constexpr (F16)
                    a[h][i] = round8(_mm256_fmadd_ps(v[i], vs, a[h][i]));
                else
                    a[h][i] = _mm256_fmadd_ps(vs, v[i], a[h][i]);
            }
        }
    }
    for (int h = 0; h < H; ++h)
        for (int i = 0; i < W; ++i)
            _mm256_storeu_ps(acc + h * hd + 8 * (first + i), a[h][i]);
}

// Chains that fit the 16 vector registers beside the converted values and one broadcast weight.
constexpr int max_chains = 12;

template <bool F16, int H, int W>
void accumulate_width(const KvHeadView& values, const std::int32_t* cells, int n, const float* rescale, const float* weight,
                      int first, int width, float* acc) {
    if constexpr (W > 1)
        if (width < W)
            return accumulate_width<F16, H, W - 1>(values, cells, n, rescale, weight, first, width, acc);
    accumulate_block<F16, H, W>(values, cells, n, rescale, weight, first, acc);
}

template <bool F16, int H>
void accumulate_heads(const KvHeadView& values, const std::int32_t* cells, int n, const float* rescale, const float* weight,
                      float* acc) {
    constexpr int span = std::min(8, max_chains / H); // vectors per block: one value vector per chain group
    const int vectors = values.head_dim / 8;
    for (int first = 0; first < vectors; first += span)
        accumulate_width<F16, H, span>(values, cells, n, rescale, weight, first, std::min(span, vectors - first), acc);
}

template <bool F16>
void accumulate(const KvHeadView& values, const std::int32_t* cells, int n, const float* rescale, const float* weight, int heads,
                float* acc) {
    for (int h = 0; h < heads; h += 4) {
        const std::int64_t at = static_cast<std::int64_t>(h) * values.head_dim;
        const std::int64_t row = static_cast<std::int64_t>(h) * n;
        switch (std::min(4, heads - h)) {
        case 1: accumulate_heads<F16, 1>(values, cells, n, rescale + row, weight + row, acc + at); break;
        case 2: accumulate_heads<F16, 2>(values, cells, n, rescale + row, weight + row, acc + at); break;
        case 3: accumulate_heads<F16, 3>(values, cells, n, rescale + row, weight + row, acc + at); break;
        default: accumulate_heads<F16, 4>(values, cells, n, rescale + row, weight + row, acc + at); break;
        }
    }
}

void scores_any(const KvHeadView& keys, const std::int32_t* cells, int n, const float* q, int heads, float scale, float* s) {
    if (keys.f16)
        scores<true>(keys, cells, n, q, heads, scale, s);
    else
        scores<false>(keys, cells, n, q, heads, scale, s);
}

void accumulate_any(const KvHeadView& values, const std::int32_t* cells, int n, const float* rescale, const float* weight,
                    int heads, float* acc) {
    if (values.f16)
        accumulate<true>(values, cells, n, rescale, weight, heads, acc);
    else
        accumulate<false>(values, cells, n, rescale, weight, heads, acc);
}

} // namespace

const DecodeKernels* decode_kernels_avx2(int head_dim) noexcept {
    static const DecodeKernels kernels{scores_any, accumulate_any};
    return head_dim > 0 && head_dim % 8 == 0 ? &kernels : nullptr;
}

} // namespace braid::engine::cpu

#pragma GCC pop_options

#else

namespace braid::engine::cpu {
const DecodeKernels* decode_kernels_avx2(int) noexcept { return nullptr; }
} // namespace braid::engine::cpu

#endif
