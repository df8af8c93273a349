// The C functions of braid/retrieval.h that make retrievers (vector store, BM25, ensemble) as runnables,
// and indexing through an SQLite record manager.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "embeddings_handle.hpp"
#include "json_io.hpp"
#include "memory_handles.hpp"
#include "retrieval_common.hpp"
#include "braid/core/lambda.hpp"
#include "braid/retrieval/bm25.hpp"
#include "braid/retrieval/compression.hpp"
#include "braid/retrieval/ensemble.hpp"
#include "braid/retrieval/indexing.hpp"
#include "braid/retrieval/multi_query.hpp"
#include "braid/retrieval/record_manager.hpp"
#include "braid/retrieval/vector_store_retriever.hpp"

namespace braid::capi {

namespace {

retrieval::VectorStoreRetrieverOptions store_retriever_options(const Value& options) {
    constexpr const char* what = "options_json";
    retrieval::VectorStoreRetrieverOptions o;
    o.search_type = retrieval::search_type_from_string(text_option(options, "search_type", "similarity", what));
    o.k = size_option(options, "k", o.k, what);
    o.fetch_k = size_option(options, "fetch_k", o.fetch_k, what);
    o.lambda_mult = static_cast<float>(number_option(options, "lambda_mult", o.lambda_mult, what));
    if (const std::optional<double> threshold = optional_number_option(options, "score_threshold", what))
        o.score_threshold = static_cast<float>(*threshold);
    o.filter = filter_option(options, what);
    return o;
}

retrieval::BM25Idf bm25_idf_of(const std::string& name) {
    if (name == "okapi")
        return retrieval::BM25Idf::okapi;
    if (name == "lucene")
        return retrieval::BM25Idf::lucene;
    throw Error(errc::invalid_argument, "options_json's \"idf\" must be \"okapi\" or \"lucene\", got \"" + name + "\"");
}

// A runnable of the C ABI as a typed retriever: the query goes in as a JSON string, the output must be a
// JSON array of documents.
retrieval::Retriever retriever_of(const AnyRunnable& runnable, const std::string& name) {
    const std::string what = name + " ('" + runnable.name() + "')";
    return Lambda<std::string, retrieval::Documents>(
        [runnable, what](const std::string& query, const RunContext& ctx) {
            const Value output = ctx.invoke(runnable, Value(query));
            try {
                return documents_of(output, what + "'s output");
            } catch (const Error& error) {
                throw Error(errc::validation, error.what());
            }
        },
        runnable.name());
}

retrieval::EnsembleOptions ensemble_options(const Value& options, std::size_t count) {
    constexpr const char* what = "options_json";
    retrieval::EnsembleOptions o;
    if (const auto weights = options.find("weights"); weights != options.end() && !weights->is_null()) {
        if (!weights->is_array() || weights->size() != count)
            throw Error(errc::invalid_argument, std::string(what) + "'s \"weights\" must be an array of " +
                                                    std::to_string(count) + " numbers (one per retriever), got " +
                                                    dump_json(*weights));
        for (const Value& weight : *weights) {
            if (!weight.is_number() || weight.get<double>() < 0)
                throw Error(errc::invalid_argument, std::string(what) + "'s \"weights\" must be numbers ≥ 0, got " +
                                                        dump_json(*weights));
            o.weights.push_back(weight.get<double>());
        }
    }
    o.c = number_option(options, "c", o.c, what);
    o.id_key = text_option(options, "id_key", "", what);
    o.k = size_option(options, "k", 0, what);
    return o;
}

retrieval::IndexOptions index_options(const Value& options) {
    constexpr const char* what = "options_json";
    retrieval::IndexOptions o;
    o.cleanup = retrieval::cleanup_from_string(text_option(options, "cleanup", "none", what));
    o.source_id_key = text_option(options, "source_id_key", "", what);
    o.batch_size = size_option(options, "batch_size", o.batch_size, what);
    o.cleanup_batch_size = size_option(options, "cleanup_batch_size", o.cleanup_batch_size, what);
    o.force_update = flag_option(options, "force_update", o.force_update, what);
    return o;
}

} // namespace

} // namespace braid::capi

// At global scope: the definitions must be the header's declarations (BRAID_API, exported).
using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_vector_store_retriever(braid_runnable** out, const braid_vector_store* store,
                                          const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        std::shared_ptr<const retrieval::VectorStore> vectors = use(store, "store").store;
        const Value options = options_object(options_json, "options_json",
                                             {"search_type", "k", "fetch_k", "lambda_mult", "score_threshold", "filter"});
        put_runnable(out, AnyRunnable(retrieval::vector_store_retriever(std::move(vectors), store_retriever_options(options))));
    });
}

braid_status braid_bm25_retriever(braid_runnable** out, const char* documents_json, const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        retrieval::Documents documents = parse_documents(documents_json, "documents_json");
        const Value options = options_object(options_json, "options_json", {"k", "k1", "b", "epsilon", "idf"});
        constexpr const char* what = "options_json";
        retrieval::BM25Options o;
        o.k1 = number_option(options, "k1", o.k1, what);
        o.b = number_option(options, "b", o.b, what);
        o.epsilon = number_option(options, "epsilon", o.epsilon, what);
        o.idf = bm25_idf_of(text_option(options, "idf", "okapi", what));
        const std::size_t k = size_option(options, "k", 4, what);
        auto index = std::make_shared<retrieval::BM25Index>(o);
        index->add(std::move(documents));
        put_runnable(out, AnyRunnable(retrieval::bm25_retriever(std::move(index), k)));
    });
}

braid_status braid_ensemble_retriever(braid_runnable** out, const braid_runnable* const* retrievers, size_t count,
                                      const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        if (count == 0)
            throw Error(errc::invalid_argument, "count is 0: an ensemble needs at least one retriever");
        require(retrievers, "retrievers");
        std::vector<retrieval::Retriever> members;
        members.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            const std::string what = "retrievers[" + std::to_string(i) + "]";
            members.push_back(retriever_of(use(retrievers[i], what.c_str()).runnable, what));
        }
        const Value options = options_object(options_json, "options_json", {"weights", "c", "id_key", "k"});
        put_runnable(out, AnyRunnable(retrieval::ensemble_retriever(std::move(members), ensemble_options(options, count))));
    });
}

braid_status braid_multi_query_retriever(braid_runnable** out, const braid_runnable* retriever, const braid_runnable* model,
                                         const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        retrieval::Retriever base = retriever_of(use(retriever, "retriever").runnable, "retriever");
        Runnable<PromptValue, Message> chat = chat_model_of(use(model, "model").runnable);
        const Value options = options_object(options_json, "options_json", {"prompt", "include_original"});
        retrieval::MultiQueryOptions o;
        o.prompt = text_option(options, "prompt", o.prompt, "options_json");
        o.include_original = flag_option(options, "include_original", o.include_original, "options_json");
        put_runnable(out, AnyRunnable(retrieval::multi_query_retriever(std::move(base), std::move(chat), std::move(o))));
    });
}

braid_status braid_embeddings_filter_retriever(braid_runnable** out, const braid_runnable* retriever,
                                               const braid_embeddings* embeddings, const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        retrieval::Retriever base = retriever_of(use(retriever, "retriever").runnable, "retriever");
        std::shared_ptr<const Embeddings> embedder = use(embeddings, "embeddings").embeddings;
        const Value options = options_object(options_json, "options_json", {"similarity_threshold", "k"});
        retrieval::EmbeddingsFilterOptions o;
        // absent keeps the default; an explicit null switches that limit off
        if (options.contains("similarity_threshold"))
            o.similarity_threshold = optional_number_option(options, "similarity_threshold", "options_json");
        if (options.contains("k"))
            o.k = options["k"].is_null() ? std::nullopt
                                         : std::optional<std::size_t>(size_option(options, "k", 0, "options_json"));
        put_runnable(out, AnyRunnable(retrieval::contextual_compression_retriever(
                              std::move(base), retrieval::embeddings_filter(std::move(embedder), o))));
    });
}

braid_status braid_llm_extractor_retriever(braid_runnable** out, const braid_runnable* retriever, const braid_runnable* model,
                                           const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        retrieval::Retriever base = retriever_of(use(retriever, "retriever").runnable, "retriever");
        Runnable<PromptValue, Message> chat = chat_model_of(use(model, "model").runnable);
        const Value options = options_object(options_json, "options_json", {"prompt"});
        const std::string prompt =
            text_option(options, "prompt", std::string(retrieval::default_extractor_prompt), "options_json");
        put_runnable(out, AnyRunnable(retrieval::contextual_compression_retriever(
                              std::move(base), retrieval::llm_extractor(std::move(chat), prompt))));
    });
}

braid_status braid_index_documents(char** out_json, braid_vector_store* store, const char* documents_json,
                                   const char* record_manager_path, const char* options_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        retrieval::VectorStore& vectors = *use(store, "store").store;
        const retrieval::Documents documents = parse_documents(documents_json, "documents_json");
        const std::string records_path = require(record_manager_path, "record_manager_path");
        if (records_path.empty())
            throw Error(errc::invalid_argument, "record_manager_path is empty");
        const Value options = options_object(options_json, "options_json",
                                             {"namespace", "cleanup", "source_id_key", "batch_size",
                                              "cleanup_batch_size", "force_update"});
        const std::string name_space = text_option(options, "namespace", "", "options_json");
        if (name_space.empty())
            throw Error(errc::invalid_argument, "options_json's \"namespace\" is required (a non-empty string naming "
                                                "the store's records)");
        retrieval::SQLiteRecordManager records(name_space, records_path);
        const retrieval::IndexResult result = retrieval::index(documents, records, vectors, index_options(options));
        put_string(out_json, dump_json(Value(result)));
    });
}

} // extern "C"
