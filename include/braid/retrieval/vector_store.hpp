/// @file
/// @brief braid::retrieval::VectorStore: the interface of every vector store (exact, HNSW, FAISS, SQLite):
/// documents with their embedding vectors, similarity and MMR search with metadata filters, save/load.
///
/// @code
/// auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(64);
/// braid::retrieval::ExactVectorStoreOptions options;       // dimension 0: the model's
/// braid::retrieval::ExactVectorStore store(options, embedder);
/// store.add_documents(docs);                                 // embeds page_content, returns the ids
/// braid::retrieval::SearchOptions search;
/// search.k = 2;
/// search.filter = MetadataFilter::parse(Value::parse(R"({"kind": "armour"})"));
/// for (const auto& hit : store.similarity_search("oil for swords", search))
///     std::cout << hit.score << ' ' << hit.document.page_content << '\n';
/// auto diverse = store.max_marginal_relevance_search("swords");   // k 4, fetch_k 20, lambda_mult 0.5
/// @endcode
///
/// (Options are aggregates; GCC 12 warns about designated initializers that omit members, so set fields.)
///
/// **Scores, per metric** (results always come best first):
/// - Metric::cosine: `score` is the cosine similarity in [-1, 1] (higher is better);
///   `relevance_score` = (1 + score) / 2.
/// - Metric::inner_product: `score` is the inner product (higher is better); `relevance_score` =
///   (1 + score) / 2 clamped to [0, 1] (meaningful for unit vectors, as LangChain's).
/// - Metric::l2: `score` is the **squared** Euclidean distance (lower is better, FAISS's convention);
///   `relevance_score` = 1 - sqrt(score) / sqrt(2) clamped to [0, 1] (LangChain's Euclidean relevance
///   function, meaningful for unit vectors).
/// `relevance_score` is what SearchOptions::score_threshold compares against.
///
/// **Ids.** A document's `id` is used when set, otherwise the store generates one (a UUID-like random hex
/// string); adding an id that is already present replaces that document and its vector (upsert).
///
/// **Threads.** A store is an owner (move-only in practice, held by unique_ptr or shared_ptr). All
/// members are safe to call from many threads at once: searches run concurrently, writes (add, remove,
/// save) are serialized and exclude searches while they change the store.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/core/value.hpp"
#include "braid/models/embeddings.hpp"
#include "braid/retrieval/document.hpp"
#include "braid/retrieval/metadata_filter.hpp"
#include "braid/run_control.hpp"

namespace braid::retrieval {

namespace detail {
/// The stores' reader/writer lock: a shared mutex that lets a waiting writer in. glibc's rwlock (under
/// std::shared_mutex) prefers readers, so a steady stream of searches would starve add() and remove();
/// here a writer holds a gate while it waits, and new readers wait at that gate.
class WriterPreferringMutex {
public:
    void lock() {
        std::lock_guard gate(gate_);
        rw_.lock();
    }
    void unlock() { rw_.unlock(); }
    void lock_shared() {
        { std::lock_guard gate(gate_); }
        rw_.lock_shared();
    }
    void unlock_shared() { rw_.unlock_shared(); }

private:
    std::mutex gate_;
    std::shared_mutex rw_;
};
} // namespace detail

/// How vectors are compared.
enum class Metric {
    cosine,        ///< Cosine similarity (vectors are normalized when added; queries when searched).
    inner_product, ///< Inner product (higher is better).
    l2,            ///< Squared Euclidean distance (lower is better).
};

/// "cosine", "ip" or "l2".
std::string_view to_string(Metric metric) noexcept;
/// Reads "cosine"/"cos", "ip"/"inner_product"/"dot" or "l2"/"euclidean".
/// @throws Error(errc::invalid_argument) naming the text for anything else.
Metric metric_from_string(std::string_view text);
/// The relevance in [0, 1] of a raw @p score under @p metric (see the file comment).
float relevance_score(Metric metric, float score) noexcept;
/// True when raw score @p a is better than @p b under @p metric (greater, or smaller for l2).
bool better_score(Metric metric, float a, float b) noexcept;

/// One search result.
struct ScoredDocument {
    Document document;          ///< The stored document (with its id).
    float score = 0;            ///< The raw score for the store's metric (see the file comment).
    float relevance_score = 0;  ///< The score mapped to [0, 1], higher is better.
    std::vector<float> vector;  ///< The stored vector, when SearchOptions::with_vectors (else empty).
};

/// Options of a similarity search.
struct SearchOptions {
    std::size_t k = 4;                          ///< Number of results (at most; fewer when the store is smaller).
    MetadataFilter filter;                      ///< Only documents whose metadata match.
    std::optional<float> score_threshold;       ///< Drop results whose relevance_score is below this.
    bool with_vectors = false;                  ///< Fill ScoredDocument::vector (used by MMR).
    std::optional<std::size_t> ef;              ///< Approximate stores: search breadth (HNSW ef); ignored by exact ones.
};

/// Options of a maximal-marginal-relevance search (LangChain's algorithm).
struct MmrOptions {
    std::size_t k = 4;          ///< Number of results.
    std::size_t fetch_k = 20;   ///< Candidates fetched by similarity before re-ranking.
    float lambda_mult = 0.5F;   ///< 1: relevance only; 0: diversity only. Must be in [0, 1].
    MetadataFilter filter;      ///< Only documents whose metadata match.
};

/// Maximal marginal relevance (LangChain's `maximal_marginal_relevance`): picks @p k of @p candidates
/// (rows of equal length), first the one most cosine-similar to @p query, then repeatedly the one
/// maximizing `lambda_mult * cos(query, c) - (1 - lambda_mult) * max cos(c, picked)`. Returns indices
/// into @p candidates in the order picked. @throws Error(errc::invalid_argument) for a length mismatch
/// or a lambda_mult outside [0, 1].
std::vector<std::size_t> maximal_marginal_relevance(std::span<const float> query,
                                                    std::span<const std::vector<float>> candidates, std::size_t k,
                                                    float lambda_mult);

/// The vector-store interface (see the file comment for scores, ids and threads).
class VectorStore {
public:
    virtual ~VectorStore() = default;
    VectorStore(const VectorStore&) = delete;
    VectorStore& operator=(const VectorStore&) = delete;

    /// Adds @p documents with their @p vectors (one each, of dimension() floats); returns their ids in
    /// order (the document's own id, or a generated one). Existing ids are replaced (upsert).
    /// @throws Error(errc::invalid_argument) for a count or dimension mismatch, a non-finite value, or an
    /// id given twice in one call.
    virtual std::vector<std::string> add(std::span<const Document> documents,
                                         std::span<const std::vector<float>> vectors) = 0;
    /// Embeds the documents' texts with embeddings() and adds them.
    /// @throws Error(errc::invalid_argument) when the store has no embeddings model.
    std::vector<std::string> add_documents(std::span<const Document> documents,
                                           const RunControl& control = RunControl::none());
    /// Removes the documents with these ids; returns how many existed.
    virtual std::size_t remove(std::span<const std::string> ids) = 0;
    /// The documents with these ids, in order; ids not in the store are skipped.
    virtual Documents get(std::span<const std::string> ids) const = 0;
    /// Number of documents.
    virtual std::size_t size() const = 0;
    /// Length of every vector.
    virtual std::size_t dimension() const = 0;
    /// How vectors are compared.
    virtual Metric metric() const = 0;

    /// The best options.k documents for @p query (dimension() floats), best first.
    /// @throws Error(errc::invalid_argument) for a dimension mismatch or a non-finite value.
    virtual std::vector<ScoredDocument> similarity_search_by_vector(std::span<const float> query,
                                                                    const SearchOptions& options = {}) const = 0;
    /// similarity_search_by_vector for many queries at once (rows of dimension() floats); stores that can
    /// share work between queries (the exact store: blocked, multi-threaded scans) override it.
    virtual std::vector<std::vector<ScoredDocument>> search_batch(std::span<const std::vector<float>> queries,
                                                                  const SearchOptions& options = {}) const;
    /// Embeds @p text with embeddings()->embed_query and searches.
    /// @throws Error(errc::invalid_argument) when the store has no embeddings model.
    std::vector<ScoredDocument> similarity_search(std::string_view text, const SearchOptions& options = {}) const;

    /// MMR: fetches options.fetch_k candidates with their vectors, then maximal_marginal_relevance.
    /// Scores are the candidates' similarity scores.
    std::vector<ScoredDocument> max_marginal_relevance_search_by_vector(std::span<const float> query,
                                                                        const MmrOptions& options = {}) const;
    /// MMR for a text (embedded with embed_query).
    std::vector<ScoredDocument> max_marginal_relevance_search(std::string_view text,
                                                              const MmrOptions& options = {}) const;

    /// Writes the store to @p path (a versioned file format per store; see each store).
    /// @throws Error(errc::io) when the file cannot be written.
    virtual void save(const std::filesystem::path& path) const = 0;

    /// The embeddings model used by add_documents and the text searches (may be null).
    const std::shared_ptr<const Embeddings>& embeddings() const noexcept { return embeddings_; }

protected:
    /// A store using @p embeddings (may be null: then only the vector members work).
    explicit VectorStore(std::shared_ptr<const Embeddings> embeddings) : embeddings_(std::move(embeddings)) {}

    /// The embeddings model, or Error(errc::invalid_argument) naming @p what when there is none.
    const Embeddings& require_embeddings(std::string_view what) const;

private:
    std::shared_ptr<const Embeddings> embeddings_;
};

} // namespace braid::retrieval
