// Quantizers: quantize → dequantize error within each type's bound (random normal data and the synthetic
// model's real weights), fp16/bf16 conversion exactness, and bad calls.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <limits>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/quant.hpp"
#include "unit/gguf/test_util.hpp"

using namespace braid;
using namespace braid::engine;

namespace {

std::vector<float> round_trip(TensorType type, const std::vector<float>& x) {
    const auto n = static_cast<std::int64_t>(x.size());
    std::vector<std::byte> q(static_cast<std::size_t>(row_bytes(type, n)));
    quantize_row(type, x.data(), q.data(), n);
    std::vector<float> y(x.size());
    dequantize_row(type, q.data(), y.data(), n);
    return y;
}

} // namespace

TEST_CASE("[gguf] fp16 and bf16 conversions", "[unit]") {
    SECTION("every half survives half → float → half") {
        for (std::uint32_t h = 0; h < 0x10000; ++h) {
            const float f = fp16_to_fp32(static_cast<std::uint16_t>(h));
            if (std::isnan(f)) {
                CHECK(std::isnan(fp16_to_fp32(fp32_to_fp16(f))));
                continue;
            }
            if (fp32_to_fp16(f) != h) FAIL("half " << h << " does not round-trip");
        }
    }
    SECTION("rounding to nearest even, overflow, subnormals") {
        CHECK(fp32_to_fp16(1.0f) == 0x3C00);
        CHECK(fp32_to_fp16(1.0f + 1.0f / 2048) == 0x3C00);        // halfway, even stays
        CHECK(fp32_to_fp16(1.0f + 3.0f / 2048) == 0x3C02);        // halfway, odd rounds up
        CHECK(fp32_to_fp16(1.0f + 1.0f / 2048 + 1e-6f) == 0x3C01);
        CHECK(fp32_to_fp16(65504.0f) == 0x7BFF);
        CHECK(fp32_to_fp16(65519.0f) == 0x7BFF);
        CHECK(fp32_to_fp16(65520.0f) == 0x7C00);
        CHECK(fp32_to_fp16(-1e9f) == 0xFC00);
        CHECK(fp32_to_fp16(std::ldexp(1.0f, -24)) == 0x0001);
        CHECK(fp32_to_fp16(std::ldexp(1.0f, -25)) == 0x0000);     // halfway to the smallest subnormal: even (0)
        CHECK(fp32_to_fp16(std::ldexp(1.5f, -25)) == 0x0001);
        CHECK(fp32_to_fp16(std::ldexp(3.0f, -25)) == 0x0002);     // 1.5 × 2^-24: halfway, rounds to even 2
        CHECK(fp32_to_fp16(-0.0f) == 0x8000);
        CHECK(fp16_to_fp32(0x0400) == std::ldexp(1.0f, -14));
        CHECK(std::isinf(fp16_to_fp32(0x7C00)));
        CHECK(std::isnan(fp16_to_fp32(0x7E00)));
        CHECK(std::isnan(fp16_to_fp32(fp32_to_fp16(std::numeric_limits<float>::quiet_NaN()))));
    }
    SECTION("bf16") {
        CHECK(fp32_to_bf16(1.0f) == 0x3F80);
        CHECK(fp32_to_bf16(std::bit_cast<float>(0x3F808000u)) == 0x3F80);  // halfway, even stays
        CHECK(fp32_to_bf16(std::bit_cast<float>(0x3F818000u)) == 0x3F82);  // halfway, odd rounds up
        CHECK(fp32_to_bf16(std::bit_cast<float>(0x3F808001u)) == 0x3F81);
        CHECK(std::isnan(bf16_to_fp32(fp32_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
        CHECK(std::isnan(bf16_to_fp32(fp32_to_bf16(std::bit_cast<float>(0x7F800001u)))));  // NaN stays NaN
        for (std::uint32_t h = 0; h < 0x10000; h += 7) {
            const float f = bf16_to_fp32(static_cast<std::uint16_t>(h));
            if (!std::isnan(f)) CHECK(fp32_to_bf16(f) == h);
        }
    }
}

TEST_CASE("[gguf] quantize → dequantize stays within each type's error bound", "[unit]") {
    // NMSE measured for these quantizers on N(0, 1) data (bounds ~1.3× above; see docs/guides/gguf.md).
    const std::vector<float> x = gguf_test::gaussian(256 * 64, 7);
    struct Case {
        TensorType type;
        double bound;
    };
    for (const Case& c : {Case{TensorType::F16, 1e-7}, Case{TensorType::BF16, 1e-5}, Case{TensorType::Q8_0, 4e-5},
                          Case{TensorType::Q4_0, 0.01}, Case{TensorType::Q4_K, 0.006}, Case{TensorType::Q6_K, 3.5e-4}}) {
        const auto y = round_trip(c.type, x);
        const double e = gguf_test::nmse(y, x);
        INFO(tensor_type_name(c.type) << " nmse " << e);
        CHECK(e > 0.0);
        CHECK(e < c.bound);
    }
    CHECK(round_trip(TensorType::F32, x) == x);
}

TEST_CASE("[gguf] quantizers on the synthetic model's weights", "[unit]") {
    const auto f32 = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-f32.extract.gguf"));
    const auto q8 = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-q8_0.extract.gguf"));
    const auto q4k = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-q4_k_m.extract.gguf"));
    const auto q6k = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-q6_k.extract.gguf"));

    SECTION("q8_0 and f16 give the reference file's bytes exactly") {
        const auto f16 = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-f16.extract.gguf"));
        for (const gguf::File* file : {&q8, &f16}) {
            for (const auto& t : file->tensors()) {
                if (t.type == TensorType::F32) continue;
                const auto x = f32.dequantize(f32.tensor(t.name));
                std::vector<std::byte> mine(t.bytes);
                for (std::int64_t r = 0; r < t.rows(); ++r)
                    quantize_row(t.type, x.data() + r * t.ne[0], mine.data() + r * t.row_bytes(), t.ne[0]);
                INFO(t.name);
                CHECK(std::equal(mine.begin(), mine.end(), t.data));
            }
        }
    }
    SECTION("q4_k and q6_k are at least as close as llama.cpp's files") {
        for (const auto* file : {&q4k, &q6k}) {
            for (const auto& t : file->tensors()) {
                if (t.type != TensorType::Q4_K && t.type != TensorType::Q6_K) continue;
                const auto x = f32.dequantize(f32.tensor(t.name));
                const auto theirs = gguf_test::nmse(file->dequantize(t), x);
                std::vector<float> y(x.size());
                std::vector<std::byte> q(t.bytes);
                for (std::int64_t r = 0; r < t.rows(); ++r) {
                    quantize_row(t.type, x.data() + r * t.ne[0], q.data() + r * t.row_bytes(), t.ne[0]);
                    dequantize_row(t.type, q.data() + r * t.row_bytes(), y.data() + r * t.ne[0], t.ne[0]);
                }
                const auto mine = gguf_test::nmse(y, x);
                INFO(t.name << " " << tensor_type_name(t.type) << ": braid " << mine << ", llama.cpp " << theirs);
                CHECK(mine < theirs * 1.05);
            }
        }
    }
}

TEST_CASE("[gguf] quantize rejects bad calls", "[unit]") {
    std::vector<float> x(256, 1.0f);
    std::vector<std::byte> out(1024);
    auto kind_is = [](errc k) { return Catch::Predicate<Error>([k](const Error& e) { return e.kind() == k; }); };
    CHECK_THROWS_MATCHES(quantize_row(TensorType::Q5_K, x.data(), out.data(), 256), Error, kind_is(errc::unsupported));
    CHECK_THROWS_MATCHES(quantize_row(TensorType::Q4_0, x.data(), out.data(), 31), Error, kind_is(errc::invalid_argument));
    x[3] = std::numeric_limits<float>::infinity();
    CHECK_THROWS_MATCHES(quantize_row(TensorType::Q8_0, x.data(), out.data(), 32), Error, kind_is(errc::invalid_argument));
    SECTION("all-zero blocks quantize to zeros") {
        std::vector<float> z(256, 0.0f), y(256, 1.0f);
        for (auto type : {TensorType::Q8_0, TensorType::Q4_0, TensorType::Q4_K, TensorType::Q6_K}) {
            quantize_row(type, z.data(), out.data(), 256);
            dequantize_row(type, out.data(), y.data(), 256);
            CHECK(y == z);
        }
    }
}
