/// @file
/// @brief The ensemble retriever: several retrievers fused by weighted reciprocal rank fusion (LangChain's
/// EnsembleRetriever), e.g. BM25 for exact words + a vector store for meaning.
///
/// @code
/// braid::retrieval::Retriever hybrid = braid::retrieval::ensemble_retriever(
///     {bm25, vectors}, {.weights = {0.4, 0.6}});
/// @endcode
///
/// Fusion (Cormack et al. 2009, weighted as in LangChain): a document at 1-based rank r in the results of
/// retriever i gets weight_i / (r + c) from it; its fused score is the sum over the retrievers that
/// returned it. Documents are de-duplicated by a key (see EnsembleOptions::id_key) and returned by fused
/// score, best first; ties keep the order in which documents were first seen (retriever 1's results,
/// then retriever 2's new ones, ...), like LangChain.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "braid/retrieval/retriever.hpp"

namespace braid::retrieval {

/// Options of ensemble_retriever.
struct EnsembleOptions {
    /// One weight per retriever (≥ 0); empty: equal weights 1/n (LangChain's default).
    std::vector<double> weights{};
    /// The RRF constant c (LangChain's default 60), ≥ 0.
    double c = 60;
    /// De-duplication key: empty → the document's id when it has one, else its page_content;
    /// otherwise the metadata field of that name (a document without it falls back to its page_content).
    std::string id_key{};
    /// 0: return every fused document (LangChain); otherwise at most this many.
    std::size_t k = 0;
};

/// Fuses ranked lists with weighted RRF (see the file comment): the documents with their fused scores,
/// best first. @throws Error(errc::invalid_argument) when weights do not match the lists or are negative.
std::vector<std::pair<Document, double>> reciprocal_rank_fusion(const std::vector<Documents>& rankings,
                                                                const EnsembleOptions& options = {});

/// A retriever that runs each of @p retrievers (nested runs, one after another) and fuses their results.
/// @throws Error(errc::invalid_argument) for no retrievers, a weight count that differs from the
///         retriever count, a negative weight or c.
Retriever ensemble_retriever(std::vector<Retriever> retrievers, EnsembleOptions options = {});

} // namespace braid::retrieval
