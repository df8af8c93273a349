// What every braid compute shader shares: the per-pass inputs buffer (binding 4), filled by the host
// for each forward pass, and small helpers.
//
// inputs[0] n_tokens, [1] n_kv, [2] n_outputs, [3] n_pooled, then offsets (in ints) of the arrays:
// [4] tokens, [5] positions, [6] sequences, [7] KV slots, [8] output token indices, [9] cell positions,
// [10] cell sequence masks (low 32 bits), [11] (high 32 bits), [12] pooled sequences, [13] RoPE table
// (per token: cos, sin of each rotary pair, as floats; computed on the host exactly as the CPU backend
// does), [14] floats per token in that table, [15] the cells 0 … n_kv - 1 ordered by position (so that
// attention sums a sequence's cells in position order wherever they lie in the cache).
layout(std430, set = 0, binding = 4) readonly buffer Inputs { int inputs[]; };

int n_tokens() { return inputs[0]; }
int n_kv() { return inputs[1]; }
int token_of(uint t) { return inputs[inputs[4] + int(t)]; }
int position_of(uint t) { return inputs[inputs[5] + int(t)]; }
int sequence_of(uint t) { return inputs[inputs[6] + int(t)]; }
int slot_of(uint t) { return inputs[inputs[7] + int(t)]; }
int output_row(uint i) { return inputs[inputs[8] + int(i)]; }
int cell_pos(uint c) { return inputs[inputs[9] + int(c)]; }
bool cell_has(uint c, int seq) {
    const uint mask = uint(inputs[(seq < 32 ? inputs[10] : inputs[11]) + int(c)]);
    return ((mask >> uint(seq & 31)) & 1u) != 0u;
}
int pooled_seq(uint j) { return inputs[inputs[12] + int(j)]; }
uint cell_in_position_order(uint j) { return uint(inputs[inputs[15] + int(j)]); }
float rope_cos(uint t, uint pair) { return intBitsToFloat(inputs[inputs[13] + int(t) * inputs[14] + 2 * int(pair)]); }
float rope_sin(uint t, uint pair) { return intBitsToFloat(inputs[inputs[13] + int(t) * inputs[14] + 2 * int(pair) + 1]); }

// Value @d (0 … head_dim−1) of a head after RoPE, reading the head's values through get(d).
#define ROPE(get, t, d, n_rot, neox)                                                                    \
    ((d) >= (n_rot) ? get(d)                                                                          \
     : (neox) != 0u                                                                                   \
         ? ((d) < (n_rot) / 2u ? get(d) * rope_cos(t, d) - get((d) + (n_rot) / 2u) * rope_sin(t, d)    \
                               : get((d) - (n_rot) / 2u) * rope_sin(t, (d) - (n_rot) / 2u) +            \
                                     get(d) * rope_cos(t, (d) - (n_rot) / 2u))                          \
         : (((d) & 1u) == 0u ? get(d) * rope_cos(t, (d) / 2u) - get((d) + 1u) * rope_sin(t, (d) / 2u)   \
                             : get((d) - 1u) * rope_sin(t, (d) / 2u) + get(d) * rope_cos(t, (d) / 2u)))

// f32 → f16 → f32 with round-to-nearest-even, in integer arithmetic (GLSL leaves packHalf2x16's rounding
// to the implementation).
float round_f16(float x) {
    const uint u = floatBitsToUint(x);
    const uint sign = u & 0x80000000u;
    const uint a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) return x;                 // inf, nan
    if (a >= 0x477ff000u) return uintBitsToFloat(sign | 0x7f800000u); // rounds past the largest half
    if (a < 0x33000000u) return uintBitsToFloat(sign); // below half the smallest subnormal
    if (a < 0x38800000u) {                            // a subnormal half: quantum 2^-24
        const float q = uintBitsToFloat(a) * 16777216.0; // exact scaling by 2^24
        return uintBitsToFloat(sign | floatBitsToUint(roundEven(q) / 16777216.0));
    }
    // Normal: keep 10 mantissa bits, round the 13 dropped ones to nearest even.
    const uint dropped = a & 0x1fffu;
    uint kept = a & ~0x1fffu;
    if (dropped > 0x1000u || (dropped == 0x1000u && (kept & 0x2000u) != 0u))
        kept += 0x2000u;
    return uintBitsToFloat(sign | kept);
}
