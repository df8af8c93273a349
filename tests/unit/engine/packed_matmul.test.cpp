// The batch product over interleaved weight rows (packed_matmul.hpp), as prompt processing runs it,
// against the portable kernel on the file's layout: every type with an AVX2 interleaved kernel, weight
// slices that start and end inside the weight, batches of 1 … 70 tokens (whole and partial 4-token
// steps), token tiles smaller than the batch and the tile the backend picks.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "backend/cpu/dot.hpp"
#include "backend/cpu/isa.hpp"
#include "backend/cpu/packed_matmul.hpp"
#include "braid/engine/quant.hpp"
#include "braid/engine/tensor_type.hpp"
#include "braid/error.hpp"

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;
using engine::TensorType;

namespace {

std::vector<float> normal_floats(std::size_t n, std::mt19937& rng) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v)
        x = normal(rng);
    return v;
}

// A weight row of @p type: quantized from normal floats where braid quantizes the type, else random codes
// with small fp16 scales (and minimums) so the row holds finite numbers.
std::vector<std::byte> weight_row(TensorType type, std::int64_t k, std::mt19937& rng) {
    std::vector<std::byte> row(static_cast<std::size_t>(engine::row_bytes(type, k)));
    if (engine::can_quantize(type)) {
        const std::vector<float> x = normal_floats(static_cast<std::size_t>(k), rng);
        engine::quantize_row(type, x.data(), row.data(), k);
        return row;
    }
    std::uniform_int_distribution<int> byte(0, 255);
    for (std::byte& b : row)
        b = static_cast<std::byte>(byte(rng));
    if (type == TensorType::Q3_K) { // random codes and scales, a small fp16 d
        const std::uint16_t d = engine::fp32_to_fp16(0.01f);
        for (std::int64_t b = 0; b < k / 256; ++b)
            std::memcpy(row.data() + b * 110 + 108, &d, 2);
        return row;
    }
    const bool has_min = type == TensorType::Q4_1 || type == TensorType::Q5_1;
    for (std::int64_t b = 0; b < k / 32; ++b) {
        std::byte* blk = row.data() + b * engine::block_bytes(type);
        const std::uint16_t d = engine::fp32_to_fp16(0.05f), m = engine::fp32_to_fp16(-0.3f);
        std::memcpy(blk, &d, 2);
        if (has_min)
            std::memcpy(blk + 2, &m, 2);
    }
    return row;
}

// Rows [r0, r1) of the product for @p tokens tokens: packed (kernel under test) and plain (portable
// kernel, file layout), every output cell compared; cells outside the slice must stay untouched.
template <class Block>
void check_slice(TensorType type, const std::vector<std::byte>& w, const std::vector<std::byte>& packed, std::int64_t rows,
                 std::int64_t k, const std::vector<Block>& x, std::int64_t tokens, std::int64_t r0, std::int64_t r1,
                 std::int64_t tile) {
    constexpr bool k_quant = sizeof(Block) == sizeof(cpu::BlockQ8K);
    const std::int64_t nb = k_quant ? k / 256 : k / 32, rb = engine::row_bytes(type, k);
    const std::size_t group_bytes = cpu::packed_group_bytes(type, k);
    const float untouched = -12345.0f;
    std::vector<float> got(static_cast<std::size_t>(tokens * rows), untouched), want(got.size(), untouched);
    if constexpr (k_quant)
        cpu::packed_matmul(cpu::packed_dot_k(type), packed.data(), group_bytes, r0, r1, x.data(), nb, tokens, got.data(), rows, tile);
    else
        cpu::packed_matmul(cpu::packed_dot(type), packed.data(), group_bytes, r0, r1, x.data(), nb, tokens, got.data(), rows, tile);
    const cpu::DotKernel plain = cpu::dot_kernel(type, cpu::Isa::scalar);
    for (std::int64_t t = 0; t < tokens; t += cpu::max_dot_rows) {
        const int n = static_cast<int>(std::min<std::int64_t>(cpu::max_dot_rows, tokens - t));
        for (std::int64_t r = r0; r < r1; ++r) {
            if constexpr (k_quant)
                plain.quant_k(w.data() + r * rb, x.data() + t * nb, nb, n, nb, want.data() + t * rows + r, rows);
            else
                plain.quant(w.data() + r * rb, x.data() + t * nb, nb, n, nb, want.data() + t * rows + r, rows);
        }
    }
    int bad = 0;
    for (std::int64_t t = 0; t < tokens; ++t)
        for (std::int64_t r = 0; r < rows; ++r) {
            const float a = got[static_cast<std::size_t>(t * rows + r)], b = want[static_cast<std::size_t>(t * rows + r)];
            if (!(std::fabs(a - b) <= 1e-4f * (std::fabs(b) + 1.0f)) && bad++ < 5)
                FAIL_CHECK("tokens " << tokens << " tile " << tile << " rows " << r0 << "…" << r1 << ": token " << t << " row " << r
                                     << " got " << a << " want " << b);
        }
    CHECK(bad == 0);
}

} // namespace

TEST_CASE("[kernels] packed_matmul: batches of 1 … 70 tokens over interleaved rows match the portable kernels", "[engine]") {
    if (cpu::active_isa() != cpu::Isa::avx2)
        return; // the interleaved kernels are AVX2 kernels
    std::mt19937 rng(23);
    for (TensorType type : {TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q8_0, TensorType::Q4_K,
                            TensorType::Q3_K, TensorType::Q6_K}) {
        const bool k_quant = type == TensorType::Q4_K || type == TensorType::Q3_K || type == TensorType::Q6_K;
        if (!cpu::packed_dot(type) && !cpu::packed_dot_k(type))
            continue;
        for (std::int64_t k : k_quant ? std::vector<std::int64_t>{256, 512} : std::vector<std::int64_t>{32, 160}) {
            DYNAMIC_SECTION(engine::tensor_type_name(type) << " k=" << k) {
                const std::int64_t rows = 40, max_tokens = 70; // 5 groups of 8 rows
                std::vector<std::byte> w;
                for (std::int64_t r = 0; r < rows; ++r) {
                    const std::vector<std::byte> row = weight_row(type, k, rng);
                    w.insert(w.end(), row.begin(), row.end());
                }
                std::vector<std::byte> packed(cpu::packed_group_bytes(type, k) * rows / 8);
                cpu::repack_rows(type, w.data(), packed.data(), rows, k);
                const std::vector<float> xf = normal_floats(static_cast<std::size_t>(max_tokens * k), rng);
                std::vector<cpu::BlockQ8> xq(static_cast<std::size_t>(max_tokens * k / 32));
                std::vector<cpu::BlockQ8K> xk(static_cast<std::size_t>(k_quant ? max_tokens * k / 256 : 0));
                if (k_quant)
                    cpu::scalar::quantize_row_q8k(xf.data(), xk.data(), max_tokens * k);
                else
                    cpu::scalar::quantize_row_q8(xf.data(), xq.data(), max_tokens * k);
                const std::int64_t backend_tile =
                    cpu::token_tile(static_cast<std::size_t>(k_quant ? k / 256 : k / 32) * (k_quant ? sizeof(cpu::BlockQ8K) : sizeof(cpu::BlockQ8)));
                for (std::int64_t tokens = 1; tokens <= max_tokens; ++tokens) {
                    for (std::int64_t tile : {std::int64_t{4}, std::int64_t{12}, backend_tile}) {
                        for (auto [r0, r1] : {std::pair<std::int64_t, std::int64_t>{0, rows}, {8, 32}, {16, 24}}) {
                            if (k_quant)
                                check_slice(type, w, packed, rows, k, xk, tokens, r0, r1, tile);
                            else
                                check_slice(type, w, packed, rows, k, xq, tokens, r0, r1, tile);
                        }
                    }
                }
            }
        }
    }
}

TEST_CASE("[kernels] packed_matmul refuses tiles and row slices the kernels cannot take", "[engine]") {
    if (cpu::active_isa() != cpu::Isa::avx2)
        return;
    std::vector<std::byte> packed(cpu::packed_group_bytes(TensorType::Q4_0, 32) * 2);
    std::vector<cpu::BlockQ8> x(4);
    std::vector<float> y(64);
    const cpu::PackedDot kernel = cpu::packed_dot(TensorType::Q4_0);
    const std::size_t gb = cpu::packed_group_bytes(TensorType::Q4_0, 32);
    CHECK_THROWS_WITH(cpu::packed_matmul(kernel, packed.data(), gb, 0, 16, x.data(), 1, 4, y.data(), 16, 6),
                      Catch::Contains("token tile of 6"));
    CHECK_THROWS_WITH(cpu::packed_matmul(kernel, packed.data(), gb, 4, 16, x.data(), 1, 4, y.data(), 16, 4),
                      Catch::Contains("groups of 8"));
    CHECK(cpu::token_tile(1) % cpu::max_dot_rows == 0);
    CHECK(cpu::token_tile(std::size_t{1} << 30) == cpu::packed_dot_width);
    CHECK(cpu::token_tile(1) % cpu::packed_dot_width == 0);
}
