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
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/dot.hpp"
#include "backend/cpu/isa.hpp"
#include "backend/cpu/packed_matmul.hpp"
#include "backend/cpu/repack.hpp"
#include "braid/engine/quant.hpp"
#include "braid/engine/tensor_type.hpp"
#include "speed_layer.hpp"
#include "thread_time.hpp"

namespace {

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;
using engine::TensorType;

using bench::best_seconds;
using bench::Shape;
using bench::shape_weight;
using bench::shapes;

constexpr double model_macs_per_token = 181.4e6;

// The interleaved groups of an n × k weight of @p type, quantized from normal floats.
std::vector<std::byte> packed_weights(TensorType type, std::int64_t k, std::int64_t n, std::mt19937& rng) {
    const std::vector<std::byte> w = bench::random_weights(type, k, n, rng);
    std::vector<std::byte> packed(cpu::packed_group_bytes(type, k) * static_cast<std::size_t>(n / 8));
    cpu::repack_rows(type, w.data(), packed.data(), n, k);
    return packed;
}

// CPU seconds of one product of @p tokens activation rows (quantized to @p block-value blocks) with the
// interleaved weight @p w.
template <class Block, class Kernel>
double product_seconds(Kernel kernel, void (*quantize)(const float*, Block*, std::int64_t), std::int64_t block,
                       const std::vector<std::byte>& w, std::size_t group_bytes, const Shape& sh, const std::vector<float>& x,
                       std::int64_t tokens, std::vector<float>& y, double budget) {
    const std::int64_t blocks = sh.k / block;
    std::vector<Block> q(static_cast<std::size_t>(tokens * blocks));
    for (std::int64_t i = 0; i < tokens; ++i)
        quantize(x.data() + i * sh.k, q.data() + i * blocks, sh.k);
    const std::int64_t tile = cpu::token_tile(static_cast<std::size_t>(blocks) * sizeof(Block));
    return best_seconds(budget, [&] {
        cpu::packed_matmul(kernel, w.data(), group_bytes, 0, sh.n, q.data(), blocks, tokens, y.data(), sh.n, tile);
    });
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
        const double t = k_quant ? product_seconds<cpu::BlockQ8K>(cpu::packed_dot_k(type), cpu::avx2::quantize_row_q8k, 256, w,
                                                                  group_bytes, sh, x, tokens, y, budget)
                                 : product_seconds<cpu::BlockQ8>(cpu::packed_dot(type), cpu::avx2::quantize_row_q8, 32, w,
                                                                 group_bytes, sh, x, tokens, y, budget);
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
