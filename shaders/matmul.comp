#version 450
// Y = X · Wᵀ (+ bias) (+ residual) for prompt processing, tiled in registers: each invocation takes
// 2 rows × 8 tokens, dequantizes its rows 32 values at a time once for all 8 tokens, and needs no shared
// memory or barriers (which lavapipe runs as a switch between every invocation).
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
    const uint row_tiles = (p.N + TM - 1u) / TM;
    const uint id = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * 65535u * 64u;
    if (id >= row_tiles * ((p.T + TN - 1u) / TN))
        return;
    // Consecutive invocations take consecutive row tiles of the same tokens (they share x).
    const uint r0 = (id % row_tiles) * TM, t0 = (id / row_tiles) * TN;
    float acc[TM][TN];
    [[unroll]] for (uint i = 0u; i < TM; ++i)
        [[unroll]] for (uint j = 0u; j < TN; ++j)
            acc[i][j] = 0.0;
    const uint rows = min(TM, p.N - r0), tokens = min(TN, p.T - t0);
#ifdef FLOAT_WEIGHTS
    if (p.K % 8u == 0u && p.row_bytes % 16u == 0u) {
        for (uint k = 0u; k < p.K; k += 8u) {
            vec4 wa[TM], wb[TM];
            [[unroll]] for (uint i = 0u; i < TM; ++i)
                values8((r0 + min(i, rows - 1u)) * p.row_bytes, k, wa[i], wb[i]);
            [[unroll]] for (uint j = 0u; j < TN; ++j) {
                if (j >= tokens)
                    break;
                const vec4 xa = x4[((t0 + j) * p.K + k) / 4u], xb = x4[((t0 + j) * p.K + k) / 4u + 1u];
                [[unroll]] for (uint i = 0u; i < TM; ++i)
                    acc[i][j] += dot(wa[i], xa) + dot(wb[i], xb);
            }
        }
    } else {
        for (uint k = 0u; k < p.K; ++k) {
            float w[TM];
            [[unroll]] for (uint i = 0u; i < TM; ++i)
                w[i] = value_at((r0 + min(i, rows - 1u)) * p.row_bytes, k);
            [[unroll]] for (uint j = 0u; j < TN; ++j) {
                if (j >= tokens)
                    break;
                const float xv = x[(t0 + j) * p.K + k];
                [[unroll]] for (uint i = 0u; i < TM; ++i)
                    acc[i][j] += w[i] * xv;
            }
        }
    }
#else
    vec4 v[TM][8];
    for (uint c = 0u; c < p.K / 32u; ++c) {
        [[unroll]] for (uint i = 0u; i < TM; ++i)
            chunk((r0 + min(i, rows - 1u)) * p.blocks_per_row + c / CHUNKS_PER_BLOCK, c % CHUNKS_PER_BLOCK, p.b_words, p.c_words, v[i]);
        [[unroll]] for (uint j = 0u; j < TN; ++j) {
            if (j >= tokens)
                break;
            const uint xb = ((t0 + j) * p.K + 32u * c) / 4u;
            [[unroll]] for (uint i = 0u; i < TM; ++i) {
                float s = 0.0;
                [[unroll]] for (uint k = 0u; k < 8u; ++k)
                    s += dot(v[i][k], x4[xb + k]);
                acc[i][j] += s;
            }
        }
    }
#endif
    for (uint i = 0u; i < rows; ++i)
        for (uint j = 0u; j < tokens; ++j) {
            const uint r = r0 + i, t = t0 + j;
            float v = acc[i][j];
            if (p.has_bias != 0u)
                v += bias[r];
            if (p.has_residual != 0u)
                v += residual[t * p.N + r];
            y[t * p.N + r] = v;
        }
}
