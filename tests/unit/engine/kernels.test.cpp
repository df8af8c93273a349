// The CPU dot-product kernels (portable and AVX2) against the float reference — dequantize the weight
// row, multiply with the activations, sum in double — for every weight type, 1–4 activation rows,
// and row lengths that are one block, odd multiples, and large.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "backend/cpu/activations.hpp"
#include "backend/cpu/dot.hpp"
#include "backend/cpu/ops.hpp"
#include "backend/cpu/repack.hpp"
#include "backend/cpu/vec.hpp"
#include "braid/engine/quant.hpp"

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;
using engine::TensorType;

namespace {

const TensorType all_types[] = {TensorType::F32,  TensorType::F16,  TensorType::BF16, TensorType::Q4_0, TensorType::Q4_1,
                                TensorType::Q5_0, TensorType::Q5_1, TensorType::Q8_0, TensorType::Q2_K, TensorType::Q3_K,
                                TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K};

// Random but valid weight bytes of @p type: quantized from random floats where braid can quantize the
// type, else random bytes with sane fp16 scales.
std::vector<std::byte> random_row(TensorType type, std::int64_t n, std::mt19937& rng) {
    std::vector<std::byte> row(static_cast<std::size_t>(engine::row_bytes(type, n)));
    std::normal_distribution<float> normal(0.0f, 1.0f);
    if (engine::can_quantize(type)) {
        std::vector<float> x(static_cast<std::size_t>(n));
        for (float& v : x)
            v = normal(rng);
        engine::quantize_row(type, x.data(), row.data(), n);
        return row;
    }
    std::uniform_int_distribution<int> byte(0, 255);
    for (std::byte& b : row)
        b = static_cast<std::byte>(byte(rng));
    // Overwrite the fp16 scales with small positive values so the row holds finite numbers.
    const std::int64_t bb = engine::block_bytes(type), blocks = n / engine::block_elements(type);
    auto put_half = [&](std::byte* p, float v) {
        const std::uint16_t h = engine::fp32_to_fp16(v);
        std::memcpy(p, &h, 2);
    };
    for (std::int64_t b = 0; b < blocks; ++b) {
        std::byte* blk = row.data() + b * bb;
        switch (type) {
        case TensorType::Q4_1: put_half(blk, 0.05f); put_half(blk + 2, -0.3f); break;
        case TensorType::Q5_0: put_half(blk, 0.05f); break;
        case TensorType::Q5_1: put_half(blk, 0.05f); put_half(blk + 2, -0.4f); break;
        case TensorType::Q2_K: put_half(blk + 80, 0.02f); put_half(blk + 82, 0.01f); break;
        case TensorType::Q3_K: put_half(blk + 108, 0.01f); break;
        case TensorType::Q5_K: put_half(blk, 0.01f); put_half(blk + 2, 0.005f); break;
        default: break;
        }
    }
    return row;
}

double reference_dot(TensorType type, const std::vector<std::byte>& w, const float* x, std::int64_t n) {
    std::vector<float> row(static_cast<std::size_t>(n));
    engine::dequantize_row(type, w.data(), row.data(), n);
    double s = 0;
    for (std::int64_t i = 0; i < n; ++i)
        s += static_cast<double>(row[static_cast<std::size_t>(i)]) * x[i];
    return s;
}

bool quantized(TensorType t) { return t != TensorType::F32 && t != TensorType::F16 && t != TensorType::BF16; }

} // namespace

TEST_CASE("[kernels] quantize_row_q8: AVX2 and portable give the same codes", "[engine]") {
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    std::vector<float> x(32 * 40);
    for (float& v : x)
        v = normal(rng);
    std::fill(x.begin(), x.begin() + 32, 0.0f); // an all-zero block
    std::vector<cpu::BlockQ8> a(40), b(40);
    cpu::scalar::quantize_row_q8(x.data(), a.data(), static_cast<std::int64_t>(x.size()));
    cpu::avx2::quantize_row_q8(x.data(), b.data(), static_cast<std::int64_t>(x.size()));
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].d == b[i].d);
        CHECK(a[i].sum[0] == b[i].sum[0]);
        CHECK(a[i].sum[1] == b[i].sum[1]);
        CHECK(std::equal(std::begin(a[i].qs), std::end(a[i].qs), std::begin(b[i].qs)));
        int s0 = 0, s1 = 0;
        for (int j = 0; j < 16; ++j) {
            s0 += a[i].qs[j];
            s1 += a[i].qs[16 + j];
        }
        CHECK(s0 == a[i].sum[0]);
        CHECK(s1 == a[i].sum[1]);
    }
    CHECK(a[0].d == 0.0f);
}

TEST_CASE("[kernels] quantize_row_q8k: AVX2 and portable give the same codes and sums", "[engine]") {
    std::mt19937 rng(9);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> x(256 * 3);
    for (float& v : x)
        v = normal(rng);
    std::vector<cpu::BlockQ8K> a(3), b(3);
    cpu::scalar::quantize_row_q8k(x.data(), a.data(), 768);
    cpu::avx2::quantize_row_q8k(x.data(), b.data(), 768);
    for (int i = 0; i < 3; ++i) {
        CHECK(a[i].d == b[i].d);
        CHECK(std::equal(std::begin(a[i].qs), std::end(a[i].qs), std::begin(b[i].qs)));
        CHECK(std::equal(std::begin(a[i].bsums), std::end(a[i].bsums), std::begin(b[i].bsums)));
        for (int g = 0; g < 16; ++g) {
            int s = 0;
            for (int j = 0; j < 16; ++j)
                s += a[i].qs[16 * g + j];
            CHECK(s == a[i].bsums[g]);
        }
    }
}

TEST_CASE("[kernels] every weight type: portable and AVX2 dot products match the float reference", "[engine]") {
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (TensorType type : all_types) {
        const std::int64_t block = std::max<std::int64_t>(engine::block_elements(type), 32);
        for (std::int64_t blocks : {std::int64_t{1}, std::int64_t{3}, std::int64_t{8}}) {
            const std::int64_t n = block * blocks + (quantized(type) ? 0 : 5); // float types: a ragged tail
            DYNAMIC_SECTION(engine::tensor_type_name(type) << " n=" << n) {
                const std::vector<std::byte> w = random_row(type, n, rng);
                std::vector<float> x(static_cast<std::size_t>(n * 4));
                for (float& v : x)
                    v = normal(rng);
                double expected[4], scale = 0;
                for (int c = 0; c < 4; ++c) {
                    expected[c] = reference_dot(type, w, x.data() + c * n, n);
                    scale = std::max(scale, std::fabs(expected[c]));
                }
                // |error| relative to the row's magnitude: 8-bit activations for quantized weights.
                std::vector<float> row(static_cast<std::size_t>(n));
                engine::dequantize_row(type, w.data(), row.data(), n);
                double norm_w = 0, norm_x = 0;
                for (std::int64_t i = 0; i < n; ++i) {
                    norm_w += static_cast<double>(row[static_cast<std::size_t>(i)]) * row[static_cast<std::size_t>(i)];
                    norm_x += static_cast<double>(x[static_cast<std::size_t>(i)]) * x[static_cast<std::size_t>(i)];
                }
                const double bound = (quantized(type) ? 2e-2 : 1e-5) * std::sqrt(norm_w * norm_x) + 1e-6;
                for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
                    const cpu::DotKernel k = cpu::dot_kernel(type, isa);
                    for (int cols = 1; cols <= 4; ++cols) {
                        float out[8] = {};
                        if (k.quant_k) { // K-quants: 256-value activation blocks
                            std::vector<cpu::BlockQ8K> xq(static_cast<std::size_t>(n / 256 * 4));
                            cpu::scalar::quantize_row_q8k(x.data(), xq.data(), n * 4);
                            k.quant_k(w.data(), xq.data(), n / 256, cols, n / 256, out, 2);
                        } else if (quantized(type)) {
                            REQUIRE(k.quant != nullptr);
                            std::vector<cpu::BlockQ8> xq(static_cast<std::size_t>(n / 32 * 4));
                            cpu::scalar::quantize_row_q8(x.data(), xq.data(), n * 4);
                            k.quant(w.data(), xq.data(), n / 32, cols, n / 32, out, 2);
                        } else {
                            REQUIRE(k.real != nullptr);
                            k.real(w.data(), x.data(), n, cols, n, out, 2);
                        }
                        for (int c = 0; c < cols; ++c) {
                            INFO("isa " << cpu::isa_name(isa) << ", rows " << cols << ", row " << c);
                            CHECK(std::fabs(out[2 * c] - expected[c]) <= bound);
                        }
                    }
                }
                (void)scale;
            }
        }
    }
}

TEST_CASE("[kernels] the portable and AVX2 integer kernels agree closely", "[engine]") {
    // Same integer sums, different float summation order: agreement to float rounding.
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (TensorType type : all_types) {
        if (!quantized(type))
            continue;
        const std::int64_t n = std::max<std::int64_t>(engine::block_elements(type), 32) * 4;
        const auto w = random_row(type, n, rng);
        std::vector<float> x(static_cast<std::size_t>(n));
        for (float& v : x)
            v = normal(rng);
        float a = 0, b = 0;
        if (cpu::dot_kernel(type, cpu::Isa::scalar).quant_k) {
            std::vector<cpu::BlockQ8K> xq(static_cast<std::size_t>(n / 256));
            cpu::scalar::quantize_row_q8k(x.data(), xq.data(), n);
            cpu::dot_kernel(type, cpu::Isa::scalar).quant_k(w.data(), xq.data(), 0, 1, n / 256, &a, 1);
            cpu::dot_kernel(type, cpu::Isa::avx2).quant_k(w.data(), xq.data(), 0, 1, n / 256, &b, 1);
        } else {
            std::vector<cpu::BlockQ8> xq(static_cast<std::size_t>(n / 32));
            cpu::scalar::quantize_row_q8(x.data(), xq.data(), n);
            cpu::dot_kernel(type, cpu::Isa::scalar).quant(w.data(), xq.data(), 0, 1, n / 32, &a, 1);
            cpu::dot_kernel(type, cpu::Isa::avx2).quant(w.data(), xq.data(), 0, 1, n / 32, &b, 1);
        }
        INFO(engine::tensor_type_name(type));
        CHECK(std::fabs(a - b) <= 1e-4 * (std::fabs(a) + 1.0f));
    }
}

TEST_CASE("[kernels] AVX2 GELU and SwiGLU follow the reference versions", "[engine]") {
    // Every magnitude the exp clamps and the sigmoid form cover: around 0, the steep part, far negative
    // (where ½x(1 + tanh u) cancels), far positive, and the scalar tail (a length not a multiple of 8).
    std::vector<float> x, u;
    for (float v = -120.0f; v <= 120.0f; v += 0.0371f)
        x.push_back(v);
    for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-3f, -1e-3f, 88.0f, 89.0f, -89.0f, 1e30f, -1e30f})
        x.push_back(v);
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    for (std::size_t i = 0; i < x.size(); ++i)
        u.push_back(normal(rng));
    const auto n = static_cast<std::int64_t>(x.size());
    std::vector<float> want(x.size()), got(x.size());
    cpu::gelu(x.data(), want.data(), 0, n);
    cpu::avx2::gelu(x.data(), got.data(), 0, n);
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("gelu(" << x[i] << ")");
        CHECK(std::fabs(got[i] - want[i]) <= 2e-6f * std::fabs(want[i]) + 1e-6f);
    }
    cpu::swiglu(x.data(), u.data(), want.data(), 0, n);
    cpu::avx2::swiglu(x.data(), u.data(), got.data(), 0, n);
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("silu(" << x[i] << ") * " << u[i]);
        CHECK(std::fabs(got[i] - want[i]) <= 2e-6f * std::fabs(want[i]) + 1e-30f);
    }
}

TEST_CASE("[kernels] attention vector primitives", "[engine]") {
    std::vector<float> x(37), y(37), y2(37);
    std::vector<std::uint16_t> h(37);
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = static_cast<float>(i) * 0.25f - 3.0f;
        y[i] = y2[i] = static_cast<float>(i % 5);
    }
    for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
        const cpu::VecOps& ops = cpu::vec_ops(isa);
        ops.to_f16(x.data(), h.data(), 37);
        for (std::size_t i = 0; i < x.size(); ++i)
            CHECK(engine::fp16_to_fp32(h[i]) == x[i]); // exactly representable
        double d = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
            d += static_cast<double>(x[i]) * y[i];
        CHECK(ops.dot_f16(h.data(), y.data(), 37) == Approx(d).epsilon(1e-6));
        CHECK(ops.dot_f32(x.data(), y.data(), 37) == Approx(d).epsilon(1e-6));
        std::vector<float> acc = y2;
        ops.mad_round_f16(acc.data(), h.data(), 0.5f, 37);
        for (std::size_t i = 0; i < acc.size(); ++i)
            CHECK(acc[i] == Approx(y2[i] + 0.5f * x[i]).margin(1e-2));
    }
}

TEST_CASE("[kernels] the attention's vector exp returns std::exp's bits", "[engine]") {
    if (cpu::active_isa() != cpu::Isa::avx2)
        return; // x86-64 with AVX2 only
    // About a million float bit patterns spread over the whole range, and the edges of the reduction.
    std::vector<float> x;
    for (std::uint64_t bits = 0; bits <= 0xffffffffull; bits += 4093) {
        const auto u = static_cast<std::uint32_t>(bits);
        float f;
        std::memcpy(&f, &u, sizeof f);
        x.push_back(f);
    }
    for (float f : {0.0f, -0.0f, -INFINITY, INFINITY, NAN, -0x1.9fe368p6f, std::nextafter(-0x1.9fe368p6f, -INFINITY),
                    -0x1.9d1d9ep6f, 0x1.62e42ep6f, std::nextafter(0x1.62e42ep6f, INFINITY), -88.0f, 88.0f, 1e-30f, -1e-30f})
        x.push_back(f);
    x.resize(x.size() + 5, -1.5f); // a tail that is not a multiple of 8
    std::vector<float> y(x.size());
    cpu::vec_ops(cpu::Isa::avx2).exp(x.data(), y.data(), static_cast<int>(x.size()));
    int bad = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float want = std::exp(x[i]);
        if (std::isnan(want) ? !std::isnan(y[i]) : std::memcmp(&want, &y[i], sizeof want) != 0) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 28)
            if (bad++ < 5)
                FAIL_CHECK("exp(" << x[i] << ") = " << y[i] << ", std::exp gives " << want);
#else // another libm: within one unit in the last place
            if (std::fabs(y[i] - want) > std::fabs(std::nextafter(want, INFINITY) - want) && bad++ < 5)
                FAIL_CHECK("exp(" << x[i] << ") = " << y[i] << ", std::exp gives " << want);
#endif
        }
    }
    CHECK(bad == 0);
}

TEST_CASE("[kernels] rows interleaved by eight (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q3_K, Q6_K) give the file layout's results", "[engine]") {
    std::mt19937 rng(11);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (TensorType type : {TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q8_0, TensorType::Q4_K,
                            TensorType::Q3_K, TensorType::Q6_K}) {
        const bool k_quant = type == TensorType::Q4_K || type == TensorType::Q3_K || type == TensorType::Q6_K;
        if (cpu::active_isa() != cpu::Isa::avx2 || (!cpu::packed_dot(type) && !cpu::packed_dot_k(type)))
            continue; // no AVX2 here
        for (std::int64_t k : k_quant ? std::vector<std::int64_t>{256, 768} : std::vector<std::int64_t>{32, 96, 1024}) {
            DYNAMIC_SECTION(engine::tensor_type_name(type) << " k=" << k) {
                const std::int64_t rows = 16;
                std::vector<std::byte> w;
                for (std::int64_t r = 0; r < rows; ++r) {
                    const auto row = random_row(type, k, rng);
                    w.insert(w.end(), row.begin(), row.end());
                }
                std::vector<std::byte> packed(cpu::packed_group_bytes(type, k) * rows / 8);
                cpu::repack_rows(type, w.data(), packed.data(), rows, k);
                std::vector<float> x(static_cast<std::size_t>(4 * k));
                for (float& v : x)
                    v = normal(rng);
                std::vector<cpu::BlockQ8> xq(static_cast<std::size_t>(4 * k / 32));
                cpu::scalar::quantize_row_q8(x.data(), xq.data(), 4 * k);
                std::vector<cpu::BlockQ8K> xk(static_cast<std::size_t>(4 * k / 256));
                if (k_quant)
                    cpu::scalar::quantize_row_q8k(x.data(), xk.data(), 4 * k);
                const cpu::DotKernel plain = cpu::dot_kernel(type, cpu::Isa::scalar);
                const std::int64_t rb = engine::row_bytes(type, k);
                const std::int64_t nb = k_quant ? k / 256 : k / 32;
                for (int cols = 1; cols <= 4; ++cols) {
                    std::vector<float> got(static_cast<std::size_t>(4 * rows)), want(got.size());
                    for (std::int64_t g = 0; g < rows / 8; ++g) {
                        const std::byte* grp = packed.data() + g * cpu::packed_group_bytes(type, k);
                        if (k_quant)
                            cpu::packed_dot_k(type)(grp, xk.data(), nb, cols, nb, got.data() + 8 * g, rows);
                        else
                            cpu::packed_dot(type)(grp, xq.data(), nb, cols, nb, got.data() + 8 * g, rows);
                    }
                    for (std::int64_t r = 0; r < rows; ++r) {
                        if (k_quant)
                            plain.quant_k(w.data() + r * rb, xk.data(), nb, cols, nb, want.data() + r, rows);
                        else
                            plain.quant(w.data() + r * rb, xq.data(), nb, cols, nb, want.data() + r, rows);
                    }
                    for (int c = 0; c < cols; ++c)
                        for (std::int64_t r = 0; r < rows; ++r) {
                            INFO("cols " << cols << " col " << c << " row " << r);
                            const float a = got[static_cast<std::size_t>(c * rows + r)], b = want[static_cast<std::size_t>(c * rows + r)];
                            CHECK(std::fabs(a - b) <= 1e-4f * (std::fabs(b) + 1.0f));
                        }
                }
            }
        }
    }
}
