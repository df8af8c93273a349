/// @file
/// @brief braid::Embeddings: the interface every text-embedding model implements (local GGUF models,
/// remote servers, test doubles), and the runnable steps it makes (text or texts → vectors).
///
/// Retrieval code (vector stores, retrievers) uses only this interface:
///
/// @code
/// std::shared_ptr<const braid::Embeddings> embedder = std::make_shared<braid::LocalEmbeddings>(model);
/// std::vector<std::vector<float>> docs = embedder->embed_documents(texts); // one vector per text
/// std::vector<float> query = embedder->embed_query("where is the key?");
///
/// // As a step: a string → an array of numbers; an array of strings → an array of arrays.
/// braid::AnyRunnable step = braid::make_runnable(embedder);
/// braid::Value v = step.invoke("hello");
/// // Typed steps:
/// auto one = braid::query_embedder(embedder);        // std::string → std::vector<float>
/// auto many = braid::document_embedder(embedder);    // std::vector<std::string> → vectors
/// @endcode
///
/// Threads: implementations are immutable after construction (or synchronize internally) and safe to
/// call from many threads at once, like every runnable.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/core/value.hpp"
#include "braid/run_control.hpp"

namespace braid {

/// A text-embedding model: texts in, one vector of dimension() floats per text out.
///
/// As a runnable step (Runnable<Value, Value>, through make_runnable) it takes a string (→ one vector,
/// embed_query) or an array of strings (→ an array of vectors, embed_documents); anything else is
/// Error(errc::invalid_argument). The run's cancellation and deadline reach the model (RunControl).
///
/// To write one, implement name(), dimension() and embed_documents(); override embed_query() when a
/// query is embedded differently from a document (an instruction prefix, say).
class Embeddings : public RunnableImpl<Value, Value> {
public:
    /// One vector of dimension() floats per text of @p texts, in order. @p control stops a long batch.
    /// @throws Error for a failed embedding (kind depends on the model).
    virtual std::vector<std::vector<float>> embed_documents(std::span<const std::string> texts,
                                                            const RunControl& control = RunControl::none()) const = 0;
    /// The vector of one query text. The default embeds it as a document.
    virtual std::vector<float> embed_query(std::string_view text, const RunControl& control = RunControl::none()) const;
    /// Length of every vector this model returns.
    virtual std::size_t dimension() const = 0;

    /// The step: a string → embed_query (an array of numbers); an array of strings → embed_documents
    /// (an array of arrays). Throws Error(errc::invalid_argument) for any other input.
    Value invoke(const Value& input, const RunContext& ctx) const final;
};

/// A typed step over @p embeddings: a text → its vector (embed_query). Throws
/// Error(errc::invalid_argument) for a null @p embeddings.
Runnable<std::string, std::vector<float>> query_embedder(std::shared_ptr<const Embeddings> embeddings);
/// A typed step over @p embeddings: texts → their vectors (embed_documents). Throws
/// Error(errc::invalid_argument) for a null @p embeddings.
Runnable<std::vector<std::string>, std::vector<std::vector<float>>> document_embedder(std::shared_ptr<const Embeddings> embeddings);

} // namespace braid
