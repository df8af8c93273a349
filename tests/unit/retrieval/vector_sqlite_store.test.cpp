// SqliteVectorStore (reopen and search without re-embedding, schema checks, malformed rows) and
// CachedEmbeddings (hits never call the inner model, identity separates models).
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "braid/retrieval/cached_embeddings.hpp"
#include "braid/retrieval/sqlite_vector_store.hpp"
#include "braid/testing/deterministic_embeddings.hpp"
#include "vector_contract.hpp"

using namespace braid::retrieval;
using namespace vector_test;

namespace {
std::filesystem::path fresh_db(const std::string& name) {
    static int counter = 0;
    auto p = temp_path(name + "_" + std::to_string(++counter) + ".sqlite");
    std::filesystem::remove(p);
    return p;
}
SqliteVectorStoreOptions sqlite_options(const std::filesystem::path& path, std::size_t d, Metric metric) {
    SqliteVectorStoreOptions o;
    o.path = path;
    o.dimension = d;
    o.metric = metric;
    return o;
}
void sql(const std::filesystem::path& path, const char* statement) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.string().c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, statement, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
}
} // namespace

TEST_CASE("[vector_sqlite_store] reopen and search without re-embedding", "[unit]") {
    const auto path = fresh_db("reopen");
    auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
    std::vector<Document> docs{Document{"swords need oil", braid::Value{{"kind", "weapon"}}, "s"},
                               Document{"shields need paint", braid::Value{{"kind", "armour"}}, "h"},
                               Document{"the dragon sleeps", braid::Value::object(), "d"}};
    {
        SqliteVectorStore store(sqlite_options(path, 0, Metric::cosine), embedder);
        store.add_documents(docs);
        const std::vector<std::string> gone{"d"};
        CHECK(store.remove(gone) == 1);
        CHECK(store.size() == 2);
    }
    const std::size_t embedded = embedder->texts_embedded();
    SqliteVectorStore again(sqlite_options(path, 0, Metric::cosine), embedder);
    CHECK(embedder->texts_embedded() == embedded); // nothing re-embedded at open
    CHECK(again.size() == 2);
    CHECK(again.dimension() == 32);
    CHECK(again.get(std::vector<std::string>{"s"}).at(0) == docs[0]);
    const auto hits = again.similarity_search("oil for swords", top(1));
    CHECK(hits.at(0).document.id == "s");
    CHECK(embedder->texts_embedded() == embedded + 1); // the query only
    auto loaded = SqliteVectorStore::load(path);
    CHECK(loaded->size() == 2);
    CHECK_THROWS_WITH(SqliteVectorStore(sqlite_options(path, 16, Metric::cosine)), Catch::Contains("dimension 32"));
    CHECK_THROWS_WITH(SqliteVectorStore(sqlite_options(path, 0, Metric::l2)), Catch::Contains("metric cosine"));
}

TEST_CASE("[vector_sqlite_store] bad databases are clear errors", "[unit]") {
    const auto path = fresh_db("bad");
    {
        SqliteVectorStore store(sqlite_options(path, 4, Metric::l2));
        std::vector<Document> one{Document{"x", braid::Value::object(), "x"}};
        store.add(one, std::vector<std::vector<float>>{{1, 2, 3, 4}});
    }
    const auto copy = fresh_db("bad_copy");
    std::filesystem::copy_file(path, copy);
    sql(copy, "UPDATE braid_vectors SET vector = x'0011' WHERE id = 'x'");
    CHECK_THROWS_WITH(SqliteVectorStore::load(copy), Catch::Contains("row 'x'") && Catch::Contains("2 bytes"));
    sql(copy, "UPDATE braid_vectors SET vector = zeroblob(16), metadata = '[1' WHERE id = 'x'");
    CHECK_THROWS_WITH(SqliteVectorStore::load(copy), Catch::Contains("not JSON"));
    sql(copy, "UPDATE braid_meta SET value = '2' WHERE key = 'schema_version'");
    CHECK_THROWS_WITH(SqliteVectorStore::load(copy), Catch::Contains("schema version 2"));
    const auto junk = fresh_db("junk");
    std::ofstream(junk, std::ios::binary) << "this is not a database at all, just some text that is long enough";
    CHECK_THROWS_AS(SqliteVectorStore::load(junk), braid::Error);
    CHECK_THROWS_WITH(SqliteVectorStore::load(fresh_db("missing")), Catch::Contains("does not exist"));
    CHECK_THROWS_WITH(SqliteVectorStore(sqlite_options(fresh_db("nodim"), 0, Metric::l2)), Catch::Contains("needs a dimension"));
}

TEST_CASE("[vector_sqlite_store] store contract", "[unit]") {
    check_contract([](Metric metric, std::size_t d) { return std::make_unique<SqliteVectorStore>(sqlite_options(fresh_db("contract"), d, metric)); },
                   [](const std::filesystem::path& p) { return SqliteVectorStore::load(p); }, "sqlite", false);
}

TEST_CASE("[vector_cached_embeddings] hits never call the inner model", "[unit]") {
    const auto path = fresh_db("cache");
    auto inner = std::make_shared<braid::testing::DeterministicEmbeddings>(16);
    const std::vector<std::string> texts{"alpha beta", "gamma", "alpha beta", "delta"};
    std::vector<std::vector<float>> first;
    {
        CachedEmbeddings cache(inner, path, "det-16");
        CHECK(cache.dimension() == 16);
        first = cache.embed_documents(texts);
        CHECK(inner->texts_embedded() == 3); // the repeated text once
        CHECK(cache.misses() == 3);
        CHECK(first[0] == inner->vector_of("alpha beta"));
        CHECK(first[2] == first[0]);
    }
    CachedEmbeddings reopened(inner, path, "det-16");
    CHECK(reopened.embed_documents(texts) == first);
    CHECK(inner->texts_embedded() == 3);
    CHECK(reopened.hits() == 4);
    // Queries are cached separately; a second query is a hit.
    CHECK(reopened.embed_query("gamma") == inner->vector_of("gamma"));
    CHECK(inner->texts_embedded() == 4);
    CHECK(reopened.embed_query("gamma") == inner->vector_of("gamma"));
    CHECK(inner->texts_embedded() == 4);
    // Another identity does not see these vectors.
    CachedEmbeddings other(inner, path, "det-16-v2");
    (void)other.embed_documents(std::vector<std::string>{"gamma"});
    CHECK(inner->texts_embedded() == 5);
    // Mixed hits and misses: only the misses reach the model.
    CHECK(reopened.embed_documents(std::vector<std::string>{"gamma", "epsilon"}).size() == 2);
    CHECK(inner->texts_embedded() == 6);
    CHECK_THROWS_WITH(CachedEmbeddings(nullptr, path, "x"), Catch::Contains("null"));
    CHECK_THROWS_WITH(CachedEmbeddings(inner, path, ""), Catch::Contains("identity"));
    CachedEmbeddings memory(inner, ":memory:", "det-16");
    CHECK(memory.embed_query("zeta") == inner->vector_of("zeta"));
}
