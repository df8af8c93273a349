#version 450
// out[t, :] = row ids[t] of a weight (any type), dequantized. One invocation per 32 values of a row.
#define W_BINDING 0
#include "quants.glsl"
#include "common.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 3) writeonly buffer Out { vec4 y4[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Out1 { float y[]; };
layout(push_constant) uniform Params {
    uint ne0;       // values per row
    uint row_bytes; // float types
    uint rows;      // rows of the weight
    uint ids;       // 0 tokens, 1 positions, 2 zeros
    uint blocks_per_row, b_words, c_words;
} p;

void main() {
    const uint t = gl_WorkGroupID.y;
    const uint j = gl_GlobalInvocationID.x; // chunk of 32 values
    if (32u * j >= p.ne0)
        return;
    int id = p.ids == 0u ? token_of(t) : p.ids == 1u ? position_of(t) : 0;
    id = clamp(id, 0, int(p.rows) - 1); // validated by the host; never read outside the weight
    const uint out_base = t * p.ne0 + 32u * j;
#ifdef FLOAT_WEIGHTS
    for (uint l = 0u; l < 32u && 32u * j + l < p.ne0; ++l)
        y[out_base + l] = value_at(uint(id) * p.row_bytes, 32u * j + l);
#else
    vec4 v[8];
    chunk(uint(id) * p.blocks_per_row + j / CHUNKS_PER_BLOCK, j % CHUNKS_PER_BLOCK, p.b_words, p.c_words, v);
    [[unroll]] for (uint k = 0u; k < 8u; ++k)
        y4[out_base / 4u + k] = v[k]; // ne0 is a multiple of 32: out_base of 4
#endif
}
