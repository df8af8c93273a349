#version 450
// Y = X · Wᵀ (+ bias) (+ residual) for prompt processing, tiled in registers without shared memory or
// barriers (lavapipe runs a barrier as a switch between every invocation): a subgroup takes 8 tokens and
// lanes × 2 consecutive rows; each lane dequantizes its 2 rows 32 values at a time, the subgroup loads
// the 8 tokens' activations once (each lane one part) and shares them with subgroupBroadcast.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
#define W_BINDING 0
#include "quants.glsl"

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
    uint blocks_per_row, b_words, c_words;
} p;

#define TM 2u
#define TN 8u

void main() {
    const uint lane = gl_SubgroupInvocationID, lanes = gl_SubgroupSize;
    const uint subgroup = gl_WorkGroupID.x * gl_NumSubgroups + gl_SubgroupID + gl_WorkGroupID.y * 65535u * gl_NumSubgroups;
    const uint rows_per_tile = lanes * TM;
    const uint row_tiles = (p.N + rows_per_tile - 1u) / rows_per_tile;
    if (subgroup >= row_tiles * ((p.T + TN - 1u) / TN))
        return; // the whole subgroup
    const uint r0 = (subgroup % row_tiles) * rows_per_tile + lane * TM;
    const uint t0 = (subgroup / row_tiles) * TN;
    const uint tokens = min(TN, p.T - t0);
    // Rows past the end repeat the last row (every lane must take part in the broadcasts).
    uint rows[TM];
    [[unroll]] for (uint i = 0u; i < TM; ++i)
        rows[i] = min(r0 + i, p.N - 1u);
    float acc[TM][TN];
    [[unroll]] for (uint i = 0u; i < TM; ++i)
        [[unroll]] for (uint j = 0u; j < TN; ++j)
            acc[i][j] = 0.0;
    const bool vec_path = p.K % 32u == 0u
#ifdef FLOAT_WEIGHTS
                          && p.row_bytes % 16u == 0u
#endif
        ;
    if (vec_path) {
        for (uint c = 0u; c < p.K / 32u; ++c) {
            vec4 v[TM][8];
            [[unroll]] for (uint i = 0u; i < TM; ++i) {
#ifdef FLOAT_WEIGHTS
                [[unroll]] for (uint k = 0u; k < 4u; ++k)
                    values8(rows[i] * p.row_bytes, 32u * c + 8u * k, v[i][2u * k], v[i][2u * k + 1u]);
#else
                chunk(rows[i] * p.blocks_per_row + c / CHUNKS_PER_BLOCK, c % CHUNKS_PER_BLOCK, p.b_words, p.c_words, v[i]);
#endif
            }
            // Lane l loads vec4 l % 8 of token l / 8 (lanes ≥ 8 cover further tokens when subgroups are wide).
            [[unroll]] for (uint jb = 0u; jb < TN; jb += max(lanes / 8u, 1u)) {
                const uint j_lane = jb + lane / 8u;
                const vec4 xl = x4[((t0 + min(j_lane, tokens - 1u)) * p.K + 32u * c) / 4u + (lane % 8u)];
                [[unroll]] for (uint jj = 0u; jj < max(lanes / 8u, 1u); ++jj) {
                    const uint j = jb + jj;
                    if (j >= TN)
                        break;
                    [[unroll]] for (uint k = 0u; k < 8u; ++k) {
                        const vec4 xv = subgroupBroadcast(xl, 8u * jj + k);
                        [[unroll]] for (uint i = 0u; i < TM; ++i)
                            acc[i][j] += dot(v[i][k], xv);
                    }
                }
            }
        }
    } else { // float weights with rows not a multiple of 32 values: one value at a time
        for (uint k = 0u; k < p.K; ++k) {
            float w[TM];
#ifdef FLOAT_WEIGHTS
            [[unroll]] for (uint i = 0u; i < TM; ++i)
                w[i] = value_at(rows[i] * p.row_bytes, k);
#else
            [[unroll]] for (uint i = 0u; i < TM; ++i)
                w[i] = 0.0;
#endif
            [[unroll]] for (uint j = 0u; j < TN; ++j) {
                const float xv = x[(t0 + min(j, tokens - 1u)) * p.K + k];
                [[unroll]] for (uint i = 0u; i < TM; ++i)
                    acc[i][j] += w[i] * xv;
            }
        }
    }
    [[unroll]] for (uint i = 0u; i < TM; ++i) {
        const uint r = r0 + i;
        if (r >= p.N)
            continue;
        [[unroll]] for (uint j = 0u; j < TN; ++j) {
            if (j >= tokens)
                break;
            const uint t = t0 + j;
            float v = acc[i][j];
            if (p.has_bias != 0u)
                v += bias[r];
            if (p.has_residual != 0u)
                v += residual[t * p.N + r];
            y[t * p.N + r] = v;
        }
    }
}
