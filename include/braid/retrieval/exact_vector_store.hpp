/// @file
/// @brief braid::retrieval::ExactVectorStore: an in-process store that scans every vector with braid's own
/// SIMD kernels (AVX2+FMA+F16C chosen at run time, a portable fallback otherwise): exact results,
/// multi-threaded for large scans and for batches of queries.
///
/// @code
/// ExactVectorStoreOptions options;
/// options.dimension = 384;
/// options.metric = Metric::inner_product;
/// ExactVectorStore store(options);
/// store.add(docs, vectors);
/// auto hits = store.similarity_search_by_vector(query);        // k = 4
/// auto many = store.search_batch(queries);   // 6 queries × 16 rows per register tile
/// store.save("kb.bvec");
/// auto again = ExactVectorStore::load("kb.bvec");
/// @endcode
///
/// **Storage.** VectorStorage::f32 keeps the vectors as given (cosine: normalized), laid out at add time
/// in panels of 16 rows stored value by value, the layout the scans read; vector() gathers a row back. f16 keeps IEEE
/// half floats (half the memory) and int8 one byte per value with a per-vector scale (max |x| / 127, a
/// quarter of the memory). Queries stay f32 and every score is computed against the stored, dequantized
/// vector — there is no separate rescoring pass, so the ranking is exact for the stored vectors and
/// differs from the f32 ranking only by the quantization error (f16: relative ~1e-3; int8: ~1e-2).
/// The l2 distance is ‖q‖² − 2 q·x + ‖x‖² with ‖x‖² of the stored row (clamped at 0), computed the
/// same way by single and batched searches, so both return the same hits and scores.
///
/// **Threads.** Searches run concurrently (shared lock); a scan of more than `parallel_min_values`
/// floats is split over `threads` threads; search_batch splits the panels over `threads`, packs the
/// queries in tiles of 6 and runs a 6-queries × 16-rows AVX2 register tile that also compares each score
/// with its query's current k-th best (f32 storage; batches of 1 or 2 run as single searches; f16/int8
/// batches run the per-row kernels block by block).
///
/// **Kernels.** AVX2+FMA+F16C when the CPU has them (`__builtin_cpu_supports`), else portable scalar
/// code; there is no AVX-512 variant yet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "braid/retrieval/vector_store.hpp"

namespace braid::retrieval {

namespace detail {
struct ExactState;
}

/// How an exact store keeps its vectors.
enum class VectorStorage {
    f32,  ///< 4 bytes per value.
    f16,  ///< IEEE binary16, 2 bytes per value.
    int8, ///< Symmetric int8 with a per-vector scale, 1 byte per value.
};

/// "f32", "f16" or "int8".
std::string_view to_string(VectorStorage storage) noexcept;
/// Reads "f32", "f16" or "int8". @throws Error(errc::invalid_argument) naming the text otherwise.
VectorStorage vector_storage_from_string(std::string_view text);

/// Options of an ExactVectorStore.
struct ExactVectorStoreOptions {
    std::size_t dimension = 0;                ///< Vector length; 0: the embeddings model's dimension.
    Metric metric = Metric::cosine;           ///< How vectors compare.
    VectorStorage storage = VectorStorage::f32; ///< How vectors are kept.
    std::size_t threads = 0;                  ///< Threads for large scans and batches; 0: the hardware's.
    /// Scans of fewer values (documents × dimension) run on the calling thread: below about a million
    /// floats (4 MB) starting threads costs more than it saves.
    std::size_t parallel_min_values = std::size_t{1} << 20;
};

/// The exact SIMD store (see the file comment).
class ExactVectorStore final : public VectorStore {
public:
    /// An empty store. @throws Error(errc::invalid_argument) for dimension 0 without an embeddings model,
    /// or a dimension different from the model's.
    explicit ExactVectorStore(ExactVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings = nullptr);
    ~ExactVectorStore() override;

    /// Reads a store written by save(); @p threads as in the options.
    /// @throws Error(errc::io) for an unreadable file, Error(errc::parse) naming what is corrupt.
    static std::unique_ptr<ExactVectorStore> load(const std::filesystem::path& path,
                                                  std::shared_ptr<const Embeddings> embeddings = nullptr,
                                                  std::size_t threads = 0);

    std::vector<std::string> add(std::span<const Document> documents,
                                 std::span<const std::vector<float>> vectors) override;
    std::size_t remove(std::span<const std::string> ids) override;
    Documents get(std::span<const std::string> ids) const override;
    std::size_t size() const override;
    std::size_t dimension() const override;
    Metric metric() const override;
    std::vector<ScoredDocument> similarity_search_by_vector(std::span<const float> query,
                                                            const SearchOptions& options = {}) const override;
    std::vector<std::vector<ScoredDocument>> search_batch(std::span<const std::vector<float>> queries,
                                                          const SearchOptions& options = {}) const override;
    /// File format "exact", version 1: options, then every document with its (dequantized) vector.
    void save(const std::filesystem::path& path) const override;

    /// The storage in use.
    VectorStorage storage() const noexcept;
    /// The stored (dequantized) vector of @p id, if present.
    std::optional<std::vector<float>> vector(const std::string& id) const;
    /// Name of the kernels in use ("avx2" or "scalar").
    static const char* kernels_name() noexcept;

private:
    std::unique_ptr<detail::ExactState> state_;
    mutable detail::WriterPreferringMutex mutex_;
};

} // namespace braid::retrieval
