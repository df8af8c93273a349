// AVX2 + FMA + F16C versions of the tiled attention's inner kernels: the tile's keys converted and
// transposed eight by eight, register-blocked Q·Kᵀ and P·V, and a polynomial exp eight lanes at a time.
#include "backend/cpu/attention_tiles.hpp"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

#include "backend/cpu/hsum_avx2.hpp"

namespace braid::engine::cpu::avx2 {

namespace {

constexpr int tile_vectors = attention_kv_tile / 8;

inline __m256 load8(const void* x, bool f16, std::int64_t i) {
    return f16 ? _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const std::uint16_t*>(x) + i)))
               : _mm256_loadu_ps(static_cast<const float*>(x) + i);
}

inline float load1(const void* x, bool f16, std::int64_t i) {
    return f16 ? _cvtsh_ss(static_cast<const std::uint16_t*>(x)[i]) : static_cast<const float*>(x)[i];
}

// Eight rows of eight floats transposed in registers (unpack pairs, then quads, then halves).
inline void transpose8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

void load_keys(const void* k, std::int64_t stride, bool f16, int count, int hd, float* kt) {
    int j = 0;
    for (; j + 8 <= count; j += 8) { // blocks of 8 cells × 8 dimensions
        int d = 0;
        for (; d + 8 <= hd; d += 8) {
            __m256 r[8];
            for (int i = 0; i < 8; ++i)
                r[i] = load8(k, f16, (j + i) * stride + d);
            transpose8(r);
            for (int i = 0; i < 8; ++i)
                _mm256_storeu_ps(kt + (d + i) * attention_kv_tile + j, r[i]);
        }
        for (; d < hd; ++d)
            for (int i = 0; i < 8; ++i)
                kt[d * attention_kv_tile + j + i] = load1(k, f16, (j + i) * stride + d);
    }
    for (; j < count; ++j)
        for (int d = 0; d < hd; ++d)
            kt[d * attention_kv_tile + j] = load1(k, f16, j * stride + d);
}

void load_values(const void* v, std::int64_t stride, bool f16, int count, int hd, int hdp, float* out) {
    for (int j = 0; j < count; ++j) {
        int d = 0;
        for (; d + 8 <= hd; d += 8)
            _mm256_storeu_ps(out + j * hdp + d, load8(v, f16, j * stride + d));
        for (; d < hd; ++d)
            out[j * hdp + d] = load1(v, f16, j * stride + d);
    }
}

// A loaded vector kept in a register for the R rows that use it: left alone, GCC 12 folds the load into
// each row's FMA (R loads of the same vector; a load port, not the FMAs, then bounds the loop).
inline __m256 in_register(__m256 v) {
    __asm__("" : "+x"(v));
    return v;
}

// R query rows × C vectors of eight cells: the accumulators (R · C ≤ 8) stay in registers over the
// head dimension, each key vector loaded once for the R rows.
template <int R, int C>
void scores_block(const float* q, int hd, const float* kt, float* s) {
    __m256 acc[R][C];
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
            acc[r][c] = _mm256_setzero_ps();
    for (int d = 0; d < hd; ++d) {
        __m256 k[C];
        for (int c = 0; c < C; ++c)
            k[c] = in_register(_mm256_loadu_ps(kt + d * attention_kv_tile + c * 8));
        for (int r = 0; r < R; ++r) {
            const __m256 x = _mm256_broadcast_ss(q + r * hd + d);
            for (int c = 0; c < C; ++c)
                acc[r][c] = _mm256_fmadd_ps(x, k[c], acc[r][c]);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
            _mm256_storeu_ps(s + r * attention_kv_tile + c * 8, acc[r][c]);
}

void scores(const float* q, int rows, int hd, const float* kt, float* s) {
    constexpr int C = 4; // half a tile per pass: 2 rows × 4 vectors = 8 accumulators
    int r = 0;
    for (; r + 2 <= rows; r += 2)
        for (int c = 0; c < tile_vectors; c += C)
            scores_block<2, C>(q + r * hd, hd, kt + c * 8, s + r * attention_kv_tile + c * 8);
    for (; r < rows; ++r)
        for (int c = 0; c < tile_vectors; c += C)
            scores_block<1, C>(q + r * hd, hd, kt + c * 8, s + r * attention_kv_tile + c * 8);
}

// R rows × C vectors of the accumulator, kept in registers over the tile's cells.
template <int R, int C>
void accumulate_block(const float* p, const float* v, int hdp, float* acc) {
    __m256 a[R][C];
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
            a[r][c] = _mm256_loadu_ps(acc + r * hdp + c * 8);
    for (int j = 0; j < attention_kv_tile; ++j) {
        __m256 x[C];
        for (int c = 0; c < C; ++c)
            x[c] = in_register(_mm256_loadu_ps(v + j * hdp + c * 8));
        for (int r = 0; r < R; ++r) {
            const __m256 w = _mm256_broadcast_ss(p + r * attention_kv_tile + j);
            for (int c = 0; c < C; ++c)
                a[r][c] = _mm256_fmadd_ps(w, x[c], a[r][c]);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
            _mm256_storeu_ps(acc + r * hdp + c * 8, a[r][c]);
}

template <int R>
void accumulate_rows(const float* p, const float* v, int hdp, float* acc) {
    int d = 0;
    for (; d + 32 <= hdp; d += 32)
        accumulate_block<R, 4>(p, v + d, hdp, acc + d);
    for (; d < hdp; d += 8)
        accumulate_block<R, 1>(p, v + d, hdp, acc + d);
}

void accumulate(const float* p, int rows, const float* v, int hdp, float* acc) {
    int r = 0;
    for (; r + 2 <= rows; r += 2)
        accumulate_rows<2>(p + r * attention_kv_tile, v, hdp, acc + r * hdp);
    for (; r < rows; ++r)
        accumulate_rows<1>(p + r * attention_kv_tile, v, hdp, acc + r * hdp);
}

// exp(x) as 2^n · e^r with n = round(x / ln 2) and |r| ≤ ln 2 / 2: e^r = 1 + r + r² · P(r) with the
// degree-5 P of Cephes' expf (relative error ~2e-7, tested), 2^n built in the exponent bits.
// Below −87.3 (where 2^n leaves the normal range) the result is 0, which is also what −inf gives.
__m256 exp8(__m256 x) {
    const __m256 lowest = _mm256_set1_ps(-87.33f);
    const __m256 zero_mask = _mm256_cmp_ps(x, lowest, _CMP_GE_OQ); // false for −inf and NaN
    x = _mm256_min_ps(_mm256_max_ps(x, lowest), _mm256_set1_ps(88.37f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x); // ln 2 in two parts: exact n · hi
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_and_ps(_mm256_mul_ps(y, _mm256_castsi256_ps(bits)), zero_mask);
}

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

float scale_mask(float* s, std::uint64_t visible, float scale) {
    const __m256 sv = _mm256_set1_ps(scale);
    const __m256 minus_inf = _mm256_set1_ps(-__builtin_inff());
    const __m256i lane_bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    __m256 max = minus_inf;
    for (int c = 0; c < tile_vectors; ++c) {
        const __m256i byte = _mm256_set1_epi32(static_cast<int>((visible >> (c * 8)) & 0xFF));
        const __m256 seen = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(byte, lane_bits), lane_bits));
        const __m256 x = _mm256_blendv_ps(minus_inf, _mm256_mul_ps(_mm256_loadu_ps(s + c * 8), sv), seen);
        _mm256_storeu_ps(s + c * 8, x);
        max = _mm256_max_ps(max, x);
    }
    return hmax(max);
}

float exp_sum(float* p, float max, int n) {
    const __m256 m = _mm256_set1_ps(max);
    __m256 sum = _mm256_setzero_ps();
    for (int j = 0; j < n; j += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(p + j), m));
        _mm256_storeu_ps(p + j, e);
        sum = _mm256_add_ps(sum, e);
    }
    return hsum(sum);
}

} // namespace

const TileOps& tile_ops() {
    static const TileOps ops{load_keys, load_values, scores, scale_mask, exp_sum, accumulate};
    return ops;
}

} // namespace braid::engine::cpu::avx2

#pragma GCC pop_options

#else

namespace braid::engine::cpu::avx2 {
const TileOps& tile_ops() { return scalar::tile_ops(); }
} // namespace braid::engine::cpu::avx2

#endif
