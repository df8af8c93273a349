// AVX2 + FMA + F16C kernels of the exact vector store (compiled for those extensions, called only when the
// CPU has them).
#include <cpuid.h>

#include "kernels.hpp"

// Only <immintrin.h> and this file's own functions come after the target switch, so no inline function of
// a shared header is compiled for AVX2 (the linker could keep that copy for callers on any CPU). GCC takes
// a target pragma, clang an attribute applied to every function that follows.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#endif
#include <immintrin.h>

namespace braid::retrieval::detail {
namespace {

inline float hsum(__m256 v) {
    const __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 s = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}

float dot_f32(const float* a, const float* b, std::size_t d) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 32 <= d; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= d; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float s = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < d; ++i) s += a[i] * b[i];
    return s;
}

float l2_f32(const float* a, const float* b, std::size_t d) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        const __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        const __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        s0 = _mm256_fmadd_ps(t0, t0, s0);
        s1 = _mm256_fmadd_ps(t1, t1, s1);
    }
    for (; i + 8 <= d; i += 8) {
        const __m256 t = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        s0 = _mm256_fmadd_ps(t, t, s0);
    }
    float s = hsum(_mm256_add_ps(s0, s1));
    for (; i < d; ++i) {
        const float t = a[i] - b[i];
        s += t * t;
    }
    return s;
}

float dot_f16(const float* q, const std::uint16_t* x, std::size_t d) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        const __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        const __m256 x1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i + 8)));
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), x1, s1);
    }
    for (; i + 8 <= d; i += 8)
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i),
                             _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))), s0);
    float s = hsum(_mm256_add_ps(s0, s1));
    for (; i < d; ++i) s += q[i] * half_to_float(x[i]);
    return s;
}

float dot_i8(const float* q, const std::int8_t* x, std::size_t d) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
        const __m256 x0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
        const __m256 x1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8)));
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), x1, s1);
    }
    float s = hsum(_mm256_add_ps(s0, s1));
    for (; i < d; ++i) s += q[i] * static_cast<float>(x[i]);
    return s;
}

// Single queries: a value of the query broadcast against a panel line gives 16 partial dot products, with
// no horizontal sums. Four panels at a time keep 8 independent FMA chains in flight (one chain would wait
// on the FMA latency at every step).
constexpr std::size_t panels_per_step = 4;

inline const float* line(const float* panel, std::size_t k) { return panel + k * panel_rows; }

void dot_panels_f32(const float* q, const float* panels, std::size_t count, std::size_t d, float* out) {
    const std::size_t stride = d * panel_rows;
    std::size_t p = 0;
    for (; p + panels_per_step <= count; p += panels_per_step) {
        const float* p0 = panels + p * stride;
        const float* p1 = p0 + stride;
        const float* p2 = p1 + stride;
        const float* p3 = p2 + stride;
        __m256 a0 = _mm256_setzero_ps(), b0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
        for (std::size_t k = 0; k < d; ++k) {
            const __m256 v = _mm256_broadcast_ss(q + k);
            a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p0, k)), a0);
            b0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p0, k) + 8), b0);
            a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p1, k)), a1);
            b1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p1, k) + 8), b1);
            a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p2, k)), a2);
            b2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p2, k) + 8), b2);
            a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p3, k)), a3);
            b3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p3, k) + 8), b3);
        }
        float* o = out + p * panel_rows;
        _mm256_storeu_ps(o, a0);
        _mm256_storeu_ps(o + 8, b0);
        _mm256_storeu_ps(o + 16, a1);
        _mm256_storeu_ps(o + 24, b1);
        _mm256_storeu_ps(o + 32, a2);
        _mm256_storeu_ps(o + 40, b2);
        _mm256_storeu_ps(o + 48, a3);
        _mm256_storeu_ps(o + 56, b3);
    }
    for (; p < count; ++p) {
        const float* p0 = panels + p * stride;
        __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
        for (std::size_t k = 0; k < d; ++k) {
            const __m256 v = _mm256_broadcast_ss(q + k);
            a = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p0, k)), a);
            b = _mm256_fmadd_ps(v, _mm256_loadu_ps(line(p0, k) + 8), b);
        }
        _mm256_storeu_ps(out + p * panel_rows, a);
        _mm256_storeu_ps(out + p * panel_rows + 8, b);
    }
}

// Turns one query's two accumulators into t values, stores them and says whether any beats the threshold.
inline bool finish_row(__m256 lo, __m256 hi, std::size_t i, const TileScoring& s, __m256 alpha, __m256 row_lo,
                       __m256 row_hi, float* out) {
    const __m256 qoff = _mm256_broadcast_ss(s.query_offset + i);
    const __m256 tlo = _mm256_fmadd_ps(alpha, lo, _mm256_add_ps(qoff, row_lo));
    const __m256 thi = _mm256_fmadd_ps(alpha, hi, _mm256_add_ps(qoff, row_hi));
    _mm256_storeu_ps(out + i * panel_rows, tlo);
    _mm256_storeu_ps(out + i * panel_rows + 8, thi);
    const __m256 bar = _mm256_broadcast_ss(s.threshold + i);
    return _mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps(tlo, bar, _CMP_GT_OQ), _mm256_cmp_ps(thi, bar, _CMP_GT_OQ))) != 0;
}

// Batches: 6 packed queries × one panel of 16 rows = 12 accumulators; per value 2 panel loads and 6
// broadcasts feed 12 FMAs (the register tile of AVX2 sgemm micro-kernels).
bool tile_panel_f32(const float* tile, const float* panel, std::size_t d, const TileScoring& scoring, float* out) {
    static_assert(tile_queries == 6 && panel_rows == 16, "the register tile below is written for 6 × 16");
    __m256 a0 = _mm256_setzero_ps(), b0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
    __m256 a2 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
    __m256 a4 = _mm256_setzero_ps(), b4 = _mm256_setzero_ps(), a5 = _mm256_setzero_ps(), b5 = _mm256_setzero_ps();
    for (std::size_t k = 0; k < d; ++k) {
        const __m256 lo = _mm256_loadu_ps(line(panel, k));
        const __m256 hi = _mm256_loadu_ps(line(panel, k) + 8);
        const float* q = tile + k * tile_queries;
        __m256 v = _mm256_broadcast_ss(q);
        a0 = _mm256_fmadd_ps(v, lo, a0);
        b0 = _mm256_fmadd_ps(v, hi, b0);
        v = _mm256_broadcast_ss(q + 1);
        a1 = _mm256_fmadd_ps(v, lo, a1);
        b1 = _mm256_fmadd_ps(v, hi, b1);
        v = _mm256_broadcast_ss(q + 2);
        a2 = _mm256_fmadd_ps(v, lo, a2);
        b2 = _mm256_fmadd_ps(v, hi, b2);
        v = _mm256_broadcast_ss(q + 3);
        a3 = _mm256_fmadd_ps(v, lo, a3);
        b3 = _mm256_fmadd_ps(v, hi, b3);
        v = _mm256_broadcast_ss(q + 4);
        a4 = _mm256_fmadd_ps(v, lo, a4);
        b4 = _mm256_fmadd_ps(v, hi, b4);
        v = _mm256_broadcast_ss(q + 5);
        a5 = _mm256_fmadd_ps(v, lo, a5);
        b5 = _mm256_fmadd_ps(v, hi, b5);
    }
    const __m256 alpha = _mm256_set1_ps(scoring.alpha);
    const __m256 row_lo = scoring.row_offset ? _mm256_loadu_ps(scoring.row_offset) : _mm256_setzero_ps();
    const __m256 row_hi = scoring.row_offset ? _mm256_loadu_ps(scoring.row_offset + 8) : _mm256_setzero_ps();
    bool any = finish_row(a0, b0, 0, scoring, alpha, row_lo, row_hi, out);
    any |= finish_row(a1, b1, 1, scoring, alpha, row_lo, row_hi, out);
    any |= finish_row(a2, b2, 2, scoring, alpha, row_lo, row_hi, out);
    any |= finish_row(a3, b3, 3, scoring, alpha, row_lo, row_hi, out);
    any |= finish_row(a4, b4, 4, scoring, alpha, row_lo, row_hi, out);
    any |= finish_row(a5, b5, 5, scoring, alpha, row_lo, row_hi, out);
    return any;
}

// hnswlib's distance-function form of dot_f32 and l2_f32.
float hnsw_ip_distance(const void* a, const void* b, const void* dimension) {
    return 1.0F - dot_f32(static_cast<const float*>(a), static_cast<const float*>(b), *static_cast<const std::size_t*>(dimension));
}
float hnsw_l2_distance(const void* a, const void* b, const void* dimension) {
    return l2_f32(static_cast<const float*>(a), static_cast<const float*>(b), *static_cast<const std::size_t*>(dimension));
}

constexpr VectorKernels avx2{"avx2", dot_f32, l2_f32, dot_f16, dot_i8, dot_panels_f32, tile_panel_f32, hnsw_ip_distance, hnsw_l2_distance};

} // namespace
} // namespace braid::retrieval::detail

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace braid::retrieval::detail {

namespace {

/// F16C through CPUID leaf 1 (clang's __builtin_cpu_supports does not know "f16c").
bool cpu_has_f16c() noexcept {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
}

} // namespace

const VectorKernels* avx2_vector_kernels() noexcept {
    static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c();
    return ok ? &avx2 : nullptr;
}

} // namespace braid::retrieval::detail
