/// @file
/// @brief index(): write documents into a vector store once, through a RecordManager, so re-running
/// ingestion over a changed folder only adds, replaces and deletes what changed (LangChain's indexing API,
/// `langchain_core.indexing.index`).
///
/// @code
/// braid::retrieval::SQLiteRecordManager records("docs", "records.db");
/// braid::retrieval::IndexResult r = braid::retrieval::index(
///     documents, records, store, {.cleanup = braid::retrieval::Cleanup::incremental, .source_id_key = "source"});
/// // second run over the same documents: r == {0 added, 0 updated, N skipped, 0 deleted}
/// @endcode
///
/// Each document's key is document_hash() (content + metadata); it becomes the document's id in the
/// store. Per batch of batch_size documents: duplicates within the batch are skipped; documents whose key
/// is recorded are skipped (their time refreshed); the others are embedded and added; every key of the
/// batch is recorded with its source id (metadata[source_id_key]) and the run's time. Cleanup:
/// - none: nothing is deleted;
/// - incremental: after each batch, documents of the batch's sources that were not seen in this run are
///   deleted (a changed file replaces its old chunks);
/// - full: after all batches, every recorded document not seen in this run is deleted (pass the whole
///   corpus: what is not passed is removed);
/// - scoped_full: like full, but only among the sources seen in this run.
/// incremental and scoped_full need source_id_key, and every document must have that metadata field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/core/value.hpp"
#include "braid/retrieval/document.hpp"
#include "braid/retrieval/loaders.hpp"
#include "braid/retrieval/record_manager.hpp"
#include "braid/retrieval/vector_store.hpp"
#include "braid/run_control.hpp"

namespace braid::retrieval {

/// LangChain's cleanup modes (see the file comment).
enum class Cleanup : std::uint8_t { none, incremental, full, scoped_full };

/// "none", "incremental", "full" or "scoped_full".
std::string_view to_string(Cleanup cleanup) noexcept;
/// Parses a cleanup mode name. @throws Error(errc::invalid_argument) naming an unknown one.
Cleanup cleanup_from_string(std::string_view text);

/// Options of index().
struct IndexOptions {
    Cleanup cleanup = Cleanup::none;     ///< What to delete (see the file comment).
    std::string source_id_key{};         ///< Metadata field naming a document's source ("" = none).
    std::size_t batch_size = 100;        ///< Documents embedded and recorded at once (LangChain's 100), ≥ 1.
    std::size_t cleanup_batch_size = 1000; ///< Keys deleted at once by full cleanup (LangChain's 1000), ≥ 1.
    bool force_update = false;           ///< Re-embed and re-write documents already recorded (counted as updated).
};

/// What index() did (LangChain's IndexingResult).
struct IndexResult {
    std::size_t num_added = 0;   ///< Documents written that were not recorded.
    std::size_t num_updated = 0; ///< Recorded documents re-written (force_update).
    std::size_t num_skipped = 0; ///< Documents already recorded, or repeated in a batch.
    std::size_t num_deleted = 0; ///< Documents deleted by cleanup.
    /// Member-wise equality.
    friend bool operator==(const IndexResult&, const IndexResult&) = default;
};

/// Writes `{"num_added": …, "num_updated": …, "num_skipped": …, "num_deleted": …}`.
void to_json(Value& json, const IndexResult& result);

/// The record key of @p document: SHA-256 (hex) of its page_content, a NUL byte, and its metadata as JSON
/// with object keys sorted (so key order does not matter). The id is not part of it.
std::string document_hash(const Document& document);

/// Indexes @p documents into @p store through @p records (see the file comment). @p store embeds with its
/// own embeddings model.
/// @throws Error(errc::invalid_argument) for incremental/scoped_full without source_id_key, a document
///         without that metadata field (naming its position), or a batch size of 0; errors of the store
///         and the record manager pass through (what was recorded before stays recorded).
IndexResult index(const Documents& documents, RecordManager& records, VectorStore& store,
                  const IndexOptions& options = {}, const RunControl& control = RunControl::none());

/// Cuts the documents of one file into the chunks that are indexed (e.g. a text splitter's split_documents).
using ChunkSplitter = std::function<Documents(const Documents&)>;

/// Options of index_directory().
struct IndexDirectoryOptions {
    DirectoryLoaderOptions loader{};  ///< Which files (glob, recursive, hidden ones) and the loader of each extension.
    ChunkSplitter split{};            ///< A file's documents → chunks (empty: the documents are indexed whole).
    /// none; incremental (a changed file replaces its old chunks; a removed file's chunks stay); full (also
    /// deletes the chunks of files no longer there, but never those of a file that failed to load this time).
    /// scoped_full is refused: with whole files per batch it is incremental.
    Cleanup cleanup = Cleanup::incremental;
    std::size_t batch_size = 100;          ///< A batch closes after the file that brings it to this many chunks, ≥ 1.
    std::size_t cleanup_batch_size = 1000; ///< Keys deleted at once by full cleanup, ≥ 1.
    bool force_update = false;             ///< Re-embed chunks already recorded (counted as updated).
};

/// What index_directory() did.
struct IndexDirectoryResult {
    IndexResult counts;              ///< Chunks added, updated, skipped and deleted.
    std::size_t files_loaded = 0;    ///< Files that loaded (and were indexed).
    std::size_t documents = 0;       ///< Their documents, before splitting.
    std::size_t chunks = 0;          ///< Chunks given to index().
    std::vector<FileError> errors;   ///< One per file that failed to load; its chunks of earlier runs are kept.
    double index_seconds = 0;        ///< Time spent in index() (embedding and writing).
    double cleanup_seconds = 0;      ///< Time spent by full cleanup.
};

/// Writes the counts as IndexResult does ("num_added", "num_updated", "num_skipped", "num_deleted"), then
/// "files_loaded", "documents", "chunks" and "errors": `[{"path", "error", "message"}]` (errc_name() names).
void to_json(Value& json, const IndexDirectoryResult& result);

/// Loads every matching file of @p folder, splits each and indexes the chunks into @p store through
/// @p records (index() with source_id_key "source"), one file at a time, so the folder never sits in memory.
///
/// Why whole files per batch: incremental cleanup deletes, after each batch, the older chunks of the
/// batch's sources; a file whose chunks straddled two batches would lose its later chunks to the first
/// batch's cleanup. A file that fails mid-way contributes nothing (half a file would replace all of it).
/// The folder is made absolute first: the sources recorded are absolute paths, so a re-run from another
/// working folder finds the same records.
/// @throws Error(errc::invalid_argument) for a batch size of 0, scoped_full, or a folder that does not exist
///         or is not a folder; Error(errc::io) when it cannot be listed; errors of the splitter, the store and
///         the record manager pass through (batches indexed before stay indexed).
IndexDirectoryResult index_directory(const std::filesystem::path& folder, RecordManager& records, VectorStore& store,
                                     const IndexDirectoryOptions& options = {},
                                     const RunControl& control = RunControl::none());

} // namespace braid::retrieval
