// Portable reference kernels of the exact vector store, and the run-time choice of kernels.
#include <bit>

#include "braid/engine/quant.hpp"
#include "kernels.hpp"

namespace braid::retrieval::detail {
namespace {

float dot_f32(const float* a, const float* b, std::size_t d) {
    float s = 0;
    for (std::size_t i = 0; i < d; ++i) s += a[i] * b[i];
    return s;
}
float l2_f32(const float* a, const float* b, std::size_t d) {
    float s = 0;
    for (std::size_t i = 0; i < d; ++i) {
        const float t = a[i] - b[i];
        s += t * t;
    }
    return s;
}
float dot_f16(const float* q, const std::uint16_t* x, std::size_t d) {
    float s = 0;
    for (std::size_t i = 0; i < d; ++i) s += q[i] * half_to_float(x[i]);
    return s;
}
float dot_i8(const float* q, const std::int8_t* x, std::size_t d) {
    float s = 0;
    for (std::size_t i = 0; i < d; ++i) s += q[i] * static_cast<float>(x[i]);
    return s;
}
void dot_block_f32(const float* q, std::size_t nq, const float* x, std::size_t nx, std::size_t d, float* out) {
    for (std::size_t i = 0; i < nq; ++i)
        for (std::size_t j = 0; j < nx; ++j) out[i * nx + j] = dot_f32(q + i * d, x + j * d, d);
}

constexpr VectorKernels scalar{"scalar", dot_f32, l2_f32, dot_f16, dot_i8, dot_block_f32};

} // namespace

// The engine's exact conversions (braid_gguf): _Float16 is a GCC extension clang 14 refuses on x86.
std::uint16_t float_to_half(float value) noexcept { return engine::fp32_to_fp16(value); }
float half_to_float(std::uint16_t value) noexcept { return engine::fp16_to_fp32(value); }

const VectorKernels& scalar_vector_kernels() noexcept { return scalar; }

const VectorKernels& vector_kernels() noexcept {
    static const VectorKernels* chosen = avx2_vector_kernels() ? avx2_vector_kernels() : &scalar;
    return *chosen;
}

} // namespace braid::retrieval::detail
