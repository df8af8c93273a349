// Vector-store retriever (similarity, mmr, score threshold, filter) and the parent document retriever
// (children searched, parents returned, in memory and SQLite document stores), over the TestVectorStore
// double with DeterministicEmbeddings.
#include <catch2/catch.hpp>

#include <filesystem>

#include "braid/error.hpp"
#include "braid/retrieval/bm25.hpp"
#include "braid/retrieval/ensemble.hpp"
#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/parent_document.hpp"
#include "braid/retrieval/vector_store_retriever.hpp"
#include "braid/testing/deterministic_embeddings.hpp"
#include "retriever_doubles.hpp"

using braid::retrieval::Document;
using braid::retrieval::Documents;
using braid::retrieval::SearchType;
using braid::retrieval::VectorStoreRetrieverOptions;

namespace {

std::shared_ptr<retrieval_doubles::TestVectorStore> vsr_store() {
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(256);
    auto store = std::make_shared<retrieval_doubles::TestVectorStore>(embeddings, 256);
    const Documents docs = {{"red apple pie", {{"kind", "food"}}, "1"},
                            {"red apple pie recipe", {{"kind", "food"}}, "2"},
                            {"green apple tree", {{"kind", "plant"}}, "3"},
                            {"blue sky", {{"kind", "sky"}}, "4"},
                            {"red sky at night", {{"kind", "sky"}}, "5"}};
    store->add_documents(docs);
    return store;
}

std::vector<std::string> vsr_ids(const Documents& docs) {
    std::vector<std::string> out;
    for (const auto& d : docs)
        out.push_back(d.id);
    return out;
}

} // namespace

TEST_CASE("[vector_store_retriever] similarity, threshold and filter", "[unit]") {
    const auto store = vsr_store();
    const auto similar = braid::retrieval::vector_store_retriever(store);
    const Documents top = similar.invoke("red apple pie");
    REQUIRE(top.size() == 4); // k = 4
    CHECK(top[0].id == "1");  // identical words: cosine 1
    CHECK(top[1].id == "2");

    VectorStoreRetrieverOptions threshold;
    threshold.search_type = SearchType::similarity_score_threshold;
    threshold.score_threshold = 0.99F; // relevance (1 + cos) / 2 ≥ 0.99 → only the identical text
    CHECK(vsr_ids(braid::retrieval::vector_store_retriever(store, threshold).invoke("red apple pie")) ==
          std::vector<std::string>{"1"});

    VectorStoreRetrieverOptions filtered;
    filtered.filter = braid::retrieval::MetadataFilter::parse(braid::Value{{"kind", "sky"}});
    const Documents sky = braid::retrieval::vector_store_retriever(store, filtered).invoke("red apple pie");
    REQUIRE(sky.size() == 2);
    CHECK(sky[0].id == "5"); // shares "red"

    CHECK(braid::retrieval::search_type_from_string("mmr") == SearchType::mmr);
    CHECK_THROWS_AS(braid::retrieval::search_type_from_string("fuzzy"), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::vector_store_retriever(nullptr), braid::Error);
    VectorStoreRetrieverOptions bad;
    bad.search_type = SearchType::similarity_score_threshold;
    CHECK_THROWS_AS(braid::retrieval::vector_store_retriever(store, bad), braid::Error);
    bad = {};
    bad.k = 0;
    CHECK_THROWS_AS(braid::retrieval::vector_store_retriever(store, bad), braid::Error);
    bad = {};
    bad.search_type = SearchType::mmr;
    bad.fetch_k = 2;
    CHECK_THROWS_AS(braid::retrieval::vector_store_retriever(store, bad), braid::Error);
    auto no_embeddings = std::make_shared<retrieval_doubles::TestVectorStore>(nullptr, 4);
    CHECK_THROWS_AS(braid::retrieval::vector_store_retriever(no_embeddings), braid::Error);
}

TEST_CASE("[vector_store_retriever] mmr prefers diverse results", "[unit]") {
    const auto store = vsr_store();
    VectorStoreRetrieverOptions mmr;
    mmr.search_type = SearchType::mmr;
    mmr.k = 2;
    mmr.lambda_mult = 0.3F;
    const Documents diverse = braid::retrieval::vector_store_retriever(store, mmr).invoke("red apple pie");
    REQUIRE(diverse.size() == 2);
    CHECK(diverse[0].id == "1");
    CHECK(diverse[1].id != "2"); // the near-duplicate is passed over for something different
    mmr.lambda_mult = 1.0F;      // relevance only: same as similarity
    CHECK(vsr_ids(braid::retrieval::vector_store_retriever(store, mmr).invoke("red apple pie")) ==
          std::vector<std::string>{"1", "2"});
}

namespace {

// A test splitter: one child per sentence (cut after '.').
Documents vsr_sentences(const Document& parent) {
    Documents out;
    std::size_t start = 0;
    const std::string& text = parent.page_content;
    while (start < text.size()) {
        std::size_t end = text.find('.', start);
        end = end == std::string::npos ? text.size() : end + 1;
        std::string piece = text.substr(start, end - start);
        if (piece.find_first_not_of(' ') != std::string::npos)
            out.push_back(Document{piece.substr(piece.find_first_not_of(' ')), parent.metadata, ""});
        start = end;
    }
    return out;
}

void vsr_check_parents(const std::shared_ptr<braid::retrieval::DocumentStore>& docstore) {
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(256);
    auto store = std::make_shared<retrieval_doubles::TestVectorStore>(embeddings, 256);
    braid::retrieval::ParentDocumentOptions options;
    options.child_splitter = vsr_sentences;
    options.search.k = 4;
    braid::retrieval::ParentDocumentRetriever parents(store, docstore, options);
    const Documents docs = {{"Swords need oil. Shields need paint. Helmets need padding.", {{"source", "arms.md"}}, "arms"},
                            {"Cats sleep a lot. Dogs need walks.", {{"source", "pets.md"}}, ""}};
    const auto ids = parents.add_documents(docs);
    REQUIRE(ids.size() == 2);
    CHECK(ids[0] == "arms");
    CHECK(ids[1].size() == 32); // generated
    CHECK(store->size() == 5);  // children
    CHECK(store->get(std::vector<std::string>{"auto-0"}).at(0).metadata["doc_id"] == "arms");

    const Documents found = parents.retriever().invoke("shields need paint");
    REQUIRE(found.size() == 2); // 4 best children: the 3 of "arms" (need), then "Dogs need walks." → 2 parents
    CHECK(found[0] == docs[0]);
    CHECK(found[1].page_content == docs[1].page_content);
    CHECK(found[1].id == ids[1]);
    CHECK(docstore->keys().size() == 2);
}

} // namespace

TEST_CASE("[parent_document] children are searched and parents returned", "[unit]") {
    vsr_check_parents(std::make_shared<braid::retrieval::InMemoryDocumentStore>());
    const auto path = std::filesystem::temp_directory_path() / "braid_parent_document_test.db";
    std::filesystem::remove(path);
    vsr_check_parents(std::make_shared<braid::retrieval::SQLiteDocumentStore>(path));
    {
        braid::retrieval::SQLiteDocumentStore reopened(path); // parents persist
        const auto got = reopened.get(std::vector<std::string>{"arms", "missing"});
        REQUIRE(got.size() == 2);
        CHECK(got[0]->metadata["source"] == "arms.md");
        CHECK_FALSE(got[1].has_value());
        reopened.remove(std::vector<std::string>{"arms"});
        CHECK(reopened.keys().size() == 1);
    }
    std::filesystem::remove(path);
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(8);
    auto store = std::make_shared<retrieval_doubles::TestVectorStore>(embeddings, 8);
    CHECK_THROWS_AS(braid::retrieval::ParentDocumentRetriever(store, nullptr, {vsr_sentences}), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::ParentDocumentRetriever(
                        store, std::make_shared<braid::retrieval::InMemoryDocumentStore>(), {}), braid::Error);
}

TEST_CASE("[parent_document] a file that is not a database is an io error", "[unit]") {
    const auto path = std::filesystem::temp_directory_path() / "braid_parent_document_bad.db";
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        std::fputs("this is not a sqlite database, just text that is long enough to have a header.....", f);
        std::fclose(f);
    }
    try {
        braid::retrieval::SQLiteDocumentStore store(path);
        FAIL("opened a text file");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::io);
        CHECK(std::string(e.what()).find("braid_parent_document_bad.db") != std::string::npos);
    }
    std::filesystem::remove(path);
}

TEST_CASE("[vector_store_retriever] over the exact store, in an ensemble with BM25", "[unit]") {
    auto embeddings = std::make_shared<braid::testing::DeterministicEmbeddings>(256);
    auto exact = std::make_shared<braid::retrieval::ExactVectorStore>(braid::retrieval::ExactVectorStoreOptions{},
                                                                      embeddings);
    auto double_store = vsr_store();
    const Documents docs = double_store->get(std::vector<std::string>{"1", "2", "3", "4", "5"});
    exact->add_documents(docs);
    for (SearchType type : {SearchType::similarity, SearchType::mmr}) {
        VectorStoreRetrieverOptions options;
        options.search_type = type;
        options.k = 3;
        CHECK(vsr_ids(braid::retrieval::vector_store_retriever(exact, options).invoke("red apple pie")) ==
              vsr_ids(braid::retrieval::vector_store_retriever(double_store, options).invoke("red apple pie")));
    }
    auto bm25 = std::make_shared<braid::retrieval::BM25Index>();
    bm25->add(docs);
    const auto hybrid = braid::retrieval::ensemble_retriever(
        {braid::retrieval::bm25_retriever(bm25, 2), braid::retrieval::vector_store_retriever(exact)});
    const Documents out = hybrid.invoke("apple tree");
    REQUIRE(out.size() >= 2);
    CHECK(out[0].id == "3"); // first for both: "green apple tree"
}
