// AVX2 + F16C versions of the attention vector primitives (tails in scalar code).
#include <cstdint>

#include "backend/cpu/exact_exp.hpp"
#include "backend/cpu/vec.hpp"
#include "braid/engine/quant.hpp"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

#include "backend/cpu/hsum_avx2.hpp"

namespace braid::engine::cpu::avx2 {

namespace {

inline __m256 load_f16(const std::uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }

float dot_f16(const std::uint16_t* a, const float* b, int n) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8)
        acc = _mm256_fmadd_ps(load_f16(a + i), _mm256_loadu_ps(b + i), acc);
    float s = hsum(acc);
    for (; i < n; ++i)
        s += _cvtsh_ss(a[i]) * b[i];
    return s;
}

float dot_f32(const float* a, const float* b, int n) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8)
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    float s = hsum(acc);
    for (; i < n; ++i)
        s += a[i] * b[i];
    return s;
}

void axpy_f16(float a, const std::uint16_t* x, float* y, int n) {
    const __m256 av = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, load_f16(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; ++i)
        y[i] += a * _cvtsh_ss(x[i]);
}

void axpy_f32(float a, const float* x, float* y, int n) {
    const __m256 av = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; ++i)
        y[i] += a * x[i];
}

void to_f16(const float* x, std::uint16_t* y, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; ++i)
        y[i] = _cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT);
}

inline __m256 round8(__m256 v) { return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT)); }
inline float round1(float v) { return _cvtsh_ss(_cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT)); }

void scale_round_f16(float* y, float s, int n) {
    const __m256 sv = _mm256_set1_ps(s);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, round8(_mm256_mul_ps(_mm256_loadu_ps(y + i), sv)));
    for (; i < n; ++i)
        y[i] = round1(y[i] * s);
}

void mad_round_f16(float* y, const std::uint16_t* x, float a, int n) {
    const __m256 av = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, round8(_mm256_fmadd_ps(load_f16(x + i), av, _mm256_loadu_ps(y + i))));
    for (; i < n; ++i)
        y[i] = round1(y[i] + _cvtsh_ss(x[i]) * a);
}

void round_f16(float* y, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, round8(_mm256_loadu_ps(y + i)));
    for (; i < n; ++i)
        y[i] = round1(y[i]);
}

void exp(const float* x, float* y, int n) { exp_floats(x, y, n); }

} // namespace

const VecOps& vec_ops() {
    static const VecOps ops{dot_f16, dot_f32, axpy_f16, axpy_f32, to_f16, scale_round_f16, mad_round_f16, round_f16, exp};
    return ops;
}

} // namespace braid::engine::cpu::avx2

#pragma GCC pop_options

#else

namespace braid::engine::cpu::avx2 {
const VecOps& vec_ops() { return scalar::vec_ops(); }
}

#endif
