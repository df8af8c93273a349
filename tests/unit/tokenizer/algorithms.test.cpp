// Algorithm details on small synthetic vocabularies, and large inputs.
#include <catch2/catch.hpp>

#include <chrono>

#include "braid/engine/tokenizer.hpp"
#include "unit/tokenizer/test_util.hpp"

using namespace braid::engine;

namespace {

VocabSpec bpe_spec(const std::string& pre) {
    VocabSpec s;
    s.model = "gpt2";
    s.pre = pre;
    s.tokens = {"a", "b", "c", "ab", "abc", "Ġ", "Ġa", "1", "2", "3", "12", "123"};
    s.merges = {"a b", "Ġ a", "1 2", "12 3"};
    return s;
}

} // namespace

TEST_CASE("[tokenizer] BPE merges by rank, and LLaMA 3 emits whole-word tokens", "[unit]") {
    SECTION("gpt-2 merges and leaves what has no merge") {
        auto tok = make_tokenizer(Vocab::from_spec(bpe_spec("gpt-2")));
        CHECK(tok->tokenize("abc") == std::vector<TokenId>{3, 2});
        CHECK(tok->tokenize("abc a") == std::vector<TokenId>{3, 2, 6});
        CHECK(tok->tokenize("123") == std::vector<TokenId>{11});
    }
    SECTION("llama3 ignores merges for a word that is a token, and adds BOS by default") {
        auto spec = bpe_spec("llama3");
        spec.bos_id = 5;
        auto tok = make_tokenizer(Vocab::from_spec(spec));
        CHECK(tok->tokenize("abc") == std::vector<TokenId>{4});
        CHECK(tok->tokenize("abc", true) == std::vector<TokenId>{5, 4});
        spec.add_bos = false;
        CHECK(make_tokenizer(Vocab::from_spec(spec))->tokenize("abc", true) == std::vector<TokenId>{4});
    }
    SECTION("starcoder splits digits one by one") {
        auto tok = make_tokenizer(Vocab::from_spec(bpe_spec("starcoder")));
        CHECK(tok->tokenize("123") == std::vector<TokenId>{7, 8, 9});
    }
    SECTION("known pre-tokenizer names") {
        auto names = known_bpe_pre_tokenizers();
        for (auto n : {"default", "llama3", "gpt-2", "qwen2", "deepseek-llm", "deepseek-coder", "falcon", "mpt", "refact",
                       "starcoder", "smollm"}) {
            INFO(n);
            CHECK(std::find(names.begin(), names.end(), n) != names.end());
            CHECK_NOTHROW(make_tokenizer(Vocab::from_spec(bpe_spec(n))));
        }
    }
}

TEST_CASE("[tokenizer] SPM merges by score and falls back to bytes", "[unit]") {
    VocabSpec s;
    s.model = "llama";
    s.tokens = {"<unk>", "<s>", "</s>", "<0x41>", "\xE2\x96\x81", "a", "b", "ab", "\xE2\x96\x81" "a"};
    s.token_types = {2, 3, 3, 6, 1, 1, 1, 1, 1};
    s.scores = {0, 0, 0, 0, -1, -2, -2, -1.5f, -0.5f};
    s.bos_id = 1;
    s.eos_id = 2;
    s.unk_id = 0;
    auto tok = make_tokenizer(Vocab::from_spec(s));
    // "▁ab": (▁,a) scores -0.5 beats (a,b) -1.5, so ▁a + b.
    CHECK(tok->tokenize("ab") == std::vector<TokenId>{8, 6});
    // "A" has no token but a byte token; "C" has neither: <unk>.
    CHECK(tok->tokenize("bA") == std::vector<TokenId>{4, 6, 3});
    CHECK(tok->tokenize("bC") == std::vector<TokenId>{4, 6, 0});
    CHECK(tok->detokenize(tok->tokenize("ab A", true)) == "ab A");
}

TEST_CASE("[tokenizer] large inputs stay fast and bounded", "[unit]") {
    const std::string letters(300000, 'a');
    const std::string spaces = std::string(300000, ' ') + "x";
    for (std::string name : {"gpt-2", "deepseek-llm", "llama-spm", "bert-bge"}) {
        SECTION(name) {
            auto tok = load_tokenizer(braid_test::data_path("vocab/ggml-vocab-" + name + ".gguf"));
            auto t0 = std::chrono::steady_clock::now();
            CHECK_FALSE(tok->tokenize(letters).empty());
            CHECK_FALSE(tok->tokenize(spaces).empty());
            double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            CHECK(s < 10.0);
        }
    }
}

TEST_CASE("[tokenizer] SPM merges across spaces when the vocabulary has such tokens", "[unit]") {
    // "a▁b" is a token: the word-by-word shortcut must not be used for this vocabulary.
    VocabSpec s;
    s.model = "llama";
    s.tokens = {"<unk>", "\xE2\x96\x81", "a", "b", "a\xE2\x96\x81", "a\xE2\x96\x81" "b"};
    s.token_types = {2, 1, 1, 1, 1, 1};
    s.scores = {0, -5, -5, -5, -1, -0.5f};
    s.add_space_prefix = false;
    auto tok = make_tokenizer(Vocab::from_spec(s));
    CHECK(tok->tokenize("a b") == std::vector<TokenId>{5});
    CHECK(tok->tokenize("a ba b") == std::vector<TokenId>{5, 5});
    CHECK(tok->detokenize(tok->tokenize("a ba b")) == "a ba b");
}

TEST_CASE("[tokenizer] WordPiece lowercases only uncased vocabularies", "[unit]") {
    VocabSpec s;
    s.model = "bert";
    s.tokens = {"[UNK]", "[CLS]", "[SEP]", "\xE2\x96\x81" "hello", "\xE2\x96\x81" "Hello", "\xE2\x96\x81" "cafe",
                "\xE2\x96\x81" "caf", "\xC3\xA9", ",", "\xE2\x96\x81" ","};
    s.token_types = {3, 3, 3, 1, 1, 1, 1, 1, 1, 1};
    s.unk_id = 0;
    s.cls_id = 1;
    s.sep_id = 2;
    SECTION("cased: 'Hello' and 'café' kept") {
        auto tok = make_tokenizer(Vocab::from_spec(s));
        CHECK(tok->tokenize("Hello café,", true) == std::vector<TokenId>{1, 4, 6, 7, 9, 2});
    }
    SECTION("uncased: lowercased, accents stripped") {
        s.tokens[4] = "\xE2\x96\x81" "world"; // now no token has an upper-case letter
        auto tok = make_tokenizer(Vocab::from_spec(s));
        CHECK(tok->tokenize("Hello Café", true) == std::vector<TokenId>{1, 3, 5, 2});
        CHECK(tok->tokenize("HELLO xyz") == std::vector<TokenId>{3, 0});
    }
}
