// Reading weights of every GGUF type from a buffer of 32-bit words (byte offsets; no 8/16-bit storage
// needed), and decoding one chunk of 32 values — the same definitions as src/engine/quant/dequantize.cpp.
// The including shader defines W_BINDING and exactly one TYPE_* macro.

layout(std430, set = 0, binding = W_BINDING) readonly buffer Weights { uint W[]; };

uint byte_at(uint o) { return (W[o >> 2] >> ((o & 3u) * 8u)) & 0xffu; }
// 16 bits at an even offset (never across two words).
uint u16_at(uint o) { return (W[o >> 2] >> ((o & 2u) * 8u)) & 0xffffu; }
// 32 bits at an even offset.
uint u32_at(uint o) { return (o & 2u) == 0u ? W[o >> 2] : (u16_at(o) | (u16_at(o + 2u) << 16)); }
float f16_at(uint o) { return unpackHalf2x16(u16_at(o)).x; }
int i8_at(uint o) { return int(byte_at(o) << 24) >> 24; }

#if defined(TYPE_F32) || defined(TYPE_F16) || defined(TYPE_BF16)
#define FLOAT_WEIGHTS 1
float value_at(uint row, uint i) {
#if defined(TYPE_F32)
    return uintBitsToFloat(W[(row >> 2) + i]);
#elif defined(TYPE_F16)
    return f16_at(row + 2u * i);
#else
    return uintBitsToFloat(u16_at(row + 2u * i) << 16);
#endif
}
#endif

#if defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1) || defined(TYPE_Q8_0)
#define CHUNKS_PER_BLOCK 1u
#endif
#if defined(TYPE_Q2_K) || defined(TYPE_Q3_K) || defined(TYPE_Q4_K) || defined(TYPE_Q5_K) || defined(TYPE_Q6_K)
#define CHUNKS_PER_BLOCK 8u
#endif

#if defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
void scale_min_k4(uint j, uint q, out float scale, out float mn) {
    if (j < 4u) {
        scale = float(byte_at(q + j) & 63u);
        mn = float(byte_at(q + j + 4u) & 63u);
    } else {
        scale = float((byte_at(q + j + 4u) & 15u) | ((byte_at(q + j - 4u) >> 6) << 4));
        mn = float((byte_at(q + j + 4u) >> 4) | ((byte_at(q + j) >> 6) << 4));
    }
}
#endif

#ifdef CHUNKS_PER_BLOCK
// Values 32·j … 32·j + 31 of the row that starts at byte @row.
void chunk(uint row, uint j, out float v[32]) {
#if defined(TYPE_Q4_0)
    const uint b = row + 18u * j;
    const float d = f16_at(b);
    for (uint l = 0u; l < 16u; ++l) {
        const uint q = byte_at(b + 2u + l);
        v[l] = (float(q & 15u) - 8.0) * d;
        v[l + 16u] = (float(q >> 4) - 8.0) * d;
    }
#elif defined(TYPE_Q4_1)
    const uint b = row + 20u * j;
    const float d = f16_at(b), m = f16_at(b + 2u);
    for (uint l = 0u; l < 16u; ++l) {
        const uint q = byte_at(b + 4u + l);
        v[l] = float(q & 15u) * d + m;
        v[l + 16u] = float(q >> 4) * d + m;
    }
#elif defined(TYPE_Q5_0)
    const uint b = row + 22u * j;
    const float d = f16_at(b);
    const uint qh = u32_at(b + 2u);
    for (uint l = 0u; l < 16u; ++l) {
        const uint q = byte_at(b + 6u + l);
        v[l] = (float((q & 15u) | (((qh >> l) & 1u) << 4)) - 16.0) * d;
        v[l + 16u] = (float((q >> 4) | (((qh >> (l + 16u)) & 1u) << 4)) - 16.0) * d;
    }
#elif defined(TYPE_Q5_1)
    const uint b = row + 24u * j;
    const float d = f16_at(b), m = f16_at(b + 2u);
    const uint qh = u32_at(b + 4u);
    for (uint l = 0u; l < 16u; ++l) {
        const uint q = byte_at(b + 8u + l);
        v[l] = float((q & 15u) | (((qh >> l) & 1u) << 4)) * d + m;
        v[l + 16u] = float((q >> 4) | (((qh >> (l + 16u)) & 1u) << 4)) * d + m;
    }
#elif defined(TYPE_Q8_0)
    const uint b = row + 34u * j;
    const float d = f16_at(b);
    for (uint l = 0u; l < 32u; ++l)
        v[l] = float(i8_at(b + 2u + l)) * d;
#elif defined(TYPE_Q2_K)
    const uint sb = j / 8u, ab = j % 8u;
    const uint b = row + 84u * sb;
    const float d = f16_at(b + 80u), dmin = f16_at(b + 82u);
    const uint shift = 2u * (ab % 4u);
    for (uint h = 0u; h < 2u; ++h) {
        const uint sc = byte_at(b + 2u * ab + h);
        const float dl = d * float(sc & 15u), ml = dmin * float(sc >> 4);
        for (uint l = 0u; l < 16u; ++l)
            v[16u * h + l] = dl * float((byte_at(b + 16u + 32u * (ab / 4u) + 16u * h + l) >> shift) & 3u) - ml;
    }
#elif defined(TYPE_Q3_K)
    const uint sb = j / 8u, ab = j % 8u;
    const uint b = row + 110u * sb;
    const float d = f16_at(b + 108u);
    const uint shift = 2u * (ab % 4u);
    const uint bit = 1u << ab;
    for (uint h = 0u; h < 2u; ++h) {
        const uint i = 2u * ab + h; // the 6-bit scale i, offset 32
        const uint low = i < 8u ? (byte_at(b + 96u + i) & 15u) : (byte_at(b + 96u + i - 8u) >> 4);
        const uint high = (byte_at(b + 104u + (i % 4u)) >> (2u * (i / 4u))) & 3u;
        const float dl = d * float(int(low | (high << 4)) - 32);
        for (uint l = 0u; l < 16u; ++l) {
            const uint idx = 16u * h + l;
            const int q = int((byte_at(b + 32u + 32u * (ab / 4u) + idx) >> shift) & 3u) - ((byte_at(b + idx) & bit) != 0u ? 0 : 4);
            v[idx] = dl * float(q);
        }
    }
#elif defined(TYPE_Q4_K)
    const uint sb = j / 8u, ab = j % 8u;
    const uint b = row + 144u * sb;
    const float d = f16_at(b), dmin = f16_at(b + 2u);
    float sc, mn;
    scale_min_k4(ab, b + 4u, sc, mn);
    const float dl = d * sc, ml = dmin * mn;
    for (uint l = 0u; l < 32u; ++l) {
        const uint q = byte_at(b + 16u + 32u * (ab / 2u) + l);
        v[l] = dl * float((ab & 1u) != 0u ? (q >> 4) : (q & 15u)) - ml;
    }
#elif defined(TYPE_Q5_K)
    const uint sb = j / 8u, ab = j % 8u;
    const uint b = row + 176u * sb;
    const float d = f16_at(b), dmin = f16_at(b + 2u);
    float sc, mn;
    scale_min_k4(ab, b + 4u, sc, mn);
    const float dl = d * sc, ml = dmin * mn;
    for (uint l = 0u; l < 32u; ++l) {
        const uint q = byte_at(b + 48u + 32u * (ab / 2u) + l);
        const uint low = (ab & 1u) != 0u ? (q >> 4) : (q & 15u);
        v[l] = dl * float(low | (((byte_at(b + 16u + l) >> ab) & 1u) << 4)) - ml;
    }
#elif defined(TYPE_Q6_K)
    const uint sb = j / 8u, ab = j % 8u;
    const uint b = row + 210u * sb;
    const float d = f16_at(b + 208u);
    const uint half_ = ab / 4u, quad = ab % 4u;
    for (uint l = 0u; l < 32u; ++l) {
        const uint ql = byte_at(b + 64u * half_ + 32u * (quad & 1u) + l);
        const uint low = quad >= 2u ? (ql >> 4) : (ql & 15u);
        const uint high = (byte_at(b + 128u + 32u * half_ + l) >> (2u * quad)) & 3u;
        const float s = float(i8_at(b + 192u + 2u * ab + l / 16u));
        v[l] = d * s * float(int(low | (high << 4)) - 32);
    }
#endif
}
#endif
