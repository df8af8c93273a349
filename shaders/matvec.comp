#version 450
// y[t, r] = W[r] · x[t] (+ bias[r]) (+ residual[t, r]) for a few tokens on GPUs: one subgroup per row,
// its lanes over the row's 32-value chunks (float weights: groups of 8 values), summed with subgroupAdd —
// no shared memory and no barriers. Rows are strided over the workgroups dispatched. (CPU
// implementations use matmul.comp for every batch.) SWIGLU: y = silu(G · x) ⊙ (U · x), both weights
// read through binding 0 from gate_base and up_base (16-byte units), as in matmul.comp.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#define W_BINDING 0
#include "quants.glsl"
#include "activations.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 1) readonly buffer X4 { vec4 x4[]; };
layout(std430, set = 0, binding = 1) readonly buffer X1 { float x[]; };
layout(std430, set = 0, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, set = 0, binding = 5) readonly buffer Residual { float residual[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint K, N, T;
    uint row_bytes;
    uint has_bias, has_residual;
    uint groups;
    uint blocks_per_row, b_words, c_words;
    uint gate_base, up_base; // SWIGLU
} p;

#ifdef SINGLE_TOKEN
#define MAX_T 1u
#else
#define MAX_T 8u
#endif

// This lane's part of W[r] · x[t] for every token (W: the weight at w_base).
void row_sums(uint r, uint lane, uint lanes, out float acc[MAX_T]) {
    [[unroll]] for (uint t = 0u; t < MAX_T; ++t)
        acc[t] = 0.0;
#ifdef FLOAT_WEIGHTS
    const uint row = r * p.row_bytes;
    if (p.K % 8u == 0u && row % 16u == 0u) { // 16-byte loads
        for (uint i = 8u * lane; i < p.K; i += 8u * lanes) {
            vec4 a, b;
            values8(row, i, a, b);
            [[unroll]] for (uint t = 0u; t < MAX_T; ++t)
                if (t < p.T)
                    acc[t] += dot(a, x4[(t * p.K + i) / 4u]) + dot(b, x4[(t * p.K + i) / 4u + 1u]);
        }
    } else {
        for (uint i = lane; i < p.K; i += lanes) {
            const float w = value_at(row, i);
            [[unroll]] for (uint t = 0u; t < MAX_T; ++t)
                if (t < p.T)
                    acc[t] += w * x[t * p.K + i];
        }
    }
#else
    vec4 v[8];
    for (uint j = lane; j < p.K / 32u; j += lanes) {
        chunk(r * p.blocks_per_row + j / CHUNKS_PER_BLOCK, j % CHUNKS_PER_BLOCK, p.b_words, p.c_words, v);
        [[unroll]] for (uint t = 0u; t < MAX_T; ++t) {
            if (t >= p.T)
                break;
            const uint xb = (t * p.K + 32u * j) / 4u;
            float s = 0.0;
            [[unroll]] for (uint k = 0u; k < 8u; ++k)
                s += dot(v[k], x4[xb + k]);
            acc[t] += s;
        }
    }
#endif
}

void row_product(uint r, uint lane, uint lanes) {
    float acc[MAX_T];
#ifdef SWIGLU
    float up[MAX_T];
    w_base = p.gate_base;
    row_sums(r, lane, lanes, acc);
    w_base = p.up_base;
    row_sums(r, lane, lanes, up);
#else
    row_sums(r, lane, lanes, acc);
#endif
    [[unroll]] for (uint t = 0u; t < MAX_T; ++t) {
        if (t >= p.T)
            break;
        const float total = subgroupAdd(acc[t]);
#ifdef SWIGLU
        const float up_total = subgroupAdd(up[t]);
        if (lane == 0u)
            y[t * p.N + r] = silu(total) * up_total;
#else
        if (lane == 0u) {
            float v = total;
            if (p.has_bias != 0u)
                v += bias[r];
            if (p.has_residual != 0u)
                v += residual[t * p.N + r];
            y[t * p.N + r] = v;
        }
#endif
    }
}

void main() {
    const uint lane = gl_SubgroupInvocationID, lanes = gl_SubgroupSize;
    const uint stride = p.groups * gl_NumSubgroups;
    for (uint r = gl_WorkGroupID.x * gl_NumSubgroups + gl_SubgroupID; r < p.N; r += stride)
        row_product(r, lane, lanes);
}
