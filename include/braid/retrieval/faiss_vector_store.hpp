/// @file
/// @brief braid::retrieval::FaissVectorStore: a store over a FAISS index built from an index-factory
/// string ("Flat", "HNSW32", "IVF256,Flat", "IVF256,PQ16", ...), through FAISS's C++ API.
///
/// @code
/// FaissVectorStoreOptions options;
/// options.dimension = 384;
/// options.metric = Metric::inner_product;
/// options.factory = "IVF256,PQ16";   // needs training: the first add must bring ≥ 256 vectors
/// FaissVectorStore store(options);
/// store.add(docs, vectors);
/// @endcode
///
/// - **Ids.** FAISS numbers rows 0, 1, 2, ...; the store maps its document ids to rows. remove() only
///   marks a row dead (dead rows are skipped in results; the index still holds them until save(), which
///   writes a compacted index); an upsert marks the old row dead and appends a new one.
/// - **Training.** An index that needs training (IVF, PQ) is trained on the vectors of the first add,
///   which must hold at least as many vectors as the index has centroids (IVF's nlist, PQ's 2^nbits); fewer
///   is Error(errc::invalid_argument) saying how many are needed.
/// - **Vectors.** The store keeps an f32 copy of every vector (for MMR, `with_vectors`, compaction), so
///   a compressed index (PQ) does not lower the memory the store takes.
/// - **Scores.** inner_product: FAISS's inner products; l2: its squared distances; cosine: inner
///   products of normalized vectors. Compressed indexes give approximate scores.
/// - **Filters** as in HnswVectorStore: k, 2k, 4k, ... candidates until k match.
/// - `SearchOptions::ef` sets efSearch for HNSW indexes (SearchParametersHNSW, per search); IVF indexes
///   probe FaissVectorStoreOptions::nprobe lists.
/// - save(): documents, vectors and the FAISS index (faiss::write_index) in one "faiss" file, version 1.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>

#include "braid/retrieval/vector_store.hpp"

namespace braid::retrieval {

namespace detail {
struct FaissState;
}

/// Options of a FaissVectorStore.
struct FaissVectorStoreOptions {
    std::size_t dimension = 0;       ///< Vector length; 0: the embeddings model's.
    Metric metric = Metric::cosine;  ///< How vectors compare.
    std::string factory = "Flat";    ///< FAISS index-factory string.
    std::size_t nprobe = 8;          ///< IVF lists probed per query.
    std::size_t ef_search = 64;      ///< HNSW search breadth.
};

/// The FAISS store (see the file comment).
class FaissVectorStore final : public VectorStore {
public:
    /// An empty store. @throws Error(errc::invalid_argument) naming the factory string FAISS rejects,
    /// for dimension 0 without an embeddings model, or a dimension different from the model's.
    explicit FaissVectorStore(FaissVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings = nullptr);
    ~FaissVectorStore() override;

    /// Reads a store written by save(). @throws Error(errc::io) for an unreadable file,
    /// Error(errc::parse) naming what is corrupt.
    static std::unique_ptr<FaissVectorStore> load(const std::filesystem::path& path,
                                                  std::shared_ptr<const Embeddings> embeddings = nullptr);

    std::vector<std::string> add(std::span<const Document> documents,
                                 std::span<const std::vector<float>> vectors) override;
    std::size_t remove(std::span<const std::string> ids) override;
    Documents get(std::span<const std::string> ids) const override;
    std::size_t size() const override;
    std::size_t dimension() const override;
    Metric metric() const override;
    std::vector<ScoredDocument> similarity_search_by_vector(std::span<const float> query,
                                                            const SearchOptions& options = {}) const override;
    /// All queries in one FAISS search call (FAISS parallelizes with OpenMP).
    std::vector<std::vector<ScoredDocument>> search_batch(std::span<const std::vector<float>> queries,
                                                          const SearchOptions& options = {}) const override;
    void save(const std::filesystem::path& path) const override;

    /// Whether the index is trained (always for Flat and HNSW).
    bool is_trained() const;
    /// Vectors the first add must hold to train the index (0 when it needs no training).
    std::size_t min_training_vectors() const;
    /// The options in use.
    const FaissVectorStoreOptions& options() const noexcept;

private:
    std::vector<std::vector<ScoredDocument>> search_locked(std::span<const std::vector<float>> queries,
                                                           const SearchOptions& options) const;
    std::unique_ptr<detail::FaissState> state_;
    mutable detail::WriterPreferringMutex mutex_;
};

} // namespace braid::retrieval
