/// @file
/// @brief braid::retrieval::HnswVectorStore: an approximate store over hnswlib's HNSW graph (the Debian
/// header-only hnswlib 0.6): fast searches with recall set by `ef`, deletes, upserts and growth.
///
/// @code
/// HnswVectorStoreOptions options;
/// options.dimension = 384;
/// options.metric = Metric::inner_product;
/// options.M = 16; options.ef_construction = 200; options.ef = 64;
/// HnswVectorStore store(options);
/// store.add(docs, vectors);             // inserted in parallel over options.threads
/// auto hits = store.similarity_search_by_vector(query);
/// @endcode
///
/// - Labels are slots: an upsert updates the node in place (hnswlib's updatePoint), remove() marks the
///   node deleted (markDelete; deleted nodes still route searches and are never returned), and a later
///   add reuses a deleted node's label. The index grows by resizeIndex (doubling) as documents arrive.
/// - Distances: hnswlib's graph walks call braid's run-time-chosen kernels (AVX2 + FMA where the CPU has
///   them) rather than the SSE functions hnswlib compiles in without `-mavx`.
/// - Scores: hnswlib's distances turned into the store's metric (inner product = 1 − hnswlib's "ip"
///   distance; l2 = its squared distance; cosine = inner product of normalized vectors).
/// - Filters: hnswlib 0.6 has no filter callback, so a filtered search asks the graph for k, 2k, 4k, ...
///   candidates until k of them match (or the whole store was returned).
/// - `SearchOptions::ef` different from the current ef takes the write lock to change it (hnswlib keeps
///   one ef per index), so searches with mixed ef values serialize; the default (unset) does not.
/// - save() writes the documents and vectors with the parameters ("hnsw" file, version 1); load()
///   rebuilds the graph from them (a file is never trusted to hold a well-formed graph).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <shared_mutex>

#include "braid/retrieval/vector_store.hpp"

namespace braid::retrieval {

namespace detail {
struct HnswState;
}

/// Options of an HnswVectorStore.
struct HnswVectorStoreOptions {
    std::size_t dimension = 0;        ///< Vector length; 0: the embeddings model's.
    Metric metric = Metric::cosine;   ///< How vectors compare.
    std::size_t M = 16;               ///< Graph degree (hnswlib's M).
    std::size_t ef_construction = 200;///< Search breadth while inserting.
    std::size_t ef = 64;              ///< Search breadth of queries (at least k is used).
    std::size_t initial_capacity = 1024; ///< Nodes allocated up front (grows by doubling).
    std::size_t threads = 0;          ///< Threads for inserts and batches; 0: the hardware's.
    std::size_t random_seed = 100;    ///< hnswlib's level generator seed.
};

/// The HNSW store (see the file comment).
class HnswVectorStore final : public VectorStore {
public:
    /// An empty store. @throws Error(errc::invalid_argument) for dimension 0 without an embeddings model,
    /// a dimension different from the model's, or M < 2.
    explicit HnswVectorStore(HnswVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings = nullptr);
    ~HnswVectorStore() override;

    /// Reads a store written by save() and rebuilds its graph (threads as in the options).
    /// @throws Error(errc::io) for an unreadable file, Error(errc::parse) naming what is corrupt.
    static std::unique_ptr<HnswVectorStore> load(const std::filesystem::path& path,
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
    /// Queries in parallel over options.threads.
    std::vector<std::vector<ScoredDocument>> search_batch(std::span<const std::vector<float>> queries,
                                                          const SearchOptions& options = {}) const override;
    void save(const std::filesystem::path& path) const override;

    /// Sets the default search breadth.
    void set_ef(std::size_t ef);
    /// The options in use (ef as last set).
    HnswVectorStoreOptions options() const;

private:
    std::vector<ScoredDocument> search_locked(std::span<const float> query, const SearchOptions& options) const;
    std::unique_ptr<detail::HnswState> state_;
    mutable detail::WriterPreferringMutex mutex_;
};

} // namespace braid::retrieval
