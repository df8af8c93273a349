/// @file
/// @brief The vector-store retriever (LangChain's VectorStoreRetriever, `store.as_retriever()`): search
/// types similarity, mmr and similarity_score_threshold over any braid::retrieval::VectorStore.
///
/// @code
/// braid::retrieval::Retriever retriever = braid::retrieval::vector_store_retriever(
///     store, {.search_type = braid::retrieval::SearchType::mmr, .k = 5, .fetch_k = 30});
/// @endcode
/// The store must have an embeddings model (queries are text). The store is shared: documents added
/// later are found by later queries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "braid/retrieval/metadata_filter.hpp"
#include "braid/retrieval/retriever.hpp"
#include "braid/retrieval/vector_store.hpp"

namespace braid::retrieval {

/// How the retriever searches (LangChain's search_type).
enum class SearchType : std::uint8_t {
    similarity,                 ///< The k most similar ("similarity", the default).
    mmr,                        ///< Maximal marginal relevance over fetch_k candidates ("mmr").
    similarity_score_threshold, ///< The k most similar with relevance_score ≥ score_threshold.
};

/// "similarity", "mmr" or "similarity_score_threshold".
std::string_view to_string(SearchType type) noexcept;
/// Parses a search type name. @throws Error(errc::invalid_argument) naming an unknown one.
SearchType search_type_from_string(std::string_view text);

/// Options of vector_store_retriever (LangChain's search_type + search_kwargs).
struct VectorStoreRetrieverOptions {
    SearchType search_type = SearchType::similarity; ///< The search.
    std::size_t k = 4;                               ///< Documents returned (LangChain's default 4), ≥ 1.
    std::size_t fetch_k = 20;                        ///< mmr: candidates fetched (LangChain's 20), ≥ k.
    float lambda_mult = 0.5F;                        ///< mmr: 1 relevance only … 0 diversity only.
    std::optional<float> score_threshold;            ///< Required for similarity_score_threshold, in [0, 1].
    MetadataFilter filter{};                         ///< Only documents whose metadata match.
};

/// A retriever over @p store.
/// @throws Error(errc::invalid_argument) for a null store or one without embeddings, k = 0,
///         fetch_k < k, lambda_mult outside [0, 1], or similarity_score_threshold without a threshold in
///         [0, 1].
Retriever vector_store_retriever(std::shared_ptr<const VectorStore> store, VectorStoreRetrieverOptions options = {});

} // namespace braid::retrieval
