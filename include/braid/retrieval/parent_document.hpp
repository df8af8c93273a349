/// @file
/// @brief The parent document retriever (LangChain's ParentDocumentRetriever): small chunks are embedded
/// and searched, their whole parent documents are returned.
///
/// @code
/// braid::retrieval::ParentDocumentRetriever parents(vector_store, std::make_shared<InMemoryDocumentStore>(),
///     {.child_splitter = [](const Document& d) { return my_splitter(d, 200); }});
/// parents.add_documents(documents);
/// braid::retrieval::Retriever retriever = parents.retriever();
/// @endcode
/// How it works: add_documents optionally cuts each document into parents (parent_splitter), gives each
/// parent an id (its own, else a generated one), stores it in the DocumentStore, cuts it into children
/// (child_splitter), writes the parent's id into each child's metadata under id_key ("doc_id") and adds
/// the children to the vector store. A query searches the k best children (similarity, or mmr), and
/// returns their parents, de-duplicated, in the order of their best child.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "braid/retrieval/metadata_filter.hpp"
#include "braid/retrieval/parent_document_store.hpp"
#include "braid/retrieval/retriever.hpp"
#include "braid/retrieval/vector_store.hpp"
#include "braid/retrieval/vector_store_retriever.hpp"
#include "braid/run_control.hpp"

namespace braid::retrieval {

/// Cuts a document into pieces (copy metadata into them as needed).
using DocumentSplitter = std::function<Documents(const Document&)>;

/// Options of ParentDocumentRetriever.
struct ParentDocumentOptions {
    DocumentSplitter child_splitter{};   ///< Parents → children (required).
    DocumentSplitter parent_splitter{};  ///< Documents → parents (empty: documents are the parents).
    std::string id_key = "doc_id";       ///< Metadata field of a child holding its parent's id (LangChain's).
    VectorStoreRetrieverOptions search{}; ///< How children are searched (k = 4 children by default).
};

/// Adds documents as parents + children, and retrieves parents (see the file comment).
class ParentDocumentRetriever {
public:
    /// @throws Error(errc::invalid_argument) for a null store, a store without embeddings, no child
    ///         splitter, an empty id_key or invalid search options.
    ParentDocumentRetriever(std::shared_ptr<VectorStore> vector_store, std::shared_ptr<DocumentStore> document_store,
                            ParentDocumentOptions options);

    /// Splits and stores @p documents; returns the parents' ids. A parent with an id replaces the parent
    /// stored under it (its old children stay in the vector store, still pointing to that id).
    std::vector<std::string> add_documents(const Documents& documents, const RunControl& control = RunControl::none());

    /// The retriever: query → parents.
    Retriever retriever() const;

private:
    std::shared_ptr<VectorStore> vector_store_;
    std::shared_ptr<DocumentStore> document_store_;
    ParentDocumentOptions options_;
    Retriever children_;
};

} // namespace braid::retrieval
