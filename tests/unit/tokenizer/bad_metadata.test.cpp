// Malformed tokenizer metadata and files give a clear braid::Error, never a crash.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"
#include "unit/tokenizer/test_util.hpp"

using namespace braid::engine;
using braid::errc;

namespace {

VocabSpec tiny_bpe() {
    VocabSpec s;
    s.model = "gpt2";
    s.pre = "gpt-2";
    s.tokens = {"a", "b", "ab", "Ġ"};
    s.token_types = {1, 1, 1, 1};
    s.merges = {"a b"};
    return s;
}

// Runs @p f and returns the error kind and message it throws (fails the test when it throws nothing).
template <typename F>
std::pair<errc, std::string> error_of(F&& f) {
    try {
        f();
    } catch (const braid::Error& e) {
        return {e.kind(), e.what()};
    }
    FAIL("expected a braid::Error");
    return {};
}

std::string temp_file(const std::string& name, const std::string& bytes) {
    auto path = std::filesystem::temp_directory_path() / ("braid_tok_" + name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
}

} // namespace

TEST_CASE("[tokenizer] a valid minimal spec works", "[unit]") {
    auto tok = make_tokenizer(Vocab::from_spec(tiny_bpe()));
    CHECK(tok->tokenize("ab") == std::vector<TokenId>{2});
    CHECK(tok->tokenize("ba") == std::vector<TokenId>{1, 0});
    CHECK(tok->detokenize(tok->tokenize("abba")) == "abba");
}

TEST_CASE("[tokenizer] bad metadata is a model_format error naming the problem", "[unit]") {
    SECTION("missing tokens array") {
        auto s = tiny_bpe();
        s.tokens.clear();
        auto [kind, msg] = error_of([&] { Vocab::from_spec(s); });
        CHECK(kind == errc::model_format);
        CHECK_THAT(msg, Catch::Contains("tokenizer.ggml.tokens"));
    }
    SECTION("merge referencing an unknown token") {
        auto s = tiny_bpe();
        s.merges.push_back("ab zz");
        auto [kind, msg] = error_of([&] { Vocab::from_spec(s); });
        CHECK(kind == errc::model_format);
        CHECK_THAT(msg, Catch::Contains("ab zz"));
    }
    SECTION("merge without a separator") {
        auto s = tiny_bpe();
        s.merges.push_back("ab");
        CHECK(error_of([&] { Vocab::from_spec(s); }).first == errc::model_format);
    }
    SECTION("scores / token types of the wrong length") {
        auto s = tiny_bpe();
        s.scores = {0.0f, 1.0f};
        auto [kind, msg] = error_of([&] { Vocab::from_spec(s); });
        CHECK(kind == errc::model_format);
        CHECK_THAT(msg, Catch::Contains("tokenizer.ggml.scores"));
        s = tiny_bpe();
        s.token_types = {1};
        CHECK_THAT(error_of([&] { Vocab::from_spec(s); }).second, Catch::Contains("tokenizer.ggml.token_type"));
    }
    SECTION("unknown token type") {
        auto s = tiny_bpe();
        s.token_types[2] = 42;
        CHECK_THAT(error_of([&] { Vocab::from_spec(s); }).second, Catch::Contains("token type 42"));
    }
    SECTION("special id out of range") {
        auto s = tiny_bpe();
        s.eos_id = 4;
        auto [kind, msg] = error_of([&] { Vocab::from_spec(s); });
        CHECK(kind == errc::model_format);
        CHECK_THAT(msg, Catch::Contains("EOS"));
    }
    SECTION("BPE without merges") {
        auto s = tiny_bpe();
        s.merges.clear();
        CHECK(error_of([&] { Vocab::from_spec(s); }).first == errc::model_format);
    }
    SECTION("missing / unknown model") {
        auto s = tiny_bpe();
        s.model.clear();
        CHECK(error_of([&] { Vocab::from_spec(s); }).first == errc::model_format);
        s.model = "t5-unigram";
        CHECK(error_of([&] { Vocab::from_spec(s); }).first == errc::unsupported);
    }
    SECTION("unknown pre-tokenizer") {
        auto s = tiny_bpe();
        s.pre = "no-such-pre";
        auto [kind, msg] = error_of([&] { make_tokenizer(Vocab::from_spec(s)); });
        CHECK(kind == errc::unsupported);
        CHECK_THAT(msg, Catch::Contains("no-such-pre"));
    }
}

TEST_CASE("[tokenizer] bad GGUF files", "[unit]") {
    const std::string good = braid_test::read_file(braid_test::data_path("vocab/ggml-vocab-gpt-2.gguf"));
    REQUIRE(good.size() > 100000);
    SECTION("missing file is an io error") {
        CHECK(error_of([] { Vocab::from_gguf("/nonexistent/braid.gguf"); }).first == errc::io);
    }
    SECTION("bad magic") {
        auto path = temp_file("magic.gguf", "GGUX" + good.substr(4, 100));
        CHECK_THAT(error_of([&] { Vocab::from_gguf(path); }).second, Catch::Contains("magic"));
    }
    SECTION("truncated anywhere") {
        for (std::size_t cut : {std::size_t{3}, std::size_t{20}, std::size_t{500}, good.size() / 2, good.size() - 10}) {
            auto path = temp_file("cut.gguf", good.substr(0, cut));
            INFO("cut at " << cut);
            CHECK(error_of([&] { Vocab::from_gguf(path); }).first == errc::model_format);
        }
    }
    SECTION("huge declared lengths do not allocate") {
        std::string bytes = good.substr(0, 24);
        bytes += std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8); // first key length: ~2^63
        auto path = temp_file("huge.gguf", bytes);
        CHECK(error_of([&] { Vocab::from_gguf(path); }).first == errc::model_format);
    }
    SECTION("a GGUF without tokenizer metadata") {
        std::string bytes = good.substr(0, 8);
        bytes += std::string(16, '\0'); // zero tensors, zero key/values
        auto path = temp_file("empty.gguf", bytes);
        CHECK_THAT(error_of([&] { Vocab::from_gguf(path); }).second, Catch::Contains("tokenizer.ggml.tokens"));
    }
}
