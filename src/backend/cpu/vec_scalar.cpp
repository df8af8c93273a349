#include "backend/cpu/vec.hpp"

#include <cmath>
#include "braid/engine/quant.hpp"

namespace braid::engine::cpu {

namespace scalar {

namespace {

float dot_f16(const std::uint16_t* a, const float* b, int n) {
    float s = 0;
    for (int i = 0; i < n; ++i)
        s += fp16_to_fp32(a[i]) * b[i];
    return s;
}
float dot_f32(const float* a, const float* b, int n) {
    float s = 0;
    for (int i = 0; i < n; ++i)
        s += a[i] * b[i];
    return s;
}
void axpy_f16(float a, const std::uint16_t* x, float* y, int n) {
    for (int i = 0; i < n; ++i)
        y[i] += a * fp16_to_fp32(x[i]);
}
void axpy_f32(float a, const float* x, float* y, int n) {
    for (int i = 0; i < n; ++i)
        y[i] += a * x[i];
}
void to_f16(const float* x, std::uint16_t* y, int n) {
    for (int i = 0; i < n; ++i)
        y[i] = fp32_to_fp16(x[i]);
}

float round16(float v) { return fp16_to_fp32(fp32_to_fp16(v)); }
void scale_round_f16(float* y, float s, int n) {
    for (int i = 0; i < n; ++i)
        y[i] = round16(y[i] * s);
}
void mad_round_f16(float* y, const std::uint16_t* x, float a, int n) {
    for (int i = 0; i < n; ++i)
        y[i] = round16(y[i] + fp16_to_fp32(x[i]) * a);
}
void round_f16(float* y, int n) {
    for (int i = 0; i < n; ++i)
        y[i] = round16(y[i]);
}
void exp(const float* x, float* y, int n) {
    for (int i = 0; i < n; ++i)
        y[i] = std::exp(x[i]);
}

} // namespace

const VecOps& vec_ops() {
    static const VecOps ops{dot_f16, dot_f32, axpy_f16, axpy_f32, to_f16, scale_round_f16, mad_round_f16, round_f16, exp};
    return ops;
}

} // namespace scalar

const VecOps& vec_ops(Isa isa) { return isa == Isa::avx2 ? avx2::vec_ops() : scalar::vec_ops(); }

} // namespace braid::engine::cpu
