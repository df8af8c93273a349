// The C functions of braid/retrieval.h over a braid_parent_document_retriever: made over a vector store
// with splitters given as braid_documents_split() options, documents added, and the retriever as a runnable.
#include <memory>
#include <string>
#include <utility>

#include "json_io.hpp"
#include "options.hpp"
#include "retrieval_common.hpp"
#include "braid/retrieval/parent_document.hpp"

namespace braid::capi {

/// The object behind a braid_parent_document_retriever handle ("BRPD").
struct ParentDocumentHandle {
    static constexpr Tag tag_value = static_cast<Tag>(0x44505242);
    static constexpr const char* type_name = "braid_parent_document_retriever";
    Tag tag = tag_value;
    std::shared_ptr<retrieval::ParentDocumentRetriever> retriever;
};

template <> struct Internal<braid_parent_document_retriever> { using type = ParentDocumentHandle; };

namespace {

// A splitter from braid_documents_split() options under @p key; checked now (a bad option is an error of
// create, not of the first add), empty when the key is absent or null.
retrieval::DocumentSplitter splitter_option(const Value& options, const char* key) {
    const auto found = options.find(key);
    if (found == options.end() || found->is_null())
        return {};
    const std::string what = std::string("options_json's \"") + key + "\"";
    require_object(*found, what);
    reject_unknown_splitter_keys(*found, what);
    const Value split = *found;
    const auto run = [split, what](const retrieval::Documents& documents) {
        try {
            return split_by_options(documents, split);
        } catch (const Error& error) {
            throw Error(error.kind(), what + ": " + error.what());
        }
    };
    run(retrieval::Documents{retrieval::Document{"check", Value::object(), ""}}); // the options are read here
    return [run](const retrieval::Document& document) { return run(retrieval::Documents{document}); };
}

std::shared_ptr<retrieval::DocumentStore> docstore_option(const Value& options) {
    const std::string docstore = text_option(options, "docstore", "memory", "options_json");
    if (docstore.empty())
        throw Error(errc::invalid_argument, "options_json's \"docstore\" is empty: \"memory\" or an SQLite file's path");
    if (docstore == "memory")
        return std::make_shared<retrieval::InMemoryDocumentStore>();
    return std::make_shared<retrieval::SQLiteDocumentStore>(docstore);
}

retrieval::VectorStoreRetrieverOptions search_option(const Value& options) {
    const auto found = options.find("search");
    retrieval::VectorStoreRetrieverOptions o;
    if (found == options.end() || found->is_null())
        return o;
    const std::string what = "options_json's \"search\"";
    require_object(*found, what);
    reject_unknown_keys(*found, {"search_type", "k", "fetch_k", "lambda_mult", "score_threshold", "filter"}, what);
    o.search_type = retrieval::search_type_from_string(text_option(*found, "search_type", "similarity", what));
    o.k = size_option(*found, "k", o.k, what);
    o.fetch_k = size_option(*found, "fetch_k", o.fetch_k, what);
    o.lambda_mult = static_cast<float>(number_option(*found, "lambda_mult", o.lambda_mult, what));
    if (const std::optional<double> threshold = optional_number_option(*found, "score_threshold", what))
        o.score_threshold = static_cast<float>(*threshold);
    o.filter = filter_option(*found, what);
    return o;
}

} // namespace

} // namespace braid::capi

// At global scope: the definitions must be the header's declarations (BRAID_API, exported).
using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_parent_document_retriever_create(braid_parent_document_retriever** out, braid_vector_store* store,
                                                    const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        std::shared_ptr<retrieval::VectorStore> vectors = use(store, "store").store;
        const Value options = options_object(options_json, "options_json",
                                             {"child_splitter", "parent_splitter", "docstore", "id_key", "search"});
        retrieval::ParentDocumentOptions o;
        o.child_splitter = splitter_option(options, "child_splitter");
        if (!o.child_splitter)
            throw Error(errc::invalid_argument, "options_json's \"child_splitter\" is required (braid_documents_split() "
                                                "options, e.g. {\"chunk_size\": 400})");
        o.parent_splitter = splitter_option(options, "parent_splitter");
        o.id_key = text_option(options, "id_key", o.id_key, "options_json");
        o.search = search_option(options);
        auto handle = std::make_unique<ParentDocumentHandle>();
        handle->retriever =
            std::make_shared<retrieval::ParentDocumentRetriever>(std::move(vectors), docstore_option(options), std::move(o));
        *out = to_handle<braid_parent_document_retriever>(handle.release());
    });
}

braid_status braid_parent_document_retriever_add_documents(char** out_ids, braid_parent_document_retriever* retriever,
                                                           const char* documents_json, const braid_run_options* options) {
    return guard([&] {
        if (out_ids)
            *out_ids = nullptr;
        retrieval::ParentDocumentRetriever& parents = *use(retriever, "retriever").retriever;
        const retrieval::Documents documents = parse_documents(documents_json, "documents_json");
        static constexpr braid_run_options defaults = BRAID_RUN_OPTIONS_INIT;
        const braid_run_options o = read_options(options, defaults, BRAID_RUN_OPTIONS_V1_SIZE, "options");
        const std::vector<std::string> ids = parents.add_documents(documents, run_control(o.cancel, o.timeout_ms));
        if (out_ids)
            put_string(out_ids, dump_json(Value(ids)));
    });
}

braid_status braid_parent_document_retriever_runnable(braid_runnable** out, const braid_parent_document_retriever* retriever) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, AnyRunnable(use(retriever, "retriever").retriever->retriever()));
    });
}

void braid_parent_document_retriever_free(braid_parent_document_retriever* retriever) { release(retriever); }

} // extern "C"
