#version 450
// SELECT: out[i, :] = x[output token i, :].  POOL: out[j, :] = mean / first (cls) / last of the rows of
// pooled sequence j (MODE 1 mean, 2 cls, 3 last).
#include "common.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint width;
    uint mode;
} p;

void main() {
    const uint i = gl_WorkGroupID.y;
    const uint e = gl_GlobalInvocationID.x;
    if (e >= p.width)
        return;
#ifdef SELECT
    y[i * p.width + e] = x[uint(output_row(i)) * p.width + e];
#else
    const int seq = pooled_seq(i);
    float acc = 0.0;
    uint count = 0u;
    int chosen = -1, chosen_pos = 0;
    for (uint t = 0u; t < uint(n_tokens()); ++t) {
        if (sequence_of(t) != seq)
            continue;
        if (p.mode == 1u) {
            acc += x[t * p.width + e];
            ++count;
        } else if (chosen < 0 || (p.mode == 2u ? position_of(t) < chosen_pos : position_of(t) >= chosen_pos)) {
            chosen = int(t);
            chosen_pos = position_of(t);
        }
    }
    y[i * p.width + e] = p.mode == 1u ? acc / float(count) : (chosen >= 0 ? x[uint(chosen) * p.width + e] : 0.0);
#endif
}
