// Small vector primitives of the attention kernel over cached keys and values (fp16 or fp32), in a
// portable and an AVX2 version chosen once at run time.
#pragma once

#include <cstdint>

#include "backend/cpu/isa.hpp"

namespace braid::engine::cpu {

struct VecOps {
    float (*dot_f16)(const std::uint16_t* a, const float* b, int n);
    float (*dot_f32)(const float* a, const float* b, int n);
    void (*axpy_f16)(float a, const std::uint16_t* x, float* y, int n); // y += a · x
    void (*axpy_f32)(float a, const float* x, float* y, int n);
    void (*to_f16)(const float* x, std::uint16_t* y, int n);
    // y = fp16(y · s) and y = fp16(y + a · x): an accumulator kept at fp16 precision (llama.cpp's CPU
    // flash attention accumulates values that way; matching it keeps greedy decoding identical).
    void (*scale_round_f16)(float* y, float s, int n);
    void (*mad_round_f16)(float* y, const std::uint16_t* x, float a, int n);
    void (*round_f16)(float* y, int n); // y = fp16(y)
    void (*exp)(const float* x, float* y, int n); // y = std::exp(x), bit for bit (exact_exp.hpp); y may be x
};

const VecOps& vec_ops(Isa isa);

namespace scalar {
const VecOps& vec_ops();
}
namespace avx2 {
const VecOps& vec_ops();
}

} // namespace braid::engine::cpu
