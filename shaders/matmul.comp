#version 450
// Y = X · Wᵀ (+ bias) (+ residual), tiled in registers without shared memory or barriers (lavapipe runs
// a barrier as a switch between every invocation): a subgroup takes 8 tokens (1 with SINGLE_TOKEN) and
// lanes × 8 consecutive rows; each lane dequantizes its rows 32 values at a time and multiplies them with
// the tokens' activations, read at addresses uniform across the subgroup. Needs only basic subgroup
// built-ins (which subgroup, which lane), present on every Vulkan 1.1+ device.
//
// SWIGLU: Y = silu(X · Gᵀ) ⊙ (X · Uᵀ), the gate and up projections of a feed-forward block in one pass
// over X (no bias or residual): both weights are read through binding 0, starting at gate_base and
// up_base (16-byte units); each lane takes 4 rows of each.
#extension GL_KHR_shader_subgroup_basic : require
#define W_BINDING 0
#include "quants.glsl"
#include "activations.glsl"

layout(constant_id = 0) const uint WORKGROUP_SIZE = 64;
layout(local_size_x_id = 0) in;
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
    uint gate_base, up_base; // SWIGLU
} p;

// Rows per lane and tokens per subgroup (the host's matmul_rows_per_lane and matmul_tokens). Measured on
// lavapipe, 180M Q4_0, 128-token batch, tokens/s: 8 × 8 35–41, 8 × 4 32, 4 × 8 23–25 (fewer rows re-read
// the activations more often, more tokens cost registers); one token: 8 rows beat 4 and 16. SWIGLU keeps
// the same 8 weight rows per lane: 4 of the gate, 4 of up.
#ifdef SWIGLU
#define TM 4u
#define MATS 2u
#else
#define TM 8u
#define MATS 1u
#endif
#ifdef SINGLE_TOKEN
#define TN 1u
#else
#define TN 8u
#endif
#define ROWS (TM * MATS) // weight rows per lane: i < TM the first matrix, then the second

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
    // Rows past the end repeat the last row (loads stay in bounds; nothing is stored for them).
    uint rows[TM];
    [[unroll]] for (uint i = 0u; i < TM; ++i)
        rows[i] = min(r0 + i, p.N - 1u);
    float acc[ROWS][TN];
    [[unroll]] for (uint i = 0u; i < ROWS; ++i)
        [[unroll]] for (uint j = 0u; j < TN; ++j)
            acc[i][j] = 0.0;
    const bool vec_path = p.K % 32u == 0u
#ifdef FLOAT_WEIGHTS
                          && p.row_bytes % 16u == 0u
#endif
        ;
    if (vec_path) {
        for (uint c = 0u; c < p.K / 32u; ++c) {
            vec4 v[ROWS][8];
            [[unroll]] for (uint i = 0u; i < ROWS; ++i) {
#ifdef SWIGLU
                w_base = i < TM ? p.gate_base : p.up_base;
#endif
#ifdef FLOAT_WEIGHTS
                [[unroll]] for (uint k = 0u; k < 4u; ++k)
                    values8(rows[i % TM] * p.row_bytes, 32u * c + 8u * k, v[i][2u * k], v[i][2u * k + 1u]);
#else
                chunk(rows[i % TM] * p.blocks_per_row + c / CHUNKS_PER_BLOCK, c % CHUNKS_PER_BLOCK, p.b_words, p.c_words, v[i]);
#endif
            }
            // Every lane reads the same activations: an address the whole subgroup shares (lavapipe then
            // loads once and broadcasts, which beat one load per lane plus subgroupBroadcast 1.5×).
            [[unroll]] for (uint j = 0u; j < TN; ++j) {
                const uint xb = ((t0 + min(j, tokens - 1u)) * p.K + 32u * c) / 4u;
                [[unroll]] for (uint k = 0u; k < 8u; ++k) {
                    const vec4 xv = x4[xb + k];
                    [[unroll]] for (uint i = 0u; i < ROWS; ++i)
                        acc[i][j] += dot(v[i][k], xv);
                }
            }
        }
    } else { // float weights with rows not a multiple of 32 values: one value at a time
        for (uint k = 0u; k < p.K; ++k) {
            float w[ROWS];
            [[unroll]] for (uint i = 0u; i < ROWS; ++i) {
#ifdef SWIGLU
                w_base = i < TM ? p.gate_base : p.up_base;
#endif
#ifdef FLOAT_WEIGHTS
                w[i] = value_at(rows[i % TM] * p.row_bytes, k);
#else
                w[i] = 0.0;
#endif
            }
            [[unroll]] for (uint j = 0u; j < TN; ++j) {
                const float xv = x[(t0 + min(j, tokens - 1u)) * p.K + k];
                [[unroll]] for (uint i = 0u; i < ROWS; ++i)
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
#ifdef SWIGLU
            y[t * p.N + r] = silu(acc[i][j]) * acc[i + TM][j];
#else
            float v = acc[i][j];
            if (p.has_bias != 0u)
                v += bias[r];
            if (p.has_residual != 0u)
                v += residual[t * p.N + r];
            y[t * p.N + r] = v;
#endif
        }
    }
}
