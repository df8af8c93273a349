// The float-weight batch product (float_matmul.hpp), as prompt processing runs it, against the float
// reference (weights converted to floats, products summed in double): F32, F16 and BF16 weights, row
// lengths with and without a tail after the last 16-value chunk, weight slices that start and end
// inside the weight (whole tiles and leftover rows), batches of 1 … 70 tokens. Also the packed order of
// the BF16 pair tile's activations, and the kernels' refusal of a type without tiles.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "backend/cpu/dot.hpp"
#include "backend/cpu/float_matmul.hpp"
#include "backend/cpu/isa.hpp"
#include "braid/engine/quant.hpp"
#include "braid/engine/tensor_type.hpp"
#include "braid/error.hpp"

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;
using engine::TensorType;

namespace {

std::vector<float> float_matmul_normals(std::size_t n, float sigma, std::mt19937& rng) {
    std::normal_distribution<float> normal(0.0f, sigma);
    std::vector<float> v(n);
    for (float& x : v)
        x = normal(rng);
    return v;
}

// Rows [r0, r1) × @p tokens tokens through float_matmul, every cell against the double-precision sum of
// the converted weights times the activations; cells outside the slice must stay untouched.
void check_float_slice(TensorType type, const cpu::DotKernel& kernel, std::int64_t k, std::int64_t rows, std::int64_t tokens,
                       std::int64_t r0, std::int64_t r1, const std::vector<std::byte>& w, const std::vector<float>& wf,
                       const std::vector<float>& x) {
    const std::size_t rb = static_cast<std::size_t>(engine::row_bytes(type, k));
    const float untouched = -12345.0f;
    std::vector<float> y(static_cast<std::size_t>(tokens * rows), untouched);
    std::vector<float> packed;
    cpu::float_matmul(kernel, w.data(), rb, k, r0, r1, x.data(), tokens, y.data(), rows, packed);
    int bad = 0;
    for (std::int64_t t = 0; t < tokens; ++t)
        for (std::int64_t r = 0; r < rows; ++r) {
            const float got = y[static_cast<std::size_t>(t * rows + r)];
            if (r < r0 || r >= r1) {
                if (got != untouched && bad++ < 5)
                    FAIL_CHECK("token " << t << " row " << r << " outside rows " << r0 << "…" << r1 << " was written");
                continue;
            }
            double want = 0, norm_w = 0, norm_x = 0;
            for (std::int64_t i = 0; i < k; ++i) {
                const double a = wf[static_cast<std::size_t>(r * k + i)], b = x[static_cast<std::size_t>(t * k + i)];
                want += a * b;
                norm_w += a * a;
                norm_x += b * b;
            }
            // fp32 accumulation of k products: a few ulps of the magnitudes summed.
            const double bound = 1e-5 * std::sqrt(norm_w * norm_x) + 1e-6;
            if (!(std::fabs(got - want) <= bound) && bad++ < 5)
                FAIL_CHECK(engine::tensor_type_name(type) << " k=" << k << " tokens " << tokens << " rows " << r0 << "…" << r1
                                                          << ": token " << t << " row " << r << " got " << got << " want " << want);
        }
    CHECK(bad == 0);
}

} // namespace

TEST_CASE("[kernels] float_matmul: F32, F16 and BF16 tiles over 1 … 70 tokens match the float reference", "[engine]") {
    if (cpu::active_isa() != cpu::Isa::avx2)
        return; // the tiles are AVX2 kernels; the portable path keeps the one-row kernels
    std::mt19937 rng(16);
    for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16}) {
        const cpu::DotKernel kernel = cpu::dot_kernel(type, cpu::Isa::avx2);
        REQUIRE(kernel.tile != nullptr);
        // 5: no whole chunk; 16: one chunk, no tail; 37: two chunks and a tail of 5; 160: ten chunks.
        for (std::int64_t k : {std::int64_t{5}, std::int64_t{16}, std::int64_t{37}, std::int64_t{160}}) {
            DYNAMIC_SECTION(engine::tensor_type_name(type) << " k=" << k) {
                const std::int64_t rows = 20, max_tokens = 70;
                const std::vector<float> wf0 = float_matmul_normals(static_cast<std::size_t>(rows * k), 0.5f, rng);
                std::vector<std::byte> w(static_cast<std::size_t>(engine::row_bytes(type, k) * rows));
                engine::quantize_row(type, wf0.data(), w.data(), rows * k);
                std::vector<float> wf(wf0.size()); // the weights as the kernels see them
                engine::dequantize_row(type, w.data(), wf.data(), rows * k);
                const std::vector<float> x = float_matmul_normals(static_cast<std::size_t>(max_tokens * k), 1.0f, rng);
                for (std::int64_t tokens = 1; tokens <= max_tokens; ++tokens)
                    for (auto [r0, r1] : {std::pair<std::int64_t, std::int64_t>{0, rows}, {3, 15}, {4, 11}, {19, 20}, {7, 7}})
                        check_float_slice(type, kernel, k, rows, tokens, r0, r1, w, wf, x);
            }
        }
    }
}

TEST_CASE("[kernels] float_matmul: a token's products are the same bytes wherever the batch puts it", "[engine]") {
    if (cpu::active_isa() != cpu::Isa::avx2)
        return;
    std::mt19937 rng(61);
    for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16}) {
        const cpu::DotKernel kernel = cpu::dot_kernel(type, cpu::Isa::avx2);
        const std::int64_t k = 37, rows = 10, max_tokens = 11;
        const std::vector<float> wf = float_matmul_normals(static_cast<std::size_t>(rows * k), 0.5f, rng);
        std::vector<std::byte> w(static_cast<std::size_t>(engine::row_bytes(type, k) * rows));
        engine::quantize_row(type, wf.data(), w.data(), rows * k);
        const std::vector<float> x = float_matmul_normals(static_cast<std::size_t>(max_tokens * k), 1.0f, rng);
        std::vector<float> packed;
        // Batches of 4 … 11 tokens: token 4 is in a whole tile of four in some, among the last tokens in others.
        std::vector<float> first;
        for (std::int64_t tokens = 5; tokens <= max_tokens; ++tokens) {
            std::vector<float> y(static_cast<std::size_t>(tokens * rows));
            cpu::float_matmul(kernel, w.data(), static_cast<std::size_t>(engine::row_bytes(type, k)), k, 0, rows, x.data(),
                              tokens, y.data(), rows, packed);
            const std::vector<float> token4(y.begin() + 4 * rows, y.begin() + 5 * rows);
            if (first.empty())
                first = token4;
            INFO(engine::tensor_type_name(type) << ", " << tokens << " tokens");
            CHECK(std::memcmp(first.data(), token4.data(), token4.size() * sizeof(float)) == 0);
        }
    }
}

TEST_CASE("[kernels] BF16 pair tile: activations packed as even then odd values of each 16", "[engine]") {
    const cpu::DotKernel kernel = cpu::dot_kernel(TensorType::BF16, cpu::Isa::avx2);
    if (cpu::active_isa() != cpu::Isa::avx2 || kernel.pair_pack == nullptr)
        return; // x86-64 with AVX2 only
    REQUIRE(kernel.pair_tile != nullptr);
    const std::int64_t k = 37, stride = 40; // two chunks and a tail of five; rows 40 apart
    std::vector<float> x(static_cast<std::size_t>(cpu::tile_cols * stride));
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(i);
    std::vector<float> packed(static_cast<std::size_t>(cpu::tile_cols * k), -1.0f);
    kernel.pair_pack(x.data(), stride, k, packed.data());
    std::size_t at = 0;
    for (std::int64_t chunk = 0; chunk < k / 16; ++chunk)
        for (int c = 0; c < cpu::tile_cols; ++c) {
            for (int j = 0; j < 8; ++j, ++at)
                CHECK(packed[at] == static_cast<float>(c * stride + 16 * chunk + 2 * j));
            for (int j = 0; j < 8; ++j, ++at)
                CHECK(packed[at] == static_cast<float>(c * stride + 16 * chunk + 2 * j + 1));
        }
    for (int c = 0; c < cpu::tile_cols; ++c)
        for (std::int64_t j = k / 16 * 16; j < k; ++j, ++at)
            CHECK(packed[at] == static_cast<float>(c * stride + j));
    CHECK(at == packed.size());
}

TEST_CASE("[kernels] float_matmul refuses kernels without tiles and slices that are not products", "[engine]") {
    std::vector<std::byte> w(64);
    std::vector<float> x(64), y(64), packed;
    const cpu::DotKernel q4 = cpu::dot_kernel(TensorType::Q4_0, cpu::Isa::scalar);
    CHECK_THROWS_WITH(cpu::float_matmul(q4, w.data(), 18, 32, 0, 1, x.data(), 1, y.data(), 1, packed),
                      Catch::Contains("no float tile kernel"));
    if (cpu::active_isa() != cpu::Isa::avx2)
        return;
    const cpu::DotKernel f16 = cpu::dot_kernel(TensorType::F16, cpu::Isa::avx2);
    CHECK_THROWS_WITH(cpu::float_matmul(f16, w.data(), 8, 4, 3, 1, x.data(), 1, y.data(), 4, packed),
                      Catch::Contains("rows 3…1"));
    CHECK_THROWS_WITH(cpu::float_matmul(f16, w.data(), 8, 0, 0, 1, x.data(), 1, y.data(), 4, packed),
                      Catch::Contains("0 values"));
}
