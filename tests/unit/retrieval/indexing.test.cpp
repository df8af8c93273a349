// Record manager and index(): LangChain's cleanup modes none / incremental / full / scoped_full, counts,
// re-runs that add nothing, changed documents replacing theirs; over the TestVectorStore double and the
// ExactVectorStore.
#include <catch2/catch.hpp>

#include <filesystem>

#include "braid/error.hpp"
#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/indexing.hpp"
#include "braid/retrieval/record_manager.hpp"
#include "braid/retrieval/sqlite_vector_store.hpp"
#include "braid/testing/deterministic_embeddings.hpp"
#include "retriever_doubles.hpp"

using braid::retrieval::Cleanup;
using braid::retrieval::Document;
using braid::retrieval::Documents;
using braid::retrieval::IndexOptions;
using braid::retrieval::IndexResult;
using braid::retrieval::SQLiteRecordManager;
using IxStrings = std::vector<std::string>;

TEST_CASE("[indexing] document_hash is SHA-256 of content, NUL and sorted metadata", "[unit]") {
    // printf 'abc\0{"a":1,"b":2}' | sha256sum
    const Document doc{"abc", braid::Value{{"b", 2}, {"a", 1}}, "ignored"};
    CHECK(braid::retrieval::document_hash(doc) == "67a701e736710fa4a557269876b590396ac744ddfe6251a772abadbde2287127");
    CHECK(braid::retrieval::document_hash(Document{"abc", braid::Value{{"a", 1}, {"b", 2}}, ""}) ==
          braid::retrieval::document_hash(doc));
    CHECK(braid::retrieval::document_hash(Document{"abd", braid::Value{{"a", 1}, {"b", 2}}, ""}) !=
          braid::retrieval::document_hash(doc));
    // A long text (several SHA-256 blocks): 1000 × 'a' with empty metadata → 'a'*1000 + "\0{}".
    CHECK(braid::retrieval::document_hash(Document{std::string(1000, 'a'), braid::Value::object(), ""}).size() == 64);
}

TEST_CASE("[indexing] SQLite record manager: times, groups, namespaces, persistence", "[unit]") {
    const auto path = std::filesystem::temp_directory_path() / "braid_record_manager_test.db";
    std::filesystem::remove(path);
    {
        SQLiteRecordManager records("ns", path);
        const std::int64_t t0 = records.get_time();
        CHECK(records.get_time() > t0); // strictly increasing
        records.update(IxStrings{"k1", "k2"}, IxStrings{"g1", ""});
        const std::int64_t t1 = records.get_time();
        records.update(IxStrings{"k3"}, IxStrings{"g1"});
        CHECK(records.exists(IxStrings{"k1", "k3", "nope"}) == std::vector<bool>{true, true, false});
        CHECK(records.list_keys() == IxStrings{"k1", "k2", "k3"});
        CHECK(records.list_keys({t1, {}, {}, {}}) == IxStrings{"k1", "k2"});
        CHECK(records.list_keys({{}, t1, {}, {}}) == IxStrings{"k3"});
        CHECK(records.list_keys({{}, {}, IxStrings{"g1"}, {}}) == IxStrings{"k1", "k3"});
        CHECK(records.list_keys({{}, {}, {}, 1}) == IxStrings{"k1"});
        CHECK(records.list_keys({{}, {}, IxStrings{}, {}}).empty());
        records.delete_keys(IxStrings{"k2", "missing"});
        CHECK_THROWS_AS(records.update(IxStrings{"a", "b"}, IxStrings{"g"}), braid::Error);
        CHECK_THROWS_AS(records.update(IxStrings{"a"}, IxStrings{}, records.get_time() + 60'000'000), braid::Error);
        SQLiteRecordManager other("other", path);
        CHECK(other.list_keys().empty());
        CHECK(other.get_time() > t1); // never before a time stored in the file
    }
    SQLiteRecordManager reopened("ns", path);
    CHECK(reopened.list_keys() == IxStrings{"k1", "k3"});
    CHECK_THROWS_AS(SQLiteRecordManager("", path), braid::Error);
    std::filesystem::remove(path);
}

namespace {

Documents ix_corpus() {
    return {{"Swords need oil.", {{"source", "arms.md"}}, ""},
            {"Shields need paint.", {{"source", "arms.md"}}, ""},
            {"Cats sleep a lot.", {{"source", "pets.md"}}, ""}};
}

void ix_check_cleanup_modes(braid::retrieval::VectorStore& store) {
    SQLiteRecordManager records("test", ":memory:");
    IndexOptions incremental{Cleanup::incremental, "source"};

    CHECK(braid::retrieval::index(ix_corpus(), records, store) == IndexResult{3, 0, 0, 0});
    CHECK(store.size() == 3);
    // Unchanged documents: nothing added, whatever the mode.
    CHECK(braid::retrieval::index(ix_corpus(), records, store, incremental) == IndexResult{0, 0, 3, 0});
    CHECK(braid::retrieval::index(ix_corpus(), records, store) == IndexResult{0, 0, 3, 0});
    // Duplicates within a batch are skipped.
    Documents twice = ix_corpus();
    twice.push_back(twice[0]);
    CHECK(braid::retrieval::index(twice, records, store) == IndexResult{0, 0, 4, 0});

    // arms.md changed: its new chunk replaces the old one; pets.md is not touched (not passed).
    Documents changed = {{"Swords need oil.", {{"source", "arms.md"}}, ""},
                         {"Shields need wax.", {{"source", "arms.md"}}, ""}};
    CHECK(braid::retrieval::index(changed, records, store, incremental) == IndexResult{1, 0, 1, 1});
    CHECK(store.size() == 3);
    const std::string old_key = braid::retrieval::document_hash(ix_corpus()[1]);
    CHECK(store.get(IxStrings{old_key}).empty());
    const std::string new_key = braid::retrieval::document_hash(changed[1]);
    REQUIRE(store.get(IxStrings{new_key}).size() == 1);
    CHECK(store.get(IxStrings{new_key})[0].page_content == "Shields need wax.");

    // force_update re-writes recorded documents.
    CHECK(braid::retrieval::index(changed, records, store, IndexOptions{Cleanup::none, "", 100, 1000, true}) ==
          IndexResult{0, 2, 0, 0});

    // scoped_full: among the sources passed (arms.md), what was not passed goes; pets.md stays.
    const Documents only_swords = {changed[0]};
    CHECK(braid::retrieval::index(only_swords, records, store, IndexOptions{Cleanup::scoped_full, "source"}) ==
          IndexResult{0, 0, 1, 1});
    CHECK(store.size() == 2);

    // full: everything not passed is deleted (small cleanup batches: several rounds).
    const Documents only_cats = {ix_corpus()[2]};
    CHECK(braid::retrieval::index(only_cats, records, store, IndexOptions{Cleanup::full, "", 1, 1}) ==
          IndexResult{0, 0, 1, 1});
    CHECK(store.size() == 1);
    CHECK(records.list_keys().size() == 1);
    CHECK(braid::retrieval::index({}, records, store, IndexOptions{Cleanup::full}) == IndexResult{0, 0, 0, 1});
    CHECK(store.size() == 0);
}

} // namespace

TEST_CASE("[indexing] cleanup modes with a test-double vector store", "[unit]") {
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    retrieval_doubles::TestVectorStore store(embeddings, 32);
    ix_check_cleanup_modes(store);
}

TEST_CASE("[indexing] cleanup modes with the exact vector store", "[unit]") {
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    braid::retrieval::ExactVectorStore store(braid::retrieval::ExactVectorStoreOptions{}, embeddings);
    ix_check_cleanup_modes(store);
}

TEST_CASE("[indexing] re-running embeds only what changed", "[unit]") {
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    braid::retrieval::ExactVectorStore store(braid::retrieval::ExactVectorStoreOptions{}, embeddings);
    SQLiteRecordManager records("test", ":memory:");
    Documents docs;
    for (int i = 0; i < 250; ++i)
        docs.push_back(Document{"chunk " + std::to_string(i), {{"source", "file" + std::to_string(i / 10)}}, ""});
    const IndexOptions incremental{Cleanup::incremental, "source"};
    CHECK(braid::retrieval::index(docs, records, store, incremental) == IndexResult{250, 0, 0, 0});
    const std::size_t embedded = embeddings->texts_embedded();
    for (int i = 0; i < 10; ++i)
        docs[static_cast<std::size_t>(i * 20)].page_content += " (edited)";
    CHECK(braid::retrieval::index(docs, records, store, incremental) == IndexResult{10, 0, 240, 10});
    CHECK(embeddings->texts_embedded() - embedded == 10);
    CHECK(store.size() == 250);
}

TEST_CASE("[indexing] bad options and documents are clear errors", "[unit]") {
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(8);
    retrieval_doubles::TestVectorStore store(embeddings, 8);
    SQLiteRecordManager records("test", ":memory:");
    const auto message_of = [&](const Documents& docs, const IndexOptions& options) {
        try {
            (void)braid::retrieval::index(docs, records, store, options);
        } catch (const braid::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message_of(ix_corpus(), IndexOptions{Cleanup::incremental}).find("source_id_key") != std::string::npos);
    const Documents no_source = {{"a", {{"source", "x"}}, ""}, {"b", {}, ""}};
    CHECK(message_of(no_source, IndexOptions{Cleanup::incremental, "source"}).find("document 1") != std::string::npos);
    CHECK(message_of(ix_corpus(), IndexOptions{Cleanup::none, "", 0}).find("batch_size") != std::string::npos);
    CHECK(braid::retrieval::cleanup_from_string("scoped_full") == Cleanup::scoped_full);
    CHECK_THROWS_AS(braid::retrieval::cleanup_from_string("partial"), braid::Error);
    CHECK(braid::Value(IndexResult{1, 2, 3, 4}).dump() ==
          R"({"num_added":1,"num_updated":2,"num_skipped":3,"num_deleted":4})");
}

TEST_CASE("[indexing] records and vectors in one SQLite file survive a restart", "[unit]") {
    const auto path = std::filesystem::temp_directory_path() / "braid_indexing_sqlite_test.db";
    std::filesystem::remove(path);
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    const IndexOptions incremental{Cleanup::incremental, "source"};
    {
        braid::retrieval::SqliteVectorStore store(braid::retrieval::SqliteVectorStoreOptions{path}, embeddings);
        SQLiteRecordManager records("manual", path);
        CHECK(braid::retrieval::index(ix_corpus(), records, store, incremental) == IndexResult{3, 0, 0, 0});
    }
    const std::size_t embedded = embeddings->texts_embedded();
    braid::retrieval::SqliteVectorStore store(braid::retrieval::SqliteVectorStoreOptions{path}, embeddings);
    SQLiteRecordManager records("manual", path);
    CHECK(store.size() == 3);
    CHECK(braid::retrieval::index(ix_corpus(), records, store, incremental) == IndexResult{0, 0, 3, 0});
    CHECK(embeddings->texts_embedded() == embedded);
    Documents changed = ix_corpus();
    changed[2].page_content = "Cats sleep all day.";
    CHECK(braid::retrieval::index(changed, records, store, incremental) == IndexResult{1, 0, 2, 1});
    CHECK(store.size() == 3);
    std::filesystem::remove(path);
}
