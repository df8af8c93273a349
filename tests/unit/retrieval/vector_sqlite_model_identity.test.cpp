// SqliteVectorStore remembers which embedding model built it: a new file records the identity, reopening
// with another is a clear error, a file without one adopts the first given, ids() lists what is stored.
#include <catch2/catch.hpp>

#include "braid/retrieval/sqlite_vector_store.hpp"
#include "vector_contract.hpp"

using namespace braid::retrieval;

namespace model_identity_test {
std::filesystem::path fresh_store(const std::string& name) {
    auto p = vector_test::temp_path("identity_" + name + ".sqlite");
    std::filesystem::remove(p);
    return p;
}
SqliteVectorStoreOptions options_with(const std::filesystem::path& path, std::string identity) {
    SqliteVectorStoreOptions o;
    o.path = path;
    o.dimension = 2;
    o.model_identity = std::move(identity);
    return o;
}
} // namespace model_identity_test

using namespace model_identity_test;

TEST_CASE("[vector_sqlite_store] the embedding model's identity is recorded and checked", "[unit]") {
    const auto path = fresh_store("checked");
    {
        SqliteVectorStore store(options_with(path, "bge-small.gguf (bert)"));
        std::vector<Document> docs{Document{"a", braid::Value::object(), "x"}, Document{"b", braid::Value::object(), "y"}};
        store.add(docs, std::vector<std::vector<float>>{{1, 0}, {0, 1}});
        CHECK(store.model_identity() == "bge-small.gguf (bert)");
    }
    // Opening without an identity reads the recorded one; with the same one is fine.
    CHECK(SqliteVectorStore::load(path)->model_identity() == "bge-small.gguf (bert)");
    CHECK(SqliteVectorStore(options_with(path, "bge-small.gguf (bert)")).ids() == std::vector<std::string>{"x", "y"});
    CHECK_THROWS_WITH(SqliteVectorStore(options_with(path, "other.gguf")),
                      Catch::Contains("built with embedding model 'bge-small.gguf (bert)'") && Catch::Contains("not 'other.gguf'"));
}

TEST_CASE("[vector_sqlite_store] a file without a model identity adopts the first given", "[unit]") {
    const auto path = fresh_store("adopt");
    { SqliteVectorStore store(options_with(path, "")); CHECK(store.model_identity().empty()); }
    CHECK(SqliteVectorStore::load(path)->model_identity().empty());
    { SqliteVectorStore store(options_with(path, "model-a")); }
    CHECK(SqliteVectorStore::load(path)->model_identity() == "model-a");
    CHECK_THROWS_WITH(SqliteVectorStore(options_with(path, "model-b")), Catch::Contains("'model-a'"));
}
