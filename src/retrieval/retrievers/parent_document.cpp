// ParentDocumentRetriever (see parent_document.hpp).
#include "braid/retrieval/parent_document.hpp"

#include <random>
#include <unordered_set>

#include "braid/error.hpp"

namespace braid::retrieval {
namespace {

std::string random_id() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < id.size(); i += 16) {
        std::uint64_t bits = engine();
        for (std::size_t j = 0; j < 16; ++j, bits >>= 4)
            id[i + j] = hex[bits & 15];
    }
    return id;
}

class ParentRetriever final : public RetrieverImpl {
public:
    ParentRetriever(Retriever children, std::shared_ptr<const DocumentStore> parents, std::string id_key)
        : children_(std::move(children)), parents_(std::move(parents)), id_key_(std::move(id_key)) {}

    Documents invoke(const std::string& query, const RunContext& ctx) const override {
        std::vector<std::string> ids;
        std::unordered_set<std::string> seen;
        for (const Document& child : ctx.invoke(children_, query)) {
            const auto found = child.metadata.is_object() ? child.metadata.find(id_key_) : child.metadata.end();
            if (found == child.metadata.end() || !found->is_string())
                continue; // not one of ours (LangChain skips children without the key too)
            std::string id = found->get<std::string>();
            if (seen.insert(id).second)
                ids.push_back(std::move(id));
        }
        Documents out;
        for (std::optional<Document>& parent : parents_->get(ids))
            if (parent)
                out.push_back(std::move(*parent));
        return out;
    }
    std::string name() const override { return "ParentDocumentRetriever"; }

private:
    Retriever children_;
    std::shared_ptr<const DocumentStore> parents_;
    std::string id_key_;
};

} // namespace

ParentDocumentRetriever::ParentDocumentRetriever(std::shared_ptr<VectorStore> vector_store,
                                                 std::shared_ptr<DocumentStore> document_store,
                                                 ParentDocumentOptions options)
    : vector_store_(std::move(vector_store)), document_store_(std::move(document_store)), options_(std::move(options)),
      children_(vector_store_retriever(vector_store_, options_.search)) {
    if (!document_store_)
        throw Error(errc::invalid_argument, "ParentDocumentRetriever: the document store is null");
    if (!options_.child_splitter)
        throw Error(errc::invalid_argument, "ParentDocumentRetriever: child_splitter is required");
    if (options_.id_key.empty())
        throw Error(errc::invalid_argument, "ParentDocumentRetriever: id_key must not be empty");
}

std::vector<std::string> ParentDocumentRetriever::add_documents(const Documents& documents, const RunControl& control) {
    Documents parents;
    for (const Document& document : documents) {
        if (options_.parent_splitter) {
            for (Document& piece : options_.parent_splitter(document))
                parents.push_back(std::move(piece));
        } else {
            parents.push_back(document);
        }
    }
    std::vector<std::pair<std::string, Document>> entries;
    Documents children;
    std::vector<std::string> ids;
    std::unordered_set<std::string> batch;
    for (Document& parent : parents) {
        if (parent.id.empty())
            parent.id = random_id();
        if (!batch.insert(parent.id).second)
            throw Error(errc::invalid_argument, "ParentDocumentRetriever: the id '" + parent.id + "' is given twice");
        for (Document& child : options_.child_splitter(parent)) {
            if (!child.metadata.is_object())
                child.metadata = Value::object();
            child.metadata[options_.id_key] = parent.id;
            child.id.clear();
            children.push_back(std::move(child));
        }
        ids.push_back(parent.id);
        entries.emplace_back(parent.id, std::move(parent));
    }
    if (!children.empty())
        vector_store_->add_documents(children, control);
    document_store_->set(entries);
    return ids;
}

Retriever ParentDocumentRetriever::retriever() const {
    return make_runnable<ParentRetriever>(children_, document_store_, options_.id_key);
}

} // namespace braid::retrieval
