#include "backend/cpu/exact_exp.hpp"

#include <cmath>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

namespace braid::engine::cpu::avx2 {

namespace {

// bits(2^(i/32)) − i·2^47: adding k·2^47 to entry k mod 32 gives the bits of 2^(k/32) for any integer k
// in range, as the exponent field starts at bit 52.
struct PowerTable {
    alignas(32) long long bits[32];
    PowerTable() {
        for (int i = 0; i < 32; ++i) {
            const double v = static_cast<double>(std::exp2(static_cast<long double>(i) / 32));
            std::uint64_t u;
            std::memcpy(&u, &v, sizeof u);
            u -= static_cast<std::uint64_t>(i) << 47;
            std::memcpy(&bits[i], &u, sizeof u);
        }
    }
};

const PowerTable& powers() {
    static const PowerTable table;
    return table;
}

// exp of four doubles (floats widened), before the final rounding to float.
inline __m256d exp4(__m256d x, const long long* table) {
    const __m256d shift = _mm256_set1_pd(0x1.8p52); // adding it rounds to an integer, kept in the low bits
    const __m256d z = _mm256_mul_pd(_mm256_set1_pd(0x1.71547652b82fep+5), x); // x · 32 / ln 2
    __m256d kd = _mm256_add_pd(z, shift);
    const __m256i ki = _mm256_castpd_si256(kd);
    kd = _mm256_sub_pd(kd, shift);
    const __m256d r = _mm256_sub_pd(z, kd);
    const __m256i entry = _mm256_i64gather_epi64(table, _mm256_and_si256(ki, _mm256_set1_epi64x(31)), 8);
    const __m256d s = _mm256_castsi256_pd(_mm256_add_epi64(entry, _mm256_slli_epi64(ki, 47)));
    // 2^(r/32) ≈ 1 + c2·r + c1·r² + c0·r³ (minimax coefficients over the reduced range, scaled by 1/32^i).
    const __m256d c01 = _mm256_fmadd_pd(_mm256_set1_pd(0x1.c6af84b912394p-20), r, _mm256_set1_pd(0x1.ebfce50fac4f3p-13));
    __m256d y = _mm256_fmadd_pd(_mm256_set1_pd(0x1.62e42ff0c52d6p-6), r, _mm256_set1_pd(1.0));
    y = _mm256_fmadd_pd(c01, _mm256_mul_pd(r, r), y);
    return _mm256_mul_pd(y, s);
}

inline __m256 exp8(__m256 x, const long long* table) {
    const __m128 lo = _mm256_cvtpd_ps(exp4(_mm256_cvtps_pd(_mm256_castps256_ps128(x)), table));
    const __m128 hi = _mm256_cvtpd_ps(exp4(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)), table));
    __m256 y = _mm256_set_m128(hi, lo);
    // Outside the reduction's range, as the libm: 0 below log(2^-150) (−∞ included), +∞ above log(2^128),
    // NaN stays NaN.
    y = _mm256_blendv_ps(y, _mm256_setzero_ps(), _mm256_cmp_ps(x, _mm256_set1_ps(-0x1.9fe368p6f), _CMP_LT_OQ));
    y = _mm256_blendv_ps(y, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x, _mm256_set1_ps(0x1.62e42ep6f), _CMP_GT_OQ));
    return _mm256_blendv_ps(y, _mm256_add_ps(x, x), _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

} // namespace

void exp_floats(const float* x, float* y, std::int64_t n) noexcept {
    const long long* table = powers().bits;
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i), table));
    if (i < n) { // the tail through the same code, padded
        alignas(32) float in[8] = {}, out[8];
        std::memcpy(in, x + i, static_cast<std::size_t>(n - i) * sizeof(float));
        _mm256_store_ps(out, exp8(_mm256_load_ps(in), table));
        std::memcpy(y + i, out, static_cast<std::size_t>(n - i) * sizeof(float));
    }
}

} // namespace braid::engine::cpu::avx2

#pragma GCC pop_options

#else

namespace braid::engine::cpu::avx2 {
void exp_floats(const float* x, float* y, std::int64_t n) noexcept {
    for (std::int64_t i = 0; i < n; ++i)
        y[i] = std::exp(x[i]);
}
} // namespace braid::engine::cpu::avx2

#endif
