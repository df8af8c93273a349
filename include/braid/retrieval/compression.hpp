/// @file
/// @brief Contextual compression: a base retriever whose results pass through a document compressor
/// that drops or shortens them for the query (LangChain's ContextualCompressionRetriever), with two
/// compressors: an embeddings filter and an LLM extractor.
///
/// @code
/// auto filter = braid::retrieval::embeddings_filter(embeddings);              // similarity > 0.76
/// auto retriever = braid::retrieval::contextual_compression_retriever(base, filter);
/// auto extract = braid::retrieval::llm_extractor(model);                       // keeps relevant parts
/// @endcode
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "braid/core/runnable_impl.hpp"
#include "braid/models/embeddings.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"
#include "braid/retrieval/retriever.hpp"

namespace braid::retrieval {

/// Drops or shortens documents for a query. Immutable, used from many threads at once.
class DocumentCompressor {
public:
    virtual ~DocumentCompressor() = default;
    /// The kept (possibly shortened) documents for @p query; nested model calls go through @p ctx.
    virtual Documents compress(const Documents& documents, const std::string& query, const RunContext& ctx) const = 0;
    /// A short name for graphs and errors.
    virtual std::string name() const = 0;
};

/// Options of embeddings_filter.
struct EmbeddingsFilterOptions {
    /// Keep documents whose cosine similarity to the query is strictly above this (0.76 is the value of
    /// LangChain's EmbeddingsFilter documentation; LangChain's own field defaults to none). nullopt: no
    /// threshold (then `k` must be set).
    std::optional<double> similarity_threshold = 0.76;
    /// Keep at most the k most similar (LangChain's default 20); nullopt: no limit.
    std::optional<std::size_t> k = 20;
};

/// LangChain's EmbeddingsFilter: embeds the query and the documents with @p embeddings, keeps the k most
/// similar (by cosine similarity) whose similarity is above the threshold, most similar first.
/// @throws Error(errc::invalid_argument) for null embeddings, or neither threshold nor k.
std::shared_ptr<const DocumentCompressor> embeddings_filter(std::shared_ptr<const Embeddings> embeddings,
                                                            EmbeddingsFilterOptions options = {});

/// What the LLM extractor's model answers when nothing is relevant.
inline constexpr std::string_view no_output_marker = "NO_OUTPUT";

/// The default extractor prompt (variables `{question}` and `{context}`), braid's own wording of the task
/// of LangChain's LLMChainExtractor: copy the relevant parts unchanged, or answer NO_OUTPUT.
inline constexpr std::string_view default_extractor_prompt =
    "Copy, word for word, the parts of the context below that help answer the question. Do not change or "
    "summarize them. If no part helps, answer NO_OUTPUT and nothing else.\n\n"
    "Question: {question}\n\nContext:\n{context}\n\nRelevant parts:";

/// LangChain's LLMChainExtractor: asks @p model, once per document, for the parts of it relevant to the
/// query; the answer (trimmed) becomes the document's text (metadata and id kept); an answer that is
/// empty or NO_OUTPUT drops the document.
/// @p prompt: a braid::PromptTemplate text using exactly `{question}` and `{context}`.
/// @throws Error(errc::invalid_argument) for a prompt with other variables.
std::shared_ptr<const DocumentCompressor> llm_extractor(Runnable<PromptValue, Message> model,
                                                        std::string_view prompt = default_extractor_prompt);

/// A retriever that runs @p base and then @p compressor on its results (nothing when base finds nothing).
/// @throws Error(errc::invalid_argument) for a null compressor.
Retriever contextual_compression_retriever(Retriever base, std::shared_ptr<const DocumentCompressor> compressor);

} // namespace braid::retrieval
