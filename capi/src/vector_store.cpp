// The C functions of braid/retrieval.h over a braid_vector_store: making one from a JSON spec (exact,
// HNSW, FAISS, SQLite), loading and saving it, adding, deleting, getting and searching documents.
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "embeddings_handle.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "retrieval_common.hpp"
#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/faiss_vector_store.hpp"
#include "braid/retrieval/hnsw_vector_store.hpp"
#include "braid/retrieval/sqlite_vector_store.hpp"

namespace braid::capi {

namespace {

constexpr const char* spec_what = "spec_json";

retrieval::Metric spec_metric(const Value& spec) {
    return retrieval::metric_from_string(text_option(spec, "metric", "cosine", spec_what));
}

std::unique_ptr<retrieval::VectorStore> exact_store(const Value& spec, std::shared_ptr<const Embeddings> embeddings) {
    reject_unknown_keys(spec, {"type", "metric", "dimension", "storage", "threads"}, spec_what);
    retrieval::ExactVectorStoreOptions o;
    o.metric = spec_metric(spec);
    o.dimension = size_option(spec, "dimension", 0, spec_what);
    o.storage = retrieval::vector_storage_from_string(text_option(spec, "storage", "f32", spec_what));
    o.threads = size_option(spec, "threads", 0, spec_what);
    return std::make_unique<retrieval::ExactVectorStore>(o, std::move(embeddings));
}

std::unique_ptr<retrieval::VectorStore> hnsw_store(const Value& spec, std::shared_ptr<const Embeddings> embeddings) {
    reject_unknown_keys(spec, {"type", "metric", "dimension", "M", "ef_construction", "ef", "initial_capacity",
                               "threads", "random_seed"},
                        spec_what);
    retrieval::HnswVectorStoreOptions o;
    o.metric = spec_metric(spec);
    o.dimension = size_option(spec, "dimension", 0, spec_what);
    o.M = size_option(spec, "M", o.M, spec_what);
    o.ef_construction = size_option(spec, "ef_construction", o.ef_construction, spec_what);
    o.ef = size_option(spec, "ef", o.ef, spec_what);
    o.initial_capacity = size_option(spec, "initial_capacity", o.initial_capacity, spec_what);
    o.threads = size_option(spec, "threads", 0, spec_what);
    o.random_seed = size_option(spec, "random_seed", o.random_seed, spec_what);
    return std::make_unique<retrieval::HnswVectorStore>(o, std::move(embeddings));
}

std::unique_ptr<retrieval::VectorStore> faiss_store(const Value& spec, std::shared_ptr<const Embeddings> embeddings) {
    reject_unknown_keys(spec, {"type", "metric", "dimension", "factory", "nprobe", "ef_search"}, spec_what);
    retrieval::FaissVectorStoreOptions o;
    o.metric = spec_metric(spec);
    o.dimension = size_option(spec, "dimension", 0, spec_what);
    o.factory = text_option(spec, "factory", o.factory, spec_what);
    o.nprobe = size_option(spec, "nprobe", o.nprobe, spec_what);
    o.ef_search = size_option(spec, "ef_search", o.ef_search, spec_what);
    return std::make_unique<retrieval::FaissVectorStore>(o, std::move(embeddings));
}

std::unique_ptr<retrieval::VectorStore> sqlite_store(const Value& spec, std::shared_ptr<const Embeddings> embeddings) {
    reject_unknown_keys(spec, {"type", "metric", "dimension", "path", "threads"}, spec_what);
    retrieval::SqliteVectorStoreOptions o;
    o.path = text_option(spec, "path", "", spec_what);
    if (o.path.empty())
        throw Error(errc::invalid_argument, "spec_json's \"path\" is required by an sqlite store (a non-empty string)");
    o.metric = spec_metric(spec);
    o.dimension = size_option(spec, "dimension", 0, spec_what);
    o.threads = size_option(spec, "threads", 0, spec_what);
    return std::make_unique<retrieval::SqliteVectorStore>(o, std::move(embeddings));
}

[[noreturn]] void unknown_store_type(const std::string& what, const std::string& type) {
    throw Error(errc::invalid_argument,
                what + " must be \"exact\", \"hnsw\", \"faiss\" or \"sqlite\", got \"" + type + "\"");
}

void put_store(braid_vector_store** out, std::unique_ptr<retrieval::VectorStore> store) {
    auto handle = std::make_unique<VectorStoreHandle>();
    handle->store = std::move(store);
    *out = to_handle<braid_vector_store>(handle.release());
}

Value scored_value(const retrieval::ScoredDocument& scored) {
    Value item = Value::object();
    item["document"] = Value(scored.document);
    item["score"] = scored.score;
    item["relevance_score"] = scored.relevance_score;
    return item;
}

std::vector<retrieval::ScoredDocument> search_store(const retrieval::VectorStore& store, const char* query,
                                                    const Value& options) {
    constexpr const char* what = "options_json";
    const std::string type = text_option(options, "search_type", "similarity", what);
    if (type == "mmr") {
        for (const char* key : {"score_threshold", "ef"})
            if (options.contains(key))
                throw Error(errc::invalid_argument, std::string(what) + "'s \"" + key + "\" is not an option of mmr");
        retrieval::MmrOptions o;
        o.k = size_option(options, "k", o.k, what);
        o.fetch_k = size_option(options, "fetch_k", o.fetch_k, what);
        o.lambda_mult = static_cast<float>(number_option(options, "lambda_mult", o.lambda_mult, what));
        o.filter = filter_option(options, what);
        return store.max_marginal_relevance_search(query, o);
    }
    if (type != "similarity")
        throw Error(errc::invalid_argument, std::string(what) + "'s \"search_type\" must be \"similarity\" or \"mmr\", got \"" +
                                                type + "\"");
    for (const char* key : {"fetch_k", "lambda_mult"})
        if (options.contains(key))
            throw Error(errc::invalid_argument, std::string(what) + "'s \"" + key + "\" is an option of mmr only");
    retrieval::SearchOptions o;
    o.k = size_option(options, "k", o.k, what);
    o.filter = filter_option(options, what);
    if (const std::optional<double> threshold = optional_number_option(options, "score_threshold", what))
        o.score_threshold = static_cast<float>(*threshold);
    if (options.contains("ef"))
        o.ef = size_option(options, "ef", 0, what);
    return store.similarity_search(query, o);
}

} // namespace

} // namespace braid::capi

// At global scope: the definitions must be the header's declarations (BRAID_API, exported).
using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_vector_store_create(braid_vector_store** out, const char* spec_json,
                                       const braid_embeddings* embeddings) {
    return guard([&] {
        out_param(out, "out");
        const Value spec = parse_json(spec_json, spec_what);
        require_object(spec, spec_what);
        std::shared_ptr<const Embeddings> embedder = use(embeddings, "embeddings").embeddings;
        const std::string type = text_option(spec, "type", "", spec_what);
        if (type == "exact")
            put_store(out, exact_store(spec, std::move(embedder)));
        else if (type == "hnsw")
            put_store(out, hnsw_store(spec, std::move(embedder)));
        else if (type == "faiss")
            put_store(out, faiss_store(spec, std::move(embedder)));
        else if (type == "sqlite")
            put_store(out, sqlite_store(spec, std::move(embedder)));
        else
            unknown_store_type("spec_json's \"type\"", type);
    });
}

braid_status braid_vector_store_load(braid_vector_store** out, const char* type, const char* path,
                                     const braid_embeddings* embeddings) {
    return guard([&] {
        out_param(out, "out");
        const std::string kind = require(type, "type");
        const std::filesystem::path file(require(path, "path"));
        std::shared_ptr<const Embeddings> embedder = use(embeddings, "embeddings").embeddings;
        if (file.empty())
            throw Error(errc::invalid_argument, "path is empty");
        std::error_code ec;
        if (!std::filesystem::exists(file, ec))
            throw Error(errc::not_found, "path '" + file.string() + "' does not exist (nothing was saved there)");
        if (kind == "exact")
            put_store(out, retrieval::ExactVectorStore::load(file, std::move(embedder)));
        else if (kind == "hnsw")
            put_store(out, retrieval::HnswVectorStore::load(file, std::move(embedder)));
        else if (kind == "faiss")
            put_store(out, retrieval::FaissVectorStore::load(file, std::move(embedder)));
        else if (kind == "sqlite")
            put_store(out, retrieval::SqliteVectorStore::load(file, std::move(embedder)));
        else
            unknown_store_type("type", kind);
    });
}

braid_status braid_vector_store_save(const braid_vector_store* store, const char* path) {
    return guard([&] {
        const retrieval::VectorStore& vectors = *use(store, "store").store;
        const std::string file = require(path, "path");
        if (file.empty())
            throw Error(errc::invalid_argument, "path is empty");
        vectors.save(file);
    });
}

braid_status braid_vector_store_add_documents(char** out_ids, braid_vector_store* store, const char* documents_json,
                                              const braid_run_options* options) {
    return guard([&] {
        if (out_ids)
            *out_ids = nullptr;
        retrieval::VectorStore& vectors = *use(store, "store").store;
        const retrieval::Documents documents = parse_documents(documents_json, "documents_json");
        static constexpr braid_run_options defaults = BRAID_RUN_OPTIONS_INIT;
        const braid_run_options o = read_options(options, defaults, BRAID_RUN_OPTIONS_V1_SIZE, "options");
        const std::vector<std::string> ids = vectors.add_documents(documents, run_control(o.cancel, o.timeout_ms));
        if (out_ids)
            put_string(out_ids, dump_json(Value(ids)));
    });
}

braid_status braid_vector_store_delete(size_t* out_deleted, braid_vector_store* store, const char* ids_json) {
    return guard([&] {
        if (out_deleted)
            *out_deleted = 0;
        retrieval::VectorStore& vectors = *use(store, "store").store;
        const std::vector<std::string> ids = parse_strings(ids_json, "ids_json");
        const std::size_t deleted = vectors.remove(ids);
        if (out_deleted)
            *out_deleted = deleted;
    });
}

braid_status braid_vector_store_get(char** out_json, const braid_vector_store* store, const char* ids_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const retrieval::VectorStore& vectors = *use(store, "store").store;
        const std::vector<std::string> ids = parse_strings(ids_json, "ids_json");
        put_string(out_json, dump_json(documents_value(vectors.get(ids))));
    });
}

braid_status braid_vector_store_search(char** out_json, const braid_vector_store* store, const char* query,
                                       const char* options_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const retrieval::VectorStore& vectors = *use(store, "store").store;
        require(query, "query");
        const Value options = options_object(options_json, "options_json",
                                             {"k", "filter", "score_threshold", "search_type", "fetch_k",
                                              "lambda_mult", "ef"});
        Value results = Value::array();
        for (const retrieval::ScoredDocument& scored : search_store(vectors, query, options))
            results.push_back(scored_value(scored));
        put_string(out_json, dump_json(results));
    });
}

size_t braid_vector_store_size(const braid_vector_store* store) {
    std::size_t size = 0;
    (void)guard([&] { size = use(store, "store").store->size(); });
    return size;
}

size_t braid_vector_store_dimension(const braid_vector_store* store) {
    std::size_t dimension = 0;
    (void)guard([&] { dimension = use(store, "store").store->dimension(); });
    return dimension;
}

void braid_vector_store_free(braid_vector_store* store) { release(store); }

} // extern "C"
