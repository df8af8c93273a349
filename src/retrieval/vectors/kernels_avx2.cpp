// AVX2 + FMA + F16C kernels of the exact vector store (compiled for those extensions, called only when the
// CPU has them).
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

#include "kernels.hpp"

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

// Register tile of the blocked kernel: 4 queries × 2 vectors = 8 accumulators, 6 loads per 8 FMAs.
constexpr std::size_t tile_q = 4;
constexpr std::size_t tile_x = 2;

// Accumulators are named variables (not an array) so that GCC keeps them in registers at -O2.
void tile_4x2(const float* q, const float* x, std::size_t d, float* out, std::size_t ldo) {
    __m256 a00 = _mm256_setzero_ps(), a01 = _mm256_setzero_ps(), a10 = _mm256_setzero_ps(), a11 = _mm256_setzero_ps();
    __m256 a20 = _mm256_setzero_ps(), a21 = _mm256_setzero_ps(), a30 = _mm256_setzero_ps(), a31 = _mm256_setzero_ps();
    const float* q0 = q;
    const float* q1 = q + d;
    const float* q2 = q + 2 * d;
    const float* q3 = q + 3 * d;
    const float* x1p = x + d;
    std::size_t k = 0;
    for (; k + 8 <= d; k += 8) {
        const __m256 x0 = _mm256_loadu_ps(x + k);
        const __m256 x1 = _mm256_loadu_ps(x1p + k);
        __m256 v = _mm256_loadu_ps(q0 + k);
        a00 = _mm256_fmadd_ps(v, x0, a00);
        a01 = _mm256_fmadd_ps(v, x1, a01);
        v = _mm256_loadu_ps(q1 + k);
        a10 = _mm256_fmadd_ps(v, x0, a10);
        a11 = _mm256_fmadd_ps(v, x1, a11);
        v = _mm256_loadu_ps(q2 + k);
        a20 = _mm256_fmadd_ps(v, x0, a20);
        a21 = _mm256_fmadd_ps(v, x1, a21);
        v = _mm256_loadu_ps(q3 + k);
        a30 = _mm256_fmadd_ps(v, x0, a30);
        a31 = _mm256_fmadd_ps(v, x1, a31);
    }
    const __m256 acc[tile_q][tile_x] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
    for (std::size_t i = 0; i < tile_q; ++i)
        for (std::size_t j = 0; j < tile_x; ++j) {
            float s = hsum(acc[i][j]);
            for (std::size_t t = k; t < d; ++t) s += q[i * d + t] * x[j * d + t];
            out[i * ldo + j] = s;
        }
}

void dot_block_f32(const float* q, std::size_t nq, const float* x, std::size_t nx, std::size_t d, float* out) {
    std::size_t i = 0;
    for (; i + tile_q <= nq; i += tile_q) {
        std::size_t j = 0;
        for (; j + tile_x <= nx; j += tile_x) tile_4x2(q + i * d, x + j * d, d, out + i * nx + j, nx);
        for (; j < nx; ++j)
            for (std::size_t t = 0; t < tile_q; ++t) out[(i + t) * nx + j] = dot_f32(q + (i + t) * d, x + j * d, d);
    }
    for (; i < nq; ++i)
        for (std::size_t j = 0; j < nx; ++j) out[i * nx + j] = dot_f32(q + i * d, x + j * d, d);
}

constexpr VectorKernels avx2{"avx2", dot_f32, l2_f32, dot_f16, dot_i8, dot_block_f32};

} // namespace

const VectorKernels* avx2_vector_kernels() noexcept {
    static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    return ok ? &avx2 : nullptr;
}

} // namespace braid::retrieval::detail
