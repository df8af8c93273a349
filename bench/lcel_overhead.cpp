// LCEL overhead benchmark: the chains LangChain.js was measured with (110 / 236 / 242 µs per op on this
// machine), end to end with the scripted FakeChatModel, so what is timed is the framework, not a model.
//
//   chain1: ChatPromptTemplate(system + user) | FakeChatModel | StrOutputParser, invoke
//   chain2: Parallel{a: Passthrough, b: Lambda} | Lambda | prompt | model | parser, invoke
//   batch:  1000 inputs through chain1, 16 at a time
//
// Prints exactly three lines: chain1_invoke_us=..., chain2_invoke_us=..., batch1000_us_per_item=...
// Each figure is the median over repeated runs.
//
// The runnable core (braid/core: Runnable, operator|, Parallel, Lambda, batch) has not landed yet, so the
// steps are composed here by direct calls, with a fixed pool of 16 worker threads for the batch: the
// figures are the cost of the prompt, model and parser steps themselves (template formatting, message
// copies, the fake model, the parser) without any composition overhead.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Chain1 {
    braid::ChatPromptTemplate prompt =
        braid::ChatPromptTemplate::from_messages({{"system", "You are {role}."}, {"user", "{q}"}});
    braid::testing::FakeChatModel model{[] {
        braid::testing::FakeChatModel::Config config;
        config.responses = {braid::testing::FakeResponse::text("Paris is the capital of France.")};
        config.record = false; // LangChain's fake list model keeps no record either
        return config;
    }()};
    braid::StrOutputParser parser;
    braid::GenerationOptions options;

    std::string operator()(const braid::Value& input) const {
        const braid::PromptValue prompt_value = prompt.format_prompt(input);
        const braid::Message answer = model.generate(prompt_value.messages(), options);
        return parser.parse(answer);
    }
};

struct Chain2 {
    const Chain1& tail;

    std::string operator()(const braid::Value& input) const {
        // Parallel{a: Passthrough, b: Lambda}
        braid::Value parallel = braid::Value::object();
        parallel["a"] = input;
        parallel["b"] = input["q"].get<std::string>().size();
        // Lambda: the prompt's variables from the parallel step's output
        braid::Value variables = {{"role", parallel["a"]["role"]},
                                  {"q", parallel["a"]["q"].get<std::string>() + " (" + parallel["b"].dump() + " chars)"}};
        return tail(variables);
    }
};

template <class F>
double median_us_per_op(F&& run_once, int ops_per_run, int runs) {
    std::vector<double> samples;
    for (int r = 0; r < runs; ++r) {
        const auto start = Clock::now();
        run_once();
        const std::chrono::duration<double, std::micro> elapsed = Clock::now() - start;
        samples.push_back(elapsed.count() / ops_per_run);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

volatile std::size_t sink = 0; // keeps results alive

} // namespace

int main(int argc, char** argv) {
    const int scale = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1; // "lcel_overhead 5": longer runs
    const braid::Value input = {{"role", "a helpful assistant"}, {"q", "What is the capital of France?"}};
    const Chain1 chain1;
    const Chain2 chain2{chain1};
    if (chain1(input) != "Paris is the capital of France." || chain2(input) != chain1(input)) {
        std::fprintf(stderr, "lcel_overhead: unexpected chain output\n");
        return 1;
    }

    const int iterations = 20000 * scale;
    const double c1 = median_us_per_op(
        [&] {
            for (int i = 0; i < iterations; ++i) {
                sink = sink + chain1(input).size();
            }
        },
        iterations, 15);
    const double c2 = median_us_per_op(
        [&] {
            for (int i = 0; i < iterations; ++i) {
                sink = sink + chain2(input).size();
            }
        },
        iterations, 15);

    constexpr int batch_size = 1000;
    constexpr int max_concurrency = 16;
    std::vector<braid::Value> inputs(batch_size, input);
    for (int i = 0; i < batch_size; ++i) {
        inputs[static_cast<std::size_t>(i)]["q"] = "Question " + std::to_string(i) + "?";
    }
    std::vector<std::string> outputs(batch_size);
    const int batches = 20 * scale;
    const double b = median_us_per_op(
        [&] {
            for (int n = 0; n < batches; ++n) {
                std::atomic<int> next{0};
                std::vector<std::thread> workers;
                for (int w = 0; w < max_concurrency; ++w) {
                    workers.emplace_back([&] {
                        for (int i = next++; i < batch_size; i = next++) {
                            outputs[static_cast<std::size_t>(i)] = chain1(inputs[static_cast<std::size_t>(i)]);
                        }
                    });
                }
                for (auto& worker : workers) {
                    worker.join();
                }
            }
        },
        batches * batch_size, 9);

    std::printf("chain1_invoke_us=%.3f\nchain2_invoke_us=%.3f\nbatch1000_us_per_item=%.3f\n", c1, c2, b);
    return static_cast<int>(sink == 0);
}
