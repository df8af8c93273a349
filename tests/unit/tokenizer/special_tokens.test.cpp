// Special tokens, BOS/EOS rules and detokenization round trips.
#include <catch2/catch.hpp>

#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"
#include "unit/tokenizer/test_util.hpp"

using namespace braid::engine;
using braid_test::data_path;

namespace {

std::unique_ptr<Tokenizer> vocab(const std::string& name) {
    return load_tokenizer(data_path("vocab/ggml-vocab-" + name + ".gguf"));
}

std::vector<TokenId> concat(std::vector<TokenId> a, const std::vector<TokenId>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace

TEST_CASE("[tokenizer] special-token text is parsed only on request", "[unit]") {
    SECTION("SPM control token <s>") {
        auto tok = vocab("llama-spm");
        auto plain = tok->tokenize("<s>Hello", false, false);
        CHECK(std::find(plain.begin(), plain.end(), 1) == plain.end());
        // After a special token the SPM space prefix applies again, as at the start of the text.
        CHECK(tok->tokenize("<s>Hello", false, true) == concat({1}, tok->tokenize("Hello")));
        CHECK(tok->tokenize("a</s>b", false, true) == concat(concat(tok->tokenize("a"), {2}), tok->tokenize("b")));
    }
    SECTION("BPE control token <|endoftext|>") {
        auto tok = vocab("gpt-2");
        CHECK(tok->tokenize("<|endoftext|>", false, true) == std::vector<TokenId>{50256});
        auto plain = tok->tokenize("<|endoftext|>", false, false);
        CHECK(plain.size() > 1);
        CHECK(std::find(plain.begin(), plain.end(), 50256) == plain.end());
        CHECK(tok->tokenize("Hi<|endoftext|>Hi", false, true) ==
              concat(concat(tok->tokenize("Hi"), {50256}), tok->tokenize("Hi")));
    }
    SECTION("user-defined tokens are always matched") {
        auto tok = vocab("phi-3"); // phi-3 marks </s> (id 2) user-defined
        CHECK(tok->tokenize("x</s>", false, false).back() == 2);
        CHECK(tok->tokenize("x</s>", false, true).back() == 2);
    }
    SECTION("longest special token wins") {
        auto tok = vocab("phi-3");
        auto ids = tok->tokenize("<|assistant|>", false, true);
        CHECK(ids == std::vector<TokenId>{32001});
    }
}

TEST_CASE("[tokenizer] BOS and EOS follow the vocabulary's rules", "[unit]") {
    SECTION("SPM adds BOS only") {
        auto tok = vocab("llama-spm");
        auto ids = tok->tokenize("Hello world", true);
        CHECK(ids == concat({1}, tok->tokenize("Hello world")));
        CHECK(tok->tokenize("", true) == std::vector<TokenId>{1});
        CHECK(tok->tokenize("").empty());
    }
    SECTION("BERT wraps in [CLS] ... [SEP]") {
        auto tok = vocab("bert-bge");
        auto ids = tok->tokenize("hello world", true);
        REQUIRE(ids.size() == 4);
        CHECK(ids.front() == 101);
        CHECK(ids.back() == 102);
    }
    SECTION("GPT-2 adds nothing (add_bos_token false)") {
        auto tok = vocab("gpt-2");
        CHECK(tok->tokenize("Hello", true) == tok->tokenize("Hello"));
    }
    SECTION("deepseek-llm adds its BOS from metadata") {
        auto tok = vocab("deepseek-llm");
        CHECK(tok->tokenize("Hello", true).front() == 100000);
        CHECK(tok->bos() == 100000);
        CHECK(tok->eos() == 100001);
    }
}

TEST_CASE("[tokenizer] detokenize round-trips", "[unit]") {
    for (std::string name : {"llama-spm", "phi-3", "gpt-2", "deepseek-coder", "deepseek-llm", "falcon", "mpt", "refact",
                             "starcoder"}) {
        SECTION(name) {
            auto tok = vocab(name);
            for (const auto& c : braid_test::read_vectors(data_path("vocab/ggml-vocab-" + name + ".gguf"))) {
                INFO("text '" << c.text << "'");
                CHECK(tok->detokenize(tok->tokenize(c.text)) == c.text);
            }
        }
    }
    SECTION("SPM byte fallback reassembles UTF-8, BOS is not rendered") {
        auto tok = vocab("llama-spm");
        const std::string text = "emoji 🦙 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ok";
        auto ids = tok->tokenize(text, true);
        CHECK(tok->detokenize(ids) == text);
        CHECK(tok->detokenize(ids, true) == "<s>" + text);
        CHECK(tok->token_to_piece(1) == "");
        CHECK(tok->token_to_piece(1, true) == "<s>");
    }
    SECTION("WordPiece joins ## continuations") {
        auto tok = vocab("bert-bge");
        auto ids = tok->tokenize("tokenization works", true);
        CHECK(ids.size() > 4); // "tokenization" is split into word pieces
        CHECK(tok->detokenize(ids) == "tokenization works");
    }
    SECTION("ids out of range are an error") {
        auto tok = vocab("gpt-2");
        std::vector<TokenId> bad{1, -1};
        CHECK_THROWS_AS(tok->detokenize(bad), braid::Error);
        CHECK_THROWS_AS(tok->token_to_piece(50257), braid::Error);
        CHECK_FALSE(tok->is_control(-3));
        CHECK(tok->is_control(50256));
    }
    SECTION("invalid UTF-8 does not crash") {
        auto tok = vocab("gpt-2");
        auto ids = tok->tokenize(std::string("a\xff\xc3(b\xe2\x82", 7));
        CHECK_FALSE(ids.empty());
        auto spm = vocab("llama-spm");
        CHECK_FALSE(spm->tokenize(std::string("\xff\xfe", 2)).empty());
        auto bert = vocab("bert-bge");
        CHECK(bert->tokenize(std::string("\xff", 1)).empty()); // U+FFFD is dropped by BERT's cleaning
    }
}

TEST_CASE("[tokenizer] SentencePiece .model files", "[unit]") {
    auto tok = load_tokenizer(data_path("spm/llama2-tokenizer.model"));
    SECTION("BOS, parse_special and round trip") {
        CHECK(tok->bos() == 1);
        CHECK(tok->eos() == 2);
        CHECK(tok->tokenize("Hello", true) == concat({1}, tok->tokenize("Hello")));
        CHECK(tok->tokenize("<s>Hello", false, true) == concat({1}, tok->tokenize("Hello")));
        const std::string text = " leading space, 🦙 and  two  spaces";
        CHECK(tok->detokenize(tok->tokenize(text, true)) == text);
        CHECK(tok->token_to_piece(1, true) == "<s>");
    }
    SECTION("the GGUF vocabulary and the .model agree") {
        auto gguf = vocab("llama-spm");
        const std::string text = "The quick brown fox — jumps over 13 lazy dogs!\n\tMerci, ça va? 你好";
        CHECK(tok->tokenize(text, true) == gguf->tokenize(text, true));
    }
    SECTION("another .model with different ids") {
        auto open_llama = load_tokenizer(data_path("spm/open_llama_3b-tokenizer.model"));
        CHECK(open_llama->tokenize("Hello world") == std::vector<TokenId>{16644, 924});
    }
    SECTION("a file that is neither GGUF nor SentencePiece") {
        try {
            load_tokenizer(data_path("vocab/README.md"));
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::model_format);
        }
    }
}
