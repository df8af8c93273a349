// The sum of a vector's eight floats as every AVX2 kernel of the CPU backend takes it, in one fixed order
// (the two halves, then their pairs, then the last two): kernels that must agree bit for bit — the
// decoding attention's scores and vec_avx2's per-head dot products — reduce through this one function.
// Include it after `#pragma GCC target("avx2,...")` and <immintrin.h>; static, so each file keeps its own
// AVX2 copy and nothing built without AVX2 can pick it up.
#pragma once

#include <immintrin.h>

namespace braid::engine::cpu::avx2 {

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

} // namespace braid::engine::cpu::avx2
