// Distance kernels of the exact vector store: scalar reference versions and AVX2+FMA+F16C versions picked
// at run time (__builtin_cpu_supports). Internal to braid_retrieval.
#pragma once

#include <cstddef>
#include <cstdint>

namespace braid::retrieval::detail {

/// f32 rows are kept in panels of this many rows, value by value: panel p's line k holds value k of rows
/// 16p … 16p+15, one 64-byte cache line (see panel_matrix.hpp). One load then feeds 16 dot products.
inline constexpr std::size_t panel_rows = 16;
/// Queries per tile of a batched scan, packed value by value (tile[k · tile_queries + i] = query i's value
/// k). 6 queries × 16 rows = 12 accumulators, the register tile of AVX2 sgemm micro-kernels.
inline constexpr std::size_t tile_queries = 6;

/// How one tile turns dot products into comparable values, "higher is better" for every metric:
/// t[i][r] = alpha · dot(query i, row r) + query_offset[i] + row_offset[r]. Inner product: alpha 1, no
/// offsets. L2: alpha 2, query_offset −|q|², row_offset −|x|², so t = −‖q − x‖².
struct TileScoring {
    float alpha;
    const float* query_offset; ///< tile_queries values.
    const float* row_offset;   ///< panel_rows values, or null for none.
    const float* threshold;    ///< tile_queries values: a t above query i's threshold is a candidate.
};

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
    /// out[p·panel_rows + r] = dot(q, row r of panel p) for p < count: the scan of single queries.
    void (*dot_panels_f32)(const float* q, const float* panels, std::size_t count, std::size_t d, float* out);
    /// One tile of a batched scan: tile_queries packed queries against one panel. Writes every t[i][r] to
    /// out[i·panel_rows + r] and returns whether any exceeds its query's threshold (rarely, once the
    /// top-k fill up, so the caller looks at out only then).
    bool (*tile_panel_f32)(const float* tile, const float* panel, std::size_t d, const TileScoring& scoring, float* out);
    /// 1 − Σ a[i]·b[i] in hnswlib's distance-function form (param: a const std::size_t*, the dimension), so
    /// the HNSW store's graph walks use these kernels rather than hnswlib's compile-time SSE ones.
    float (*hnsw_ip_distance)(const void* a, const void* b, const void* dimension);
    /// Σ (a[i] − b[i])² in the same form.
    float (*hnsw_l2_distance)(const void* a, const void* b, const void* dimension);
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
