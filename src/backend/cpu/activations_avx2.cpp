#include "backend/cpu/activations.hpp"

#include "backend/cpu/ops.hpp"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>

namespace braid::engine::cpu::avx2 {

namespace {

// e^x for 8 floats: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Cephes' expf polynomial (about 1 ulp), then
// 2^n through the exponent bits. Below −87.3 e^x is under the smallest normal float (that of −87.3
// here); above 88.3 it overflows to infinity.
inline __m256 exp8(__m256 x) {
    const __m256 overflow = _mm256_cmp_ps(x, _mm256_set1_ps(88.3f), _CMP_GT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x); // ln2 in two parts: r exact
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    const __m256 e_r = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_blendv_ps(_mm256_mul_ps(e_r, _mm256_castsi256_ps(bits)), _mm256_set1_ps(__builtin_inff()), overflow);
}

// x / (1 + e^(−k·x))
inline __m256 times_sigmoid(__m256 x, __m256 kx) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), kx));
    return _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

} // namespace

void gelu(const float* x, float* y, std::int64_t i0, std::int64_t i1) {
    const __m256 c = _mm256_set1_ps(0.79788456080286535587989211986876f), a = _mm256_set1_ps(0.044715f);
    const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
    std::int64_t i = i0;
    for (; i + 8 <= i1; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 u = _mm256_mul_ps(_mm256_mul_ps(c, v), _mm256_fmadd_ps(_mm256_mul_ps(a, v), v, one));
        _mm256_storeu_ps(y + i, times_sigmoid(v, _mm256_mul_ps(two, u)));
    }
    cpu::gelu(x, y, i, i1);
}

void swiglu(const float* g, const float* u, float* y, std::int64_t i0, std::int64_t i1) {
    std::int64_t i = i0;
    for (; i + 8 <= i1; i += 8) {
        const __m256 v = _mm256_loadu_ps(g + i);
        _mm256_storeu_ps(y + i, _mm256_mul_ps(times_sigmoid(v, v), _mm256_loadu_ps(u + i)));
    }
    cpu::swiglu(g, u, y, i, i1);
}

} // namespace braid::engine::cpu::avx2

#pragma GCC pop_options

#else

namespace braid::engine::cpu::avx2 {
void gelu(const float* x, float* y, std::int64_t i0, std::int64_t i1) { cpu::gelu(x, y, i0, i1); }
void swiglu(const float* g, const float* u, float* y, std::int64_t i0, std::int64_t i1) { cpu::swiglu(g, u, y, i0, i1); }
} // namespace braid::engine::cpu::avx2

#endif
