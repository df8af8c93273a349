// braid-cli search: the best chunks of a store that braid-cli index wrote, ranked, with scores and
// sources — by embedding similarity (with the model that built the store) or by BM25 over its texts, with
// the BM25 index braid-cli index saved beside the store (rebuilt, with a message, when missing or stale).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "braid/error.hpp"
#include "braid/models/local_embeddings.hpp"
#include "braid/retrieval/bm25.hpp"
#include "braid/retrieval/sqlite_vector_store.hpp"
#include "engine_options.hpp"
#include "retrieval_cli.hpp"

namespace braid::cli::cmd_search {
namespace {

using namespace braid::retrieval;
using Clock = std::chrono::steady_clock;

// Characters of a chunk shown per result in text output (JSON gives the whole chunk).
constexpr std::size_t preview_chars = 160;

// Seconds spent: opening the store (and loading the model), loading or building the BM25 index, and the
// search itself; and how the BM25 index was had.
struct Timings {
    double open_s = 0;
    double bm25_build_s = 0;
    double search_s = 0;
    std::string bm25_index;
};

struct Hit {
    Document document;
    double score = 0;
};

std::string text_or_empty(const Value& metadata, const char* key) {
    return metadata.is_object() && metadata.contains(key) && metadata[key].is_string() ? metadata[key].get<std::string>() : "";
}

std::string preview(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, preview_chars))
        out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
    // Do not cut a UTF-8 sequence in half.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
        out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0)
        out.pop_back();
    return text.size() > preview_chars ? out + "..." : out;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Whether the saved index holds exactly the store's chunks: their ids are hashes of content and metadata
// (braid-cli index writes through the record manager), so equal id sets mean equal texts.
bool same_chunks(const BM25Index& index, std::vector<std::string> store_ids) {
    std::vector<std::string> index_ids = index.ids();
    std::sort(index_ids.begin(), index_ids.end());
    std::sort(store_ids.begin(), store_ids.end());
    return index_ids == store_ids;
}

// The BM25 index of the store: the one braid-cli index saved beside it, or, when that is missing, unreadable
// or stale (the store changed since), one rebuilt from the store's chunks and saved for the next search.
// @p how says which ("loaded", "rebuilt: ..."); @p build_s gets the time it took.
std::shared_ptr<BM25Index> bm25_index_of(const SqliteVectorStore& store, const std::filesystem::path& store_path,
                                         std::string& how, double& build_s) {
    const auto start = Clock::now();
    const std::filesystem::path saved = bm25_index_path(store_path);
    std::vector<std::string> ids = store.ids();
    std::string why;
    if (!std::filesystem::exists(saved)) {
        why = "no BM25 index beside the store";
    } else {
        try {
            std::shared_ptr<BM25Index> index = BM25Index::load(saved);
            if (same_chunks(*index, ids)) {
                how = "loaded";
                build_s = seconds_since(start);
                return index;
            }
            why = "the BM25 index is stale (the store changed since it was saved)";
        } catch (const Error& error) {
            why = std::string("the BM25 index cannot be read (") + error.what() + ")";
        }
    }
    std::fprintf(stderr, "search: %s: rebuilding it from the store's %zu chunks\n", why.c_str(), ids.size());
    auto index = std::make_shared<BM25Index>();
    index->add(store.get(ids));
    try {
        index->save(saved);
    } catch (const Error& error) {
        std::fprintf(stderr, "search: the rebuilt BM25 index is not saved: %s\n", error.what());
    }
    how = "rebuilt: " + why;
    build_s = seconds_since(start);
    return index;
}

std::vector<Hit> bm25_search(const BM25Index& index, const std::string& query, std::size_t k) {
    std::vector<Hit> hits;
    for (BM25Hit& hit : index.search(query, k))
        hits.push_back({std::move(hit.document), hit.score});
    return hits;
}

std::vector<Hit> vector_search(const std::filesystem::path& store_path, Args& args, const std::string& query, std::size_t k,
                               std::string& model_identity, Timings& t) {
    const auto start = Clock::now();
    EngineOptions engine_options = read_engine_options(args);
    auto model = std::make_shared<const engine::Model>(load_model(engine_options));
    LocalEmbeddingsOptions embed_options;
    embed_options.threads = engine_options.context.threads;
    auto embeddings = std::make_shared<LocalEmbeddings>(model, embed_options);
    model_identity = embedding_model_identity(engine_options.model, *model, *embeddings);
    const auto store = SqliteVectorStore::load(store_path, embeddings);
    t.open_s = seconds_since(start);
    if (!store->model_identity().empty() && store->model_identity() != model_identity)
        throw Error(errc::invalid_argument, "search: '" + store_path.string() + "' was built with embedding model '" +
                                                store->model_identity() + "', not '" + model_identity +
                                                "': search it with that model (or with --bm25)");
    SearchOptions options;
    options.k = k;
    const auto search_start = Clock::now();
    std::vector<Hit> hits;
    for (ScoredDocument& hit : store->similarity_search(query, options))
        hits.push_back({std::move(hit.document), static_cast<double>(hit.score)});
    t.search_s = seconds_since(search_start);
    return hits;
}

void print(const std::vector<Hit>& hits, const std::string& query, const std::string& mode, const std::string& model,
           const Timings& t, bool json) {
    if (json) {
        nlohmann::ordered_json results = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < hits.size(); ++i) {
            const Document& d = hits[i].document;
            nlohmann::ordered_json r{{"rank", i + 1}, {"score", hits[i].score}, {"id", d.id},
                                     {"source", text_or_empty(d.metadata, "source")}, {"content", d.page_content}};
            if (d.metadata.is_object() && d.metadata.contains("start_index"))
                r["start_index"] = d.metadata["start_index"].get<long long>();
            results.push_back(std::move(r));
        }
        nlohmann::ordered_json out{{"query", query}, {"mode", mode}, {"model", model}, {"open_s", t.open_s}};
        if (mode == "bm25") {
            out["bm25_index"] = t.bm25_index;
            out["bm25_build_s"] = t.bm25_build_s;
        }
        out["search_s"] = t.search_s;
        out["results"] = std::move(results);
        std::cout << out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        return;
    }
    for (std::size_t i = 0; i < hits.size(); ++i) {
        const Document& d = hits[i].document;
        std::printf("%zu. %.4f  %s\n   %s\n", i + 1, hits[i].score, text_or_empty(d.metadata, "source").c_str(),
                    preview(d.page_content).c_str());
    }
    std::printf("(%zu results, %s: %.3f s to open, %.3f s to load or build BM25, %.4f s to search)\n", hits.size(),
                mode.c_str(), t.open_s, t.bm25_build_s, t.search_s);
}

int run(Args& args) {
    const std::filesystem::path store_path = args.value("--store");
    const std::string query = args.value("--query");
    const std::size_t k = static_cast<std::size_t>(int_option(args, "--k", 4, 1, 1 << 20));
    const bool bm25 = args.has("--bm25");
    const bool json = args.has("--json");
    if (store_path.empty() || query.empty())
        throw Error(errc::invalid_argument, "search needs --store DB and --query TEXT");
    if (!std::filesystem::exists(store_path))
        throw Error(errc::io, "search: the store '" + store_path.string() + "' does not exist (make it with braid-cli index)");
    if (bm25 && args.present("--model"))
        throw Error(errc::invalid_argument, "search: give --model (vector search) or --bm25 (keyword search), not both");
    if (!bm25 && !args.present("--model")) {
        const std::string recorded = SqliteVectorStore::load(store_path)->model_identity();
        throw Error(errc::invalid_argument, "search needs --model EMB.gguf (the store was built with " +
                                                (recorded.empty() ? std::string("an unrecorded model") : "'" + recorded + "'") +
                                                ") or --bm25");
    }
    std::string model_identity;
    std::vector<Hit> hits;
    Timings t;
    if (bm25) {
        args.positional();
        const auto start = Clock::now();
        const auto store = SqliteVectorStore::load(store_path);
        t.open_s = seconds_since(start);
        model_identity = store->model_identity();
        const std::shared_ptr<BM25Index> index = bm25_index_of(*store, store_path, t.bm25_index, t.bm25_build_s);
        const auto search_start = Clock::now();
        hits = bm25_search(*index, query, k);
        t.search_s = seconds_since(search_start);
    } else {
        hits = vector_search(store_path, args, query, k, model_identity, t);
        args.positional();
    }
    print(hits, query, bm25 ? "bm25" : "similarity", model_identity, t, json);
    return 0;
}

const Registration reg{{"search",
                        "--store DB --query TEXT [--k 4] (--model EMB.gguf | --bm25) [--json]: the best chunks of an "
                        "indexed store, with scores and sources (--bm25 loads <store>.bm25; a missing or stale one is rebuilt)",
                        run}};

} // namespace
} // namespace braid::cli::cmd_search
