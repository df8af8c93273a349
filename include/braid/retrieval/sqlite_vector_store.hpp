/// @file
/// @brief braid::retrieval::SqliteVectorStore: a persistent store — documents, metadata and vectors in a
/// SQLite file — searched with the exact SIMD kernels over an in-memory copy loaded when it opens.
///
/// @code
/// SqliteVectorStoreOptions options;
/// options.path = "kb.sqlite";
/// options.metric = Metric::cosine;
/// auto store = std::make_unique<SqliteVectorStore>(options, embedder);  // creates or reopens
/// store->add_documents(docs);          // one transaction; embedded once
/// // ... later, another process: reopen and search without re-embedding anything.
/// SqliteVectorStore again(options, embedder);
/// auto hits = again.similarity_search("where is the key?");
/// @endcode
///
/// - **Schema** (version 1, in table `braid_meta`: schema_version, dimension, metric): table
///   `braid_vectors(id TEXT PRIMARY KEY, content TEXT, metadata TEXT (JSON), vector BLOB (dimension
///   little-endian float32))`. Another schema version, or a dimension/metric different from the
///   options, is Error(errc::invalid_argument); a malformed row is Error(errc::parse) naming its id.
/// - **Searches** never touch the file: at open every row is read into an ExactVectorStore (so searching
///   costs what the exact store costs, and memory holds every vector once); writes go to the file in
///   one transaction and then to memory, so the two never disagree after a successful call.
/// - **Embedding model**: `options.model_identity` names the model whose vectors the file holds
///   (braid_meta key embedding_model). A new file records it; a file that records another one is
///   Error(errc::invalid_argument) naming both, so a search never compares vectors of two models; a file
///   that records none adopts the one given. Empty: nothing is checked or recorded.
/// - save(path) copies the database (`VACUUM INTO`); load(path) opens it.
/// - Threads: as every store; writers are serialized, and SQLite's own locking (busy timeout 5 s) guards
///   the file against other processes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/vector_store.hpp"

namespace braid::retrieval {

namespace detail {
class SqliteDb;
}

/// Options of a SqliteVectorStore.
struct SqliteVectorStoreOptions {
    std::filesystem::path path;        ///< The database file (created when missing).
    std::size_t dimension = 0;         ///< 0: the file's (when it exists), else the embeddings model's.
    Metric metric = Metric::cosine;    ///< Must equal the file's when it exists.
    std::size_t threads = 0;           ///< Threads of the in-memory exact scans.
    /// The embedding model's identity (see the file comment); "" = not checked.
    std::string model_identity{};
};

/// The SQLite-persistent store (see the file comment).
class SqliteVectorStore final : public VectorStore {
public:
    /// Creates or opens options.path. @throws Error(errc::io) when the file cannot be opened,
    /// Error(errc::invalid_argument) for a schema, dimension, metric or embedding-model mismatch, Error(errc::parse) for a
    /// malformed row.
    explicit SqliteVectorStore(SqliteVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings = nullptr);
    ~SqliteVectorStore() override;

    /// Opens @p path with the file's own dimension, metric and embedding-model identity.
    static std::unique_ptr<SqliteVectorStore> load(const std::filesystem::path& path,
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
    std::vector<std::vector<ScoredDocument>> search_batch(std::span<const std::vector<float>> queries,
                                                          const SearchOptions& options = {}) const override;
    /// Copies the database to @p path (VACUUM INTO; @p path must not exist: it is replaced).
    void save(const std::filesystem::path& path) const override;

    /// The identity of the embedding model the file records ("" when it records none).
    const std::string& model_identity() const noexcept { return options_.model_identity; }
    /// The ids of every stored document, in the order they were written (a re-written one moves last).
    std::vector<std::string> ids() const;

    /// The database file.
    const std::filesystem::path& path() const noexcept { return options_.path; }

private:
    SqliteVectorStoreOptions options_;
    std::unique_ptr<detail::SqliteDb> db_;
    std::unique_ptr<ExactVectorStore> memory_;
    mutable std::mutex write_mutex_;
};

} // namespace braid::retrieval
