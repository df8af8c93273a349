// Session restore benchmark: putting a conversation's KV state back (Context::restore_sequence) versus
// recomputing it from its tokens — the figure of issue 11 ("session restore of a 2,000-token
// conversation vs recomputing it: target ≥ 20× faster").
//
// A conversation of N tokens (default 2,000; pseudo-random ids of the vocabulary, seeded) is decoded
// once (timed: recompute_ms, prompt processing in chunks of 512), saved to bytes and to a file, and
// restored from both, each restore timed as the median of 5 (the sequence is removed in between).
// The next token's logits after a restore must equal the original's bit for bit (checked, CPU).
//
// Usage: session_restore MODEL.gguf [threads=2] [tokens=2000] [backend=cpu|vulkan]
// The 180M speed model: `make_speed_model tests/data/models/stories260K.gguf speed-f16.gguf f16`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/model.hpp"
#include "braid/error.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace engine = braid::engine;

constexpr int kRestoreRepetitions = 5;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

template <class F>
double median_ms(F&& once) {
    std::vector<double> samples;
    for (int r = 0; r < kRestoreRepetitions; ++r) {
        const auto t0 = Clock::now();
        once();
        samples.push_back(ms_since(t0));
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

} // namespace

int main(int argc, char** argv) try {
    if (argc < 2) {
        std::fprintf(stderr, "usage: session_restore MODEL.gguf [threads=2] [tokens=2000] [backend=cpu|vulkan]\n");
        return 2;
    }
    const std::string path = argv[1];
    const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
    const int n_tokens = argc > 3 ? std::stoi(argv[3]) : 2000;
    const std::string backend = argc > 4 ? argv[4] : "cpu";
    const engine::Model model = engine::Model::load(path);
    engine::ContextOptions options;
    options.n_ctx = n_tokens + 16;
    options.threads = threads;
    options.backend = backend == "vulkan" ? engine::BackendKind::vulkan : engine::BackendKind::cpu;
    engine::Context ctx = engine::Context::create(model, options);

    std::mt19937 rng(42);
    std::vector<engine::TokenId> tokens(static_cast<std::size_t>(n_tokens));
    for (auto& t : tokens)
        t = static_cast<engine::TokenId>(rng() % static_cast<std::uint32_t>(model.info().n_vocab));
    const std::vector<engine::TokenId> history(tokens.begin(), tokens.end() - 1);
    const engine::TokenId last[] = {tokens.back()};

    auto t0 = Clock::now();
    ctx.eval(history);
    const double recompute_ms = ms_since(t0);
    const auto expected = ctx.eval(last);
    const std::vector<float> expected_row(expected.begin(), expected.end());
    ctx.remove(0, static_cast<std::int32_t>(history.size()));

    t0 = Clock::now();
    const std::vector<std::byte> session = ctx.save_sequence(0, history);
    const double save_ms = ms_since(t0);
    const std::filesystem::path file = std::filesystem::temp_directory_path() / "braid-bench-session.bin";
    t0 = Clock::now();
    ctx.save_sequence_to(0, file, history);
    const double save_file_ms = ms_since(t0);

    const double restore_ms = median_ms([&] {
        ctx.remove(0);
        ctx.restore_sequence(0, session);
    });
    const double restore_file_ms = median_ms([&] {
        ctx.remove(0);
        ctx.restore_sequence_from(0, file);
    });
    const auto after = ctx.eval(last);
    const bool exact = std::equal(after.begin(), after.end(), expected_row.begin(), expected_row.end());
    std::filesystem::remove(file);

    std::printf("{\"model\":\"%s\",\"device\":\"%s\",\"tokens\":%d,\"session_bytes\":%zu,\"recompute_ms\":%.1f,\"save_ms\":%.2f,"
                "\"save_file_ms\":%.2f,\"restore_ms\":%.2f,\"restore_file_ms\":%.2f,\"speedup\":%.1f,\"speedup_file\":%.1f,"
                "\"logits_identical\":%s}\n",
                std::filesystem::path(path).filename().string().c_str(), ctx.device_name().c_str(), n_tokens - 1, session.size(),
                recompute_ms, save_ms, save_file_ms, restore_ms, restore_file_ms, recompute_ms / restore_ms, recompute_ms / restore_file_ms,
                exact ? "true" : "false");
    return exact || backend != "cpu" ? 0 : 1;
} catch (const braid::Error& e) {
    std::fprintf(stderr, "session_restore: %s\n", e.what());
    return 1;
}
