#version 450
// y[t, r] = W[r] · x[t] (+ bias[r]) (+ residual[t, r]) for a few tokens: one subgroup per row, its lanes
// over the row's 32-value chunks (float weights: values), summed with subgroupAdd — no shared memory and
// no barriers (lavapipe runs a barrier as a switch between every invocation).
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
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

#define MAX_T 8

void main() {
    const uint r = (gl_WorkGroupID.x + gl_WorkGroupID.y * 65535u) * gl_NumSubgroups + gl_SubgroupID;
    const uint lane = gl_SubgroupInvocationID, lanes = gl_SubgroupSize;
    if (r >= p.N)
        return; // a whole subgroup leaves together
    const uint row = r * p.row_bytes;
    float acc[MAX_T];
    for (uint t = 0u; t < MAX_T; ++t)
        acc[t] = 0.0;
#ifdef FLOAT_WEIGHTS
    for (uint i = lane; i < p.K; i += lanes) {
        const float w = value_at(row, i);
        for (uint t = 0u; t < p.T; ++t)
            acc[t] += w * x[t * p.K + i];
    }
#else
    float v[32];
    for (uint j = lane; j < p.K / 32u; j += lanes) {
        chunk(row, j, v);
        for (uint t = 0u; t < p.T; ++t) {
            float s = 0.0;
            for (uint l = 0u; l < 32u; ++l)
                s += v[l] * x[t * p.K + 32u * j + l];
            acc[t] += s;
        }
    }
#endif
    for (uint t = 0u; t < p.T; ++t) {
        const float total = subgroupAdd(acc[t]);
        if (lane == 0u) {
            float v = total;
            if (p.has_bias != 0u)
                v += bias[r];
            if (p.has_residual != 0u)
                v += residual[t * p.N + r];
            y[t * p.N + r] = v;
        }
    }
}
