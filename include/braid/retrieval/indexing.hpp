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
#include <string>
#include <string_view>

#include "braid/core/value.hpp"
#include "braid/retrieval/document.hpp"
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

} // namespace braid::retrieval
