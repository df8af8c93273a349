/// @file
/// @brief BM25: braid's own Okapi BM25 index (incremental add and delete by id, Unicode-aware tokens, CJK
/// unigrams + bigrams) and the retriever over it (LangChain's BM25Retriever).
///
/// @code
/// auto index = std::make_shared<braid::retrieval::BM25Index>();
/// index->add({{"Swords need oil.", {}, "a"}, {"Shields need paint.", {}, "b"}});
/// auto hits = index->search("sword oil", 4);            // [{document a, score}]
/// braid::retrieval::Retriever retriever = braid::retrieval::bm25_retriever(index);   // k = 4
/// @endcode
///
/// Scoring (rank_bm25's BM25Okapi, which LangChain's BM25Retriever uses, with its defaults k1 = 1.5,
/// b = 0.75, epsilon = 0.25): for a query of tokens q1..qn (repeated tokens count again) and a document D
/// of |D| tokens, with f(q, D) the count of q in D, N documents, n(q) documents containing q and avgdl the
/// mean document length:
///
///     score(D) = Σ_i idf(q_i) · f(q_i, D) · (k1 + 1) / (f(q_i, D) + k1 · (1 − b + b · |D| / avgdl))
///     idf(q)   = ln((N − n(q) + 0.5) / (n(q) + 0.5))                       (Idf::okapi)
///
/// A term in more than half the documents has a negative okapi idf; like rank_bm25 it is replaced by
/// epsilon · (mean idf over the whole vocabulary). Idf::lucene uses ln(1 + (N − n + 0.5)/(n + 0.5)) instead
/// (always positive: Lucene's and Elasticsearch's). Only documents that contain at least one query token are
/// returned (rank_bm25 ranks every document, giving zero scores to the others).
///
/// Threads: every member is safe to call from many threads at once (a reader/writer lock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "braid/core/value.hpp"
#include "braid/retrieval/document.hpp"
#include "braid/retrieval/retriever.hpp"

namespace braid::retrieval {

/// Splits UTF-8 @p text into BM25 tokens: runs of letters, digits and combining marks, case-folded (ASCII,
/// Latin-1, Latin Extended-A and Additional, Greek, Cyrillic, full-width Latin; ß → "ss", final ς → σ);
/// runs of CJK ideographs and kana give every character (unigram) and every adjacent pair (bigram).
/// Everything else (spaces, punctuation, symbols) separates tokens.
/// @throws Error(errc::invalid_argument) naming the byte offset of invalid UTF-8.
std::vector<std::string> bm25_tokenize(std::string_view text);

/// A document with its score.
struct BM25Hit {
    Document document; ///< The document as added.
    double score = 0;  ///< Its score for the query (higher is better).
    /// Member-wise equality.
    friend bool operator==(const BM25Hit&, const BM25Hit&) = default;
};

/// Writes `{"document": {...}, "score": s}`.
void to_json(Value& json, const BM25Hit& scored);

/// How BM25 computes idf (see the file comment).
enum class BM25Idf : std::uint8_t {
    okapi,  ///< ln((N − n + 0.5)/(n + 0.5)), negative values replaced by epsilon · mean idf (rank_bm25).
    lucene, ///< ln(1 + (N − n + 0.5)/(n + 0.5)).
};

/// Options of a BM25Index.
struct BM25Options {
    double k1 = 1.5;                  ///< Term-frequency saturation (rank_bm25 / LangChain default), ≥ 0.
    double b = 0.75;                  ///< Length normalization in [0, 1] (rank_bm25 / LangChain default).
    double epsilon = 0.25;            ///< Floor factor for negative okapi idfs (rank_bm25 default), ≥ 0.
    BM25Idf idf = BM25Idf::okapi;     ///< The idf formula.
    /// The tokenizer for documents and queries; empty: bm25_tokenize.
    std::function<std::vector<std::string>(std::string_view)> tokenizer{};
};

/// An in-memory Okapi BM25 index of documents, with incremental add and delete by id.
class BM25Index {
public:
    /// An empty index. @throws Error(errc::invalid_argument) naming an option out of range.
    explicit BM25Index(BM25Options options = {});
    /// Frees the index.
    ~BM25Index();
    BM25Index(const BM25Index&) = delete;            ///< Not copyable (shared through shared_ptr).
    BM25Index& operator=(const BM25Index&) = delete; ///< Not copyable.

    /// Adds @p documents and returns their ids: a document without an id gets "bm25-<n>" (n counts up).
    /// @throws Error(errc::invalid_argument) if an id is already in the index or repeated in @p documents
    ///         (nothing is added then), or if a text is not valid UTF-8.
    std::vector<std::string> add(Documents documents);

    /// Deletes the documents with these ids; returns how many were found (unknown ids are ignored).
    std::size_t remove(std::span<const std::string> ids);

    /// The best @p k documents for @p query with their scores, best first (ties: first added first).
    std::vector<BM25Hit> search(std::string_view query, std::size_t k = 4) const;

    /// The score of every document for @p query, in the order of ids() (zero where no token matches).
    std::vector<double> scores(std::string_view query) const;

    /// The ids of the documents in the index, in the order they were added.
    std::vector<std::string> ids() const;

    /// The document with id @p id, if present.
    std::optional<Document> get(std::string_view id) const;

    /// The number of documents.
    std::size_t size() const;

    /// The idf of a token for the current corpus (0 for a token no document contains).
    double idf(std::string_view token) const;

    /// Writes the index to @p path (replaced atomically: written beside it, then renamed): a header line
    /// `braid-bm25 1 <FNV-1a 64 of the body, hex>` and a JSON body with the options (k1, b, epsilon, idf,
    /// whether a custom tokenizer was used), the next automatic id and the documents in insertion order.
    /// The postings are not stored: load() re-tokenizes, which gives the same index (same scores, same
    /// tie order). @throws Error(errc::io) naming the file when it cannot be written.
    void save(const std::filesystem::path& path) const;

    /// Reads an index that save() wrote. An index built with a custom tokenizer needs it again in
    /// @p tokenizer (it cannot be stored); one built with bm25_tokenize takes none.
    /// @throws Error(errc::io) when the file cannot be read; Error(errc::parse) naming the file for one that
    ///         is not a BM25 index, of another format version, whose checksum does not match (a corrupt or
    ///         truncated file), or whose body is malformed (naming the field); Error(errc::invalid_argument)
    ///         for a tokenizer missing or given against what the file records.
    static std::shared_ptr<BM25Index> load(const std::filesystem::path& path,
                                           std::function<std::vector<std::string>(std::string_view)> tokenizer = {});

private:
    struct Slot;
    struct Posting {
        std::uint32_t slot;
        std::uint32_t count;
    };
    std::vector<std::string> tokens_of(std::string_view text) const;
    std::vector<double> score_slots(std::string_view query) const;
    double idf_locked(std::size_t doc_freq) const;
    double mean_idf_locked() const;

    BM25Options options_;
    mutable std::shared_mutex mutex_;
    std::vector<std::unique_ptr<Slot>> slots_;                  // by insertion; null once deleted
    std::unordered_map<std::string, std::uint32_t> slot_of_id_;
    std::unordered_map<std::string, std::vector<Posting>> postings_;
    std::size_t live_ = 0;
    std::size_t total_length_ = 0;
    std::size_t next_auto_id_ = 0;
    mutable std::mutex mean_mutex_;
    mutable std::optional<double> mean_idf_; // cache, reset by every change
};

/// A retriever returning the best @p k documents of @p index (LangChain's BM25Retriever, k = 4). The
/// index stays shared: documents added or removed later are seen by later queries.
/// @throws Error(errc::invalid_argument) if @p index is null or @p k is 0.
Retriever bm25_retriever(std::shared_ptr<const BM25Index> index, std::size_t k = 4);

} // namespace braid::retrieval
