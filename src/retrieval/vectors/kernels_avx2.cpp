// AVX2 + FMA + F16C kernels of the exact vector store (compiled for those extensions, called only when the
// CPU has them).
#include <cpuid.h>

#include <algorithm>
#include <vector>

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

// The batched kernel packs the block's rows into panels of 16 rows stored column by column
// (panel[k * 16 + r] = x[r][k]), so that a query value broadcast against two panel loads gives 16 dot
// products at once, with no horizontal sums. Register tile: 6 queries × 16 rows = 12 accumulators, 2 panel
// loads and 6 broadcasts per 12 FMAs (the shape of BLAS sgemm micro-kernels on AVX2).
constexpr std::size_t panel_rows = 16;
constexpr std::size_t tile_queries = 6;

void pack_panels(const float* x, std::size_t nx, std::size_t d, float* packed) {
    const std::size_t panels = (nx + panel_rows - 1) / panel_rows;
    for (std::size_t p = 0; p < panels; ++p) {
        float* dst = packed + p * d * panel_rows;
        for (std::size_t r = 0; r < panel_rows; ++r) {
            const std::size_t row = p * panel_rows + r;
            if (row < nx) {
                const float* src = x + row * d;
                for (std::size_t k = 0; k < d; ++k) dst[k * panel_rows + r] = src[k];
            } else {
                for (std::size_t k = 0; k < d; ++k) dst[k * panel_rows + r] = 0.0F;
            }
        }
    }
}

// Writes the 16 results of one query row, only the first @p rows of them.
inline void store_row(float* out, __m256 lo, __m256 hi, std::size_t rows) {
    if (rows == panel_rows) {
        _mm256_storeu_ps(out, lo);
        _mm256_storeu_ps(out + 8, hi);
        return;
    }
    alignas(32) float tmp[panel_rows];
    _mm256_store_ps(tmp, lo);
    _mm256_store_ps(tmp + 8, hi);
    for (std::size_t r = 0; r < rows; ++r) out[r] = tmp[r];
}

void tile_6x16(const float* q, std::size_t d, const float* panel, float* out, std::size_t ldo, std::size_t rows) {
    __m256 a0 = _mm256_setzero_ps(), b0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
    __m256 a2 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
    __m256 a4 = _mm256_setzero_ps(), b4 = _mm256_setzero_ps(), a5 = _mm256_setzero_ps(), b5 = _mm256_setzero_ps();
    const float* q0 = q;
    const float* q1 = q + d;
    const float* q2 = q + 2 * d;
    const float* q3 = q + 3 * d;
    const float* q4 = q + 4 * d;
    const float* q5 = q + 5 * d;
    for (std::size_t k = 0; k < d; ++k) {
        const __m256 lo = _mm256_loadu_ps(panel + k * panel_rows);
        const __m256 hi = _mm256_loadu_ps(panel + k * panel_rows + 8);
        __m256 v = _mm256_broadcast_ss(q0 + k);
        a0 = _mm256_fmadd_ps(v, lo, a0);
        b0 = _mm256_fmadd_ps(v, hi, b0);
        v = _mm256_broadcast_ss(q1 + k);
        a1 = _mm256_fmadd_ps(v, lo, a1);
        b1 = _mm256_fmadd_ps(v, hi, b1);
        v = _mm256_broadcast_ss(q2 + k);
        a2 = _mm256_fmadd_ps(v, lo, a2);
        b2 = _mm256_fmadd_ps(v, hi, b2);
        v = _mm256_broadcast_ss(q3 + k);
        a3 = _mm256_fmadd_ps(v, lo, a3);
        b3 = _mm256_fmadd_ps(v, hi, b3);
        v = _mm256_broadcast_ss(q4 + k);
        a4 = _mm256_fmadd_ps(v, lo, a4);
        b4 = _mm256_fmadd_ps(v, hi, b4);
        v = _mm256_broadcast_ss(q5 + k);
        a5 = _mm256_fmadd_ps(v, lo, a5);
        b5 = _mm256_fmadd_ps(v, hi, b5);
    }
    store_row(out, a0, b0, rows);
    store_row(out + ldo, a1, b1, rows);
    store_row(out + 2 * ldo, a2, b2, rows);
    store_row(out + 3 * ldo, a3, b3, rows);
    store_row(out + 4 * ldo, a4, b4, rows);
    store_row(out + 5 * ldo, a5, b5, rows);
}

void tile_1x16(const float* q, std::size_t d, const float* panel, float* out, std::size_t rows) {
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    for (std::size_t k = 0; k < d; ++k) {
        const __m256 v = _mm256_broadcast_ss(q + k);
        a = _mm256_fmadd_ps(v, _mm256_loadu_ps(panel + k * panel_rows), a);
        b = _mm256_fmadd_ps(v, _mm256_loadu_ps(panel + k * panel_rows + 8), b);
    }
    store_row(out, a, b, rows);
}

void dot_block_f32(const float* q, std::size_t nq, const float* x, std::size_t nx, std::size_t d, float* out) {
    if (nq < 4) { // too few queries to pay for packing
        for (std::size_t i = 0; i < nq; ++i)
            for (std::size_t j = 0; j < nx; ++j) out[i * nx + j] = dot_f32(q + i * d, x + j * d, d);
        return;
    }
    thread_local std::vector<float> packed;
    const std::size_t panels = (nx + panel_rows - 1) / panel_rows;
    packed.resize(panels * panel_rows * d);
    pack_panels(x, nx, d, packed.data());
    for (std::size_t p = 0; p < panels; ++p) {
        const float* panel = packed.data() + p * panel_rows * d;
        const std::size_t rows = std::min(panel_rows, nx - p * panel_rows);
        std::size_t i = 0;
        for (; i + tile_queries <= nq; i += tile_queries) tile_6x16(q + i * d, d, panel, out + i * nx + p * panel_rows, nx, rows);
        for (; i < nq; ++i) tile_1x16(q + i * d, d, panel, out + i * nx + p * panel_rows, rows);
    }
}

constexpr VectorKernels avx2{"avx2", dot_f32, l2_f32, dot_f16, dot_i8, dot_block_f32};

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
