// index_directory(): a folder loaded, split and indexed file by file; broken files (invalid UTF-8, a
// dangling symlink, a FIFO: each fails to open or read even for root) reported while the rest is indexed;
// re-runs that skip, replace a changed file's chunks, and with full cleanup delete a removed file's chunks
// but keep those of a file that failed this time; batches of whole files; bad options.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "braid/error.hpp"
#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/indexing.hpp"
#include "braid/retrieval/record_manager.hpp"
#include "braid/retrieval/text_splitter.hpp"
#include "braid/testing/deterministic_embeddings.hpp"

using namespace braid::retrieval;
namespace fs = std::filesystem;

namespace index_directory_test {

void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

struct Folder {
    fs::path root = fs::temp_directory_path() / ("braid_index_directory_" + std::to_string(::getpid()));
    Folder() {
        fs::remove_all(root);
        fs::create_directories(root / "sub");
        write(root / "swords.txt", "Oil the blade of a sword every week.\n\nA rusty sword breaks.");
        write(root / "sub" / "shields.md", "# Shields\n\nShields are painted red.");
        write(root / "potions.txt", "Healing potions are brewed from moonleaf.");
    }
    ~Folder() { fs::remove_all(root); }
};

// Every stored document (the store has no listing: a search with k above its size finds them all).
Documents all_documents(const ExactVectorStore& store) {
    SearchOptions everything;
    everything.k = 100;
    Documents out;
    for (ScoredDocument& hit : store.similarity_search("any", everything))
        out.push_back(std::move(hit.document));
    return out;
}

// The file names of the stored documents' sources.
std::set<std::string> sources(const ExactVectorStore& store) {
    std::set<std::string> out;
    for (const Document& d : all_documents(store))
        out.insert(fs::path(d.metadata["source"].get<std::string>()).filename().string());
    return out;
}

IndexDirectoryOptions split_paragraphs() {
    IndexDirectoryOptions options;
    auto splitter = std::make_shared<RecursiveCharacterTextSplitter>(
        TextSplitterOptions{.chunk_size = 50, .chunk_overlap = 0});
    options.split = [splitter](const Documents& documents) { return splitter->split_documents(documents); };
    return options;
}

std::set<std::string> failed_names(const IndexDirectoryResult& result) {
    std::set<std::string> names;
    for (const FileError& error : result.errors)
        names.insert(error.path.filename().string());
    return names;
}

// The test cases stay in the namespace: in a unity build other files' helpers have the same names.

TEST_CASE("[indexing] index_directory: load, split, index, re-run, cleanup", "[unit]") {
    const Folder folder;
    auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    ExactVectorStore store({.dimension = 32}, embedder);
    SQLiteRecordManager records("dir", ":memory:");
    IndexDirectoryOptions options = split_paragraphs();

    const IndexDirectoryResult first = index_directory(folder.root, records, store, options);
    CHECK(first.files_loaded == 3);
    CHECK(first.documents == 3);
    CHECK(first.chunks == 4); // swords.txt's two paragraphs are 58 characters together
    CHECK(first.counts == IndexResult{4, 0, 0, 0});
    CHECK(first.errors.empty());
    CHECK(store.size() == 4);
    // sources are absolute, whatever the folder was given as
    for (const Document& d : all_documents(store))
        CHECK(fs::path(d.metadata["source"].get<std::string>()).is_absolute());

    SECTION("an unchanged re-run skips everything, also with the folder named another way") {
        const fs::path other = folder.root / "sub" / "..";
        const std::size_t embedded = embedder->texts_embedded();
        const IndexDirectoryResult again = index_directory(other, records, store, options);
        CHECK(again.counts == IndexResult{0, 0, 4, 0});
        CHECK(embedder->texts_embedded() == embedded);
    }
    SECTION("a changed file replaces its chunks (incremental)") {
        write(folder.root / "potions.txt", "Potions of strength are brewed from ironroot.");
        const IndexDirectoryResult changed = index_directory(folder.root, records, store, options);
        CHECK(changed.counts == IndexResult{1, 0, 3, 1});
        CHECK(store.size() == 4);
    }
    SECTION("force_update re-writes every chunk") {
        options.force_update = true;
        CHECK(index_directory(folder.root, records, store, options).counts == IndexResult{0, 4, 0, 0});
    }
    SECTION("full cleanup deletes a removed file's chunks, keeps a broken file's") {
        fs::remove(folder.root / "potions.txt");
        write(folder.root / "swords.txt", "now \x80 not UTF-8");
        options.cleanup = Cleanup::full;
        const IndexDirectoryResult full = index_directory(folder.root, records, store, options);
        CHECK(failed_names(full) == std::set<std::string>{"swords.txt"});
        CHECK(full.counts == IndexResult{0, 0, 1, 1});
        CHECK(sources(store) == std::set<std::string>{"swords.txt", "shields.md"});
    }
    SECTION("incremental cleanup keeps a removed file's chunks") {
        fs::remove(folder.root / "potions.txt");
        CHECK(index_directory(folder.root, records, store, options).counts == IndexResult{0, 0, 3, 0});
        CHECK(store.size() == 4);
    }
    SECTION("the loader options choose the files") {
        options.loader.glob = {"**/*.md"};
        options.loader.recursive = true;
        options.cleanup = Cleanup::none;
        const IndexDirectoryResult md = index_directory(folder.root, records, store, options);
        CHECK(md.files_loaded == 1);
        CHECK(md.counts == IndexResult{0, 0, 1, 0});
    }
}

TEST_CASE("[indexing] index_directory: files that cannot be opened are reported, the rest indexed", "[unit]") {
    const Folder folder;
    // Tests run as root, who reads files without read permission: a symlink to nothing fails to open for
    // anyone. A folder named like a text file is walked, not loaded: no error.
    fs::create_directories(folder.root / "folder.txt");
    fs::create_symlink(folder.root / "gone.txt", folder.root / "dangling.txt");
    write(folder.root / "bad.txt", "fine, then \xE2\x82");
    auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    ExactVectorStore store({.dimension = 32}, embedder);
    SQLiteRecordManager records("dir", ":memory:");
    const IndexDirectoryResult result = index_directory(folder.root, records, store);
    CHECK(failed_names(result) == std::set<std::string>{"dangling.txt", "bad.txt"});
    for (const FileError& error : result.errors) {
        if (error.path.filename() == "dangling.txt") {
            CHECK(error.code == braid::errc::io);
            CHECK_THAT(error.message, Catch::Contains("dangling.txt"));
        } else {
            CHECK(error.code == braid::errc::parse);
        }
    }
    CHECK(result.files_loaded == 3);
    CHECK(result.counts == IndexResult{3, 0, 0, 0}); // no splitter: each document whole
    CHECK(sources(store) == std::set<std::string>{"swords.txt", "shields.md", "potions.txt"});
}

TEST_CASE("[indexing] index_directory: batches hold whole files", "[unit]") {
    const Folder folder;
    auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    ExactVectorStore store({.dimension = 32}, embedder);
    SQLiteRecordManager records("dir", ":memory:");
    IndexDirectoryOptions options = split_paragraphs();
    options.batch_size = 1; // each file its own batch: swords.txt's two chunks stay together
    CHECK(index_directory(folder.root, records, store, options).counts == IndexResult{4, 0, 0, 0});
    // Had its two chunks been two batches, incremental cleanup after the second would delete the first.
    CHECK(index_directory(folder.root, records, store, options).counts == IndexResult{0, 0, 4, 0});
    CHECK(store.size() == 4);
}

TEST_CASE("[indexing] index_directory: bad arguments are named", "[unit]") {
    const Folder folder;
    auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    ExactVectorStore store({.dimension = 32}, embedder);
    SQLiteRecordManager records("dir", ":memory:");
    IndexDirectoryOptions options;
    options.batch_size = 0;
    CHECK_THROWS_WITH(index_directory(folder.root, records, store, options), Catch::Contains("batch_size"));
    options = {};
    options.cleanup = Cleanup::scoped_full;
    CHECK_THROWS_WITH(index_directory(folder.root, records, store, options), Catch::Contains("scoped_full"));
    CHECK_THROWS_WITH(index_directory(folder.root / "nope", records, store), Catch::Contains("does not exist"));
    CHECK_THROWS_WITH(index_directory(folder.root / "potions.txt", records, store), Catch::Contains("is not a folder"));
    CHECK(store.size() == 0);
}

} // namespace index_directory_test
