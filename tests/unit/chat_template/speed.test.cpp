// Render and parse time of real chat templates, measured (hidden tag: run
// `braid_unit_chat_template "[.bench]"` on a release build). Figures are medians of 15 runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>

#include "unit/chat_template/template_test_util.hpp"

using namespace braid::engine;

namespace {

template <class F>
double median_us(F&& body, int ops, int runs = 15) {
    std::vector<double> samples;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < ops; ++i) body();
        samples.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / ops);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

volatile std::size_t sink = 0;

} // namespace

TEST_CASE("[chat_template] render time of real templates", "[.bench]") {
    const auto cases = braid_test::load_cases();
    ChatTemplateRenderOptions options;
    options.now = braid_test::reference_now();
    std::printf("%-44s %6s %10s %10s %10s\n", "template", "bytes", "parse us", "render c", "render e");
    std::vector<double> renders;
    for (const char* name : {"teknium-OpenHermes-2.5-Mistral-7B-chatml", "meta-llama-Meta-Llama-3-8B-Instruct",
                             "google-gemma-3-270m-it", "Qwen-Qwen2.5-7B-Instruct", "Qwen-Qwen3-0.6B",
                             "meta-llama-Llama-3.2-3B-Instruct", "mistralai-Mistral-Nemo-Instruct-2407",
                             "HuggingFaceTB-SmolLM3-3B", "Qwen3.5-4B", "google-gemma-4-31B-it", "Apertus-8B-Instruct",
                             "meetkai-functionary-medium-v3.2"}) {
        const std::string source = braid_test::read_file(braid_test::templates_dir() + "/" + name + ".jinja");
        const double parse = median_us([&] { sink = sink + ChatTemplate(source).source().size(); }, 50);
        const ChatTemplate tmpl(source);
        double times[2] = {0, 0};
        int k = 0;
        for (const char* conversation : {"c", "e"}) {
            const auto it = std::find_if(cases.begin(), cases.end(), [&](const braid_test::Case& c) {
                return c.name == std::string(name) + "/" + conversation;
            });
            REQUIRE(it != cases.end());
            if (it->expects_error) {
                times[k++] = -1;
                continue;
            }
            times[k++] = median_us([&] { sink = sink + tmpl.render(it->context, options).size(); }, 200);
            renders.push_back(times[k - 1]);
        }
        std::printf("%-44s %6zu %10.1f %10.1f %10.1f\n", name, source.size(), parse, times[0], times[1]);
    }
    std::sort(renders.begin(), renders.end());
    std::printf("median render over those: %.1f us\n", renders[renders.size() / 2]);
    CHECK(!renders.empty());
}
