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
void dot_panels_f32(const float* q, const float* panels, std::size_t count, std::size_t d, float* out) {
    for (std::size_t p = 0; p < count; ++p) {
        const float* panel = panels + p * d * panel_rows;
        for (std::size_t r = 0; r < panel_rows; ++r) {
            float s = 0;
            for (std::size_t k = 0; k < d; ++k) s += q[k] * panel[k * panel_rows + r];
            out[p * panel_rows + r] = s;
        }
    }
}
bool tile_panel_f32(const float* tile, const float* panel, std::size_t d, const TileScoring& scoring, float* out) {
    bool any = false;
    for (std::size_t i = 0; i < tile_queries; ++i) {
        for (std::size_t r = 0; r < panel_rows; ++r) {
            float s = 0;
            for (std::size_t k = 0; k < d; ++k) s += tile[k * tile_queries + i] * panel[k * panel_rows + r];
            const float offset = scoring.query_offset[i] + (scoring.row_offset ? scoring.row_offset[r] : 0.0F);
            const float t = scoring.alpha * s + offset;
            out[i * panel_rows + r] = t;
            any = any || t > scoring.threshold[i];
        }
    }
    return any;
}

// hnswlib's distance-function form of dot_f32 and l2_f32.
float hnsw_ip_distance(const void* a, const void* b, const void* dimension) {
    return 1.0F - dot_f32(static_cast<const float*>(a), static_cast<const float*>(b), *static_cast<const std::size_t*>(dimension));
}
float hnsw_l2_distance(const void* a, const void* b, const void* dimension) {
    return l2_f32(static_cast<const float*>(a), static_cast<const float*>(b), *static_cast<const std::size_t*>(dimension));
}

constexpr VectorKernels scalar{"scalar", dot_f32, l2_f32, dot_f16, dot_i8, dot_panels_f32, tile_panel_f32, hnsw_ip_distance, hnsw_l2_distance};

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
