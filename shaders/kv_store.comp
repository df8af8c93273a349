#version 450
// Keys (RoPE applied) and values of the batch's tokens into their KV cache cells, as fp16 (F16) or fp32.
// One invocation per two adjacent values of one token (an fp16 pair shares a 32-bit word).
#include "common.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer K { float k[]; };
layout(std430, set = 0, binding = 1) readonly buffer V { float v[]; };
#ifdef F16
layout(std430, set = 0, binding = 5) writeonly buffer KCache { uint kc[]; };
layout(std430, set = 0, binding = 3) writeonly buffer VCache { uint vc[]; };
#else
layout(std430, set = 0, binding = 5) writeonly buffer KCache { float kc[]; };
layout(std430, set = 0, binding = 3) writeonly buffer VCache { float vc[]; };
#endif
layout(push_constant) uniform Params {
    uint row;      // n_head_kv · head_dim
    uint head_dim;
    uint n_rot;
    uint neox;
} p;

uint g_t;
uint g_base;
float key(uint d) { return k[g_t * p.row + g_base + d]; }

void main() {
    const uint t = gl_WorkGroupID.y;
    const uint e = 2u * gl_GlobalInvocationID.x; // first of two values
    if (e >= p.row)
        return;
    g_t = t;
    g_base = (e / p.head_dim) * p.head_dim;
    const uint d = e % p.head_dim;
    const float k0 = ROPE(key, t, d, p.n_rot, p.neox);
    const float k1 = ROPE(key, t, d + 1u, p.n_rot, p.neox);
    const uint slot = uint(slot_of(t));
    const float v0 = v[t * p.row + e], v1 = v[t * p.row + e + 1u];
#ifdef F16
    kc[(slot * p.row + e) / 2u] = packHalf2x16(vec2(round_f16(k0), round_f16(k1)));
    vc[(slot * p.row + e) / 2u] = packHalf2x16(vec2(round_f16(v0), round_f16(v1)));
#else
    kc[slot * p.row + e] = k0;
    kc[slot * p.row + e + 1u] = k1;
    vc[slot * p.row + e] = v0;
    vc[slot * p.row + e + 1u] = v1;
#endif
}
