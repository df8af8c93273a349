// Splitting by tokens of a real tokenizer (GPT-2's byte-level BPE vocabulary from tests/data/vocab):
// TokenTextSplitter windows, and the recursive splitter measuring chunks in tokens.
#include <catch2/catch.hpp>

#include <numeric>

#include "braid/engine/tokenizer.hpp"
#include "braid/retrieval/text_splitter.hpp"

using namespace braid::retrieval;

TEST_CASE("[token_splitter] GPT-2 tokens: exact windows and token-sized chunks", "[unit]") {
    const auto tokenizer = braid::engine::load_tokenizer(std::string(BRAID_TEST_DATA_DIR) + "/vocab/ggml-vocab-gpt-2.gguf");
    const auto count = [&](std::string_view s) { return tokenizer->tokenize(s).size(); };
    std::string text;
    for (int i = 0; i < 40; ++i)
        text += "The smith oils sword number " + std::to_string(i) + " before the long winter.\n";

    const TokenTextSplitter windows({.chunk_size = 32, .chunk_overlap = 8,
                                     .encode = [&](std::string_view s) { return tokenizer->tokenize(s); },
                                     .decode = [&](std::span<const std::int32_t> ids) { return tokenizer->detokenize(ids); }});
    const std::vector<std::string> parts = windows.split_text(text);
    const std::vector<std::int32_t> ids = tokenizer->tokenize(text);
    // Windows start every 24 tokens; the last one reaches the end.
    REQUIRE(parts.size() == (ids.size() - 32 + 23) / 24 + 1);
    std::string rebuilt;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::size_t start = i * 24, end = std::min(ids.size(), start + 32);
        CHECK(parts[i] == tokenizer->detokenize(std::span<const std::int32_t>(ids).subspan(start, end - start)));
        if (i + 1 < parts.size())
            rebuilt += tokenizer->detokenize(std::span<const std::int32_t>(ids).subspan(start, 24));
        else
            rebuilt += parts[i];
    }
    CHECK(rebuilt == text); // the windows without their overlaps give the text back

    const RecursiveCharacterTextSplitter by_tokens({.chunk_size = 48, .chunk_overlap = 20, .length_function = count});
    const std::vector<std::string> chunks = by_tokens.split_text(text);
    REQUIRE(chunks.size() > 5);
    for (const std::string& chunk : chunks)
        CHECK(count(chunk) <= 48);
    // Lines are whole (the "\n" separator suffices at this size) and consecutive chunks share a line.
    CHECK(chunks[0].starts_with("The smith oils sword number 0 "));
    CHECK(chunks[1].find(chunks[0].substr(chunks[0].rfind('\n') + 1)) == 0);
}
