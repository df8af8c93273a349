// Ingestion of a folder of 10,000 small generated files through index_directory(), a few of them unreadable
// or malformed (invalid UTF-8, malformed JSON, and a dangling symlink: a file that cannot be opened, even by
// root, who reads files without read permission): the directory loader reports exactly those and the rest
// is indexed; re-indexing after 10 files changed touches only their chunks (record manager counts). DeterministicEmbeddings (a test
// double) keeps it fast: 8-11 s wall on the shared 2-core machine under load, most of it system time
// creating and reading the 10,000 files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/indexing.hpp"
#include "braid/retrieval/loaders.hpp"
#include "braid/retrieval/record_manager.hpp"
#include "braid/retrieval/text_splitter.hpp"
#include "braid/testing/deterministic_embeddings.hpp"

using namespace braid::retrieval;
namespace fs = std::filesystem;

namespace large_folder_test {

constexpr int file_count = 10'000;
constexpr int folder_count = 100; // 100 files per sub-folder

fs::path file_path(const fs::path& root, int i) {
    const char* extension = i % 10 == 3 ? ".json" : i % 10 == 7 ? ".md" : ".txt";
    return root / ("part" + std::to_string(i % folder_count)) / ("note" + std::to_string(i) + extension);
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string content(int i, int version) {
    const std::string words = "note " + std::to_string(i) + " version " + std::to_string(version) +
                              " about the keep, the river and the smith number " + std::to_string(i % 97);
    if (i % 10 == 3)
        return "{\"text\": \"" + words + "\"}";
    if (i % 10 == 7)
        return "# Note " + std::to_string(i) + "\n\n" + words + "\n";
    return words + "\n";
}

// The folder, and the files that must fail to load.
struct Corpus {
    fs::path root;
    std::set<fs::path> broken;
};

Corpus make_corpus() {
    Corpus corpus;
    corpus.root = fs::temp_directory_path() / ("braid_large_folder_" + std::to_string(::getpid()));
    fs::remove_all(corpus.root);
    for (int f = 0; f < folder_count; ++f)
        fs::create_directories(corpus.root / ("part" + std::to_string(f)));
    for (int i = 0; i < file_count; ++i)
        write(file_path(corpus.root, i), content(i, 0));
    // Invalid UTF-8 (a lone continuation byte, a truncated sequence) and a malformed JSON file.
    write(file_path(corpus.root, 100), "fine text, then \x80 a stray byte\n");
    write(file_path(corpus.root, 201), "truncated \xE2\x82");
    write(file_path(corpus.root, 303), "{\"text\": \"no closing brace\"");
    corpus.broken = {file_path(corpus.root, 100), file_path(corpus.root, 201), file_path(corpus.root, 303)};
    // A path that matches the glob but cannot be opened, whoever runs the test.
    fs::remove(file_path(corpus.root, 400));
    fs::create_symlink(corpus.root / "no-such-file.txt", file_path(corpus.root, 400));
    corpus.broken.insert(file_path(corpus.root, 400));
    return corpus;
}

struct Ingested {
    std::size_t documents = 0;
    std::set<fs::path> failed;
    IndexResult result;
};

Ingested ingest(const fs::path& root, RecordManager& records, VectorStore& store) {
    auto splitter = std::make_shared<RecursiveCharacterTextSplitter>(
        TextSplitterOptions{.chunk_size = 500, .chunk_overlap = 50, .add_start_index = true});
    IndexDirectoryOptions options;
    options.split = [splitter](const Documents& documents) { return splitter->split_documents(documents); };
    options.cleanup = Cleanup::incremental;
    const IndexDirectoryResult indexed = index_directory(root, records, store, options);
    Ingested out;
    out.documents = indexed.documents;
    out.result = indexed.counts;
    for (const FileError& error : indexed.errors)
        out.failed.insert(error.path);
    return out;
}

} // namespace large_folder_test

using namespace large_folder_test;

TEST_CASE("[indexing] a folder of 10,000 files with broken ones: reported, the rest indexed, re-index touches 10", "[unit]") {
    const Corpus corpus = make_corpus();
    auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(64);
    ExactVectorStore store({.dimension = 64}, embedder);
    SQLiteRecordManager records("large-folder", corpus.root / "records.sqlite");
    // The record manager's file lies in the folder; the loader skips it (.sqlite has no loader).

    const Ingested first = ingest(corpus.root, records, store);
    CHECK(first.failed == corpus.broken);
    const std::size_t good = file_count - corpus.broken.size();
    CHECK(first.documents == good);
    CHECK(first.result == IndexResult{good, 0, 0, 0});
    CHECK(store.size() == good);

    const Ingested unchanged = ingest(corpus.root, records, store);
    CHECK(unchanged.result == IndexResult{0, 0, good, 0});

    const std::size_t embedded_before = embedder->texts_embedded();
    for (int i = 1000; i < 1010; ++i)
        write(file_path(corpus.root, i), content(i, 1));
    const Ingested changed = ingest(corpus.root, records, store);
    CHECK(changed.failed == corpus.broken);
    CHECK(changed.result == IndexResult{10, 0, good - 10, 10});
    CHECK(embedder->texts_embedded() - embedded_before == 10);
    CHECK(store.size() == good);
    braid::retrieval::SearchOptions one;
    one.k = 1;
    // The changed text itself: the same words give the same hashed vector, so it is the best hit.
    const auto hits = store.similarity_search(content(1004, 1), one);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].document.page_content.find("note 1004 version 1") != std::string::npos);

    fs::remove_all(corpus.root);
}
