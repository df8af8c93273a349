// Embeddings throughput: texts per second embedded one by one (engine::embed, one sequence per pass)
// versus batched (engine::embed_batch: up to n_batch tokens and n_seq_max texts per pass) and through
// LocalEmbeddings (the same batching behind the Embeddings interface).
//
// The texts are N sentences of 6 to 24 words (seeded), like chunks of a document being indexed.
//
// Usage: embeddings_throughput [MODEL.gguf=tests/data/models/tiny-bert-f16.gguf] [threads=2] [texts=512]
//        [n_batch=512] [n_seq_max=32]
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/embedding.hpp"
#include "braid/error.hpp"
#include "braid/models/local_embeddings.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace engine = braid::engine;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<std::string> make_texts(int n) {
    const char* words[] = {"the",    "river",  "flows",  "past",    "an",     "old",   "mill",   "where", "children", "play",
                           "quietly", "under", "bright", "morning", "light",  "while", "market", "sells", "copper",   "lanterns",
                           "and",    "fresh",  "bread",  "to",      "people", "from",  "harbor", "towns", "near",     "hills"};
    std::mt19937 rng(7);
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        std::string t;
        const int count = 6 + static_cast<int>(rng() % 19);
        for (int w = 0; w < count; ++w)
            t += std::string(w ? " " : "") + words[rng() % (sizeof words / sizeof *words)];
        out.push_back(t + ".");
    }
    return out;
}

} // namespace

int main(int argc, char** argv) try {
    const std::string path = argc > 1 ? argv[1] : BRAID_BENCH_DEFAULT_EMBEDDING_MODEL;
    const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
    const int n = argc > 3 ? std::stoi(argv[3]) : 512;
    const std::int64_t n_batch = argc > 4 ? std::stoll(argv[4]) : 512;
    const int n_seq = argc > 5 ? std::stoi(argv[5]) : 32;
    const auto model = std::make_shared<const engine::Model>(engine::Model::load(path));
    const std::vector<std::string> texts = make_texts(n);

    engine::ContextOptions options;
    options.backend = engine::BackendKind::cpu;
    options.threads = threads;
    options.n_batch = n_batch;
    options.n_ctx = n_batch;
    options.n_seq_max = n_seq;
    engine::Context ctx = engine::Context::create(*model, options);
    engine::embed(ctx, texts[0]); // warm-up: plans and scratch memory
    auto t0 = Clock::now();
    std::size_t tokens = 0;
    for (const std::string& t : texts)
        tokens += engine::embed(ctx, t).tokens;
    const double one_s = seconds_since(t0);
    engine::embed_batch(ctx, std::span(texts).first(std::min<std::size_t>(texts.size(), 64)));
    t0 = Clock::now();
    engine::embed_batch(ctx, texts);
    const double batch_s = seconds_since(t0);

    braid::LocalEmbeddingsOptions lo;
    lo.backend = engine::BackendKind::cpu;
    lo.threads = threads;
    lo.batch_size = n_batch;
    lo.max_sequences = n_seq;
    const braid::LocalEmbeddings local(model, lo);
    local.embed_query("warm-up");
    t0 = Clock::now();
    local.embed_documents(texts);
    const double local_s = seconds_since(t0);

    std::printf("{\"model\":\"%s\",\"threads\":%d,\"texts\":%d,\"tokens\":%zu,\"n_batch\":%lld,\"n_seq_max\":%d,"
                "\"one_by_one_per_s\":%.1f,\"batched_per_s\":%.1f,\"local_embeddings_per_s\":%.1f,\"speedup\":%.2f}\n",
                model->info().name.empty() ? model->info().architecture.c_str() : model->info().name.c_str(), threads, n, tokens,
                static_cast<long long>(n_batch), n_seq, n / one_s, n / batch_s, n / local_s, one_s / batch_s);
    return 0;
} catch (const braid::Error& e) {
    std::fprintf(stderr, "embeddings_throughput: %s\n", e.what());
    return 1;
}
