// One tokenizer shared by several threads gives the same ids as a single thread (the BPE word cache is
// per thread and per tokenizer).
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "braid/engine/tokenizer.hpp"
#include "unit/tokenizer/test_util.hpp"

using namespace braid::engine;

TEST_CASE("[tokenizer] tokenizers are shared safely between threads", "[unit]") {
    const auto gpt2_path = braid_test::data_path("vocab/ggml-vocab-gpt-2.gguf");
    const auto spm_path = braid_test::data_path("vocab/ggml-vocab-llama-spm.gguf");
    auto gpt2 = load_tokenizer(gpt2_path);
    auto spm = load_tokenizer(spm_path);
    const auto gpt2_cases = braid_test::read_vectors(gpt2_path);
    const auto spm_cases = braid_test::read_vectors(spm_path);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int round = 0; round < 5; ++round) {
                // Alternating tokenizers on one thread also switches the word cache's owner.
                for (std::size_t i = 0; i < gpt2_cases.size(); ++i) {
                    if (gpt2->tokenize(gpt2_cases[i].text) != gpt2_cases[i].ids) ++mismatches;
                    if (spm->tokenize(spm_cases[i].text) != spm_cases[i].ids) ++mismatches;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(mismatches == 0);
}

TEST_CASE("[tokenizer] a new tokenizer never sees another's cached words", "[unit]") {
    const std::string text = "hello hello world";
    std::vector<TokenId> first;
    {
        auto gpt2 = load_tokenizer(braid_test::data_path("vocab/ggml-vocab-gpt-2.gguf"));
        first = gpt2->tokenize(text);
    }
    auto coder = load_tokenizer(braid_test::data_path("vocab/ggml-vocab-deepseek-coder.gguf"));
    auto fresh = load_tokenizer(braid_test::data_path("vocab/ggml-vocab-deepseek-coder.gguf"));
    CHECK(coder->tokenize(text) == fresh->tokenize(text));
    CHECK(coder->tokenize(text) != first);
}
