// AVX2 dot products (selected at run time; see isa.cpp). Weight codes are unpacked to unsigned bytes
// once per block and multiplied with up to four activation rows by vpmaddubsw (u8 × s8 → s16 pairs),
// then summed to s32 with vpmaddwd — by ones, or by the sub-block scales of the K-quants directly, whose
// sub-blocks add up in integers over a 256-value super-block. Offsets of the 32-value types are taken
// off in 16-bit integers (one more vpmaddubsw with the offset); the K-quants' offsets and minimums go
// through the activation sums with one vpmaddwd per super-block. Two accumulators per row keep the FMA
// latency out of the loop.
// Only <immintrin.h>, hsum_avx2.hpp (AVX2 code by design) and plain headers follow the target pragma, so
// no shared inline code is compiled for AVX2 by accident.
#include <cstdint>
#include <cstring>

#include "backend/cpu/dot.hpp"
#include "braid/engine/quant.hpp"

#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include <immintrin.h>

#include "backend/cpu/hsum_avx2.hpp"

namespace braid::engine::cpu::avx2 {

namespace {

using u8 = unsigned char;

inline float half_at(const std::byte* p) {
    std::uint16_t h;
    std::memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// 16 bytes of packed nibbles → 32 codes: element j = low nibble of byte j, element j + 16 = high nibble.
inline __m256i nibbles_16(const void* p) {
    const __m128i raw = _mm_loadu_si128(static_cast<const __m128i*>(p));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

// 32 bits → 32 bytes, 0x10 where the bit is set (the 5th bit of Q5_0/Q5_1 codes).
inline __m256i bits_to_0x10(std::uint32_t bits) {
    const __m256i spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(static_cast<int>(bits)),
        _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0x0000000000000000));
    const __m256i all_but_own_bit = _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe);
    const __m256i set = _mm256_cmpeq_epi8(_mm256_or_si256(spread, all_but_own_bit), _mm256_set1_epi64x(-1));
    return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
}

// Σ codes · activations of 32 values as 8 int32 lanes, each 16-value half times its scale (int16).
inline __m256i dot_u8_scaled(__m256i codes, const std::int8_t* x, __m256i scales) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(codes, load32(x)), scales);
}

inline __m256i half_scales(int s0, int s1) {
    return _mm256_set_m128i(_mm_set1_epi16(static_cast<short>(s1)), _mm_set1_epi16(static_cast<short>(s0)));
}

// ---- 32-value block types ------------------------------------------------------------------------

// Codes of block b and its scale / minimum, for the four simple quantized types.
struct Q4_0 {
    static constexpr int bytes = 18;
    static constexpr int offset = 8; // code − 8
    static constexpr bool has_min = false;
    static __m256i codes(const std::byte* b) { return nibbles_16(b + 2); }
};
struct Q4_1 {
    static constexpr int bytes = 20;
    static constexpr int offset = 0;
    static constexpr bool has_min = true;
    static __m256i codes(const std::byte* b) { return nibbles_16(b + 4); }
};
struct Q5_0 {
    static constexpr int bytes = 22;
    static constexpr int offset = 16;
    static constexpr bool has_min = false;
    static __m256i codes(const std::byte* b) {
        std::uint32_t qh;
        std::memcpy(&qh, b + 2, 4);
        return _mm256_or_si256(nibbles_16(b + 6), bits_to_0x10(qh));
    }
};
struct Q5_1 {
    static constexpr int bytes = 24;
    static constexpr int offset = 0;
    static constexpr bool has_min = true;
    static __m256i codes(const std::byte* b) {
        std::uint32_t qh;
        std::memcpy(&qh, b + 4, 4);
        return _mm256_or_si256(nibbles_16(b + 8), bits_to_0x10(qh));
    }
};

// Runs block(b, w_b, acc) over @p blocks blocks of @p block_bytes bytes: even blocks add into @p even,
// odd ones into @p odd (two chains per activation row hide the FMA latency). Unrolled by two so that each
// accumulator is a named register: an index from the block number (acc[b & 1]) would put them on the
// stack, a store-to-load round trip per block.
template <int N, class Block>
inline void over_blocks(const std::byte* w, std::int64_t block_bytes, std::int64_t blocks, __m256 (&even)[N],
                        __m256 (&odd)[N], Block&& block) {
    std::int64_t b = 0;
    for (; b + 2 <= blocks; b += 2, w += 2 * block_bytes) {
        block(b, w, even);
        block(b + 1, w + block_bytes, odd);
    }
    if (b < blocks)
        block(b, w, even);
}

template <class T, int N>
void dot_simple(const std::byte* w, const BlockQ8* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    __m256 even[N], odd[N];
    float extra[N];
    for (int c = 0; c < N; ++c) {
        even[c] = odd[c] = _mm256_setzero_ps();
        extra[c] = 0;
    }
    const __m256i offset = _mm256_set1_epi8(static_cast<char>(T::offset));
    const __m256i ones = _mm256_set1_epi16(1);
    auto block = [&](std::int64_t b, const std::byte* wb, __m256 (&acc)[N]) {
        const __m256i q = T::codes(wb);
        const float d = half_at(wb);
        for (int c = 0; c < N; ++c) {
            const BlockQ8& a = x[c * xs + b];
            const __m256i xq = load32(a.qs);
            __m256i p = _mm256_maddubs_epi16(q, xq);
            if constexpr (T::offset != 0)
                p = _mm256_sub_epi16(p, _mm256_maddubs_epi16(offset, xq)); // Σ (q − offset)·x in 16 bits
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_madd_epi16(p, ones)), _mm256_set1_ps(d * a.d), acc[c]);
            if constexpr (T::has_min)
                extra[c] += half_at(wb + 2) * a.d * static_cast<float>(a.sum[0] + a.sum[1]);
        }
    };
    over_blocks(w, T::bytes, blocks, even, odd, block);
    for (int c = 0; c < N; ++c)
        out[c * os] = hsum(_mm256_add_ps(even[c], odd[c])) + extra[c];
}

template <int N>
void dot_q8_0(const std::byte* w, const BlockQ8* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    __m256 even[N], odd[N];
    for (int c = 0; c < N; ++c)
        even[c] = odd[c] = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    auto block = [&](std::int64_t b, const std::byte* wb, __m256 (&acc)[N]) {
        const __m256i q = load32(wb + 2);
        const __m256i abs_q = _mm256_sign_epi8(q, q);
        const float d = half_at(wb);
        for (int c = 0; c < N; ++c) {
            const BlockQ8& a = x[c * xs + b];
            // Signed × signed through |q| × (x with q's sign).
            const __m256i sx = _mm256_sign_epi8(load32(a.qs), q);
            const __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(abs_q, sx), ones);
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(d * a.d), acc[c]);
        }
    };
    over_blocks(w, 34, blocks, even, odd, block);
    for (int c = 0; c < N; ++c)
        out[c * os] = hsum(_mm256_add_ps(even[c], odd[c]));
}

// ---- K-quants: 256-value super-blocks against BlockQ8K -------------------------------------------

inline __m256i load_bsums(const BlockQ8K& a) { return load32(a.bsums); }

template <int N>
void dot_q2_k(const std::byte* w, const BlockQ8K* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    __m256 acc[N], accm[N];
    for (int c = 0; c < N; ++c)
        acc[c] = accm[c] = _mm256_setzero_ps();
    alignas(32) std::int16_t mins[16];
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += 84) {
        const auto* scales = reinterpret_cast<const u8*>(w);
        const float d = half_at(w + 80), dmin = half_at(w + 82);
        for (int i = 0; i < 16; ++i)
            mins[i] = static_cast<std::int16_t>(scales[i] >> 4);
        const __m256i minv = _mm256_load_si256(reinterpret_cast<const __m256i*>(mins));
        __m256i sumi[N];
        for (int c = 0; c < N; ++c)
            sumi[c] = _mm256_setzero_si256();
        for (int half = 0; half < 2; ++half) {
            const __m256i raw = load32(w + 16 + 32 * half);
            for (int g = 0; g < 4; ++g) {
                const int ab = 4 * half + g;
                const __m256i q = _mm256_and_si256(_mm256_srli_epi16(raw, 2 * g), _mm256_set1_epi8(3));
                const __m256i sc = half_scales(scales[2 * ab] & 15, scales[2 * ab + 1] & 15);
                for (int c = 0; c < N; ++c)
                    sumi[c] = _mm256_add_epi32(sumi[c], dot_u8_scaled(q, x[c * xs + sb].qs + 32 * ab, sc));
            }
        }
        for (int c = 0; c < N; ++c) {
            const BlockQ8K& a = x[c * xs + sb];
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi[c]), _mm256_set1_ps(d * a.d), acc[c]);
            accm[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_madd_epi16(load_bsums(a), minv)), _mm256_set1_ps(dmin * a.d), accm[c]);
        }
    }
    for (int c = 0; c < N; ++c)
        out[c * os] = hsum(_mm256_sub_ps(acc[c], accm[c]));
}

template <int N>
void dot_q3_k(const std::byte* w, const BlockQ8K* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    __m256 acc[N];
    for (int c = 0; c < N; ++c)
        acc[c] = _mm256_setzero_ps();
    alignas(32) std::int16_t scales[16];
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += 110) {
        const auto* packed = reinterpret_cast<const u8*>(w + 96);
        for (int i = 0; i < 16; ++i) {
            const int low = i < 8 ? (packed[i] & 0x0f) : (packed[i - 8] >> 4);
            const int high = (packed[8 + (i % 4)] >> (2 * (i / 4))) & 3;
            scales[i] = static_cast<std::int16_t>((low | (high << 4)) - 32);
        }
        const __m256i scv = _mm256_load_si256(reinterpret_cast<const __m256i*>(scales));
        const float d = half_at(w + 108);
        const __m256i hmask = load32(w);
        __m256i sumi[N];
        for (int c = 0; c < N; ++c) // the −4 offset of every code, through the sums of 16
            sumi[c] = _mm256_slli_epi32(_mm256_madd_epi16(load_bsums(x[c * xs + sb]), scv), 2);
        for (int c = 0; c < N; ++c)
            sumi[c] = _mm256_sub_epi32(_mm256_setzero_si256(), sumi[c]);
        for (int half = 0; half < 2; ++half) {
            const __m256i raw = load32(w + 32 + 32 * half);
            for (int g = 0; g < 4; ++g) {
                const int ab = 4 * half + g;
                const __m256i low = _mm256_and_si256(_mm256_srli_epi16(raw, 2 * g), _mm256_set1_epi8(3));
                const __m256i high = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hmask, ab), _mm256_set1_epi8(1)), 2);
                const __m256i q = _mm256_or_si256(low, high);
                const __m256i sc = half_scales(scales[2 * ab], scales[2 * ab + 1]);
                for (int c = 0; c < N; ++c)
                    sumi[c] = _mm256_add_epi32(sumi[c], dot_u8_scaled(q, x[c * xs + sb].qs + 32 * ab, sc));
            }
        }
        for (int c = 0; c < N; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi[c]), _mm256_set1_ps(d * x[c * xs + sb].d), acc[c]);
    }
    for (int c = 0; c < N; ++c)
        out[c * os] = hsum(acc[c]);
}

inline void scale_min_k4(int j, const u8* q, int& scale, int& min) {
    if (j < 4) {
        scale = q[j] & 63;
        min = q[j + 4] & 63;
    } else {
        scale = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

template <int N, bool Five>
void dot_q45_k(const std::byte* w, const BlockQ8K* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    constexpr int bytes = Five ? 176 : 144;
    constexpr int qs_at = Five ? 48 : 16;
    __m256 acc[N], accm[N];
    for (int c = 0; c < N; ++c)
        acc[c] = accm[c] = _mm256_setzero_ps();
    alignas(32) std::int16_t mins[16];
    int sc[8];
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += bytes) {
        const float d = half_at(w), dmin = half_at(w + 2);
        const auto* packed = reinterpret_cast<const u8*>(w + 4);
        for (int j = 0; j < 8; ++j) {
            int mn;
            scale_min_k4(j, packed, sc[j], mn);
            mins[2 * j] = mins[2 * j + 1] = static_cast<std::int16_t>(mn);
        }
        const __m256i minv = _mm256_load_si256(reinterpret_cast<const __m256i*>(mins));
        __m256i qh = _mm256_setzero_si256();
        if constexpr (Five)
            qh = load32(w + 16);
        __m256i sumi[N];
        for (int c = 0; c < N; ++c)
            sumi[c] = _mm256_setzero_si256();
        for (int pair = 0; pair < 4; ++pair) {
            const __m256i raw = load32(w + qs_at + 32 * pair);
            __m256i lo = _mm256_and_si256(raw, _mm256_set1_epi8(0x0f));
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), _mm256_set1_epi8(0x0f));
            if constexpr (Five) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * pair), _mm256_set1_epi8(1)), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * pair + 1), _mm256_set1_epi8(1)), 4));
            }
            const __m256i s_lo = _mm256_set1_epi16(static_cast<short>(sc[2 * pair]));
            const __m256i s_hi = _mm256_set1_epi16(static_cast<short>(sc[2 * pair + 1]));
            for (int c = 0; c < N; ++c) {
                const std::int8_t* xq = x[c * xs + sb].qs + 64 * pair;
                sumi[c] = _mm256_add_epi32(sumi[c], _mm256_add_epi32(dot_u8_scaled(lo, xq, s_lo), dot_u8_scaled(hi, xq + 32, s_hi)));
            }
        }
        for (int c = 0; c < N; ++c) {
            const BlockQ8K& a = x[c * xs + sb];
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi[c]), _mm256_set1_ps(d * a.d), acc[c]);
            accm[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_madd_epi16(load_bsums(a), minv)), _mm256_set1_ps(dmin * a.d), accm[c]);
        }
    }
    for (int c = 0; c < N; ++c)
        out[c * os] = hsum(_mm256_sub_ps(acc[c], accm[c]));
}

template <int N>
void dot_q6_k(const std::byte* w, const BlockQ8K* x, std::int64_t xs, std::int64_t blocks, float* out, std::int64_t os) {
    __m256 acc[N];
    for (int c = 0; c < N; ++c)
        acc[c] = _mm256_setzero_ps();
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += 210) {
        const auto* sc = reinterpret_cast<const std::int8_t*>(w + 192);
        const float d = half_at(w + 208);
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sc)));
        __m256i sumi[N];
        for (int c = 0; c < N; ++c) // the −32 offset of every code, through the sums of 16
            sumi[c] = _mm256_sub_epi32(_mm256_setzero_si256(),
                                       _mm256_slli_epi32(_mm256_madd_epi16(load_bsums(x[c * xs + sb]), sc16), 5));
        for (int half = 0; half < 2; ++half) {
            const __m256i qh = load32(w + 128 + 32 * half);
            const __m256i ql0 = load32(w + 64 * half);
            const __m256i ql1 = load32(w + 64 * half + 32);
            for (int quad = 0; quad < 4; ++quad) {
                const int ab = 4 * half + quad;
                const __m256i l4 = (quad & 1) ? ql1 : ql0;
                const __m256i low = _mm256_and_si256(quad >= 2 ? _mm256_srli_epi16(l4, 4) : l4, _mm256_set1_epi8(0x0f));
                const __m256i high = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * quad), _mm256_set1_epi8(3)), 4);
                const __m256i q = _mm256_or_si256(low, high);
                const __m256i scv = half_scales(sc[2 * ab], sc[2 * ab + 1]);
                for (int c = 0; c < N; ++c)
                    sumi[c] = _mm256_add_epi32(sumi[c], dot_u8_scaled(q, x[c * xs + sb].qs + 32 * ab, scv));
            }
        }
        for (int c = 0; c < N; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi[c]), _mm256_set1_ps(d * x[c * xs + sb].d), acc[c]);
    }
    for (int c = 0; c < N; ++c)
        out[c * os] = hsum(acc[c]);
}

// ---- float weights ---------------------------------------------------------------------------------

struct F32 {
    static __m256 load8(const std::byte* w, std::int64_t i) { return _mm256_loadu_ps(reinterpret_cast<const float*>(w) + i); }
    static float load1(const std::byte* w, std::int64_t i) {
        float v;
        std::memcpy(&v, w + 4 * i, 4);
        return v;
    }
};
struct F16 {
    static __m256 load8(const std::byte* w, std::int64_t i) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2 * i)));
    }
    static float load1(const std::byte* w, std::int64_t i) { return half_at(w + 2 * i); }
};
struct BF16 {
    static __m256 load8(const std::byte* w, std::int64_t i) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 2 * i)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
    }
    static float load1(const std::byte* w, std::int64_t i) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, w + 2 * i, 2);
        bits <<= 16;
        float v;
        std::memcpy(&v, &bits, 4);
        return v;
    }
};

template <class T, int N>
void dot_float(const std::byte* w, const float* x, std::int64_t xs, std::int64_t k, float* out, std::int64_t os) {
    // Two accumulators per row hide the FMA latency when N is small.
    __m256 acc0[N], acc1[N];
    for (int c = 0; c < N; ++c)
        acc0[c] = acc1[c] = _mm256_setzero_ps();
    std::int64_t i = 0;
    for (; i + 16 <= k; i += 16) {
        const __m256 w0 = T::load8(w, i), w1 = T::load8(w, i + 8);
        for (int c = 0; c < N; ++c) {
            acc0[c] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + c * xs + i), acc0[c]);
            acc1[c] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + c * xs + i + 8), acc1[c]);
        }
    }
    for (; i + 8 <= k; i += 8) {
        const __m256 w0 = T::load8(w, i);
        for (int c = 0; c < N; ++c)
            acc0[c] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + c * xs + i), acc0[c]);
    }
    for (int c = 0; c < N; ++c) {
        float tail = 0;
        for (std::int64_t j = i; j < k; ++j)
            tail += T::load1(w, j) * x[c * xs + j];
        out[c * os] = hsum(_mm256_add_ps(acc0[c], acc1[c])) + tail;
    }
}

// 3 weight rows × 4 activation rows: twelve accumulators, each weight vector used four times and each
// activation vector three times (FMA-bound rather than load-bound).
template <class T>
void tile_float(const std::byte* w, std::int64_t ws, const float* x, std::int64_t xs, std::int64_t k, float* out,
                std::int64_t os) {
    __m256 acc[3][4];
    for (auto& row : acc)
        for (__m256& a : row)
            a = _mm256_setzero_ps();
    std::int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        const __m256 w0 = T::load8(w, i), w1 = T::load8(w + ws, i), w2 = T::load8(w + 2 * ws, i);
        for (int c = 0; c < 4; ++c) {
            const __m256 xv = _mm256_loadu_ps(x + c * xs + i);
            acc[0][c] = _mm256_fmadd_ps(w0, xv, acc[0][c]);
            acc[1][c] = _mm256_fmadd_ps(w1, xv, acc[1][c]);
            acc[2][c] = _mm256_fmadd_ps(w2, xv, acc[2][c]);
        }
    }
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c) {
            float tail = 0;
            for (std::int64_t j = i; j < k; ++j)
                tail += T::load1(w + r * ws, j) * x[c * xs + j];
            out[c * os + r] = hsum(acc[r][c]) + tail;
        }
}

// ---- dispatch on the number of activation rows -----------------------------------------------------

#define BRAID_DOT_ENTRY(name, call, Block)                                                                    \
    void name(const std::byte* w, const Block* x, std::int64_t xs, int n, std::int64_t blocks, float* out,      \
              std::int64_t os) {                                                                               \
        switch (n) {                                                                                           \
        case 1: call<1>(w, x, xs, blocks, out, os); break;                                                     \
        case 2: call<2>(w, x, xs, blocks, out, os); break;                                                     \
        case 3: call<3>(w, x, xs, blocks, out, os); break;                                                     \
        default: call<4>(w, x, xs, blocks, out, os); break;                                                    \
        }                                                                                                      \
    }

template <int N> void q4_0_rows(const std::byte* w, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { dot_simple<Q4_0, N>(w, x, xs, b, o, os); }
template <int N> void q4_1_rows(const std::byte* w, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { dot_simple<Q4_1, N>(w, x, xs, b, o, os); }
template <int N> void q5_0_rows(const std::byte* w, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { dot_simple<Q5_0, N>(w, x, xs, b, o, os); }
template <int N> void q5_1_rows(const std::byte* w, const BlockQ8* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { dot_simple<Q5_1, N>(w, x, xs, b, o, os); }
template <int N> void q4_k_rows(const std::byte* w, const BlockQ8K* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { dot_q45_k<N, false>(w, x, xs, b, o, os); }
template <int N> void q5_k_rows(const std::byte* w, const BlockQ8K* x, std::int64_t xs, std::int64_t b, float* o, std::int64_t os) { dot_q45_k<N, true>(w, x, xs, b, o, os); }

BRAID_DOT_ENTRY(entry_q4_0, q4_0_rows, BlockQ8)
BRAID_DOT_ENTRY(entry_q4_1, q4_1_rows, BlockQ8)
BRAID_DOT_ENTRY(entry_q5_0, q5_0_rows, BlockQ8)
BRAID_DOT_ENTRY(entry_q5_1, q5_1_rows, BlockQ8)
BRAID_DOT_ENTRY(entry_q8_0, dot_q8_0, BlockQ8)
BRAID_DOT_ENTRY(entry_q2_k, dot_q2_k, BlockQ8K)
BRAID_DOT_ENTRY(entry_q3_k, dot_q3_k, BlockQ8K)
BRAID_DOT_ENTRY(entry_q4_k, q4_k_rows, BlockQ8K)
BRAID_DOT_ENTRY(entry_q5_k, q5_k_rows, BlockQ8K)
BRAID_DOT_ENTRY(entry_q6_k, dot_q6_k, BlockQ8K)
#undef BRAID_DOT_ENTRY

template <class T>
void entry_float(const std::byte* w, const float* x, std::int64_t xs, int n, std::int64_t k, float* out, std::int64_t os) {
    switch (n) {
    case 1: dot_float<T, 1>(w, x, xs, k, out, os); break;
    case 2: dot_float<T, 2>(w, x, xs, k, out, os); break;
    case 3: dot_float<T, 3>(w, x, xs, k, out, os); break;
    default: dot_float<T, 4>(w, x, xs, k, out, os); break;
    }
}

} // namespace

void quantize_row_q8(const float* x, BlockQ8* y, std::int64_t k) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (std::int64_t b = 0; b < k / 32; ++b, x += 32) {
        __m256 v[4];
        __m256 amax = _mm256_setzero_ps();
        for (int i = 0; i < 4; ++i) {
            v[i] = _mm256_loadu_ps(x + 8 * i);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, v[i]));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        const float d = _mm_cvtss_f32(m) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = _cvtsh_ss(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT)); // fp16 precision, as llama.cpp's Q8_0
        __m256i q[4];
        for (int i = 0; i < 4; ++i)
            q[i] = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v[i], _mm256_set1_ps(id)),
                                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        // Half sums from the int32 lanes.
        auto lanes_sum = [](__m256i a, __m256i b2) {
            const __m256i s = _mm256_add_epi32(a, b2);
            __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4e));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1));
            return _mm_cvtsi128_si32(t);
        };
        y[b].sum[0] = static_cast<std::int16_t>(lanes_sum(q[0], q[1]));
        y[b].sum[1] = static_cast<std::int16_t>(lanes_sum(q[2], q[3]));
        // int32 → int8 keeping order (packs work per 128-bit lane, then one permute).
        const __m256i p01 = _mm256_packs_epi32(q[0], q[1]);
        const __m256i p23 = _mm256_packs_epi32(q[2], q[3]);
        __m256i p = _mm256_packs_epi16(p01, p23);
        p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[b].qs), p);
    }
}

void quantize_row_q8k(const float* x, BlockQ8K* y, std::int64_t k) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (std::int64_t b = 0; b < k / 256; ++b, x += 256) {
        __m256 amax = _mm256_setzero_ps();
        for (int i = 0; i < 32; ++i)
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + 8 * i)));
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        const float amax_v = _mm_cvtss_f32(m);
        const float id = amax_v != 0.0f ? 127.0f / amax_v : 0.0f;
        y[b].d = amax_v != 0.0f ? 1.0f / id : 0.0f;
        const __m256 idv = _mm256_set1_ps(id);
        for (int g = 0; g < 8; ++g) {
            __m256i q[4];
            for (int i = 0; i < 4; ++i)
                q[i] = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 32 * g + 8 * i), idv),
                                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            auto lanes_sum = [](__m256i a, __m256i b2) {
                const __m256i s = _mm256_add_epi32(a, b2);
                __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
                t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4e));
                t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1));
                return _mm_cvtsi128_si32(t);
            };
            y[b].bsums[2 * g] = static_cast<std::int16_t>(lanes_sum(q[0], q[1]));
            y[b].bsums[2 * g + 1] = static_cast<std::int16_t>(lanes_sum(q[2], q[3]));
            __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
            p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[b].qs + 32 * g), p);
        }
    }
}

DotKernel dot_kernel(TensorType type) {
    DotKernel k;
    switch (type) {
    case TensorType::F32: k.real = entry_float<F32>; k.tile = tile_float<F32>; break;
    case TensorType::F16: k.real = entry_float<F16>; k.tile = tile_float<F16>; break;
    case TensorType::BF16:
        k.real = entry_float<BF16>;
        k.tile = tile_float<BF16>;
#if defined(__x86_64__) // bf16_tile_avx2.cpp: its inner loop is x86-64 assembly
        k.pair_pack = pack_pairs;
        k.pair_tile = tile_pairs_bf16;
#endif
        break;
    case TensorType::Q4_0: k.quant = entry_q4_0; break;
    case TensorType::Q4_1: k.quant = entry_q4_1; break;
    case TensorType::Q5_0: k.quant = entry_q5_0; break;
    case TensorType::Q5_1: k.quant = entry_q5_1; break;
    case TensorType::Q8_0: k.quant = entry_q8_0; break;
    case TensorType::Q2_K: k.quant_k = entry_q2_k; break;
    case TensorType::Q3_K: k.quant_k = entry_q3_k; break;
    case TensorType::Q4_K: k.quant_k = entry_q4_k; break;
    case TensorType::Q5_K: k.quant_k = entry_q5_k; break;
    case TensorType::Q6_K: k.quant_k = entry_q6_k; break;
    default: break;
    }
    return k;
}

} // namespace braid::engine::cpu::avx2

#pragma GCC pop_options

#else // not x86: the portable kernels stand in

namespace braid::engine::cpu::avx2 {
DotKernel dot_kernel(TensorType type) { return scalar::dot_kernel(type); }
void quantize_row_q8(const float* x, BlockQ8* y, std::int64_t k) { scalar::quantize_row_q8(x, y, k); }
void quantize_row_q8k(const float* x, BlockQ8K* y, std::int64_t k) { scalar::quantize_row_q8k(x, y, k); }
} // namespace braid::engine::cpu::avx2

#endif
