// Float-weight products of prompt processing against the machine's FMA peak, on one thread.
//
// The roofline of F16/BF16 prompt processing on an AVX2 CPU: every weight product is an fp32 FMA, so a
// model's tokens/s cannot beat (FMA peak) / (2 · weight multiply-adds per token). This measures both:
//   fma_peak:  twelve independent chains of 256-bit FMAs (two FMA pipes × four cycles of latency need
//              eight or more), the most float arithmetic one core does;
//   float_matmul (float_matmul.hpp) on the weight shapes of bench/make_speed_model's 180M model (1024-wide,
//              FFN 2816, 4 KV heads of 64), for a batch of tokens: F16 and BF16 tiles, and BF16 with the
//              plain tile instead of the pair tile, as GFLOPS and as a share of the peak.
// Times are thread CPU time, the best of several runs, so that other processes on the machine distort
// them less than they distort wall time.
//
// Usage: float_matmul [tokens (128)] [seconds per figure (0.5)]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/dot.hpp"
#include "backend/cpu/float_matmul.hpp"
#include "backend/cpu/isa.hpp"
#include "braid/engine/quant.hpp"
#include "braid/engine/tensor_type.hpp"
#include "speed_layer.hpp"
#include "thread_time.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;
using engine::TensorType;

using bench::best_seconds;

#if defined(__x86_64__)
constexpr long fma_rounds = 20'000'000;

// Twelve independent accumulators, each a*b + c per round: 12 FMAs of 8 floats, 192 flops a round.
// Named variables, not an array: at -O2 an array would live in memory and the loop would time stores.
__attribute__((target("avx2,fma"))) float fma_chains() {
    __m256 a0 = _mm256_set1_ps(0.01f), a1 = _mm256_set1_ps(0.02f), a2 = _mm256_set1_ps(0.03f), a3 = _mm256_set1_ps(0.04f);
    __m256 a4 = _mm256_set1_ps(0.05f), a5 = _mm256_set1_ps(0.06f), a6 = _mm256_set1_ps(0.07f), a7 = _mm256_set1_ps(0.08f);
    __m256 a8 = _mm256_set1_ps(0.09f), a9 = _mm256_set1_ps(0.10f), a10 = _mm256_set1_ps(0.11f), a11 = _mm256_set1_ps(0.12f);
    const __m256 b = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(0.001f); // stays near 1: no denormals
    for (long r = 0; r < fma_rounds; ++r) {
        a0 = _mm256_fmadd_ps(a0, b, c);
        a1 = _mm256_fmadd_ps(a1, b, c);
        a2 = _mm256_fmadd_ps(a2, b, c);
        a3 = _mm256_fmadd_ps(a3, b, c);
        a4 = _mm256_fmadd_ps(a4, b, c);
        a5 = _mm256_fmadd_ps(a5, b, c);
        a6 = _mm256_fmadd_ps(a6, b, c);
        a7 = _mm256_fmadd_ps(a7, b, c);
        a8 = _mm256_fmadd_ps(a8, b, c);
        a9 = _mm256_fmadd_ps(a9, b, c);
        a10 = _mm256_fmadd_ps(a10, b, c);
        a11 = _mm256_fmadd_ps(a11, b, c);
    }
    const __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                                   _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)),
                                                 _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11))));
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
}
#endif

using bench::Shape;
using bench::random_weights;
using bench::shape_weight;
using bench::shapes;

// GFLOPS of float_matmul over the layer's shapes, weighted as a layer runs them.
double layer_gflops(const char* label, TensorType type, const cpu::DotKernel& kernel, std::int64_t tokens, double budget) {
    std::mt19937 rng(7);
    double flops = 0, seconds = 0;
    std::printf("%-16s", label);
    for (std::size_t s = 0; s < std::size(shapes); ++s) {
        const Shape& sh = shapes[s];
        const std::vector<std::byte> w = random_weights(type, sh.k, sh.n, rng);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> x(static_cast<std::size_t>(tokens * sh.k)), y(static_cast<std::size_t>(tokens * sh.n));
        for (float& v : x)
            v = normal(rng);
        std::vector<float> packed;
        const std::size_t rb = static_cast<std::size_t>(engine::row_bytes(type, sh.k));
        const double t = best_seconds(budget, [&] {
            cpu::float_matmul(kernel, w.data(), rb, sh.k, 0, sh.n, x.data(), tokens, y.data(), sh.n, packed);
        });
        const double f = 2.0 * static_cast<double>(sh.k * sh.n * tokens);
        std::printf("  %s %5.1f", sh.name, f / t * 1e-9);
        flops += shape_weight[s] * f;
        seconds += shape_weight[s] * t;
    }
    const double g = flops / seconds * 1e-9;
    std::printf("  | layer %5.1f GFLOPS", g);
    return g;
}

} // namespace

int main(int argc, char** argv) {
    const std::int64_t tokens = argc > 1 ? std::atoll(argv[1]) : 128;
    const double budget = argc > 2 ? std::atof(argv[2]) : 0.5;
    if (tokens < 1 || !(budget > 0)) {
        std::fprintf(stderr, "usage: float_matmul [tokens (≥ 1)] [seconds per figure (> 0)]\n");
        return 2;
    }
    if (cpu::active_isa() != cpu::Isa::avx2) {
        std::fprintf(stderr, "float_matmul: the tiles are AVX2 kernels and this CPU (or BRAID_CPU_ISA) runs the portable ones\n");
        return 1;
    }
#if defined(__x86_64__)
    float sink = 0;
    const double peak_s = best_seconds(budget, [&] { sink += fma_chains(); });
    const double peak = 192.0 * fma_rounds / peak_s * 1e-9;
    std::printf("fma_peak %.1f GFLOPS per core (check %g)\n", peak, static_cast<double>(sink));
#else
    const double peak = 0;
#endif
    std::printf("float_matmul, %lld tokens, one thread, GFLOPS per shape:\n", static_cast<long long>(tokens));
    auto line = [&](const char* label, TensorType type, cpu::DotKernel kernel) {
        const double g = layer_gflops(label, type, kernel, tokens, budget);
        if (peak > 0)
            std::printf(" = %.0f%% of peak", 100.0 * g / peak);
        std::printf("\n");
    };
    line("F16", TensorType::F16, cpu::dot_kernel(TensorType::F16, cpu::Isa::avx2));
    cpu::DotKernel bf16 = cpu::dot_kernel(TensorType::BF16, cpu::Isa::avx2);
    line("BF16 pair tile", TensorType::BF16, bf16);
    bf16.pair_pack = nullptr;
    bf16.pair_tile = nullptr;
    line("BF16 plain tile", TensorType::BF16, bf16);
    line("F32", TensorType::F32, cpu::dot_kernel(TensorType::F32, cpu::Isa::avx2));
    return 0;
}
