#version 450
// out[t, :] = row ids[t] of a weight (any type), dequantized. One invocation per 32 values of a row.
#define W_BINDING 0
#include "quants.glsl"
#include "common.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 3) writeonly buffer Out { float y[]; };
layout(push_constant) uniform Params {
    uint ne0;       // values per row
    uint row_bytes;
    uint rows;      // rows of the weight
    uint ids;       // 0 tokens, 1 positions, 2 zeros
} p;

void main() {
    const uint t = gl_WorkGroupID.y;
    const uint j = gl_GlobalInvocationID.x; // chunk of 32 values
    if (32u * j >= p.ne0)
        return;
    int id = p.ids == 0u ? token_of(t) : p.ids == 1u ? position_of(t) : 0;
    id = clamp(id, 0, int(p.rows) - 1); // validated by the host; never read outside the weight
    const uint row = uint(id) * p.row_bytes;
    const uint out_base = t * p.ne0 + 32u * j;
#ifdef FLOAT_WEIGHTS
    for (uint l = 0u; l < 32u && 32u * j + l < p.ne0; ++l)
        y[out_base + l] = value_at(row, 32u * j + l);
#else
    float v[32];
    chunk(row, j, v);
    for (uint l = 0u; l < 32u; ++l)
        y[out_base + l] = v[l];
#endif
}
