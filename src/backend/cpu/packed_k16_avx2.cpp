// AVX2 kernels over Q3_K and Q6_K rows interleaved by eight (packed_k16.hpp). Per quad (4 values of each
// of the 8 rows), the codes are assembled once and multiplied with up to four tokens' activations
// broadcast four at a time (vpmaddubsw: unsigned codes × signed activations), so each 32-bit lane
// collects one row; the 16-bit partial sums of a sub-block meet its scales in one vpmaddwd. The code
// offset goes through the activation sums of 16 (BlockQ8K::bsums): Σ s·(c − o)·x = Σ s·c·x − o·Σ s·bsum.
#include <cstdint>
#include <cstring>
#include <utility>

#include "backend/cpu/packed_k16.hpp"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

namespace braid::engine::cpu::k16 {

namespace {

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

inline __m256i broadcast4(const std::int8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

// Codes of quad Q (0 … 63) as bytes, and how many quads' products fit a 16-bit sum: a vpmaddubsw pair
// is at most 2 · max code · 127. Q is a template argument so that every shift is an immediate and the
// whole super-block unrolls (with run-time counts GCC kept a loop that spilled its sums to the stack).
struct Q6 {
    using Layout = Q6Layout;
    static constexpr int quads_per_sum = 2; // 2 · (2 · 63 · 127) < 32768
    template <int Q>
    static __m256i codes(const std::byte* blk) {
        const __m256i low = _mm256_and_si256(_mm256_srli_epi16(load32(blk + codes_at + chunk * (Q % 32)), 4 * (Q / 32)),
                                             _mm256_set1_epi8(0x0f));
        const __m256i bits = _mm256_srli_epi16(load32(blk + Layout::high_at + chunk * (Q % 16)), 2 * (Q / 16));
        return _mm256_or_si256(low, _mm256_and_si256(_mm256_slli_epi16(bits, 4), _mm256_set1_epi8(0x30)));
    }
};

struct Q3 {
    using Layout = Q3Layout;
    static constexpr int quads_per_sum = 4; // 4 · (2 · 7 · 127) < 32768: a whole sub-block
    template <int Q>
    static __m256i codes(const std::byte* blk) {
        const __m256i low = _mm256_and_si256(_mm256_srli_epi16(load32(blk + codes_at + chunk * (Q % 16)), 2 * (Q / 16)),
                                             _mm256_set1_epi8(3));
        const __m256i bit = _mm256_srli_epi16(load32(blk + Layout::high_at + chunk * (Q % 8)), Q / 8);
        return _mm256_or_si256(low, _mm256_and_si256(_mm256_slli_epi16(bit, 2), _mm256_set1_epi8(4)));
    }
};

// Eight int8 values → int32 lanes.
inline __m256i bytes_to_lanes(const std::byte* p) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// Eight int8 scales as the same int16 twice per row lane, for vpmaddwd with a row's two 16-bit sums.
inline __m256i scale_pairs(const std::byte* p) {
    const __m256i s = bytes_to_lanes(p);
    return _mm256_or_si256(_mm256_and_si256(s, _mm256_set1_epi32(0xffff)), _mm256_slli_epi32(s, 16));
}

// Quads Q0 … Q0 + quads_per_sum − 1 (one sub-block's scale) times each token's activations, into sumi.
template <class Codes, int N, int Q0>
inline void quad_run(const std::byte* blk, const std::int8_t* const (&xq)[N], __m256i scale, __m256i (&sumi)[N]) {
    __m256i s16[N];
    [&]<int... I>(std::integer_sequence<int, I...>) {
        (
            [&] {
                const __m256i codes = Codes::template codes<Q0 + I>(blk);
                for (int c = 0; c < N; ++c) {
                    const __m256i prod = _mm256_maddubs_epi16(codes, broadcast4(xq[c] + 4 * (Q0 + I)));
                    s16[c] = I == 0 ? prod : _mm256_add_epi16(s16[c], prod);
                }
            }(),
            ...);
    }(std::make_integer_sequence<int, Codes::quads_per_sum>{});
    for (int c = 0; c < N; ++c)
        sumi[c] = _mm256_add_epi32(sumi[c], _mm256_madd_epi16(s16[c], scale));
}

template <class Codes, int N>
void kx8(const std::byte* group, const BlockQ8K* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    constexpr std::int64_t bytes = Codes::Layout::bytes;
    constexpr int runs = 4 / Codes::quads_per_sum; // per sub-block
    __m256 acc[N];
    for (int c = 0; c < N; ++c)
        acc[c] = _mm256_setzero_ps();
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::byte* blk = group + b * bytes;
        const std::int8_t* xq[N];
        __m256i sumi[N], offsets[N];
        for (int c = 0; c < N; ++c) {
            xq[c] = x[c * xs + b].qs;
            sumi[c] = offsets[c] = _mm256_setzero_si256();
        }
        [&]<int... R>(std::integer_sequence<int, R...>) { // every run of quads of the 16 sub-blocks
            (quad_run<Codes, N, R * Codes::quads_per_sum>(blk, xq, scale_pairs(blk + scales_at + 8 * (R / runs)), sumi), ...);
        }(std::make_integer_sequence<int, 16 * runs>{});
        for (int j = 0; j < 16; j += 2) { // Σ_j scale[j][row] · bsums[j], two sub-blocks per vpmaddwd
            const __m256i s0 = bytes_to_lanes(blk + scales_at + 8 * j), s1 = bytes_to_lanes(blk + scales_at + 8 * j + 8);
            const __m256i pair = _mm256_or_si256(_mm256_and_si256(s0, _mm256_set1_epi32(0xffff)), _mm256_slli_epi32(s1, 16));
            for (int c = 0; c < N; ++c) {
                std::int32_t sums; // bsums[j] in the low half, bsums[j + 1] in the high half
                std::memcpy(&sums, x[c * xs + b].bsums + j, 4);
                offsets[c] = _mm256_add_epi32(offsets[c], _mm256_madd_epi16(pair, _mm256_set1_epi32(sums)));
            }
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk)));
        for (int c = 0; c < N; ++c) {
            const __m256i total = _mm256_sub_epi32(sumi[c], _mm256_slli_epi32(offsets[c], Codes::Layout::offset_shift));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(total), _mm256_mul_ps(d, _mm256_set1_ps(x[c * xs + b].d)), acc[c]);
        }
    }
    for (int c = 0; c < N; ++c)
        _mm256_storeu_ps(out + c * os, acc[c]);
}

// At most four tokens per pass over the weights: eight measured no faster (their partial sums no longer
// fit the registers), so a call for more runs them four at a time.
template <class Codes>
void entry(const std::byte* g, const BlockQ8K* x, std::int64_t xs, int n, std::int64_t blocks, float* out, std::int64_t os) {
    for (; n > 0; n -= 4, x += 4 * xs, out += 4 * os) {
        switch (n) {
        case 1: kx8<Codes, 1>(g, x, xs, blocks, out, os); break;
        case 2: kx8<Codes, 2>(g, x, xs, blocks, out, os); break;
        case 3: kx8<Codes, 3>(g, x, xs, blocks, out, os); break;
        default: kx8<Codes, 4>(g, x, xs, blocks, out, os); break;
        }
    }
}

} // namespace

void q6_kx8(const std::byte* g, const BlockQ8K* x, std::int64_t xs, int n, std::int64_t blocks, float* out, std::int64_t os) {
    entry<Q6>(g, x, xs, n, blocks, out, os);
}

void q3_kx8(const std::byte* g, const BlockQ8K* x, std::int64_t xs, int n, std::int64_t blocks, float* out, std::int64_t os) {
    entry<Q3>(g, x, xs, n, blocks, out, os);
}

} // namespace braid::engine::cpu::k16

#pragma GCC pop_options

#endif
