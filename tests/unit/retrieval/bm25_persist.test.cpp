// BM25Index save / load: the reloaded index scores and ranks like the original (after deletes too), keeps
// its options and automatic ids; corrupt, truncated, foreign and wrong-version files are clear errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "braid/error.hpp"
#include "braid/retrieval/bm25.hpp"

using namespace braid::retrieval;

namespace bm25_persist_test {
std::filesystem::path scratch(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("braid_bm25_" + std::to_string(::getpid()) + "_" + name);
}
std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
void spit(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}
Documents corpus() {
    return {{"Swords need oil every week.", braid::Value{{"source", "swords.md"}}, "s1"},
            {"Shields need paint; swords need a sharp edge.", braid::Value{{"source", "shields.md"}}, "s2"},
            {"The river floods the mill in spring.", braid::Value::object(), ""},
            {"王国的骑士需要盾牌。", braid::Value::object(), "cjk"},
            {"Oil lamps light the keep at night.", braid::Value::object(), "lamps"}};
}
} // namespace bm25_persist_test

using namespace bm25_persist_test;

TEST_CASE("[bm25] save and load give the same scores, ranks, options and ids", "[unit]") {
    BM25Options options;
    options.k1 = 1.2;
    options.b = 0.6;
    options.idf = BM25Idf::lucene;
    BM25Index original(options);
    original.add(corpus());
    original.remove(std::vector<std::string>{"lamps"});
    const auto path = scratch("roundtrip.bm25");
    original.save(path);
    const auto loaded = BM25Index::load(path);
    CHECK(loaded->ids() == original.ids());
    CHECK(loaded->size() == 4);
    for (const char* query : {"swords oil", "need", "骑士", "nothing matches"}) {
        const auto a = original.scores(query);
        const auto b = loaded->scores(query);
        REQUIRE(a.size() == b.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            CHECK(b[i] == Approx(a[i]).epsilon(1e-12));
        const auto hits_a = original.search(query, 3);
        const auto hits_b = loaded->search(query, 3);
        REQUIRE(hits_a.size() == hits_b.size());
        for (std::size_t i = 0; i < hits_a.size(); ++i)
            CHECK(hits_b[i].document == hits_a[i].document);
    }
    CHECK(loaded->idf("swords") == Approx(original.idf("swords")));
    // The automatic id counter continues where it was: no id is handed out twice.
    const auto fresh_a = original.add({{"A new note.", braid::Value::object(), ""}});
    const auto fresh_b = loaded->add({{"A new note.", braid::Value::object(), ""}});
    CHECK(fresh_a == fresh_b);
    std::filesystem::remove(path);
}

TEST_CASE("[bm25] an okapi index with the default options round-trips, empty or not", "[unit]") {
    const auto path = scratch("default.bm25");
    BM25Index empty;
    empty.save(path);
    CHECK(BM25Index::load(path)->size() == 0);
    BM25Index full;
    full.add(corpus());
    full.save(path);
    const auto loaded = BM25Index::load(path);
    CHECK(loaded->search("need", 1).at(0).score == Approx(full.search("need", 1).at(0).score));
    std::filesystem::remove(path);
}

TEST_CASE("[bm25] corrupt, truncated and foreign index files are clear errors", "[unit]") {
    BM25Index index;
    index.add(corpus());
    const auto path = scratch("good.bm25");
    index.save(path);
    const std::string good = slurp(path);
    const auto bad = scratch("bad.bm25");

    std::string flipped = good;
    flipped[good.size() / 2] = flipped[good.size() / 2] == 'x' ? 'y' : 'x';
    spit(bad, flipped);
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("bad.bm25") && Catch::Contains("checksum mismatch"));
    spit(bad, good.substr(0, good.size() - 10));
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("checksum mismatch"));
    spit(bad, "{\"documents\": []}");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("not a braid BM25 index file"));
    spit(bad, "braid-bm25 2 0000000000000000\n{}");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("format version 2"));
    spit(bad, "braid-bm25 1\n{}");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("malformed header"));
    try {
        BM25Index::load(bad);
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::parse);
    }
    CHECK_THROWS_WITH(BM25Index::load(scratch("missing.bm25")), Catch::Contains("cannot be opened"));

    // Bodies with a correct checksum (FNV-1a 64, as save() writes it) but bad content: each names the fault.
    const auto with_body = [&](const std::string& body) {
        std::uint64_t hash = 0xcbf29ce484222325ULL;
        for (const char c : body) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 0x100000001b3ULL;
        }
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
        spit(bad, std::string("braid-bm25 1 ") + hex + "\n" + body);
    };
    with_body(R"({"k1": 1.5, "b": 0.75, "epsilon": 0.25, "idf": "okapi", "custom_tokenizer": false, "documents": []})");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("'next_auto_id' is missing"));
    with_body(R"({"k1": 1.5, "b": 7, "epsilon": 0.25, "idf": "okapi", "custom_tokenizer": false, "next_auto_id": 0, "documents": []})");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("b must be in [0, 1]"));
    with_body(R"({"k1": 1.5, "b": 0.5, "epsilon": 0.25, "idf": "okapi", "custom_tokenizer": false, "next_auto_id": 0,)"
              R"( "documents": [{"page_content": "a", "id": "x"}, {"page_content": "b", "id": "x"}]})");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("'x' is already in the index"));
    with_body(R"({"k1": 1.5, "b": 0.5, "epsilon": 0.25, "idf": "okapi", "custom_tokenizer": false, "next_auto_id": 0,)"
              R"( "documents": [{"text": "a"}]})");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("page_content"));
    with_body("[1, 2");
    CHECK_THROWS_WITH(BM25Index::load(bad), Catch::Contains("not JSON"));
    std::filesystem::remove(path);
    std::filesystem::remove(bad);
}

TEST_CASE("[bm25] a custom tokenizer must be given again to load", "[unit]") {
    BM25Options options;
    options.tokenizer = [](std::string_view text) {
        std::vector<std::string> out;
        for (const char c : text)
            if (c != ' ')
                out.emplace_back(1, c);
        return out;
    };
    BM25Index index(options);
    index.add(corpus());
    const auto path = scratch("custom.bm25");
    index.save(path);
    CHECK_THROWS_WITH(BM25Index::load(path), Catch::Contains("custom tokenizer"));
    const auto loaded = BM25Index::load(path, options.tokenizer);
    CHECK(loaded->search("oil", 1).at(0).document == index.search("oil", 1).at(0).document);
    BM25Index plain;
    plain.save(path);
    CHECK_THROWS_WITH(BM25Index::load(path, options.tokenizer), Catch::Contains("without a tokenizer"));
    std::filesystem::remove(path);
}
