// The stream property on damaged answers: real answers of every family, cut, with bytes dropped,
// repeated or replaced by marker fragments (a fixed pseudo-random sequence), streamed in random pieces:
// the chunks always add up to the whole parse, and the stream fails exactly when the whole parse fails.
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "braid/models/tool_call_parser.hpp"
#include "unit/models/tool_formats_stream_util.hpp"

namespace {

struct StreamSeed {
    braid::ToolCallFormat format;
    bool thinking;
    std::string answer;
};

std::vector<StreamSeed> stream_seeds() {
    using F = braid::ToolCallFormat;
    return {
        {F::hermes, false, "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": "
                           "\"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": "
                           "\"{\\\"tz\\\": \\\"CET\\\"}\"}\n</tool_call>"},
        {F::hermes, true, "<think>\nWeather in Paris.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", "
                          "\"arguments\": {\"location\": \"Paris\", \"days\": [1, 2.5e1, -3]}}\n</tool_call>"},
        {F::llama3, false, "{\"name\": \"get_weather\", \"parameters\": {\"location\": \"Rome\"}}; "
                           "{\"type\": \"function\", \"name\": \"get_time\", \"parameters\": {}}"},
        {F::llama3, false, "Searching.<|python_tag|>brave_search.call(query=\"a \\\"b\\\"\", n=2, x=None)<|eom_id|>"},
        {F::llama3, false, "<|python_tag|>print('hi')\nx = {\"a\": 1}<|eom_id|>"},
        {F::mistral_nemo, false, "Sure.[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"location\": "
                                 "\"Paris\"}, \"id\": \"abcDEF123\"}, {\"name\": \"get_time\", \"arguments\": {}}]"},
        {F::mistral_nemo, false, "[TOOL_CALLS]get_weather[CALL_ID]a1b2c3d4e[ARGS]{\"location\": \"Oslo\"}"
                                 "[TOOL_CALLS]get_time[ARGS]{}"},
        {F::functionary_v3_2, false, "all\nText first.>>>get_weather\n{\"location\": \"Istanbul\"}>>>python\n"
                                     "print(1)"},
        {F::glm4, false, "get_weather\n{\"location\": \"北京\"}<|assistant|>get_time\n{}<|assistant|>\nDone."},
        {F::generic, true, "<think>plan</think>Sure.\n```json\n[{\"name\": \"get_weather\", \"arguments\": "
                           "{\"location\": \"Lima\"}}]\n```\nok"},
        {F::qwen3_coder, true, "<think>\nok\n</think>\nSure.\n<tool_call>\n<function=get_weather>\n<parameter=location>\n"
                               "Paris\n</parameter>\n<parameter=days>\n[1, 2]\n</parameter>\n</function>\n</tool_call>"},
        {F::generic, false, "{\"function\": {\"name\": \"get_time\", \"arguments\": \"{}\"}, \"id\": \"x1\"}"},
    };
}

const char* const fragments[] = {"<tool_call>", "</tool_call>", "[TOOL_CALLS]", ">>>", "<|python_tag|>", "<|eom_id|>",
                                 "<|assistant|>", "```", "<think>", "</think>", "{", "}", "\"", "[", "]", ",", "\n",
                                 "[ARGS]", "\\"};

std::string damage(const std::string& text, std::mt19937& rng) {
    std::string out = text;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !out.empty(); ++e) {
        const std::size_t at = rng() % out.size();
        const std::size_t len = 1 + rng() % 8;
        switch (rng() % 4) {
        case 0: out.erase(at, len); break;
        case 1: out.insert(at, out.substr(at, len)); break;
        case 2: out.insert(at, fragments[rng() % std::size(fragments)]); break;
        default: out.resize(at); break;
        }
    }
    return out;
}

} // namespace

TEST_CASE("[tool_formats] streams of damaged answers add up to the whole parse", "[unit]") {
    std::mt19937 rng(20261207);
    std::size_t failures_seen = 0;
    for (const StreamSeed& seed : stream_seeds()) {
        for (int lenient = 0; lenient < 2; ++lenient) {
            braid::ToolCallSyntax syntax;
            syntax.format = seed.format;
            syntax.thinking = seed.thinking;
            braid::ToolCallParseOptions options;
            options.malformed_as_content = lenient == 1;
            tool_test::check_every_split(seed.answer, syntax, options);
            for (int n = 0; n < 150; ++n) {
                const std::string text = damage(seed.answer, rng);
                std::vector<std::size_t> cuts;
                for (std::size_t at = 1 + rng() % 5; at < text.size(); at += 1 + rng() % 7) cuts.push_back(at);
                const std::string whole =
                    tool_test::outcome([&] { return braid::parse_tool_calls(text, syntax, options); });
                const std::string streamed =
                    tool_test::outcome([&] { return tool_test::stream_sum(text, cuts, syntax, options).to_message(); });
                INFO(braid::to_string(seed.format) << (lenient ? " lenient" : " strict") << ": " << text);
                CHECK(streamed == whole);
                if (whole.starts_with("error:")) ++failures_seen;
            }
        }
    }
    CHECK(failures_seen > 100); // the damage does reach the error paths
}
