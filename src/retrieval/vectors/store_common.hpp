// Pieces every vector store shares (internal to braid_retrieval): argument checks, generated ids, the
// table of documents by slot, the top-k collector, the parallel loop and the versioned file format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "braid/retrieval/vector_store.hpp"

namespace braid::retrieval::detail {

/// A random identifier in the UUID v4 text form.
std::string generate_id();

/// Checks add()'s arguments for a store of @p dimension named @p store; returns each document's id (its
/// own, or a generated one). @throws Error(errc::invalid_argument) naming the document that is wrong.
std::vector<std::string> check_add(std::span<const Document> documents, std::span<const std::vector<float>> vectors,
                                   std::size_t dimension, std::string_view store);
/// Checks a query vector. @throws Error(errc::invalid_argument) for a dimension mismatch or a non-finite value.
void check_query(std::span<const float> query, std::size_t dimension, std::string_view store);
/// Scales @p v to unit length (a zero vector stays zero).
void normalize(std::span<float> v) noexcept;

/// Documents by slot: an id → slot map, live flags and (optionally) recycled slots.
struct DocTable {
    std::vector<Document> docs;
    std::vector<std::uint8_t> alive;
    std::unordered_map<std::string, std::uint32_t> by_id;
    std::vector<std::uint32_t> free_slots;
    std::size_t live = 0;

    /// The slot of @p id, if present.
    std::optional<std::uint32_t> find(const std::string& id) const;
    /// Stores @p doc: in its id's slot when present (upsert in place), else in a recycled slot (when
    /// @p recycle) or a new one. Returns the slot.
    std::uint32_t place(Document doc, bool recycle);
    /// Marks @p id's slot dead; returns the slot, if it existed. Recycles the slot when @p recycle.
    std::optional<std::uint32_t> erase(const std::string& id, bool recycle);
    /// The live documents with these ids, in order.
    Documents get(std::span<const std::string> ids) const;
};

/// A search hit by slot, with the raw score.
struct Hit {
    float score;
    std::uint32_t slot;
};

/// Keeps the best k hits under a metric (a bounded heap).
class TopK {
public:
    TopK(std::size_t k, Metric metric) : k_(k), lower_is_better_(metric == Metric::l2) {}
    /// Offers a hit; cheap when it is no better than the current worst of a full heap.
    void push(float score, std::uint32_t slot);
    /// Whether a hit with this score would be kept (inline: the scans call it for every row).
    bool admits(float score) const noexcept {
        return k_ != 0 && (heap_.size() < k_ || key(score) >= key(heap_.front().score));
    }
    /// Whether k hits are kept (only better ones get in from now on).
    bool full() const noexcept { return heap_.size() >= k_; }
    /// The score of the worst kept hit; only meaningful when full().
    float worst() const noexcept { return heap_.front().score; }
    /// Merges another collector's hits.
    void merge(const TopK& other);
    /// The hits, best first (ties: lower slot first).
    std::vector<Hit> sorted() const;

private:
    float key(float score) const noexcept { return lower_is_better_ ? -score : score; }
    std::size_t k_;
    bool lower_is_better_;
    std::vector<Hit> heap_; // min-heap on key: the worst kept hit on top
};

/// Runs body(begin, end) over [0, n) in up to @p threads contiguous chunks (the caller runs one).
void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t, std::size_t)>& body);
/// @p threads, or the hardware's thread count for 0.
std::size_t resolve_threads(std::size_t threads) noexcept;

/// Turns hits into results (document, score, relevance, vector through @p vector_of when asked), dropping
/// those below options.score_threshold.
std::vector<ScoredDocument> make_results(const std::vector<Hit>& hits, const DocTable& table, Metric metric,
                                         const SearchOptions& options,
                                         const std::function<std::vector<float>(std::uint32_t)>& vector_of);

/// Writer of the versioned store file: "BRAIDVEC", u32 format version, the store's kind, the store's
/// fields, and an FNV-1a 64 checksum of everything before it. Written to a temporary file, then renamed.
class StoreFileWriter {
public:
    StoreFileWriter(std::string_view kind);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void f32(float v);
    void str(std::string_view s);
    void floats(std::span<const float> v);
    /// Appends the checksum and writes @p path. @throws Error(errc::io).
    void finish(const std::filesystem::path& path);

private:
    std::string buf_;
};

/// Reader of that format: checks magic, version, kind and checksum up front, then every read against the
/// end. @throws Error(errc::io) when the file cannot be read, Error(errc::parse) naming what is corrupt.
class StoreFileReader {
public:
    StoreFileReader(const std::filesystem::path& path, std::string_view kind);
    std::uint32_t u32();
    std::uint64_t u64();
    float f32();
    std::string str();
    void floats(std::span<float> out);
    /// A count of items of at least @p item_bytes each, checked against the bytes left.
    std::uint64_t count(std::uint64_t item_bytes, std::string_view what);
    /// Throws unless every byte was read.
    void expect_end();
    /// Error(errc::parse) "vector store file '...': @p what".
    [[noreturn]] void fail(std::string_view what) const;

private:
    void need(std::size_t n, std::string_view what);
    std::string path_;
    std::string buf_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
};

/// The current store file format version.
inline constexpr std::uint32_t store_file_version = 1;

/// Writes the documents and vectors of @p table's live slots (vector_of gives each slot's vector).
void write_records(StoreFileWriter& out, const DocTable& table, std::size_t dimension,
                   const std::function<std::vector<float>(std::uint32_t)>& vector_of);
/// Reads what write_records wrote: documents and their vectors (checked: dimension, finite values, ids).
void read_records(StoreFileReader& in, std::size_t dimension, Documents& documents,
                  std::vector<std::vector<float>>& vectors);

} // namespace braid::retrieval::detail
