// BM25: tokenization (case folding, CJK unigrams + bigrams, bad UTF-8), scores against the formula computed
// by hand, incremental add/delete, the retriever runnable.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "braid/error.hpp"
#include "braid/retrieval/bm25.hpp"

using braid::retrieval::BM25Idf;
using braid::retrieval::BM25Index;
using braid::retrieval::BM25Options;
using braid::retrieval::bm25_tokenize;
using braid::retrieval::Document;
using braid::retrieval::Documents;
using Strings = std::vector<std::string>;

TEST_CASE("[bm25] tokenization folds case and splits on non-letters", "[unit]") {
    CHECK(bm25_tokenize("Hello, WORLD! it's 42x") == Strings{"hello", "world", "it", "s", "42x"});
    CHECK(bm25_tokenize("Straße ÉCOLE Ǆ") == Strings{"strasse", "école", "Ǆ"}); // Ǆ is outside the tables: kept
    CHECK(bm25_tokenize("ΣΟΦΙΑ σοφίας Ἀ") == Strings{"σοφια", "σοφίασ", "Ἀ"});
    CHECK(bm25_tokenize("МОСКВА Ёлка") == Strings{"москва", "ёлка"});
    CHECK(bm25_tokenize("ＡＢＣ—x…y") == Strings{"ａｂｃ", "x", "y"});
    CHECK(bm25_tokenize("  ,;  ").empty());
}

TEST_CASE("[bm25] CJK runs give unigrams and bigrams", "[unit]") {
    CHECK(bm25_tokenize("我爱北京") == Strings{"我", "我爱", "爱", "爱北", "北", "北京", "京"});
    CHECK(bm25_tokenize("东京。abc日本") == Strings{"东", "东京", "京", "abc", "日", "日本", "本"});
    CHECK(bm25_tokenize("ひらがな") == Strings{"ひ", "ひら", "ら", "らが", "が", "がな", "な"});
}

TEST_CASE("[bm25] invalid UTF-8 names the byte offset", "[unit]") {
    const auto offset_named = [](const std::string& text, const char* offset) {
        try {
            (void)bm25_tokenize(text);
        } catch (const braid::Error& e) {
            return e.kind() == braid::errc::invalid_argument &&
                   std::string(e.what()).find(std::string("byte offset ") + offset) != std::string::npos;
        }
        return false;
    };
    CHECK(offset_named("ab\xff", "2"));
    CHECK(offset_named("a\xc3", "1"));        // truncated
    CHECK(offset_named("ab\xc0\xaf", "2"));   // overlong
    CHECK(offset_named("\xe4\xb8x", "2"));    // bad continuation
    BM25Index index;
    CHECK_THROWS_AS(index.add({Document{"ok \xfe", {}, "x"}}), braid::Error);
    CHECK(index.size() == 0);
}

namespace {

// One term of the BM25 sum, written out: idf · f · (k1 + 1) / (f + k1 · (1 − b + b · |D| / avgdl)).
double term(double idf, double f, double length, double avgdl, double k1 = 1.5, double b = 0.75) {
    return idf * f * (k1 + 1) / (f + k1 * (1 - b + b * length / avgdl));
}

Documents bm25_corpus() {
    return {Document{"the cat sat", {}, "d1"}, Document{"The dog sat on the mat", {}, "d2"},
            Document{"cats and dogs", {}, "d3"}};
}

} // namespace

TEST_CASE("[bm25] okapi scores equal the formula computed by hand", "[unit]") {
    BM25Index index;
    index.add(bm25_corpus());
    // N = 3, lengths 3, 6, 3 → avgdl = 4. Vocabulary: the(2) sat(2) cat dog on mat cats and dogs (1 each).
    const double rare = std::log((3 - 1 + 0.5) / (1 + 0.5));   // n = 1
    const double common = std::log((3 - 2 + 0.5) / (2 + 0.5)); // n = 2: negative
    const double mean = (7 * rare + 2 * common) / 9;
    const double floor = 0.25 * mean; // rank_bm25: negative idf → epsilon · mean idf
    CHECK(index.idf("cat") == Approx(rare));
    CHECK(index.idf("the") == Approx(floor));
    CHECK(index.idf("unknown") == 0);

    const std::vector<double> cat = index.scores("cat");
    REQUIRE(cat.size() == 3);
    CHECK(cat[0] == Approx(term(rare, 1, 3, 4)));
    CHECK(cat[1] == 0);
    CHECK(cat[2] == 0); // "cats" is another token

    const std::vector<double> the_mat = index.scores("the mat");
    CHECK(the_mat[0] == Approx(term(floor, 1, 3, 4)));
    CHECK(the_mat[1] == Approx(term(floor, 2, 6, 4) + term(rare, 1, 6, 4)));
    CHECK(the_mat[2] == 0);

    // Repeated query tokens count again (rank_bm25).
    CHECK(index.scores("cat cat")[0] == Approx(2 * term(rare, 1, 3, 4)));

    const auto hits = index.search("the mat", 4);
    REQUIRE(hits.size() == 2); // d3 matches no token
    CHECK(hits[0].document.id == "d2");
    CHECK(hits[1].document.id == "d1");
    CHECK(hits[0].score == Approx(the_mat[1]));
    CHECK(braid::Value(hits[0])["document"]["id"] == "d2");
}

TEST_CASE("[bm25] lucene idf and other k1 and b", "[unit]") {
    BM25Index index(BM25Options{1.2, 0.5, 0.25, BM25Idf::lucene, {}});
    index.add(bm25_corpus());
    const double the_idf = std::log1p((3 - 2 + 0.5) / (2 + 0.5));
    CHECK(index.idf("the") == Approx(the_idf));
    CHECK(index.scores("the")[1] == Approx(term(the_idf, 2, 6, 4, 1.2, 0.5)));
    CHECK_THROWS_AS(BM25Index(BM25Options{-1, 0.75}), braid::Error);
    CHECK_THROWS_AS(BM25Index(BM25Options{1.5, 2}), braid::Error);
}

TEST_CASE("[bm25] incremental add and delete by id change the statistics", "[unit]") {
    BM25Index index;
    index.add(bm25_corpus());
    const Strings removed = {"d2", "nope"};
    CHECK(index.remove(removed) == 1);
    CHECK(index.size() == 2);
    CHECK(index.ids() == Strings{"d1", "d3"});
    CHECK_FALSE(index.get("d2").has_value());
    // Now N = 2, avgdl = 3: "cat" has n = 1 → ln(1.5/1.5) = 0 (not negative: kept as 0).
    CHECK(index.idf("cat") == 0);
    CHECK(index.search("mat").empty());

    const Strings ids = index.add({Document{"a mat for the cat", {}, ""}, Document{"mat mat", {}, ""}});
    CHECK(ids == Strings{"bm25-0", "bm25-1"});
    CHECK(index.get("bm25-1")->page_content == "mat mat");
    // N = 4, lengths 3, 3, 5, 2 → avgdl = 13/4; mat in 2 docs: ln(2.5/2.5) = 0; cat in 2 docs: 0 too.
    CHECK(index.idf("mat") == 0);
    // A duplicate id is refused and nothing is added.
    CHECK_THROWS_AS(index.add({Document{"x", {}, "new"}, Document{"y", {}, "d1"}}), braid::Error);
    CHECK_THROWS_AS(index.add({Document{"x", {}, "z"}, Document{"y", {}, "z"}}), braid::Error);
    CHECK(index.size() == 4);
    const double rare = std::log((4 - 1 + 0.5) / (1 + 0.5)); // "dogs": only d3
    CHECK(index.scores("dogs")[1] == Approx(term(rare, 1, 3, 13.0 / 4)));
}

TEST_CASE("[bm25] the retriever returns the best k and composes", "[unit]") {
    auto index = std::make_shared<BM25Index>();
    index->add(bm25_corpus());
    const braid::retrieval::Retriever retriever = braid::retrieval::bm25_retriever(index, 1);
    const Documents docs = retriever.invoke("mat");
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].id == "d2");
    const auto batch = retriever.batch({"cat", "dogs"});
    REQUIRE(batch.size() == 2);
    CHECK(batch[0].at(0).id == "d1");
    CHECK(batch[1].at(0).id == "d3");
    index->add({Document{"mat mat mat", {}, "d4"}, Document{"bird", {}, "d5"}, Document{"fish", {}, "d6"}}); // seen later
    CHECK(retriever.invoke("mat").at(0).id == "d4");
    CHECK_THROWS_AS(braid::retrieval::bm25_retriever(nullptr), braid::Error);
    CHECK_THROWS_AS(braid::retrieval::bm25_retriever(index, 0), braid::Error);
}

TEST_CASE("[bm25] concurrent searches while documents are added and removed", "[unit]") {
    auto index = std::make_shared<BM25Index>();
    index->add(bm25_corpus());
    std::atomic<bool> failed{false};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t)
        readers.emplace_back([&] {
            for (int i = 0; i < 300; ++i) {
                const auto hits = index->search("cat sat mat", 4);
                if (hits.empty() || hits.size() > 4)
                    failed = true;
            }
        });
    for (int i = 0; i < 100; ++i) {
        const std::string id = "extra" + std::to_string(i);
        index->add({Document{"a cat on a mat " + std::to_string(i), {}, id}});
        if (i % 2 == 0)
            index->remove(std::vector<std::string>{id});
    }
    for (auto& reader : readers)
        reader.join();
    CHECK_FALSE(failed);
    CHECK(index->size() == 53);
}
