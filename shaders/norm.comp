#version 450
// RMSNorm (RMS defined) or LayerNorm of each row, times its weight (plus bias for LayerNorm): one
// subgroup per row, sums with subgroupAdd (no shared memory, no barriers).
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, set = 0, binding = 2) readonly buffer Bias { float b[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint n;
    float eps;
    uint rows;
} p;

void main() {
    const uint r = gl_WorkGroupID.x * gl_NumSubgroups + gl_SubgroupID;
    if (r >= p.rows)
        return;
    const uint base = r * p.n;
    const uint lane = gl_SubgroupInvocationID, lanes = gl_SubgroupSize;
#ifdef RMS
    float sq = 0.0;
    for (uint i = lane; i < p.n; i += lanes)
        sq += x[base + i] * x[base + i];
    const float scale = 1.0 / sqrt(subgroupAdd(sq) / float(p.n) + p.eps);
    for (uint i = lane; i < p.n; i += lanes)
        y[base + i] = x[base + i] * scale * w[i];
#else
    float s = 0.0;
    for (uint i = lane; i < p.n; i += lanes)
        s += x[base + i];
    const float mean = subgroupAdd(s) / float(p.n);
    float var = 0.0;
    for (uint i = lane; i < p.n; i += lanes)
        var += (x[base + i] - mean) * (x[base + i] - mean);
    const float scale = 1.0 / sqrt(subgroupAdd(var) / float(p.n) + p.eps);
    for (uint i = lane; i < p.n; i += lanes)
        y[base + i] = (x[base + i] - mean) * scale * w[i] + b[i];
#endif
}
