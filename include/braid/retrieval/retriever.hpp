/// @file
/// @brief braid::retrieval::Retriever: a runnable that turns a query into documents (LangChain's
/// BaseRetriever), and RetrieverImpl, the base its implementations derive from.
///
/// Every retriever in braid (BM25, ensemble, multi-query, contextual compression, vector store, parent
/// document) is a `Runnable<std::string, Documents>`, so it composes with `|`, batches and streams like
/// any other step:
/// @code
/// braid::retrieval::Retriever retriever = braid::retrieval::bm25_retriever(index);
/// braid::retrieval::Documents docs = retriever.invoke("how do I oil a sword?");
/// auto chain = retriever | braid::retrieval::format_documents_step();   // query → context text
/// @endcode
/// Rules: implementations are immutable after construction (the indexes they search may change, behind
/// their own locks) and are invoked from many threads at once.
#pragma once

#include <string>

#include "braid/core/runnable.hpp"
#include "braid/retrieval/document.hpp"

namespace braid::retrieval {

/// A retriever: query text → relevant documents, best first.
using Retriever = Runnable<std::string, Documents>;

/// The implementation of a retriever step (derive from it, implement invoke() and name(), wrap with
/// braid::make_runnable).
using RetrieverImpl = RunnableImpl<std::string, Documents>;

} // namespace braid::retrieval
