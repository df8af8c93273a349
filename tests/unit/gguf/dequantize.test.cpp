// Dequantization: hand-built blocks with values worked out from the block definitions, and the synthetic
// model's tensors in every type compared with the same tensors in F32.
#include <catch2/catch.hpp>

#include <map>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/quant.hpp"
#include "unit/gguf/test_util.hpp"

using namespace braid;
using namespace braid::engine;
using gguf_test::Bytes;

namespace {

std::vector<float> dequant(TensorType type, const Bytes& b, std::int64_t n) {
    REQUIRE(static_cast<std::int64_t>(b.v.size()) == row_bytes(type, n));
    std::vector<float> out(static_cast<std::size_t>(n));
    dequantize_row(type, b.v.data(), out.data(), n);
    return out;
}

// fp16 bit patterns used below.
constexpr std::uint16_t kHalf0_125 = 0x3000, kHalf0_25 = 0x3400, kHalf0_5 = 0x3800, kHalf1 = 0x3C00, kHalf2 = 0x4000,
                        kHalfMinus1 = 0xBC00;

} // namespace

TEST_CASE("[gguf] dequantize hand-built blocks", "[unit]") {
    SECTION("f32, f16 and bf16") {
        Bytes f32;
        f32.put(1.5f).put(-2.0f);
        CHECK(dequant(TensorType::F32, f32, 2) == std::vector<float>{1.5f, -2.0f});
        Bytes f16;
        f16.put<std::uint16_t>(0x3C00).put<std::uint16_t>(0xC100).put<std::uint16_t>(0x0001).put<std::uint16_t>(0x7BFF);
        CHECK(dequant(TensorType::F16, f16, 4) == std::vector<float>{1.0f, -2.5f, 5.9604644775390625e-8f, 65504.0f});
        Bytes bf16;
        bf16.put<std::uint16_t>(0x3F80).put<std::uint16_t>(0xC040).put<std::uint16_t>(0x4049);
        CHECK(dequant(TensorType::BF16, bf16, 3) == std::vector<float>{1.0f, -3.0f, 3.140625f});
    }
    SECTION("q8_0: d · int8") {
        Bytes b;
        b.put(kHalf0_25);
        for (int j = 0; j < 32; ++j) b.put<std::int8_t>(static_cast<std::int8_t>(j - 16));
        auto y = dequant(TensorType::Q8_0, b, 32);
        for (int j = 0; j < 32; ++j) CHECK(y[j] == 0.25f * static_cast<float>(j - 16));
    }
    SECTION("q4_0: element j in the low nibble of byte j, element j+16 in its high nibble, minus 8") {
        Bytes b;
        b.put(kHalf0_5);
        for (int j = 0; j < 16; ++j) b.put<std::uint8_t>(static_cast<std::uint8_t>(j | ((15 - j) << 4)));
        auto y = dequant(TensorType::Q4_0, b, 32);
        CHECK(y[0] == -4.0f);   // (0 − 8) · 0.5
        CHECK(y[15] == 3.5f);   // (15 − 8) · 0.5
        CHECK(y[16] == 3.5f);   // high nibble of byte 0 = 15
        CHECK(y[31] == -4.0f);  // high nibble of byte 15 = 0
        for (int j = 0; j < 16; ++j) {
            CHECK(y[j] == 0.5f * static_cast<float>(j - 8));
            CHECK(y[j + 16] == 0.5f * static_cast<float>(7 - j));
        }
    }
    SECTION("q4_1: q · d + m") {
        Bytes b;
        b.put(kHalf0_5).put(kHalfMinus1);
        for (int j = 0; j < 16; ++j) b.put<std::uint8_t>(static_cast<std::uint8_t>(j | ((15 - j) << 4)));
        auto y = dequant(TensorType::Q4_1, b, 32);
        CHECK(y[0] == -1.0f);
        CHECK(y[15] == 6.5f);
        CHECK(y[16] == 6.5f);
        CHECK(y[31] == -1.0f);
    }
    SECTION("q5_0: bit j of qh is the fifth bit of element j; minus 16") {
        Bytes b;
        b.put(kHalf1).put<std::uint32_t>(0x0000FFFFu);
        for (int j = 0; j < 16; ++j) b.put<std::uint8_t>(0x53);
        auto y = dequant(TensorType::Q5_0, b, 32);
        for (int j = 0; j < 16; ++j) {
            CHECK(y[j] == 3.0f);        // (3 | 16) − 16
            CHECK(y[j + 16] == -11.0f); // 5 − 16
        }
    }
    SECTION("q5_1: q · d + m with the fifth bit") {
        Bytes b;
        b.put(kHalf2).put(kHalf0_5).put<std::uint32_t>(0xFFFF0000u);
        for (int j = 0; j < 16; ++j) b.put<std::uint8_t>(0x21);
        auto y = dequant(TensorType::Q5_1, b, 32);
        for (int j = 0; j < 16; ++j) {
            CHECK(y[j] == 2.5f);         // 1 · 2 + 0.5
            CHECK(y[j + 16] == 36.5f);   // (2 | 16) · 2 + 0.5
        }
    }
    SECTION("q2_k: 16 sub-blocks of 16 with 4-bit scale and min") {
        Bytes b;
        for (int s = 0; s < 16; ++s) b.put<std::uint8_t>(static_cast<std::uint8_t>(s | (2 << 4)));  // scale s, min 2
        b.fill(64, 0xE4);  // 2-bit groups 0,1,2,3 from bit 0 upwards
        b.put(kHalf1).put(kHalf0_5);
        auto y = dequant(TensorType::Q2_K, b, 256);
        // Element e: half e/128 uses its own 32 bytes; group g = (e%128)/32 sits at bit 2g; sub-block
        // index = 8·half + 2g + (e%32)/16. Every byte is 0xE4, so the code is g.
        for (int e = 0; e < 256; ++e) {
            const int half = e / 128, g = (e % 128) / 32, sub = 8 * half + 2 * g + (e % 32) / 16;
            CHECK(y[e] == static_cast<float>(sub * g) - 1.0f);
        }
        CHECK(y[0] == -1.0f);
        CHECK(y[40] == 1.0f);
        CHECK(y[200] == 23.0f);
        CHECK(y[255] == 44.0f);
    }
    SECTION("q3_k: 2 low bits as q2_k, hmask bit clear subtracts 4, 6-bit scales offset 32") {
        // Raw 6-bit scale of sub-block i: i + 24, so scale − 32 = i − 8.
        std::uint8_t packed[12] = {};
        for (int i = 0; i < 16; ++i) {
            const int s = i + 24;
            if (i < 8)
                packed[i] |= static_cast<std::uint8_t>(s & 0x0f);
            else
                packed[i - 8] |= static_cast<std::uint8_t>((s & 0x0f) << 4);
            packed[8 + i % 4] |= static_cast<std::uint8_t>((s >> 4) << (2 * (i / 4)));
        }
        Bytes b;
        b.put<std::uint8_t>(0xFE).fill(31, 0xFF);  // hmask: only element 0 (bit 0 of byte 0) lacks its high bit
        b.fill(64, 0xE4);
        for (auto p : packed) b.put(p);
        b.put(kHalf0_5);
        auto y = dequant(TensorType::Q3_K, b, 256);
        for (int e = 1; e < 256; ++e) {
            const int half = e / 128, g = (e % 128) / 32, sub = 8 * half + 2 * g + (e % 32) / 16;
            CHECK(y[e] == 0.5f * static_cast<float>(sub - 8) * static_cast<float>(g));
        }
        CHECK(y[0] == 16.0f);  // 0.5 · (0 − 8) · (0 − 4)
    }
    SECTION("q4_k: 8 sub-blocks of 32, 6-bit scales and mins") {
        Bytes b;
        b.put(kHalf0_5).put(kHalf0_25);
        // Sub-block j: scale j + 1, min 2j (so j=4..7 need the split high bits: scale 5..8, min 8..14).
        std::uint8_t packed[12] = {};
        for (int j = 0; j < 8; ++j) {
            const int sc = j + 1, mn = 2 * j;
            if (j < 4) {
                packed[j] |= static_cast<std::uint8_t>(sc);
                packed[j + 4] |= static_cast<std::uint8_t>(mn);
            } else {
                packed[j + 4] = static_cast<std::uint8_t>((sc & 0x0f) | ((mn & 0x0f) << 4));
                packed[j - 4] |= static_cast<std::uint8_t>((sc >> 4) << 6);
                packed[j] |= static_cast<std::uint8_t>((mn >> 4) << 6);
            }
        }
        for (auto p : packed) b.put(p);
        b.fill(128, 0xC3);  // low nibble 3 (first 32 of each 64), high nibble 12 (next 32)
        auto y = dequant(TensorType::Q4_K, b, 256);
        for (int e = 0; e < 256; ++e) {
            const int j = e / 32;
            const float q = (e % 64) < 32 ? 3.0f : 12.0f;
            CHECK(y[e] == 0.5f * static_cast<float>(j + 1) * q - 0.25f * static_cast<float>(2 * j));
        }
        CHECK(y[255] == 0.5f * 8 * 12 - 0.25f * 14);
    }
    SECTION("q5_k: q4_k plus a fifth bit per sub-block in qh") {
        Bytes b;
        b.put(kHalf1).put(kHalf0_5);
        std::uint8_t packed[12] = {};
        for (int j = 0; j < 4; ++j) {
            packed[j] = 2;      // scale 2 for sub-blocks 0..3
            packed[j + 4] = 1;  // min 1
            packed[j + 8] = 0x13;  // sub-blocks 4..7: scale 3, min 1
        }
        for (auto p : packed) b.put(p);
        b.fill(32, 0xAA);   // bits 1,3,5,7: odd sub-blocks get +16
        b.fill(128, 0x75);  // low nibble 5, high nibble 7
        auto y = dequant(TensorType::Q5_K, b, 256);
        for (int e = 0; e < 256; ++e) {
            const int j = e / 32;
            const float q = static_cast<float>(((e % 64) < 32 ? 5 : 7) + (j % 2 ? 16 : 0));
            const float scale = j < 4 ? 2.0f : 3.0f;
            CHECK(y[e] == scale * q - 0.5f);
        }
    }
    SECTION("q6_k: 16 int8 scales, 6-bit values minus 32") {
        Bytes b;
        b.fill(128, 0x21);  // low nibble 1 (quarters 0,1), high nibble 2 (quarters 2,3)
        b.fill(64, 0xE4);   // high 2 bits: quarter 0 → 0, 1 → 1, 2 → 2, 3 → 3
        for (int s = 0; s < 16; ++s) b.put<std::int8_t>(static_cast<std::int8_t>(s - 8));
        b.put(kHalf0_125);
        auto y = dequant(TensorType::Q6_K, b, 256);
        const int q[4] = {1 - 32, 1 + 16 - 32, 2 + 32 - 32, 2 + 48 - 32};
        for (int e = 0; e < 256; ++e) {
            const int quarter = (e % 128) / 32;
            CHECK(y[e] == 0.125f * static_cast<float>(e / 16 - 8) * static_cast<float>(q[quarter]));
        }
    }
}

TEST_CASE("[gguf] dequantize rejects bad calls", "[unit]") {
    float out[256];
    std::vector<std::byte> zeros(1024);
    CHECK_THROWS_MATCHES(dequantize_row(TensorType::IQ2_XXS, zeros.data(), out, 256), Error,
                         Catch::Predicate<Error>([](const Error& e) { return e.kind() == errc::unsupported; }));
    CHECK_THROWS_MATCHES(dequantize_row(TensorType::Q4_K, zeros.data(), out, 100), Error,
                         Catch::Predicate<Error>([](const Error& e) { return e.kind() == errc::invalid_argument; }));
    CHECK_THROWS_AS(dequantize_row(TensorType::Q8_0, zeros.data(), out, -32), Error);
    CHECK_NOTHROW(dequantize_row(TensorType::Q8_0, zeros.data(), out, 0));
}

TEST_CASE("[gguf] every type of the synthetic model dequantizes to its F32 weights", "[unit]") {
    const auto f32 = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-f32.extract.gguf"));

    SECTION("f16 and bf16 hold exactly the rounded F32 values") {
        for (const auto& [name, type] : {std::pair{"f16", TensorType::F16}, std::pair{"bf16", TensorType::BF16}}) {
            const auto file = gguf::File::open(gguf_test::data_path(std::string("tiny-llama-gqa-") + name + ".extract.gguf"));
            int checked = 0;
            for (const auto& t : file.tensors()) {
                const auto ref = f32.dequantize(f32.tensor(t.name));
                const auto got = file.dequantize(t);
                if (t.type == TensorType::F32) {
                    CHECK(got == ref);
                    continue;
                }
                REQUIRE(t.type == type);
                std::size_t mismatches = 0;
                for (std::size_t i = 0; i < ref.size(); ++i) {
                    const float rounded = type == TensorType::F16 ? fp16_to_fp32(fp32_to_fp16(ref[i]))
                                                                  : bf16_to_fp32(fp32_to_bf16(ref[i]));
                    mismatches += rounded != got[i];
                }
                CHECK(mismatches == 0);
                ++checked;
            }
            CHECK(checked >= 8);
        }
    }

    SECTION("quantized types stay within their measured error bounds") {
        // Worst tensor NMSE measured on these files (Σ(a−b)²/Σb²), bounds about 1.3× above it; a wrong
        // bit layout gives NMSE near 1 or more.
        const std::map<TensorType, double> bound = {
            {TensorType::Q2_K, 0.12},  {TensorType::Q3_K, 0.03},  {TensorType::Q4_K, 0.007}, {TensorType::Q5_K, 0.002},
            {TensorType::Q6_K, 5e-4},  {TensorType::Q4_0, 0.01},  {TensorType::Q4_1, 0.008}, {TensorType::Q5_0, 0.0025},
            {TensorType::Q5_1, 0.002}, {TensorType::Q8_0, 4e-5},
        };
        std::map<TensorType, int> seen;
        for (const char* q : {"q2_k", "q3_k_m", "q4_0", "q4_1", "q4_k_m", "q5_0", "q5_1", "q5_k_m", "q6_k", "q8_0"}) {
            const auto file = gguf::File::open(gguf_test::data_path(std::string("tiny-llama-gqa-") + q + ".extract.gguf"));
            for (const auto& t : file.tensors()) {
                const auto ref = f32.dequantize(f32.tensor(t.name));
                const auto got = file.dequantize(t);
                INFO(q << " " << t.name << " " << tensor_type_name(t.type));
                if (t.type == TensorType::F32) {
                    CHECK(got == ref);
                    continue;
                }
                const double e = gguf_test::nmse(got, ref);
                CHECK(e > 0.0);
                CHECK(e < bound.at(t.type));
                ++seen[t.type];
            }
        }
        CHECK(seen.size() == bound.size());  // every quantized type was exercised
    }
}
