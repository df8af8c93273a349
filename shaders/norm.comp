#version 450
// RMSNorm (RMS defined) or LayerNorm of each row, times its weight (plus bias for LayerNorm).
// Default: one subgroup per row, sums with subgroupAdd (no shared memory, no barriers; lavapipe runs a
// barrier as a switch between every invocation). SHARED_REDUCTION, the portable path for devices without
// subgroup arithmetic: one workgroup per row (its size specialization constant 0), sums reduced in
// shared memory.
#ifdef SHARED_REDUCTION
layout(constant_id = 0) const uint WORKGROUP_SIZE = 64;
layout(local_size_x_id = 0) in;
shared float partial[WORKGROUP_SIZE];
// The sum of @p v over the workgroup, returned to every invocation.
float row_sum(float v) {
    const uint i = gl_LocalInvocationID.x;
    partial[i] = v;
    barrier();
    for (uint half_size = WORKGROUP_SIZE / 2u; half_size > 0u; half_size /= 2u) {
        if (i < half_size)
            partial[i] += partial[i + half_size];
        barrier();
    }
    const float total = partial[0];
    barrier(); // every invocation has read partial[0] before it is written again
    return total;
}
uint row_index() { return gl_WorkGroupID.x + gl_WorkGroupID.y * 65535u; } // x: at most 65535 groups
uint lane_index() { return gl_LocalInvocationID.x; }
uint lane_count() { return WORKGROUP_SIZE; }
#else
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 64) in;
float row_sum(float v) { return subgroupAdd(v); }
uint row_index() { return gl_WorkGroupID.x * gl_NumSubgroups + gl_SubgroupID; }
uint lane_index() { return gl_SubgroupInvocationID; }
uint lane_count() { return gl_SubgroupSize; }
#endif
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
    const uint r = row_index();
    // Whole subgroups or workgroups leave together: every invocation of one takes part in its sums.
    if (r >= p.rows)
        return;
    const uint base = r * p.n;
    const uint lane = lane_index(), lanes = lane_count();
#ifdef RMS
    float sq = 0.0;
    for (uint i = lane; i < p.n; i += lanes)
        sq += x[base + i] * x[base + i];
    const float scale = 1.0 / sqrt(row_sum(sq) / float(p.n) + p.eps);
    for (uint i = lane; i < p.n; i += lanes)
        y[base + i] = x[base + i] * scale * w[i];
#else
    float s = 0.0;
    for (uint i = lane; i < p.n; i += lanes)
        s += x[base + i];
    const float mean = row_sum(s) / float(p.n);
    float var = 0.0;
    for (uint i = lane; i < p.n; i += lanes)
        var += (x[base + i] - mean) * (x[base + i] - mean);
    const float scale = 1.0 / sqrt(row_sum(var) / float(p.n) + p.eps);
    for (uint i = lane; i < p.n; i += lanes)
        y[base + i] = (x[base + i] - mean) * scale * w[i] + b[i];
#endif
}
