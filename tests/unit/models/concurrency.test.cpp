// One prompt | model | parser chain shared by 16 threads, 2,000 runs each (clean under the tsan preset).
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

TEST_CASE("[chains] one chain from 16 threads x 2000 runs gives identical results", "[unit]") {
    using braid::Value;
    braid::testing::FakeChatModel::Config config;
    config.responses = {braid::testing::FakeResponse::text("Paris is the capital of France.")};
    config.record = false;
    const braid::testing::FakeChatModel model(config);
    const auto prompt = braid::ChatPromptTemplate::from_messages({{"system", "You are {role}."}, {"user", "{q}"}});
    const auto chain = prompt | model | braid::StrOutputParser();
    const auto json_chain = prompt | braid::testing::FakeChatModel(std::vector<std::string>{"{\"a\": [1, 2]}"}) |
                            braid::JsonOutputParser();

    constexpr int threads = 16;
    constexpr int runs = 2000;
    std::atomic<int> wrong{0};
    std::atomic<int> done{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const Value input = {{"role", "a guide"}, {"q", "Capital of France? (thread " + std::to_string(t) + ")"}};
            for (int i = 0; i < runs; ++i) {
                bool ok = false;
                if (i % 50 == 49) {
                    // Now and then a streamed run, and one through the JSON parser.
                    std::string text;
                    for (const std::string& piece : chain.stream(input))
                        text += piece;
                    ok = text == "Paris is the capital of France." &&
                         json_chain.stream(input).collect().back() == Value{{"a", {1, 2}}};
                } else {
                    ok = chain.invoke(input) == "Paris is the capital of France.";
                }
                if (!ok)
                    wrong.fetch_add(1);
                done.fetch_add(1);
            }
        });
    }
    for (auto& w : workers)
        w.join();
    CHECK(wrong.load() == 0);
    CHECK(done.load() == threads * runs);
    CHECK(model.call_count() == static_cast<std::size_t>(threads * runs));
}
