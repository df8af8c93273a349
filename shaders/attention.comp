#version 450
// Attention of each (token, head) over the KV cache cells its token may see (same sequence; earlier
// positions when causal): the online softmax of llama.cpp's CPU flash attention in cache order, with the
// query and the value accumulator at fp16 precision for an fp16 cache (F16), so results follow braid's
// CPU backend. One invocation per (token, head).
#include "common.glsl"

layout(local_size_x = 32) in;
layout(std430, set = 0, binding = 0) readonly buffer Q { float q[]; };
#ifdef F16
layout(std430, set = 0, binding = 5) readonly buffer KCache { uint kc[]; };
layout(std430, set = 0, binding = 2) readonly buffer VCache { uint vc[]; };
float k_at(uint i) { return unpackHalf2x16(kc[i >> 1])[i & 1u]; }
float v_at(uint i) { return unpackHalf2x16(vc[i >> 1])[i & 1u]; }
#ifdef HALF_ARITHMETIC
// Devices with fp16 arithmetic round through a conversion instruction (round to nearest even, the
// execution mode asked for below) instead of integer emulation.
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_spirv_intrinsics : require
spirv_execution_mode(capabilities = [4467], 4462, 16); // RoundingModeRTE for 16-bit floats
#define ROUND(x) float(float16_t(x))
#else
#define ROUND(x) round_f16(x)
#endif
#else
layout(std430, set = 0, binding = 5) readonly buffer KCache { float kc[]; };
layout(std430, set = 0, binding = 2) readonly buffer VCache { float vc[]; };
float k_at(uint i) { return kc[i]; }
float v_at(uint i) { return vc[i]; }
#define ROUND(x) (x)
#endif
layout(std430, set = 0, binding = 3) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Params {
    uint n_head, n_head_kv, head_dim, n_rot, neox, causal;
    float scale;
    uint n_tokens;
} p;

#define MAX_HEAD_DIM 256
uint g_q;
float query(uint d) { return q[g_q + d]; }

void main() {
    const uint pair = gl_GlobalInvocationID.x;
    if (pair >= p.n_tokens * p.n_head)
        return;
    const uint t = pair / p.n_head, h = pair % p.n_head;
    const uint hd = p.head_dim;
    const uint kv_off = (h / (p.n_head / p.n_head_kv)) * hd;
    const uint row = p.n_head_kv * hd;
    g_q = t * p.n_head * hd + h * hd;
    float qh[MAX_HEAD_DIM], acc[MAX_HEAD_DIM];
    for (uint d = 0u; d < hd; ++d) {
        qh[d] = ROUND(ROPE(query, t, d, p.n_rot, p.neox));
        acc[d] = 0.0;
    }
    const int pos = position_of(t), seq = sequence_of(t);
    float mx = -1.0 / 0.0, sum = 0.0;
    const uint n = uint(n_kv());
    for (uint c = 0u; c < n; ++c) {
        if (!cell_has(c, seq) || (p.causal != 0u && cell_pos(c) > pos))
            continue;
        float s = 0.0;
        for (uint d = 0u; d < hd; ++d)
            s += k_at(c * row + kv_off + d) * qh[d];
        s *= p.scale;
        float ms = 1.0, vs = 1.0;
        if (s > mx) {
            ms = exp(mx - s);
            mx = s;
            for (uint d = 0u; d < hd; ++d)
                acc[d] = ROUND(acc[d] * ms);
        } else {
            vs = exp(s - mx);
        }
        for (uint d = 0u; d < hd; ++d)
            acc[d] = ROUND(acc[d] + v_at(c * row + kv_off + d) * vs);
        sum = sum * ms + vs;
    }
    const float inv = sum == 0.0 ? 0.0 : 1.0 / sum;
    for (uint d = 0u; d < hd; ++d)
        o[g_q + d] = acc[d] * inv;
}
