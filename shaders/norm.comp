#version 450
// RMSNorm (RMS defined) or LayerNorm of each row, times its weight (plus bias for LayerNorm). One
// workgroup per row; sums in shared memory.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Weight { float w[]; };
layout(std430, set = 0, binding = 2) readonly buffer Bias { float b[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint n;
    float eps;
} p;

shared float sums[64];

float row_sum(float v) {
    const uint lid = gl_LocalInvocationID.x;
    sums[lid] = v;
    barrier();
    for (uint width = 32u; width > 0u; width >>= 1) {
        if (lid < width)
            sums[lid] += sums[lid + width];
        barrier();
    }
    const float total = sums[0];
    barrier();
    return total;
}

void main() {
    const uint base = gl_WorkGroupID.x * p.n;
    const uint lid = gl_LocalInvocationID.x;
#ifdef RMS
    float sq = 0.0;
    for (uint i = lid; i < p.n; i += 64u)
        sq += x[base + i] * x[base + i];
    const float scale = 1.0 / sqrt(row_sum(sq) / float(p.n) + p.eps);
    for (uint i = lid; i < p.n; i += 64u)
        y[base + i] = x[base + i] * scale * w[i];
#else
    float s = 0.0;
    for (uint i = lid; i < p.n; i += 64u)
        s += x[base + i];
    const float mean = row_sum(s) / float(p.n);
    float var = 0.0;
    for (uint i = lid; i < p.n; i += 64u)
        var += (x[base + i] - mean) * (x[base + i] - mean);
    const float scale = 1.0 / sqrt(row_sum(var) / float(p.n) + p.eps);
    for (uint i = lid; i < p.n; i += 64u)
        y[base + i] = (x[base + i] - mean) * scale * w[i] + b[i];
#endif
}
