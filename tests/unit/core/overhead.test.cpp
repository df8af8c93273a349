// Framework overhead of the core, measured (hidden tag: run `braid_unit_core "[.bench]"` on a release build).
#include "helpers.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace core_test;

namespace core_test {

template <class F>
double median_ns(F&& body, int ops, int runs = 15) {
    std::vector<double> samples;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < ops; ++i)
            body(i);
        samples.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / ops);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

volatile long sink = 0;

} // namespace core_test

TEST_CASE("[overhead] invoke of a 3-step chain", "[.bench]") {
    auto f1 = [](const long& x) { return x + 1; };
    auto f2 = [](const long& x) { return x * 3; };
    auto f3 = [](const long& x) { return x - 2; };
    auto chain = braid::Lambda(f1) | braid::Lambda(f2) | braid::Lambda(f3);
    const int ops = 200000;
    const double direct = median_ns([&](int i) { sink = sink + f3(f2(f1(i))); }, ops);
    const double framed = median_ns([&](int i) { sink = sink + chain.invoke(i); }, ops);
    std::printf("3-step chain: direct %.1f ns, invoke %.1f ns, framework overhead %.1f ns per invoke\n", direct, framed,
                framed - direct);

    braid::Lambda v1([](const braid::Value& v) { return v; });
    auto vchain = v1 | v1 | v1;
    const braid::Value input = {{"q", "hello"}};
    const double value_chain = median_ns([&](int) { sink = sink + static_cast<long>(vchain.invoke(input).size()); }, ops / 4);
    std::printf("3-step Value chain (copies an object per step): %.1f ns per invoke\n", value_chain);

    const double streamed = median_ns([&](int i) {
        for (long c : chain.stream(i))
            sink = sink + c;
    }, ops / 10);
    std::printf("3-step chain stream (one chunk): %.1f ns\n", streamed);

    std::vector<long> inputs(1000);
    for (std::size_t i = 0; i < inputs.size(); ++i)
        inputs[i] = static_cast<long>(i);
    braid::RunConfig config;
    config.max_concurrency = 16;
    const double batch = median_ns([&](int) { sink = sink + chain.batch(inputs, config).back(); }, 20, 9) / 1000.0;
    std::printf("batch of 1000 through the chain: %.1f ns per item\n", batch);
    CHECK(framed > 0);
}
