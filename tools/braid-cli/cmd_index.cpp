// braid-cli index: a folder into a SQLite vector store through index_directory() — load, split (recursive
// character, then by tokens where a chunk is too long for the model), embed (LocalEmbeddings behind the
// SQLite embeddings cache) and write through a record manager, so a re-run only touches the files that
// changed; then the BM25 index of the store's chunks is saved beside it (<store>.bm25, for search --bm25).
// Prints what it did and how long it took.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "braid/error.hpp"
#include "braid/models/local_embeddings.hpp"
#include "braid/retrieval/bm25.hpp"
#include "braid/retrieval/cached_embeddings.hpp"
#include "braid/retrieval/indexing.hpp"
#include "braid/retrieval/loaders.hpp"
#include "braid/retrieval/record_manager.hpp"
#include "braid/retrieval/sqlite_vector_store.hpp"
#include "braid/retrieval/text_splitter.hpp"
#include "engine_options.hpp"
#include "retrieval_cli.hpp"

namespace braid::cli::cmd_index {
namespace {

using namespace braid::retrieval;
using Clock = std::chrono::steady_clock;

struct Settings {
    std::filesystem::path folder;
    std::filesystem::path store;
    std::filesystem::path records;
    std::filesystem::path cache;
    std::vector<std::string> globs;
    TextSplitterOptions splitter;
    // Chunks are cut by characters; one the embedding model cannot take at once (more tokens than its
    // batch) is cut again by tokens, so an odd file (code, tables, long numbers) never stops the run.
    LengthFunction count_tokens;         // with the special tokens the model adds
    LengthFunction count_content_tokens; // without them
    std::size_t max_tokens = 0;
    Cleanup cleanup = Cleanup::incremental;
    bool json = false;
};

struct Report {
    std::size_t files_loaded = 0;
    std::size_t documents = 0;
    std::size_t chunks = 0;
    std::size_t chunks_cut_by_tokens = 0;
    std::vector<FileError> failed;
    IndexResult result;
    std::size_t embedded = 0;
    std::size_t cache_hits = 0;
    double load_split_s = 0;
    double embed_write_s = 0;
    double cleanup_s = 0;
    double bm25_s = 0;
    double total_s = 0;
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

TextSplitterOptions token_splitter_options(const Settings& settings) {
    TextSplitterOptions options;
    // Pieces are measured without the model's special tokens (a [CLS] and [SEP] per piece would make the
    // sums three times too large for one-character pieces); those two are kept free in the limit.
    options.chunk_size = settings.max_tokens > 2 ? settings.max_tokens - 2 : 1;
    options.chunk_overlap = 0;
    options.add_start_index = true;
    options.length_function = settings.count_content_tokens;
    return options;
}

// Cuts a file's documents by characters, then cuts again by tokens any chunk longer than the model takes.
class FileSplitter {
public:
    explicit FileSplitter(const Settings& settings)
        : settings_(settings), splitter_(settings.splitter), token_splitter_(token_splitter_options(settings)) {}

    Documents operator()(const Documents& documents) {
        Documents out;
        for (Document& chunk : splitter_.split_documents(documents)) {
            if (settings_.count_tokens(chunk.page_content) <= settings_.max_tokens) {
                out.push_back(std::move(chunk));
                continue;
            }
            ++cut_by_tokens_;
            const long long start = chunk.metadata["start_index"].get<long long>();
            for (Document& piece : token_splitter_.split_documents({chunk})) {
                const long long offset = piece.metadata["start_index"].get<long long>();
                piece.metadata["start_index"] = start < 0 || offset < 0 ? -1 : start + offset;
                out.push_back(std::move(piece));
            }
        }
        return out;
    }

    std::size_t cut_by_tokens() const { return cut_by_tokens_; }

private:
    const Settings& settings_;
    RecursiveCharacterTextSplitter splitter_;
    RecursiveCharacterTextSplitter token_splitter_;
    std::size_t cut_by_tokens_ = 0;
};

// The folder through index_directory(): whole files per batch of about 100 chunks (LangChain's batch).
Report ingest(const Settings& settings, RecordManager& records, VectorStore& store) {
    const auto start = Clock::now();
    auto splitter = std::make_shared<FileSplitter>(settings);
    IndexDirectoryOptions options;
    if (!settings.globs.empty())
        options.loader.glob = settings.globs;
    options.split = [splitter](const Documents& documents) { return (*splitter)(documents); };
    options.cleanup = settings.cleanup;
    const IndexDirectoryResult indexed = index_directory(settings.folder, records, store, options);
    Report report;
    report.files_loaded = indexed.files_loaded;
    report.documents = indexed.documents;
    report.chunks = indexed.chunks;
    report.chunks_cut_by_tokens = splitter->cut_by_tokens();
    report.failed = indexed.errors;
    report.result = indexed.counts;
    report.embed_write_s = indexed.index_seconds;
    report.cleanup_s = indexed.cleanup_seconds;
    report.total_s = seconds_since(start);
    report.load_split_s = report.total_s - report.embed_write_s - report.cleanup_s;
    return report;
}

// Saves a BM25 index of every chunk of the store beside it, so search --bm25 loads it instead of building
// it per query; returns the seconds it took.
double save_bm25_index(const SqliteVectorStore& store, const std::filesystem::path& path) {
    const auto start = Clock::now();
    BM25Index index;
    index.add(store.get(store.ids()));
    index.save(path);
    return seconds_since(start);
}

void print(const Settings& settings, const Report& r) {
    if (settings.json) {
        nlohmann::ordered_json failed = nlohmann::ordered_json::array();
        for (const FileError& e : r.failed)
            failed.push_back({{"path", e.path.string()}, {"error", errc_name(e.code)}, {"message", e.message}});
        const nlohmann::ordered_json out{
            {"files_loaded", r.files_loaded},   {"files_failed", failed},
            {"documents", r.documents},         {"chunks", r.chunks},
            {"chunks_cut_by_tokens", r.chunks_cut_by_tokens},
            {"added", r.result.num_added},      {"updated", r.result.num_updated},
            {"skipped", r.result.num_skipped},  {"deleted", r.result.num_deleted},
            {"embedded", r.embedded},           {"cache_hits", r.cache_hits},
            {"load_split_s", r.load_split_s},   {"embed_write_s", r.embed_write_s},
            {"cleanup_s", r.cleanup_s},         {"bm25_s", r.bm25_s},
            {"total_s", r.total_s}};
        std::cout << out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        return;
    }
    std::printf("files: %zu loaded, %zu failed\n", r.files_loaded, r.failed.size());
    for (const FileError& e : r.failed)
        std::printf("  failed %s (%s): %s\n", e.path.string().c_str(), errc_name(e.code), e.message.c_str());
    std::printf("documents: %zu, chunks: %zu (%zu longer than the model takes, cut again by tokens)\n", r.documents, r.chunks,
                r.chunks_cut_by_tokens);
    std::printf("chunks: %zu added, %zu updated, %zu skipped, %zu deleted\n", r.result.num_added, r.result.num_updated,
                r.result.num_skipped, r.result.num_deleted);
    std::printf("embedded: %zu texts by the model, %zu from the cache\n", r.embedded, r.cache_hits);
    std::printf("time: %.3f s load + split, %.3f s embed + write, %.3f s cleanup, %.3f s BM25 index, %.3f s total\n",
                r.load_split_s, r.embed_write_s, r.cleanup_s, r.bm25_s, r.total_s);
}

// The command's own options (the engine's are read before).
Settings read_settings(Args& args) {
    Settings settings;
    settings.store = args.value("--store");
    settings.folder = args.value("--path");
    if (settings.store.empty() || settings.folder.empty())
        throw Error(errc::invalid_argument, "index needs --store DB and --path FOLDER");
    if (!std::filesystem::is_directory(settings.folder))
        throw Error(errc::invalid_argument, "index: --path '" + settings.folder.string() + "' is not a folder");
    // Sources (the record manager's groups) are absolute paths: a re-run from another working folder, or
    // with "docs/" for "./docs", must find the same files, not index them twice.
    settings.folder = std::filesystem::weakly_canonical(settings.folder);
    settings.records = args.value("--record-manager", settings.store.string());
    settings.cache = args.value("--cache", settings.store.string());
    while (args.present("--glob"))
        settings.globs.push_back(args.value("--glob"));
    settings.splitter.chunk_size = static_cast<std::size_t>(int_option(args, "--chunk-size", 1000, 1, 1 << 24));
    settings.splitter.chunk_overlap = static_cast<std::size_t>(int_option(args, "--chunk-overlap", 200, 0, 1 << 24));
    if (settings.splitter.chunk_overlap > settings.splitter.chunk_size)
        throw Error(errc::invalid_argument, "index: --chunk-overlap " + std::to_string(settings.splitter.chunk_overlap) +
                                                " is larger than --chunk-size " + std::to_string(settings.splitter.chunk_size));
    settings.splitter.add_start_index = true;
    const std::string cleanup = args.value("--cleanup", "incremental");
    if (cleanup != "none" && cleanup != "incremental" && cleanup != "full")
        throw Error(errc::invalid_argument, "index: --cleanup '" + cleanup + "' is not none, incremental or full");
    settings.cleanup = cleanup_from_string(cleanup);
    settings.json = args.has("--json");
    args.positional();
    return settings;
}

int run(Args& args) {
    EngineOptions engine_options = read_engine_options(args);
    Settings settings = read_settings(args);
    auto model = std::make_shared<const engine::Model>(load_model(engine_options));
    LocalEmbeddingsOptions embed_options;
    embed_options.threads = engine_options.context.threads;
    auto local = std::make_shared<LocalEmbeddings>(model, embed_options);
    const std::string identity = embedding_model_identity(engine_options.model, *model, *local);
    settings.max_tokens = static_cast<std::size_t>(local->options().batch_size);
    settings.count_tokens = [model](std::string_view text) { return model->tokenizer().tokenize(text, true, false).size(); };
    settings.count_content_tokens = [model](std::string_view text) { return model->tokenizer().tokenize(text, false, false).size(); };
    auto cached = std::make_shared<CachedEmbeddings>(local, settings.cache, identity);
    SqliteVectorStoreOptions store_options;
    store_options.path = settings.store;
    store_options.model_identity = identity;
    store_options.threads = static_cast<std::size_t>(engine_options.context.threads);
    SqliteVectorStore store(store_options, cached);
    SQLiteRecordManager records(std::string(record_namespace), settings.records);

    Report report = ingest(settings, records, store);
    report.bm25_s = save_bm25_index(store, bm25_index_path(settings.store));
    report.total_s += report.bm25_s;
    report.embedded = cached->misses();
    report.cache_hits = cached->hits();
    print(settings, report);
    return 0;
}

const Registration reg{{"index",
                        "--model EMB.gguf --store DB --path DIR [--glob PATTERN ...] [--chunk-size 1000] "
                        "[--chunk-overlap 200] [--cleanup none|incremental|full] [--record-manager FILE] [--cache FILE] "
                        "[--json]: a folder into a SQLite vector store (re-runs touch only changed files), and its BM25 index "
                        "beside it (<store>.bm25, for search --bm25)",
                        run}};

} // namespace
} // namespace braid::cli::cmd_index
