// Reference dequantization of every supported tensor type: one plain loop per block layout, written
// from the GGUF/ggml block definitions. Bytes are read with memcpy (tensor data may be unaligned).
#include <cstring>
#include <string>

#include "braid/engine/quant.hpp"
#include "braid/error.hpp"

namespace braid::engine {

namespace {

using u8 = unsigned char;

float half_at(const u8* p) {
    std::uint16_t h;
    std::memcpy(&h, p, 2);
    return fp16_to_fp32(h);
}

// Q4_0: [d:f16][16 bytes: element j in the low nibble of byte j, element j+16 in the high nibble].
void dequant_q4_0(const u8* b, float* y) {
    const float d = half_at(b);
    const u8* qs = b + 2;
    for (int j = 0; j < 16; ++j) {
        y[j] = static_cast<float>((qs[j] & 0x0f) - 8) * d;
        y[j + 16] = static_cast<float>((qs[j] >> 4) - 8) * d;
    }
}

// Q4_1: [d:f16][m:f16][16 bytes as Q4_0]; value = q·d + m.
void dequant_q4_1(const u8* b, float* y) {
    const float d = half_at(b);
    const float m = half_at(b + 2);
    const u8* qs = b + 4;
    for (int j = 0; j < 16; ++j) {
        y[j] = static_cast<float>(qs[j] & 0x0f) * d + m;
        y[j + 16] = static_cast<float>(qs[j] >> 4) * d + m;
    }
}

// Q5_0: [d:f16][qh:u32 — bit j is the 5th bit of element j][16 bytes of low nibbles as Q4_0]; offset 16.
void dequant_q5_0(const u8* b, float* y) {
    const float d = half_at(b);
    std::uint32_t qh;
    std::memcpy(&qh, b + 2, 4);
    const u8* qs = b + 6;
    for (int j = 0; j < 16; ++j) {
        const int hi0 = static_cast<int>((qh >> j) & 1u) << 4;
        const int hi1 = static_cast<int>((qh >> (j + 16)) & 1u) << 4;
        y[j] = static_cast<float>(((qs[j] & 0x0f) | hi0) - 16) * d;
        y[j + 16] = static_cast<float>(((qs[j] >> 4) | hi1) - 16) * d;
    }
}

// Q5_1: [d:f16][m:f16][qh:u32][16 bytes]; value = q·d + m.
void dequant_q5_1(const u8* b, float* y) {
    const float d = half_at(b);
    const float m = half_at(b + 2);
    std::uint32_t qh;
    std::memcpy(&qh, b + 4, 4);
    const u8* qs = b + 8;
    for (int j = 0; j < 16; ++j) {
        const int hi0 = static_cast<int>((qh >> j) & 1u) << 4;
        const int hi1 = static_cast<int>((qh >> (j + 16)) & 1u) << 4;
        y[j] = static_cast<float>((qs[j] & 0x0f) | hi0) * d + m;
        y[j + 16] = static_cast<float>((qs[j] >> 4) | hi1) * d + m;
    }
}

// Q8_0: [d:f16][32 × int8].
void dequant_q8_0(const u8* b, float* y) {
    const float d = half_at(b);
    for (int j = 0; j < 32; ++j) y[j] = static_cast<float>(static_cast<signed char>(b[2 + j])) * d;
}

// Q2_K: [scales:16 — low nibble scale, high nibble min, one per 16 elements][qs:64][d:f16][dmin:f16].
// Each 128-element half uses 32 bytes of qs; element group g (0..3) sits at bit 2g.
void dequant_q2_k(const u8* b, float* y) {
    const u8* scales = b;
    const u8* q = b + 16;
    const float d = half_at(b + 80);
    const float dmin = half_at(b + 82);
    int is = 0;
    for (int half = 0; half < 2; ++half) {
        for (int shift = 0; shift < 8; shift += 2) {
            for (int part = 0; part < 2; ++part) {
                const u8 sc = scales[is++];
                const float dl = d * static_cast<float>(sc & 0x0f);
                const float ml = dmin * static_cast<float>(sc >> 4);
                for (int l = 0; l < 16; ++l)
                    *y++ = dl * static_cast<float>((q[l + 16 * part] >> shift) & 3) - ml;
            }
        }
        q += 32;
    }
}

// Q3_K: [hmask:32][qs:64][scales:12 — sixteen 6-bit scales, offset 32][d:f16]. The low 2 bits come from qs
// as in Q2_K; a clear hmask bit subtracts 4.
void dequant_q3_k(const u8* b, float* y) {
    const u8* hmask = b;
    const u8* q = b + 32;
    const u8* packed = b + 96;
    const float d_all = half_at(b + 108);

    // Scale i: low 4 bits from byte i%8 (low nibble for i<8, high nibble otherwise), high 2 bits from
    // byte 8 + i%4 at bit 2·(i/4).
    int scales[16];
    for (int i = 0; i < 16; ++i) {
        const int low = i < 8 ? (packed[i] & 0x0f) : (packed[i - 8] >> 4);
        const int high = (packed[8 + (i % 4)] >> (2 * (i / 4))) & 3;
        scales[i] = (low | (high << 4)) - 32;
    }

    int is = 0;
    u8 m = 1;
    for (int half = 0; half < 2; ++half) {
        for (int shift = 0; shift < 8; shift += 2) {
            for (int part = 0; part < 2; ++part) {
                const float dl = d_all * static_cast<float>(scales[is++]);
                for (int l = 0; l < 16; ++l) {
                    const int idx = l + 16 * part;
                    const int low = (q[idx] >> shift) & 3;
                    const int value = low - ((hmask[idx] & m) ? 0 : 4);
                    *y++ = dl * static_cast<float>(value);
                }
            }
            m = static_cast<u8>(m << 1);
        }
        q += 32;
    }
}

// The 6-bit scale and min of sub-block j (0..7) of Q4_K/Q5_K, packed in 12 bytes.
void scale_min_k4(int j, const u8* q, u8& scale, u8& min) {
    if (j < 4) {
        scale = q[j] & 63;
        min = q[j + 4] & 63;
    } else {
        scale = static_cast<u8>((q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4));
        min = static_cast<u8>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

// Q4_K: [d:f16][dmin:f16][scales:12][qs:128]. Each 64 elements use 32 bytes: low nibbles first, then high.
void dequant_q4_k(const u8* b, float* y) {
    const float d = half_at(b);
    const float dmin = half_at(b + 2);
    const u8* packed = b + 4;
    const u8* q = b + 16;
    for (int j = 0; j < 8; j += 2) {
        u8 sc, mn;
        scale_min_k4(j, packed, sc, mn);
        const float d1 = d * static_cast<float>(sc);
        const float m1 = dmin * static_cast<float>(mn);
        scale_min_k4(j + 1, packed, sc, mn);
        const float d2 = d * static_cast<float>(sc);
        const float m2 = dmin * static_cast<float>(mn);
        for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0x0f) - m1;
        for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
        q += 32;
    }
}

// Q5_K: [d:f16][dmin:f16][scales:12][qh:32][qs:128]; the 5th bit of sub-block j sits at bit j of qh[l].
void dequant_q5_k(const u8* b, float* y) {
    const float d = half_at(b);
    const float dmin = half_at(b + 2);
    const u8* packed = b + 4;
    const u8* qh = b + 16;
    const u8* ql = b + 48;
    int bit = 0;
    for (int j = 0; j < 8; j += 2) {
        u8 sc, mn;
        scale_min_k4(j, packed, sc, mn);
        const float d1 = d * static_cast<float>(sc);
        const float m1 = dmin * static_cast<float>(mn);
        scale_min_k4(j + 1, packed, sc, mn);
        const float d2 = d * static_cast<float>(sc);
        const float m2 = dmin * static_cast<float>(mn);
        for (int l = 0; l < 32; ++l)
            *y++ = d1 * static_cast<float>((ql[l] & 0x0f) + (((qh[l] >> bit) & 1) << 4)) - m1;
        for (int l = 0; l < 32; ++l)
            *y++ = d2 * static_cast<float>((ql[l] >> 4) + (((qh[l] >> (bit + 1)) & 1) << 4)) - m2;
        ql += 32;
        bit += 2;
    }
}

// Q6_K: [ql:128][qh:64][scales:16 × int8][d:f16]; value = d·scale·(q − 32), q 6 bits.
void dequant_q6_k(const u8* b, float* y) {
    const u8* ql = b;
    const u8* qh = b + 128;
    const u8* sc = b + 192;
    const float d = half_at(b + 208);
    for (int half = 0; half < 2; ++half) {
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = ((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            const auto scale = [&](int i) { return static_cast<float>(static_cast<signed char>(sc[i])); };
            y[l] = d * scale(is) * static_cast<float>(q1);
            y[l + 32] = d * scale(is + 2) * static_cast<float>(q2);
            y[l + 64] = d * scale(is + 4) * static_cast<float>(q3);
            y[l + 96] = d * scale(is + 6) * static_cast<float>(q4);
        }
        y += 128;
        ql += 64;
        qh += 32;
        sc += 8;
    }
}

using BlockFn = void (*)(const u8*, float*);

BlockFn block_function(TensorType type) {
    switch (type) {
    case TensorType::Q4_0: return dequant_q4_0;
    case TensorType::Q4_1: return dequant_q4_1;
    case TensorType::Q5_0: return dequant_q5_0;
    case TensorType::Q5_1: return dequant_q5_1;
    case TensorType::Q8_0: return dequant_q8_0;
    case TensorType::Q2_K: return dequant_q2_k;
    case TensorType::Q3_K: return dequant_q3_k;
    case TensorType::Q4_K: return dequant_q4_k;
    case TensorType::Q5_K: return dequant_q5_k;
    case TensorType::Q6_K: return dequant_q6_k;
    default: return nullptr;
    }
}

} // namespace

void dequantize_row(TensorType type, const void* src, float* dst, std::int64_t n) {
    if (!is_supported(type))
        throw Error(errc::unsupported, "dequantizing tensor type " + std::string(tensor_type_name(type)) +
                                           " (id " + std::to_string(tensor_type_id(type)) + ") is not supported");
    row_bytes(type, n);  // validates n
    const auto* in = static_cast<const u8*>(src);
    switch (type) {
    case TensorType::F32:
        if (n > 0) std::memcpy(dst, in, static_cast<std::size_t>(n) * 4);
        return;
    case TensorType::F16:
        for (std::int64_t i = 0; i < n; ++i) dst[i] = half_at(in + 2 * i);
        return;
    case TensorType::BF16:
        for (std::int64_t i = 0; i < n; ++i) {
            std::uint16_t h;
            std::memcpy(&h, in + 2 * i, 2);
            dst[i] = bf16_to_fp32(h);
        }
        return;
    default: break;
    }
    const BlockFn fn = block_function(type);
    const std::int64_t per_block = block_elements(type);
    const std::int64_t bytes = block_bytes(type);
    for (std::int64_t i = 0; i < n / per_block; ++i) fn(in + i * bytes, dst + i * per_block);
}

} // namespace braid::engine
