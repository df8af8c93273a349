// llama.cpp's tokenizer test vectors, reproduced exactly by braid's tokenizers (GGUF vocabularies and
// the SentencePiece .model path).
#include <catch2/catch.hpp>

#include <iostream>

#include "braid/engine/tokenizer.hpp"
#include "unit/tokenizer/test_util.hpp"

using namespace braid::engine;

namespace {

std::string show(const std::vector<TokenId>& ids) {
    std::string s;
    for (auto id : ids) s += std::to_string(id) + " ";
    return s;
}

// Returns the number of cases reproduced exactly; mismatches are reported through Catch.
std::size_t run_vectors(const Tokenizer& tok, const std::string& vectors_of, const std::string& label) {
    auto cases = braid_test::read_vectors(vectors_of);
    REQUIRE(cases.size() == 46);
    std::size_t ok = 0;
    for (const auto& c : cases) {
        auto ids = tok.tokenize(c.text, false, false);
        if (ids == c.ids) {
            ++ok;
        } else {
            UNSCOPED_INFO(label << ": text '" << c.text << "'\n  got      " << show(ids) << "\n  expected " << show(c.ids));
        }
    }
    std::cout << "[tokenizer] " << label << ": " << ok << "/" << cases.size() << " exact\n";
    return ok;
}

} // namespace

TEST_CASE("[tokenizer] llama.cpp test vectors for GGUF vocabularies", "[unit]") {
    for (std::string name : {"llama-spm", "phi-3", "gpt-2", "bert-bge", "deepseek-coder", "deepseek-llm", "falcon", "mpt",
                             "refact", "starcoder"}) {
        SECTION(name) {
            const auto path = braid_test::data_path("vocab/ggml-vocab-" + name + ".gguf");
            auto tok = load_tokenizer(path);
            CHECK(run_vectors(*tok, path, name) == 46);
        }
    }
}

TEST_CASE("[tokenizer] SentencePiece .model reproduces the llama-spm vectors", "[unit]") {
    auto tok = load_tokenizer(braid_test::data_path("spm/llama2-tokenizer.model"));
    CHECK(tok->vocab_size() == 32000);
    CHECK(run_vectors(*tok, braid_test::data_path("vocab/ggml-vocab-llama-spm.gguf"), "llama2-tokenizer.model") == 46);
}
