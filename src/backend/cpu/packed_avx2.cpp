// AVX2 kernels over 8 interleaved rows (repack.hpp): per block, the eight rows' codes times one
// activation block broadcast four values at a time, so each 32-bit lane collects one row's sum.
#include <cstdint>
#include <cstring>

#include "backend/cpu/packed_k16.hpp"
#include "backend/cpu/repack.hpp"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

namespace braid::engine::cpu {

namespace {

// How far ahead of the block being read the weights are requested (token generation streams them from
// memory once per token).
constexpr int prefetch_distance = 1024;

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// An int32 lane's low 16 bits copied to its high 16 bits.
inline __m256i twice16(__m256i v) { return _mm256_or_si256(v, _mm256_slli_epi32(v, 16)); }

inline __m256i broadcast4(const std::int8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

// The 32-value types with 4-bit codes (repack.hpp): Q4_0x8 (value = d·(code − 8)), Q4_1x8 (d·code + m),
// Q5_0x8 (a fifth bit per code, d·(code − 16)) and Q5_1x8 (fifth bit, d·code + m). Layout: header bytes
// before the codes, where the minimums and the high bits are in it (−1: none), the code offset.
struct PackedQ4_0 {
    static constexpr int header = 16, m_at = -1, qh_at = -1, offset = 8;
};
struct PackedQ4_1 {
    static constexpr int header = 32, m_at = 16, qh_at = -1, offset = 0;
};
struct PackedQ5_0 {
    static constexpr int header = 48, m_at = -1, qh_at = 16, offset = 16;
};
struct PackedQ5_1 {
    static constexpr int header = 64, m_at = 16, qh_at = 32, offset = 0;
};

// 0x10 in byte i of each row lane where bit i of that lane's @p bits is set (i < 4): the fifth bits of
// the four codes a chunk holds for each row.
inline __m256i fifth_bits(__m256i bits) {
    const __m256i low_byte = _mm256_set_epi8(12, 12, 12, 12, 8, 8, 8, 8, 4, 4, 4, 4, 0, 0, 0, 0, 12, 12, 12, 12, 8, 8, 8, 8, 4,
                                             4, 4, 4, 0, 0, 0, 0);
    const __m256i bit = _mm256_set1_epi32(0x08040201);
    const __m256i spread = _mm256_and_si256(_mm256_shuffle_epi8(bits, low_byte), bit);
    return _mm256_and_si256(_mm256_cmpeq_epi8(spread, bit), _mm256_set1_epi8(0x10));
}

template <class P, int N>
void nibbles_x8(const std::byte* group, const BlockQ8* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    constexpr int block_bytes = P::header + 128;
    constexpr bool five_bits = P::qh_at >= 0;
    __m256 acc[N], accm[N];
    for (int c = 0; c < N; ++c)
        acc[c] = accm[c] = _mm256_setzero_ps();
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i ones = _mm256_set1_epi16(1);
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::byte* blk = group + b * block_bytes;
        for (int line = 0; line < block_bytes; line += 64) // stream ahead of the loads
            _mm_prefetch(reinterpret_cast<const char*>(blk) + prefetch_distance + line, _MM_HINT_T0);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk)));
        __m256i lo[4], hi[4];
        for (int k = 0; k < 4; ++k) {
            const __m256i raw = load32(blk + P::header + 32 * k);
            lo[k] = _mm256_and_si256(raw, nibble);
            hi[k] = _mm256_and_si256(_mm256_srli_epi16(raw, 4), nibble);
        }
        if constexpr (five_bits) {
            const __m256i qh = load32(blk + P::qh_at);
            for (int k = 0; k < 4; ++k) {
                lo[k] = _mm256_or_si256(lo[k], fifth_bits(_mm256_srlv_epi32(qh, _mm256_set1_epi32(4 * k))));
                hi[k] = _mm256_or_si256(hi[k], fifth_bits(_mm256_srlv_epi32(qh, _mm256_set1_epi32(16 + 4 * k))));
            }
        }
        for (int c = 0; c < N; ++c) {
            const BlockQ8& a = x[c * xs + b];
            __m256i s32;
            if constexpr (five_bits) {
                // Pairs of products ≤ 2·31·127 each: two of them still fit 16 bits, then 32-bit sums.
                s32 = _mm256_setzero_si256();
                for (int k = 0; k < 4; ++k) {
                    const __m256i s16 = _mm256_add_epi16(_mm256_maddubs_epi16(lo[k], broadcast4(a.qs + 4 * k)),
                                                         _mm256_maddubs_epi16(hi[k], broadcast4(a.qs + 16 + 4 * k)));
                    s32 = _mm256_add_epi32(s32, _mm256_madd_epi16(s16, ones));
                }
            } else {
                // 16-bit sums are safe: 8 products of pairs ≤ 2·15·127 each.
                __m256i s16 = _mm256_maddubs_epi16(lo[0], broadcast4(a.qs));
                s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(hi[0], broadcast4(a.qs + 16)));
                for (int k = 1; k < 4; ++k) {
                    s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(lo[k], broadcast4(a.qs + 4 * k)));
                    s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(hi[k], broadcast4(a.qs + 16 + 4 * k)));
                }
                s32 = _mm256_madd_epi16(s16, ones);
            }
            const int sum = a.sum[0] + a.sum[1];
            if constexpr (P::offset != 0)
                s32 = _mm256_sub_epi32(s32, _mm256_set1_epi32(P::offset * sum));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s32), _mm256_mul_ps(dw, _mm256_set1_ps(a.d)), acc[c]);
            if constexpr (P::m_at >= 0) {
                const __m256 mw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + P::m_at)));
                accm[c] = _mm256_fmadd_ps(mw, _mm256_set1_ps(a.d * static_cast<float>(sum)), accm[c]);
            }
        }
    }
    for (int c = 0; c < N; ++c)
        _mm256_storeu_ps(out + c * os, P::m_at >= 0 ? _mm256_add_ps(acc[c], accm[c]) : acc[c]);
}

template <int N> void q4_0x8(const std::byte* g, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { nibbles_x8<PackedQ4_0, N>(g, x, xs, b, o, os); }
template <int N> void q4_1x8(const std::byte* g, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { nibbles_x8<PackedQ4_1, N>(g, x, xs, b, o, os); }
template <int N> void q5_0x8(const std::byte* g, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { nibbles_x8<PackedQ5_0, N>(g, x, xs, b, o, os); }
template <int N> void q5_1x8(const std::byte* g, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { nibbles_x8<PackedQ5_1, N>(g, x, xs, b, o, os); }

template <int N>
void q8_0x8(const std::byte* group, const BlockQ8* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    __m256 acc[N];
    for (int c = 0; c < N; ++c)
        acc[c] = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::byte* blk = group + b * 272;
        for (int line = 0; line < 272; line += 64)
            _mm_prefetch(reinterpret_cast<const char*>(blk) + prefetch_distance + line, _MM_HINT_T0);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk)));
        __m256i s32[N];
        for (int c = 0; c < N; ++c)
            s32[c] = _mm256_setzero_si256();
        for (int k = 0; k < 8; ++k) {
            const __m256i w = load32(blk + 16 + 32 * k);
            const __m256i abs_w = _mm256_sign_epi8(w, w);
            for (int c = 0; c < N; ++c) {
                // Signed × signed through |w| × (x with w's sign).
                const __m256i sx = _mm256_sign_epi8(broadcast4(x[c * xs + b].qs + 4 * k), w);
                s32[c] = _mm256_add_epi32(s32[c], _mm256_madd_epi16(_mm256_maddubs_epi16(abs_w, sx), ones));
            }
        }
        for (int c = 0; c < N; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s32[c]), _mm256_mul_ps(dw, _mm256_set1_ps(x[c * xs + b].d)), acc[c]);
    }
    for (int c = 0; c < N; ++c)
        _mm256_storeu_ps(out + c * os, acc[c]);
}


template <int N>
void q4_kx8(const std::byte* group, const BlockQ8K* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    __m256 acc[N]; // scales' and minimums' terms in one accumulator per column: fewer registers
    for (int c = 0; c < N; ++c)
        acc[c] = _mm256_setzero_ps();
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    for (std::int64_t b = 0; b < blocks; ++b) {
        const auto* blk = reinterpret_cast<const unsigned char*>(group) + b * 1184;
        __m256i sumi[N];
        for (int c = 0; c < N; ++c)
            sumi[c] = _mm256_setzero_si256();
        for (int p = 0; p < 4; ++p) {
            const unsigned char* chunks = blk + 160 + 256 * p;
            for (int line = 0; line < 256; line += 64)
                _mm_prefetch(reinterpret_cast<const char*>(chunks) + prefetch_distance + line, _MM_HINT_T0);
            // Sub-block 2p (low nibbles), then 2p + 1 (high nibbles), each over the 8 chunks: N partial
            // sums live instead of 2N, so the accumulators stay in registers (the chunks are re-read from L1).
            for (int half = 0; half < 2; ++half) {
                __m256i s16[N];
                for (int k = 0; k < 8; ++k) { // 16-bit sums are safe: 8 products of pairs ≤ 2·15·127
                    const __m256i raw = load32(chunks + 32 * k);
                    const __m256i codes = _mm256_and_si256(half == 0 ? raw : _mm256_srli_epi16(raw, 4), nibble);
                    for (int c = 0; c < N; ++c) {
                        const __m256i prod = _mm256_maddubs_epi16(codes, broadcast4(x[c * xs + b].qs + 64 * p + 32 * half + 4 * k));
                        s16[c] = k == 0 ? prod : _mm256_add_epi16(s16[c], prod);
                    }
                }
                // Scales as the same int16 twice per row lane: one vpmaddwd adds a row's two 16-bit sums and
                // multiplies by its scale.
                const __m256i sc = twice16(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(blk + 32 + 16 * p + 8 * half))));
                for (int c = 0; c < N; ++c)
                    sumi[c] = _mm256_add_epi32(sumi[c], _mm256_madd_epi16(s16[c], sc));
            }
        }
        __m256i summ[N];
        for (int c = 0; c < N; ++c)
            summ[c] = _mm256_setzero_si256();
        for (int i = 0; i < 4; ++i) { // minimums: Σ_j min[j][row] · (activation sum of sub-block j), two j per vpmaddwd
            const __m256i m0 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(blk + 96 + 16 * i)));
            const __m256i m1 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(blk + 104 + 16 * i)));
            const __m256i pairs = _mm256_or_si256(m0, _mm256_slli_epi32(m1, 16));
            for (int c = 0; c < N; ++c) {
                const BlockQ8K& a = x[c * xs + b];
                const int s0 = a.bsums[4 * i] + a.bsums[4 * i + 1], s1 = a.bsums[4 * i + 2] + a.bsums[4 * i + 3];
                const __m256i sums = _mm256_set1_epi32(static_cast<int>((static_cast<std::uint32_t>(s0) & 0xffff) |
                                                                        (static_cast<std::uint32_t>(s1) << 16)));
                summ[c] = _mm256_add_epi32(summ[c], _mm256_madd_epi16(pairs, sums));
            }
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk)));
        const __m256 dmin = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 16)));
        for (int c = 0; c < N; ++c) {
            const __m256 da = _mm256_set1_ps(x[c * xs + b].d);
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi[c]), _mm256_mul_ps(d, da), acc[c]);
            acc[c] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(summ[c]), _mm256_mul_ps(dmin, da), acc[c]);
        }
    }
    for (int c = 0; c < N; ++c)
        _mm256_storeu_ps(out + c * os, acc[c]);
}

void entry_q4_kx8(const std::byte* g, const BlockQ8K* x, std::int64_t xs, int n, std::int64_t blocks, float* out,
                  std::int64_t os) {
    switch (n) {
    case 1: q4_kx8<1>(g, x, xs, blocks, out, os); break;
    case 2: q4_kx8<2>(g, x, xs, blocks, out, os); break;
    case 3: q4_kx8<3>(g, x, xs, blocks, out, os); break;
    case 4: q4_kx8<4>(g, x, xs, blocks, out, os); break;
    case 5: q4_kx8<5>(g, x, xs, blocks, out, os); break;
    case 6: q4_kx8<6>(g, x, xs, blocks, out, os); break;
    case 7: q4_kx8<7>(g, x, xs, blocks, out, os); break;
    default: q4_kx8<8>(g, x, xs, blocks, out, os); break;
    }
}

#define BRAID_PACKED_ENTRY(name, kernel)                                                                           \
    void name(const std::byte* g, const BlockQ8* x, std::int64_t xs, int n, std::int64_t blocks, float* out,         \
              std::int64_t os) {                                                                                    \
        switch (n) {                                                                                                \
        case 1: kernel<1>(g, x, xs, blocks, out, os); break;                                                        \
        case 2: kernel<2>(g, x, xs, blocks, out, os); break;                                                        \
        case 3: kernel<3>(g, x, xs, blocks, out, os); break;                                                        \
        case 4: kernel<4>(g, x, xs, blocks, out, os); break;                                                        \
        case 5: kernel<5>(g, x, xs, blocks, out, os); break;                                                        \
        case 6: kernel<6>(g, x, xs, blocks, out, os); break;                                                        \
        case 7: kernel<7>(g, x, xs, blocks, out, os); break;                                                        \
        default: kernel<8>(g, x, xs, blocks, out, os); break;                                                       \
        }                                                                                                           \
    }
BRAID_PACKED_ENTRY(entry_q4_0x8, q4_0x8)
BRAID_PACKED_ENTRY(entry_q8_0x8, q8_0x8)
BRAID_PACKED_ENTRY(entry_q4_1x8, q4_1x8)
BRAID_PACKED_ENTRY(entry_q5_0x8, q5_0x8)
BRAID_PACKED_ENTRY(entry_q5_1x8, q5_1x8)
#undef BRAID_PACKED_ENTRY

} // namespace

PackedDotK packed_dot_k(TensorType type) noexcept {
    switch (type) {
    case TensorType::Q4_K: return entry_q4_kx8;
    case TensorType::Q3_K: return k16::q3_kx8;
    case TensorType::Q6_K: return k16::q6_kx8;
    default: return nullptr;
    }
}

PackedDot packed_dot(TensorType type) noexcept {
    switch (type) {
    case TensorType::Q4_0: return entry_q4_0x8;
    case TensorType::Q8_0: return entry_q8_0x8;
    case TensorType::Q4_1: return entry_q4_1x8;
    case TensorType::Q5_0: return entry_q5_0x8;
    case TensorType::Q5_1: return entry_q5_1x8;
    default: return nullptr;
    }
}

} // namespace braid::engine::cpu

#pragma GCC pop_options

#else

namespace braid::engine::cpu {
PackedDot packed_dot(TensorType) noexcept { return nullptr; }
PackedDotK packed_dot_k(TensorType) noexcept { return nullptr; }
} // namespace braid::engine::cpu

#endif
