// Portable dot products: for each 32-value activation block, the integer sum of weight codes times
// activation codes, scaled once by the two scales; offsets and minimums go through the block sums.
// The AVX2 kernels compute exactly the same integer sums.
#include <cmath>
#include <cstring>

#include "backend/cpu/dot.hpp"
#include "braid/engine/quant.hpp"

namespace braid::engine::cpu::scalar {

namespace {

using u8 = unsigned char;

float half_at(const std::byte* p) {
    std::uint16_t h;
    std::memcpy(&h, p, 2);
    return fp16_to_fp32(h);
}

int dot32(const u8* q, const std::int8_t* x) {
    int s = 0;
    for (int i = 0; i < 32; ++i)
        s += q[i] * x[i];
    return s;
}

int dot16(const u8* q, const std::int8_t* x) {
    int s = 0;
    for (int i = 0; i < 16; ++i)
        s += q[i] * x[i];
    return s;
}

// The weight codes of one 32-value block of the simple types, in element order, as unsigned bytes.
void codes_4bit(const u8* qs, u8* q) {
    for (int j = 0; j < 16; ++j) {
        q[j] = qs[j] & 0x0f;
        q[j + 16] = qs[j] >> 4;
    }
}

void codes_5bit(const u8* qs, std::uint32_t qh, u8* q) {
    for (int j = 0; j < 16; ++j) {
        q[j] = static_cast<u8>((qs[j] & 0x0f) | (((qh >> j) & 1u) << 4));
        q[j + 16] = static_cast<u8>((qs[j] >> 4) | (((qh >> (j + 16)) & 1u) << 4));
    }
}

// One weight row against one activation row.
float row_q4_0(const std::byte* w, const BlockQ8* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    for (std::int64_t b = 0; b < blocks; ++b, w += 18) {
        codes_4bit(reinterpret_cast<const u8*>(w + 2), q);
        const int s = dot32(q, x[b].qs) - 8 * (x[b].sum[0] + x[b].sum[1]);
        acc += half_at(w) * x[b].d * static_cast<float>(s);
    }
    return acc;
}

float row_q4_1(const std::byte* w, const BlockQ8* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    for (std::int64_t b = 0; b < blocks; ++b, w += 20) {
        codes_4bit(reinterpret_cast<const u8*>(w + 4), q);
        acc += half_at(w) * x[b].d * static_cast<float>(dot32(q, x[b].qs)) +
               half_at(w + 2) * x[b].d * static_cast<float>(x[b].sum[0] + x[b].sum[1]);
    }
    return acc;
}

float row_q5_0(const std::byte* w, const BlockQ8* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    for (std::int64_t b = 0; b < blocks; ++b, w += 22) {
        std::uint32_t qh;
        std::memcpy(&qh, w + 2, 4);
        codes_5bit(reinterpret_cast<const u8*>(w + 6), qh, q);
        const int s = dot32(q, x[b].qs) - 16 * (x[b].sum[0] + x[b].sum[1]);
        acc += half_at(w) * x[b].d * static_cast<float>(s);
    }
    return acc;
}

float row_q5_1(const std::byte* w, const BlockQ8* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    for (std::int64_t b = 0; b < blocks; ++b, w += 24) {
        std::uint32_t qh;
        std::memcpy(&qh, w + 4, 4);
        codes_5bit(reinterpret_cast<const u8*>(w + 8), qh, q);
        acc += half_at(w) * x[b].d * static_cast<float>(dot32(q, x[b].qs)) +
               half_at(w + 2) * x[b].d * static_cast<float>(x[b].sum[0] + x[b].sum[1]);
    }
    return acc;
}

float row_q8_0(const std::byte* w, const BlockQ8* x, std::int64_t blocks) {
    float acc = 0;
    for (std::int64_t b = 0; b < blocks; ++b, w += 34) {
        const auto* q = reinterpret_cast<const std::int8_t*>(w + 2);
        int s = 0;
        for (int i = 0; i < 32; ++i)
            s += q[i] * x[b].qs[i];
        acc += half_at(w) * x[b].d * static_cast<float>(s);
    }
    return acc;
}

// K-quants against 256-value activation blocks: integer sums per sub-block, scaled by the sub-block
// scale in integers, one float multiply per super-block.
float row_q2_k(const std::byte* w, const BlockQ8K* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += 84) {
        const BlockQ8K& a = x[sb];
        const auto* scales = reinterpret_cast<const u8*>(w);
        const auto* qs = reinterpret_cast<const u8*>(w + 16);
        const float d = half_at(w + 80), dmin = half_at(w + 82);
        int isum = 0, msum = 0;
        for (int ab = 0; ab < 8; ++ab) {
            const int shift = 2 * (ab % 4);
            for (int l = 0; l < 32; ++l)
                q[l] = (qs[32 * (ab / 4) + l] >> shift) & 3;
            for (int h = 0; h < 2; ++h) {
                const int sub = 2 * ab + h;
                isum += (scales[sub] & 15) * dot16(q + 16 * h, a.qs + 16 * sub);
                msum += (scales[sub] >> 4) * a.bsums[sub];
            }
        }
        acc += a.d * (d * static_cast<float>(isum) - dmin * static_cast<float>(msum));
    }
    return acc;
}

void q3_k_scales(const u8* packed, int* scales) {
    for (int i = 0; i < 16; ++i) {
        const int low = i < 8 ? (packed[i] & 0x0f) : (packed[i - 8] >> 4);
        const int high = (packed[8 + (i % 4)] >> (2 * (i / 4))) & 3;
        scales[i] = (low | (high << 4)) - 32;
    }
}

float row_q3_k(const std::byte* w, const BlockQ8K* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    int scales[16];
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += 110) {
        const BlockQ8K& a = x[sb];
        const auto* hmask = reinterpret_cast<const u8*>(w);
        const auto* qs = reinterpret_cast<const u8*>(w + 32);
        q3_k_scales(reinterpret_cast<const u8*>(w + 96), scales);
        const float d = half_at(w + 108);
        int isum = 0;
        for (int ab = 0; ab < 8; ++ab) {
            const int shift = 2 * (ab % 4);
            const u8 bit = static_cast<u8>(1u << ab); // 4·half + group
            for (int l = 0; l < 32; ++l)
                q[l] = static_cast<u8>(((qs[32 * (ab / 4) + l] >> shift) & 3) | ((hmask[l] & bit) ? 4 : 0));
            for (int h = 0; h < 2; ++h) {
                const int sub = 2 * ab + h;
                isum += scales[sub] * (dot16(q + 16 * h, a.qs + 16 * sub) - 4 * a.bsums[sub]);
            }
        }
        acc += a.d * d * static_cast<float>(isum);
    }
    return acc;
}

void scale_min_k4(int j, const u8* q, int& scale, int& min) {
    if (j < 4) {
        scale = q[j] & 63;
        min = q[j + 4] & 63;
    } else {
        scale = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

template <bool Five>
float row_q45_k(const std::byte* w, const BlockQ8K* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += Five ? 176 : 144) {
        const BlockQ8K& a = x[sb];
        const float d = half_at(w), dmin = half_at(w + 2);
        const auto* packed = reinterpret_cast<const u8*>(w + 4);
        const auto* qh = reinterpret_cast<const u8*>(w + 16);
        const auto* qs = reinterpret_cast<const u8*>(w + (Five ? 48 : 16));
        int isum = 0, msum = 0;
        for (int j = 0; j < 8; ++j) {
            int sc, mn;
            scale_min_k4(j, packed, sc, mn);
            for (int l = 0; l < 32; ++l) {
                const u8 low = (j & 1) ? (qs[32 * (j / 2) + l] >> 4) : (qs[32 * (j / 2) + l] & 0x0f);
                q[l] = Five ? static_cast<u8>(low | (((qh[l] >> j) & 1) << 4)) : low;
            }
            isum += sc * dot32(q, a.qs + 32 * j);
            msum += mn * (a.bsums[2 * j] + a.bsums[2 * j + 1]);
        }
        acc += a.d * (d * static_cast<float>(isum) - dmin * static_cast<float>(msum));
    }
    return acc;
}

float row_q6_k(const std::byte* w, const BlockQ8K* x, std::int64_t blocks) {
    float acc = 0;
    u8 q[32];
    for (std::int64_t sb = 0; sb < blocks; ++sb, w += 210) {
        const BlockQ8K& a = x[sb];
        const auto* ql = reinterpret_cast<const u8*>(w);
        const auto* qh = reinterpret_cast<const u8*>(w + 128);
        const auto* sc = reinterpret_cast<const std::int8_t*>(w + 192);
        const float d = half_at(w + 208);
        int isum = 0;
        for (int ab = 0; ab < 8; ++ab) {
            const int half = ab / 4, quad = ab % 4;
            const u8* l4 = ql + 64 * half + 32 * (quad & 1);
            const u8* h2 = qh + 32 * half;
            for (int l = 0; l < 32; ++l) {
                const int low = quad >= 2 ? (l4[l] >> 4) : (l4[l] & 0x0f);
                q[l] = static_cast<u8>(low | (((h2[l] >> (2 * quad)) & 3) << 4));
            }
            for (int h = 0; h < 2; ++h) {
                const int sub = 2 * ab + h;
                isum += sc[sub] * (dot16(q + 16 * h, a.qs + 16 * sub) - 32 * a.bsums[sub]);
            }
        }
        acc += a.d * d * static_cast<float>(isum);
    }
    return acc;
}

template <float (*Row)(const std::byte*, const BlockQ8K*, std::int64_t)>
void quant_dot_k(const std::byte* w, const BlockQ8K* x, std::int64_t x_stride, int n, std::int64_t blocks, float* out,
                 std::int64_t out_stride) {
    for (int c = 0; c < n; ++c)
        out[c * out_stride] = Row(w, x + c * x_stride, blocks);
}

template <float (*Row)(const std::byte*, const BlockQ8*, std::int64_t)>
void quant_dot(const std::byte* w, const BlockQ8* x, std::int64_t x_stride, int n, std::int64_t blocks, float* out,
               std::int64_t out_stride) {
    for (int c = 0; c < n; ++c)
        out[c * out_stride] = Row(w, x + c * x_stride, blocks);
}

template <class Load>
void float_dot(const std::byte* w, const float* x, std::int64_t x_stride, int n, std::int64_t k, float* out,
               std::int64_t out_stride, Load load) {
    for (int c = 0; c < n; ++c) {
        const float* xc = x + c * x_stride;
        float acc = 0;
        for (std::int64_t i = 0; i < k; ++i)
            acc += load(w, i) * xc[i];
        out[c * out_stride] = acc;
    }
}

void dot_f32(const std::byte* w, const float* x, std::int64_t xs, int n, std::int64_t k, float* out, std::int64_t os) {
    float_dot(w, x, xs, n, k, out, os, [](const std::byte* p, std::int64_t i) {
        float v;
        std::memcpy(&v, p + 4 * i, 4);
        return v;
    });
}

void dot_f16(const std::byte* w, const float* x, std::int64_t xs, int n, std::int64_t k, float* out, std::int64_t os) {
    float_dot(w, x, xs, n, k, out, os, [](const std::byte* p, std::int64_t i) { return half_at(p + 2 * i); });
}

void dot_bf16(const std::byte* w, const float* x, std::int64_t xs, int n, std::int64_t k, float* out, std::int64_t os) {
    float_dot(w, x, xs, n, k, out, os, [](const std::byte* p, std::int64_t i) {
        std::uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        return bf16_to_fp32(h);
    });
}

} // namespace

void quantize_row_q8(const float* x, BlockQ8* y, std::int64_t k) {
    for (std::int64_t b = 0; b < k / 32; ++b, x += 32) {
        float amax = 0;
        for (int i = 0; i < 32; ++i)
            amax = std::fmax(amax, std::fabs(x[i]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[b].d = fp16_to_fp32(fp32_to_fp16(d)); // the scale at fp16 precision, as llama.cpp's Q8_0 keeps it
        int s0 = 0, s1 = 0;
        for (int i = 0; i < 32; ++i) {
            const int q = static_cast<int>(std::nearbyint(x[i] * id));
            y[b].qs[i] = static_cast<std::int8_t>(q);
            (i < 16 ? s0 : s1) += q;
        }
        y[b].sum[0] = static_cast<std::int16_t>(s0);
        y[b].sum[1] = static_cast<std::int16_t>(s1);
    }
}

void quantize_row_q8k(const float* x, BlockQ8K* y, std::int64_t k) {
    for (std::int64_t b = 0; b < k / 256; ++b, x += 256) {
        float amax = 0;
        for (int i = 0; i < 256; ++i)
            amax = std::fmax(amax, std::fabs(x[i]));
        // As llama.cpp's Q8_K: the inverse scale first, the scale its reciprocal.
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[b].d = amax != 0.0f ? 1.0f / id : 0.0f;
        for (int g = 0; g < 16; ++g) {
            int s = 0;
            for (int i = 16 * g; i < 16 * g + 16; ++i) {
                const int q = static_cast<int>(std::nearbyint(x[i] * id));
                y[b].qs[i] = static_cast<std::int8_t>(q);
                s += q;
            }
            y[b].bsums[g] = static_cast<std::int16_t>(s);
        }
    }
}

DotKernel dot_kernel(TensorType type) {
    DotKernel k;
    switch (type) {
    case TensorType::F32: k.real = dot_f32; break;
    case TensorType::F16: k.real = dot_f16; break;
    case TensorType::BF16: k.real = dot_bf16; break;
    case TensorType::Q4_0: k.quant = quant_dot<row_q4_0>; break;
    case TensorType::Q4_1: k.quant = quant_dot<row_q4_1>; break;
    case TensorType::Q5_0: k.quant = quant_dot<row_q5_0>; break;
    case TensorType::Q5_1: k.quant = quant_dot<row_q5_1>; break;
    case TensorType::Q8_0: k.quant = quant_dot<row_q8_0>; break;
    case TensorType::Q2_K: k.quant_k = quant_dot_k<row_q2_k>; break;
    case TensorType::Q3_K: k.quant_k = quant_dot_k<row_q3_k>; break;
    case TensorType::Q4_K: k.quant_k = quant_dot_k<row_q45_k<false>>; break;
    case TensorType::Q5_K: k.quant_k = quant_dot_k<row_q45_k<true>>; break;
    case TensorType::Q6_K: k.quant_k = quant_dot_k<row_q6_k>; break;
    default: break;
    }
    return k;
}

} // namespace braid::engine::cpu::scalar
