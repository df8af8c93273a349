/// @file
/// @brief braid::retrieval::CachedEmbeddings: an Embeddings that wraps another and keeps its vectors in
/// SQLite, keyed by the model's identity and a hash of the text, so a text is embedded once per model.
///
/// @code
/// auto model = std::make_shared<braid::LocalEmbeddings>(...);
/// auto cached = std::make_shared<CachedEmbeddings>(model, "embeddings.sqlite", "bge-small-en-v1.5-q8_0");
/// ExactVectorStore store({}, cached);      // re-adding the same texts never calls the model again
/// @endcode
///
/// - **Key**: (identity, kind, 64-bit FNV-1a hash of the text); the text is stored too and compared on a
///   hit, so a hash collision is a miss, never a wrong vector. `kind` separates documents
///   (embed_documents) from queries (embed_query), which models may embed differently.
/// - **Identity** is the name you pass: use one that changes when the vectors would (model file,
///   quantization, pooling, normalization). A cached vector of another dimension is a miss.
/// - Hits never call the inner model; the misses of one call go to it in one embed_documents call and
///   are stored in one transaction.
/// - Table `braid_embedding_cache(identity, kind, hash, text, vector)`; ":memory:" keeps the cache in
///   memory. Safe to use from many threads (SQLite serialized mode plus a mutex around the writes).
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "braid/models/embeddings.hpp"

namespace braid::retrieval {

namespace detail {
class SqliteDb;
}

/// The SQLite-backed embeddings cache (see the file comment).
class CachedEmbeddings final : public Embeddings {
public:
    /// Wraps @p inner, caching in the database at @p path (created when missing) under @p identity.
    /// @throws Error(errc::invalid_argument) for a null model or an empty identity, Error(errc::io) when
    /// the database cannot be opened.
    CachedEmbeddings(std::shared_ptr<const Embeddings> inner, const std::filesystem::path& path, std::string identity);
    ~CachedEmbeddings() override;

    /// "CachedEmbeddings(<identity>)".
    std::string name() const override { return "CachedEmbeddings(" + identity_ + ")"; }
    std::size_t dimension() const override { return inner_->dimension(); }
    std::vector<std::vector<float>> embed_documents(std::span<const std::string> texts,
                                                    const RunControl& control = RunControl::none()) const override;
    std::vector<float> embed_query(std::string_view text, const RunControl& control = RunControl::none()) const override;

    /// Texts answered from the cache so far.
    std::size_t hits() const noexcept { return hits_.load(); }
    /// Texts sent to the inner model so far.
    std::size_t misses() const noexcept { return misses_.load(); }

private:
    std::vector<std::vector<float>> lookup_or_embed(std::span<const std::string> texts, char kind, const RunControl& control) const;
    std::shared_ptr<const Embeddings> inner_;
    std::string identity_;
    std::unique_ptr<detail::SqliteDb> db_;
    mutable std::mutex mutex_;
    mutable std::atomic<std::size_t> hits_{0};
    mutable std::atomic<std::size_t> misses_{0};
};

} // namespace braid::retrieval
