// Weights of every GGUF type in braid's device layout (src/backend/vulkan/device_layout.cpp), read with
// 16-byte loads (lavapipe pays per load, whatever its width; GPUs like wide aligned loads too), and the
// decoding of one chunk of 32 values — the definitions of src/engine/quant/dequantize.cpp.
//
// Device layout of a tensor (blocks numbered row after row):
//   F32 / F16 / BF16: as in the file.
//   Q4_0, Q4_1, Q5_0, Q5_1: region A = the 16 bytes of codes of each block; region B (at word b_words)
//     = 4 bytes per block (fp16 d, and fp16 m for Q4_1/Q5_1, else 0); region C (word c_words, Q5_0/Q5_1)
//     = the 32 high bits of each block.
//   Q8_0: region A = the 32 codes of each block; region B = fp16 d per block (4 bytes).
//   Q2_K … Q6_K: each super-block as in the file, padded to a multiple of 16 bytes (96, 112, 144, 176,
//     224 bytes).
// The including shader defines W_BINDING and exactly one TYPE_* macro.
#extension GL_EXT_control_flow_attributes : require

layout(std430, set = 0, binding = W_BINDING) readonly buffer Weights4 { uvec4 W4[]; };
layout(std430, set = 0, binding = W_BINDING) readonly buffer Weights1 { uint W[]; };
// Where the weight starts in the bound range, in 16-byte units: 0, except in kernels that read two
// weights through one binding (matmul.comp with SWIGLU sets it before reading each).
uint w_base = 0u;
#define WV4(i) W4[w_base + (i)]
#define WV1(i) W[4u * w_base + (i)]

uint byte_of(uvec4 q, uint i) { return (q[i >> 2] >> ((i & 3u) * 8u)) & 0xffu; }
int sbyte_of(uvec4 q, uint i) { return int(byte_of(q, i) << 24) >> 24; }
float half_lo(uint w) { return unpackHalf2x16(w).x; }
float half_hi(uint w) { return unpackHalf2x16(w).y; }

#if defined(TYPE_F32) || defined(TYPE_F16) || defined(TYPE_BF16)
#define FLOAT_WEIGHTS 1
// One value at element @i of the row that starts at byte @row (any alignment of i).
float value_at(uint row, uint i) {
#if defined(TYPE_F32)
    return uintBitsToFloat(WV1((row >> 2) + i));
#elif defined(TYPE_F16)
    const uint o = row + 2u * i;
    return unpackHalf2x16(WV1(o >> 2) >> ((o & 2u) * 8u)).x;
#else
    const uint o = row + 2u * i;
    return uintBitsToFloat(((WV1(o >> 2) >> ((o & 2u) * 8u)) & 0xffffu) << 16);
#endif
}
// Eight values at elements i … i+7 (row + 4·i bytes (F32) or row + 2·i (16-bit) a multiple of 16).
void values8(uint row, uint i, out vec4 a, out vec4 b) {
#if defined(TYPE_F32)
    const uint q = (row >> 4) + (i >> 2);
    a = uintBitsToFloat(WV4(q));
    b = uintBitsToFloat(WV4(q + 1u));
#else
    const uvec4 q = WV4((row >> 4) + (i >> 3));
#if defined(TYPE_F16)
    a = vec4(unpackHalf2x16(q.x), unpackHalf2x16(q.y));
    b = vec4(unpackHalf2x16(q.z), unpackHalf2x16(q.w));
#else
    a = uintBitsToFloat(uvec4(q.x << 16, q.x & 0xffff0000u, q.y << 16, q.y & 0xffff0000u));
    b = uintBitsToFloat(uvec4(q.z << 16, q.z & 0xffff0000u, q.w << 16, q.w & 0xffff0000u));
#endif
#endif
}
#endif

#if defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1) || defined(TYPE_Q8_0)
#define CHUNKS_PER_BLOCK 1u
#endif
#if defined(TYPE_Q2_K) || defined(TYPE_Q3_K) || defined(TYPE_Q4_K) || defined(TYPE_Q5_K) || defined(TYPE_Q6_K)
#define CHUNKS_PER_BLOCK 8u
#endif

#if defined(TYPE_Q2_K)
#define BLOCK_VEC4 6u
#elif defined(TYPE_Q3_K)
#define BLOCK_VEC4 7u
#elif defined(TYPE_Q4_K)
#define BLOCK_VEC4 9u
#elif defined(TYPE_Q5_K)
#define BLOCK_VEC4 11u
#elif defined(TYPE_Q6_K)
#define BLOCK_VEC4 14u
#endif

#if defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// The 6-bit scale and min of sub-block j from the 12 bytes at byte 4 of the header @h.
void scale_min_k4(uint j, uvec4 h, out float scale, out float mn) {
    if (j < 4u) {
        scale = float(byte_of(h, 4u + j) & 63u);
        mn = float(byte_of(h, 8u + j) & 63u);
    } else {
        scale = float((byte_of(h, 8u + j) & 15u) | ((byte_of(h, j) >> 6) << 4));
        mn = float((byte_of(h, 8u + j) >> 4) | ((byte_of(h, 4u + j) >> 6) << 4));
    }
}
#endif

#ifdef CHUNKS_PER_BLOCK
// The 32 values of chunk @sub (0 … CHUNKS_PER_BLOCK−1) of block @blk, as 8 vec4 in order.
// @b_words / @c_words: where regions B and C start (32-bit words).
void chunk(uint blk, uint sub, uint b_words, uint c_words, out vec4 v[8]) {
#if defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
    const uvec4 q = WV4(blk);
    const uint dm = WV1(b_words + blk);
    const float d = half_lo(dm);
#if defined(TYPE_Q4_1) || defined(TYPE_Q5_1)
    const float m = half_hi(dm);
#elif defined(TYPE_Q4_0)
    const float m = -8.0 * d;
#else
    const float m = -16.0 * d;
#endif
#if defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
    const uint qh = WV1(c_words + blk);
#endif
    [[unroll]] for (uint k = 0u; k < 4u; ++k) {
        const uint w = q[k];
        uvec4 lo = uvec4(w & 15u, (w >> 8) & 15u, (w >> 16) & 15u, (w >> 24) & 15u);
        uvec4 hi = uvec4((w >> 4) & 15u, (w >> 12) & 15u, (w >> 20) & 15u, (w >> 28) & 15u);
#if defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
        lo |= ((uvec4(qh) >> (uvec4(0u, 1u, 2u, 3u) + 4u * k)) & 1u) << 4;
        hi |= ((uvec4(qh) >> (uvec4(16u, 17u, 18u, 19u) + 4u * k)) & 1u) << 4;
#endif
        v[k] = vec4(lo) * d + m;
        v[k + 4u] = vec4(hi) * d + m;
    }
#elif defined(TYPE_Q8_0)
    const float d = half_lo(WV1(b_words + blk));
    [[unroll]] for (uint h = 0u; h < 2u; ++h) {
        const uvec4 q = WV4(2u * blk + h);
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const ivec4 s = ivec4(q[k] << 24, q[k] << 16, q[k] << 8, q[k]) >> 24;
            v[4u * h + k] = vec4(s) * d;
        }
    }
#elif defined(TYPE_Q2_K)
    const uint base = blk * BLOCK_VEC4;
    const uint ab = sub;
    const uvec4 scales = WV4(base);
    const uint dd = WV4(base + 5u).x;
    const float d = half_lo(dd), dmin = half_hi(dd);
    const uint shift = 2u * (ab % 4u);
    [[unroll]] for (uint h = 0u; h < 2u; ++h) {
        const uint sc = byte_of(scales, 2u * ab + h);
        const float dl = d * float(sc & 15u), ml = dmin * float(sc >> 4);
        const uvec4 q = WV4(base + 1u + 2u * (ab / 4u) + h);
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uvec4 c = (uvec4(q[k]) >> (uvec4(0u, 8u, 16u, 24u) + shift)) & 3u;
            v[4u * h + k] = vec4(c) * dl - ml;
        }
    }
#elif defined(TYPE_Q3_K)
    const uint base = blk * BLOCK_VEC4;
    const uint ab = sub;
    const uvec4 hm0 = WV4(base), hm1 = WV4(base + 1u);
    const uvec4 tail = WV4(base + 6u); // scales (12 bytes), d
    const float d = half_lo(tail.w);
    const uint shift = 2u * (ab % 4u);
    [[unroll]] for (uint h = 0u; h < 2u; ++h) {
        const uint i = 2u * ab + h; // the 6-bit scale i, offset 32
        const uint low = i < 8u ? (byte_of(tail, i) & 15u) : (byte_of(tail, i - 8u) >> 4);
        const uint high = (byte_of(tail, 8u + (i % 4u)) >> (2u * (i / 4u))) & 3u;
        const float dl = d * float(int(low | (high << 4)) - 32);
        const uvec4 q = WV4(base + 2u + 2u * (ab / 4u) + h);
        const uvec4 hm = h == 0u ? hm0 : hm1;
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const ivec4 c = ivec4((uvec4(q[k]) >> (uvec4(0u, 8u, 16u, 24u) + shift)) & 3u);
            const ivec4 hb = ivec4((uvec4(hm[k]) >> (uvec4(0u, 8u, 16u, 24u) + ab)) & 1u);
            v[4u * h + k] = vec4(c - 4 * (1 - hb)) * dl;
        }
    }
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
    const uint base = blk * BLOCK_VEC4;
    const uint ab = sub;
    const uvec4 head = WV4(base);
    const float d = half_lo(head.x), dmin = half_hi(head.x);
    float sc, mn;
    scale_min_k4(ab, head, sc, mn);
    const float dl = d * sc, ml = dmin * mn;
#if defined(TYPE_Q4_K)
    const uint qs = base + 1u;
#else
    const uint qs = base + 3u;
    const uvec4 qh0 = WV4(base + 1u), qh1 = WV4(base + 2u);
#endif
    const uint nib = (ab & 1u) * 4u;
    [[unroll]] for (uint h = 0u; h < 2u; ++h) {
        const uvec4 q = WV4(qs + 2u * (ab / 2u) + h);
#if defined(TYPE_Q5_K)
        const uvec4 qh = h == 0u ? qh0 : qh1;
#endif
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            uvec4 c = (uvec4(q[k]) >> (uvec4(0u, 8u, 16u, 24u) + nib)) & 15u;
#if defined(TYPE_Q5_K)
            c |= ((uvec4(qh[k]) >> (uvec4(0u, 8u, 16u, 24u) + ab)) & 1u) << 4;
#endif
            v[4u * h + k] = vec4(c) * dl - ml;
        }
    }
#elif defined(TYPE_Q6_K)
    const uint base = blk * BLOCK_VEC4;
    const uint ab = sub;
    const uint half_ = ab / 4u, quad = ab % 4u;
    const uvec4 scales = WV4(base + 12u);
    const float d = half_lo(WV4(base + 13u).x);
    const uint lshift = quad >= 2u ? 4u : 0u;
    [[unroll]] for (uint h = 0u; h < 2u; ++h) {
        const uvec4 ql = WV4(base + 4u * half_ + 2u * (quad & 1u) + h);
        const uvec4 qh = WV4(base + 8u + 2u * half_ + h);
        const float s = d * float(sbyte_of(scales, 2u * ab + h));
        [[unroll]] for (uint k = 0u; k < 4u; ++k) {
            const uvec4 lo = (uvec4(ql[k]) >> (uvec4(0u, 8u, 16u, 24u) + lshift)) & 15u;
            const uvec4 hi = (uvec4(qh[k]) >> (uvec4(0u, 8u, 16u, 24u) + 2u * quad)) & 3u;
            v[4u * h + k] = (vec4(lo | (hi << 4)) - 32.0) * s;
        }
    }
#endif
}
#endif
