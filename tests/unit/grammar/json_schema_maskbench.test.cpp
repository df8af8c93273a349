// MaskBench files (tests/data/schemas/maskbench) through the benchmark's procedure: compile the schema,
// then for each test serialize the instance as Python's json.dumps does, tokenize it (gpt-2 vocabulary)
// and feed it token by token through the mask; valid instances must pass to the end, invalid ones must
// be stopped at some token.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "braid/engine/grammar.hpp"
#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/json_schema.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/engine/tokenizer.hpp"

using namespace braid::engine;
using Json = nlohmann::ordered_json;

TEST_CASE("[json_schema] MaskBench files pass the benchmark's procedure", "[unit]") {
    const std::filesystem::path dir = std::filesystem::path(BRAID_TEST_DATA_DIR) / "schemas" / "maskbench";
    auto tokenizer = load_tokenizer(std::filesystem::path(BRAID_TEST_DATA_DIR) / "vocab" / "ggml-vocab-gpt-2.gguf");
    auto index = TokenIndex::build(*tokenizer);
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".json") files.push_back(e.path());
    REQUIRE(files.size() == 8);
    std::size_t tests_run = 0;
    std::vector<std::uint32_t> mask;
    for (const auto& f : files) {
        std::ifstream in(f);
        const Json file = Json::parse(in);
        INFO(f.filename().string());
        GrammarMatcher matcher(Grammar::from_gbnf(json_schema_to_gbnf(file["schema"])), index);
        for (const auto& t : file["tests"]) {
            const std::string text = to_python_json(t["data"]);
            INFO(text);
            matcher.reset();
            bool accepted = true;
            for (TokenId id : tokenizer->tokenize(text)) {
                matcher.fill_mask(mask);
                const bool allowed = (mask[id / 32] >> (id % 32)) & 1u;
                if (!allowed) {
                    accepted = false;
                    break;
                }
                REQUIRE(matcher.accept_token(id));
            }
            CHECK(accepted == t["valid"].get<bool>());
            ++tests_run;
        }
    }
    CHECK(tests_run == 29);
}
