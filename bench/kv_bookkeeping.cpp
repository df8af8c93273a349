// KV cache bookkeeping benchmark: what one decode costs when many sequences share a context.
//
// A context holds 64 sequences of 63 cached tokens each (4,032 cells). Timed, each as the median of many
// repetitions (the tokens are removed again after each, so the cache stays as it was):
//   one_token_us:  a batch of one token of one sequence;
//   64_tokens_us:  a batch of 64 tokens, the next token of every sequence (what a scheduler decodes);
//   next_position_us: Context::next_position of one sequence.
// The model is tiny (stories260K by default) so that the cache's bookkeeping, not the arithmetic, shows.
//
// Usage: kv_bookkeeping [MODEL.gguf] [threads]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/model.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace engine = braid::engine;

constexpr int kSequences = 64;
constexpr int kCachedPerSequence = 63; // 4,032 cached tokens in all
constexpr int kRepetitions = 201;

template <class F>
double median_us(F&& once) {
    std::vector<double> samples;
    for (int r = 0; r < kRepetitions; ++r) {
        const auto t0 = Clock::now();
        once();
        samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    std::nth_element(samples.begin(), samples.begin() + kRepetitions / 2, samples.end());
    return samples[kRepetitions / 2];
}

} // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : BRAID_BENCH_DEFAULT_MODEL;
    const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
    const engine::Model model = engine::Model::load(path);
    engine::ContextOptions options;
    options.n_ctx = kSequences * (kCachedPerSequence + 1);
    options.n_seq_max = kSequences;
    options.threads = threads;
    options.backend = engine::BackendKind::cpu;
    engine::Context ctx = engine::Context::create(model, options);

    // Fill: every sequence gets kCachedPerSequence tokens, decoded a few sequences per batch.
    const engine::TokenId token = 100 % static_cast<engine::TokenId>(model.info().n_vocab);
    for (int s0 = 0; s0 < kSequences; s0 += 8) {
        engine::Batch fill;
        for (int s = s0; s < s0 + 8; ++s)
            for (int p = 0; p < kCachedPerSequence; ++p)
                fill.add(token, p, s, p + 1 == kCachedPerSequence);
        ctx.decode(fill);
    }

    const double one = median_us([&] {
        engine::Batch b;
        b.add(token, kCachedPerSequence, 0, true);
        ctx.decode(b);
        ctx.remove(0, kCachedPerSequence);
    });
    const double all = median_us([&] {
        engine::Batch b;
        for (int s = 0; s < kSequences; ++s)
            b.add(token, kCachedPerSequence, s, true);
        ctx.decode(b);
        for (int s = 0; s < kSequences; ++s)
            ctx.remove(s, kCachedPerSequence);
    });
    volatile std::int32_t sink = 0;
    const double next = median_us([&] { sink = sink + ctx.next_position(kSequences - 1); });
    std::printf("cached_tokens=%lld sequences=%d threads=%d\n", static_cast<long long>(ctx.n_used()), kSequences, threads);
    std::printf("one_token_us=%.1f\n64_tokens_us=%.1f\nnext_position_us=%.2f\n", one, all, next);
}
