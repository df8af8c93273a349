// Distance kernels of the exact vector store: scalar reference versions and AVX2+FMA+F16C versions picked
// at run time (__builtin_cpu_supports). Internal to braid_retrieval.
#pragma once

#include <cstddef>
#include <cstdint>

namespace braid::retrieval::detail {

/// The kernels one CPU runs. Vectors are rows of `d` values; queries are always float.
struct VectorKernels {
    const char* name;
    /// Σ a[i]·b[i].
    float (*dot_f32)(const float* a, const float* b, std::size_t d);
    /// Σ (a[i] − b[i])².
    float (*l2_f32)(const float* a, const float* b, std::size_t d);
    /// Σ q[i]·half(x[i]) for IEEE binary16 storage.
    float (*dot_f16)(const float* q, const std::uint16_t* x, std::size_t d);
    /// Σ q[i]·x[i] for int8 storage (the caller multiplies by the row's scale).
    float (*dot_i8)(const float* q, const std::int8_t* x, std::size_t d);
    /// out[i·nx + j] = dot(q row i, x row j) for i < nq, j < nx: the blocked kernel of batched searches.
    void (*dot_block_f32)(const float* q, std::size_t nq, const float* x, std::size_t nx, std::size_t d, float* out);
};

/// The fastest kernels this CPU supports.
const VectorKernels& vector_kernels() noexcept;
/// The portable reference kernels.
const VectorKernels& scalar_vector_kernels() noexcept;
/// The AVX2 kernels, or null when the CPU lacks AVX2, FMA or F16C.
const VectorKernels* avx2_vector_kernels() noexcept;

/// IEEE binary16 conversions (round to nearest even).
std::uint16_t float_to_half(float value) noexcept;
float half_to_float(std::uint16_t value) noexcept;

} // namespace braid::retrieval::detail
