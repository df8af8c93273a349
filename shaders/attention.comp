#version 450
// Attention of each (token, head) over the KV cache cells its token may see (same sequence; earlier
// positions when causal): the online softmax of llama.cpp's CPU flash attention in position order, with the
// query and the value accumulator at fp16 precision for an fp16 cache (F16), so results follow braid's
// CPU backend. One invocation per (token, head).
//
// KV_TILES (GPUs, batches of many tokens): flash-attention-style tiling over the cache. A workgroup takes
// one head and 64 tokens; the cache is walked in tiles of 2048 / head_dim cells whose keys and values
// the workgroup stages in shared memory (16 KiB, the minimum every device has) once, for all its
// queries. Each query's arithmetic is the same as without tiles, cell by cell, so results are identical.
//
// Cells are visited in position order (the host's table, common.glsl), not cache order: the fp16
// accumulator makes the sum order matter, and a sequence's cells may lie anywhere in a cache shared
// with other requests (freed cells are reused), so only position order gives a request the same
// logits whatever runs beside it. Cells of other sequences are skipped, so they cannot change it.
// (On lavapipe, where a barrier switches between every invocation, the untiled kernel is used.)
#include "common.glsl"

#ifdef KV_TILES
layout(local_size_x = 64) in;
#define TILE_FLOATS 2048u
shared float k_tile[TILE_FLOATS];
shared float v_tile[TILE_FLOATS];
#else
layout(local_size_x = 32) in;
#endif
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
#ifdef KV_TILES
    const uint tiles_of_tokens = (p.n_tokens + 63u) / 64u;
    const uint h = gl_WorkGroupID.x / tiles_of_tokens;
    const uint t_own = (gl_WorkGroupID.x % tiles_of_tokens) * 64u + gl_LocalInvocationID.x;
    const uint t = min(t_own, p.n_tokens - 1u); // past the end: the last token, not stored (every
                                                // invocation takes part in the loads and barriers)
#else
    const uint pair = gl_GlobalInvocationID.x;
    if (pair >= p.n_tokens * p.n_head)
        return;
    const uint t = pair / p.n_head, h = pair % p.n_head;
#endif
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
#ifdef KV_TILES
    const uint tile_cells = TILE_FLOATS / hd;
    for (uint c0 = 0u; c0 < n; c0 += tile_cells) {
        const uint cells = min(tile_cells, n - c0);
        barrier(); // the previous tile is no longer read
        for (uint i = gl_LocalInvocationID.x; i < cells * hd; i += 64u) {
            const uint at = cell_in_position_order(c0 + i / hd) * row + kv_off + i % hd;
            k_tile[i] = k_at(at);
            v_tile[i] = v_at(at);
        }
        barrier();
        for (uint j = 0u; j < cells; ++j) {
            const uint c = cell_in_position_order(c0 + j);
#define K_AT(d) k_tile[j * hd + (d)]
#define V_AT(d) v_tile[j * hd + (d)]
#else
    for (uint j = 0u; j < n; ++j) {
        {
            const uint c = cell_in_position_order(j);
#define K_AT(d) k_at(c * row + kv_off + (d))
#define V_AT(d) v_at(c * row + kv_off + (d))
#endif
            if (!cell_has(c, seq) || (p.causal != 0u && cell_pos(c) > pos))
                continue;
            float s = 0.0;
            for (uint d = 0u; d < hd; ++d)
                s += K_AT(d) * qh[d];
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
                acc[d] = ROUND(acc[d] + V_AT(d) * vs);
            sum = sum * ms + vs;
        }
    }
    const float inv = sum == 0.0 ? 0.0 : 1.0 / sum;
#ifdef KV_TILES
    if (t_own >= p.n_tokens)
        return;
#endif
    for (uint d = 0u; d < hd; ++d)
        o[g_q + d] = acc[d] * inv;
}
