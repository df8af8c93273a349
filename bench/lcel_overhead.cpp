// LCEL overhead benchmark: the chains LangChain.js was measured with (110 / 236 / 242 µs per op on this
// machine), composed with braid's runnables and run end to end with the scripted FakeChatModel, so what
// is timed is the framework and the steps (template formatting, message copies, the fake model, the
// parser), not a model.
//
//   chain1: ChatPromptTemplate(system + user) | FakeChatModel | StrOutputParser, invoke
//   chain2: Parallel{a: Passthrough, b: Lambda} | Lambda | prompt | model | parser, invoke
//   batch:  1000 inputs through chain1 with Runnable::batch, max_concurrency 16
//
// Prints exactly three lines: chain1_invoke_us=..., chain2_invoke_us=..., batch1000_us_per_item=...
// Each figure is the median over repeated runs. `lcel_overhead N` makes every run N times longer.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "braid/core/lambda.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using braid::Value;

braid::testing::FakeChatModel fake_model() {
    braid::testing::FakeChatModel::Config config;
    config.responses = {braid::testing::FakeResponse::text("Paris is the capital of France.")};
    config.record = false; // LangChain's fake list model keeps no record either
    return braid::testing::FakeChatModel(config);
}

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
    const int scale = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
    const Value input = {{"role", "a helpful assistant"}, {"q", "What is the capital of France?"}};

    const auto prompt = braid::ChatPromptTemplate::from_messages({{"system", "You are {role}."}, {"user", "{q}"}});
    const auto chain1 = prompt | fake_model() | braid::StrOutputParser();
    const auto length = braid::Lambda([](const Value& v) { return Value(v["q"].get<std::string>().size()); }, "length");
    const auto chain2 = braid::Parallel({{"a", braid::Passthrough()}, {"b", length}}) |
                        braid::Lambda([](const Value& v) {
                            // The prompt's variables from the parallel step's output.
                            return Value{{"role", v["a"]["role"]},
                                         {"q", v["a"]["q"].get<std::string>() + " (" + v["b"].dump() + " chars)"}};
                        }, "shape") |
                        prompt | fake_model() | braid::StrOutputParser();
    if (chain1.invoke(input) != "Paris is the capital of France." || chain2.invoke(input) != chain1.invoke(input)) {
        std::fprintf(stderr, "lcel_overhead: unexpected chain output\n");
        return 1;
    }

    const int iterations = 20000 * scale;
    const double c1 = median_us_per_op(
        [&] {
            for (int i = 0; i < iterations; ++i)
                sink = sink + chain1.invoke(input).size();
        },
        iterations, 15);
    const double c2 = median_us_per_op(
        [&] {
            for (int i = 0; i < iterations; ++i)
                sink = sink + chain2.invoke(input).size();
        },
        iterations, 15);

    constexpr int batch_size = 1000;
    std::vector<Value> inputs(batch_size, input);
    for (int i = 0; i < batch_size; ++i)
        inputs[static_cast<std::size_t>(i)]["q"] = "Question " + std::to_string(i) + "?";
    braid::RunConfig config;
    config.max_concurrency = 16;
    const int batches = 20 * scale;
    const double b = median_us_per_op(
        [&] {
            for (int n = 0; n < batches; ++n)
                sink = sink + chain1.batch(inputs, config).back().size();
        },
        batches * batch_size, 9);

    std::printf("chain1_invoke_us=%.3f\nchain2_invoke_us=%.3f\nbatch1000_us_per_item=%.3f\n", c1, c2, b);
    return static_cast<int>(sink == 0);
}
