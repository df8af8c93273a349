#version 450
// Y = X · Wᵀ (+ bias) (+ residual) for prompt processing: 32 rows × 32 tokens per workgroup, weights
// dequantized 32 values at a time into shared memory, 4 × 4 outputs per invocation.
#define W_BINDING 0
#include "quants.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 1) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, set = 0, binding = 5) readonly buffer Residual { float residual[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint K, N, T;
    uint row_bytes;
    uint has_bias, has_residual;
} p;

shared float ws[32][33];
shared float xs[32][33];

void main() {
    const uint r0 = gl_WorkGroupID.x * 32u, t0 = gl_WorkGroupID.y * 32u;
    const uint lid = gl_LocalInvocationID.x;
    const uint ri = lid % 8u, tj = lid / 8u;
    float acc[4][4];
    for (uint i = 0u; i < 4u; ++i)
        for (uint j = 0u; j < 4u; ++j)
            acc[i][j] = 0.0;
    for (uint k0 = 0u; k0 < p.K; k0 += 32u) {
        // Weights: invocations 0…31 each one row's 32 values.
        if (lid < 32u) {
            const uint r = r0 + lid;
#ifdef FLOAT_WEIGHTS
            for (uint l = 0u; l < 32u; ++l)
                ws[lid][l] = (r < p.N && k0 + l < p.K) ? value_at(r * p.row_bytes, k0 + l) : 0.0;
#else
            float v[32];
            if (r < p.N)
                chunk(r * p.row_bytes, k0 / 32u, v);
            for (uint l = 0u; l < 32u; ++l)
                ws[lid][l] = r < p.N ? v[l] : 0.0;
#endif
        }
        // Activations: 32 tokens × 32 values, 16 per invocation.
        for (uint e = lid; e < 1024u; e += 64u) {
            const uint t = e / 32u, l = e % 32u;
            xs[t][l] = (t0 + t < p.T && k0 + l < p.K) ? x[(t0 + t) * p.K + k0 + l] : 0.0;
        }
        barrier();
        for (uint l = 0u; l < 32u; ++l) {
            float a[4], b[4];
            for (uint i = 0u; i < 4u; ++i)
                a[i] = ws[ri + 8u * i][l];
            for (uint j = 0u; j < 4u; ++j)
                b[j] = xs[tj + 8u * j][l];
            for (uint i = 0u; i < 4u; ++i)
                for (uint j = 0u; j < 4u; ++j)
                    acc[i][j] += a[i] * b[j];
        }
        barrier();
    }
    for (uint i = 0u; i < 4u; ++i)
        for (uint j = 0u; j < 4u; ++j) {
            const uint r = r0 + ri + 8u * i, t = t0 + tj + 8u * j;
            if (r >= p.N || t >= p.T)
                continue;
            float v = acc[i][j];
            if (p.has_bias != 0u)
                v += bias[r];
            if (p.has_residual != 0u)
                v += residual[t * p.N + r];
            y[t * p.N + r] = v;
        }
}
