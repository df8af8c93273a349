// Quantized-weight products (packed_matmul.hpp, eight interleaved rows per kernel call) on one thread, for
// 1, 8 and 128 tokens per pass: the rate that bounds token generation with several requests at once.
//
// One request reads every weight once per token and waits on memory; eight requests read them once per
// eight tokens, so a pass is bound by these products instead: at R GMAC per second and thread, a model
// with M multiply-adds of weights per token cannot decode more than threads · R / M tokens per second,
// whatever else the pass does. The figures use the weight shapes of bench/make_speed_model's 180M model
// (1024-wide, FFN 2816, 4 KV heads of 64; M = 181 M with the output), weighted as a layer runs them, and
// print that bound for two threads. Times are thread CPU time, the best of several runs.
//
// Usage: packed_matmul [seconds per figure (0.3)]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/dot.hpp"
#include "backend/cpu/isa.hpp"
#include "backend/cpu/packed_matmul.hpp"
#include "backend/cpu/repack.hpp"
#include "braid/engine/quant.hpp"
#include "braid/engine/tensor_type.hpp"

namespace {

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;
using engine::TensorType;

double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

template <class F>
double best_seconds(double budget, F&& once) {
    double best = 1e30;
    const double start = thread_seconds();
    do {
        const double t0 = thread_seconds();
        once();
        best = std::min(best, thread_seconds() - t0);
    } while (thread_seconds() - start < budget);
    return best;
}

struct Shape {
    const char* name;
    std::int64_t k, n; // row length, rows
};

// Per layer: q and o (1024 × 1024), k and v (256 × 1024), gate and up (2816 × 1024), down (1024 × 2816).
constexpr Shape shapes[] = {{"q,o", 1024, 1024}, {"k,v", 1024, 256}, {"gate,up", 1024, 2816}, {"down", 2816, 1024}};
constexpr int shape_weight[] = {2, 2, 2, 1};
constexpr double model_macs_per_token = 181.4e6;

// The interleaved groups of an n × k weight of @p type, quantized from normal floats.
std::vector<std::byte> packed_weights(TensorType type, std::int64_t k, std::int64_t n, std::mt19937& rng) {
    std::normal_distribution<float> normal(0.0f, 0.05f);
    std::vector<float> row(static_cast<std::size_t>(k));
    const std::size_t rb = static_cast<std::size_t>(engine::row_bytes(type, k));
    std::vector<std::byte> w(rb * static_cast<std::size_t>(n));
    for (std::int64_t r = 0; r < n; ++r) {
        for (float& v : row)
            v = normal(rng);
        engine::quantize_row(type, row.data(), w.data() + rb * static_cast<std::size_t>(r), k);
    }
    std::vector<std::byte> packed(cpu::packed_group_bytes(type, k) * static_cast<std::size_t>(n / 8));
    cpu::repack_rows(type, w.data(), packed.data(), n, k);
    return packed;
}

// GMAC per CPU second of the layer's products for @p tokens tokens.
double layer_gmacs(TensorType type, std::int64_t tokens, double budget) {
    const bool k_quant = cpu::packed_dot_k(type) != nullptr;
    std::mt19937 rng(7);
    double macs = 0, seconds = 0;
    for (std::size_t s = 0; s < std::size(shapes); ++s) {
        const Shape& sh = shapes[s];
        const std::vector<std::byte> w = packed_weights(type, sh.k, sh.n, rng);
        const std::size_t group_bytes = cpu::packed_group_bytes(type, sh.k);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> x(static_cast<std::size_t>(tokens * sh.k)), y(static_cast<std::size_t>(tokens * sh.n));
        for (float& v : x)
            v = normal(rng);
        double t = 0;
        if (k_quant) {
            const std::int64_t blocks = sh.k / 256;
            std::vector<cpu::BlockQ8K> q(static_cast<std::size_t>(tokens * blocks));
            for (std::int64_t i = 0; i < tokens; ++i)
                cpu::avx2::quantize_row_q8k(x.data() + i * sh.k, q.data() + i * blocks, sh.k);
            const std::int64_t tile = cpu::token_tile(static_cast<std::size_t>(blocks) * sizeof(cpu::BlockQ8K));
            t = best_seconds(budget, [&] {
                cpu::packed_matmul(cpu::packed_dot_k(type), w.data(), group_bytes, 0, sh.n, q.data(), blocks, tokens, y.data(),
                                   sh.n, tile);
            });
        } else {
            const std::int64_t blocks = sh.k / 32;
            std::vector<cpu::BlockQ8> q(static_cast<std::size_t>(tokens * blocks));
            for (std::int64_t i = 0; i < tokens; ++i)
                cpu::avx2::quantize_row_q8(x.data() + i * sh.k, q.data() + i * blocks, sh.k);
            const std::int64_t tile = cpu::token_tile(static_cast<std::size_t>(blocks) * sizeof(cpu::BlockQ8));
            t = best_seconds(budget, [&] {
                cpu::packed_matmul(cpu::packed_dot(type), w.data(), group_bytes, 0, sh.n, q.data(), blocks, tokens, y.data(), sh.n,
                                   tile);
            });
        }
        macs += shape_weight[s] * static_cast<double>(sh.k * sh.n * tokens);
        seconds += shape_weight[s] * t;
    }
    return macs / seconds * 1e-9;
}

} // namespace

int main(int argc, char** argv) {
    const double budget = argc > 1 ? std::atof(argv[1]) : 0.3;
    if (!(budget > 0)) {
        std::fprintf(stderr, "usage: packed_matmul [seconds per figure (> 0)]\n");
        return 2;
    }
    if (cpu::active_isa() != cpu::Isa::avx2) {
        std::printf("packed_matmul: the interleaved kernels are AVX2 kernels; this CPU runs the portable ones\n");
        return 0;
    }
    std::printf("packed_matmul: one thread, the 180M speed model's layer, GMAC per CPU second\n");
    std::printf("%-6s %9s %9s %9s   %s\n", "type", "1 token", "8 tokens", "128 tok", "8 requests on 2 threads: at most");
    const std::int64_t token_counts[] = {1, 8, 128};
    for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q6_K}) {
        double g[3];
        for (int i = 0; i < 3; ++i)
            g[i] = layer_gmacs(type, token_counts[i], budget);
        std::printf("%-6s %9.1f %9.1f %9.1f   %.0f tok/s (%.1f ms of products per pass)\n", std::string(engine::tensor_type_name(type)).c_str(), g[0],
                    g[1], g[2], 2 * g[1] * 1e9 / model_macs_per_token, 8 * model_macs_per_token / (2 * g[1] * 1e9) * 1e3);
    }
    return 0;
}
