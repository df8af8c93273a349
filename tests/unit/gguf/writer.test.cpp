// gguf::Writer: every metadata type and tensor type round-trips through File; alignment; misuse.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

#include <unistd.h>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/engine/quant.hpp"
#include "unit/gguf/test_util.hpp"

using namespace braid;
using engine::TensorType;
using gguf::ValueType;

using gguf_test::kind_is;

TEST_CASE("[gguf] writer round-trips metadata of every type", "[unit]") {
    gguf::Writer w;
    w.set("u8", std::uint8_t{200});
    w.set("i8", std::int8_t{-100});
    w.set("u16", std::uint16_t{60000});
    w.set("i16", std::int16_t{-30000});
    w.set("u32", std::uint32_t{4000000000u});
    w.set("i32", std::int32_t{-2000000000});
    w.set("u64", std::uint64_t{18000000000000000000ull});
    w.set("i64", std::int64_t{-9000000000000000000ll});
    w.set("f32", 1.25f);
    w.set("f64", -2.5e300);
    w.set("bool", true);
    w.set("str", "héllo\nworld");
    w.set("empty", "");
    const std::vector<std::int32_t> ints = {1, -2, 3};
    const std::vector<float> floats = {0.5f, -1.5f};
    const std::vector<std::string> strings = {"a", "", "ccc"};
    const std::vector<std::uint8_t> bytes = {1, 2, 255};
    w.set_array("arr.i32", ints);
    w.set_array("arr.f32", floats);
    w.set_array("arr.str", strings);
    w.set_array("arr.u8", bytes);
    w.set_array("arr.bool", std::vector<bool>{true, false, true});
    w.set_array("arr.empty", std::span<const std::int64_t>{});
    // [[1, 2], ["x"]] is not representable (one element type per array), so: [[1, 2], [3]] of uint16 arrays.
    gguf_test::Bytes nested;
    nested.put<std::uint32_t>(9).put<std::uint64_t>(2);
    nested.put<std::uint32_t>(2).put<std::uint64_t>(2).put<std::uint16_t>(1).put<std::uint16_t>(2);
    nested.put<std::uint32_t>(2).put<std::uint64_t>(1).put<std::uint16_t>(3);
    w.set_encoded("arr.nested", ValueType::Array, nested.v);
    w.set("replaced", 1);
    w.set("replaced", "now a string");

    const auto f = gguf::File::from_bytes(w.to_bytes());
    CHECK(f.metadata().size() == 21);
    CHECK(f.get<int>("u8") == 200);
    CHECK(f.at("u8").type() == ValueType::U8);
    CHECK(f.get<int>("i8") == -100);
    CHECK(f.get<int>("u16") == 60000);
    CHECK(f.get<int>("i16") == -30000);
    CHECK(f.get<std::uint32_t>("u32") == 4000000000u);
    CHECK(f.get<std::int32_t>("i32") == -2000000000);
    CHECK(f.get<std::uint64_t>("u64") == 18000000000000000000ull);
    CHECK_THROWS_MATCHES(f.get<std::int64_t>("u64"), Error, kind_is(errc::model_format));
    CHECK_THROWS_MATCHES(f.get<std::uint64_t>("i64"), Error, kind_is(errc::model_format));
    CHECK(f.get<std::int64_t>("i64") == -9000000000000000000ll);
    CHECK(f.get<float>("f32") == 1.25f);
    CHECK(f.get<double>("f64") == -2.5e300);
    CHECK(f.get<bool>("bool"));
    CHECK(f.get<std::string_view>("str") == "héllo\nworld");
    CHECK(f.get<std::string_view>("empty").empty());
    CHECK(f.get<gguf::ArrayView>("arr.i32").to_vector<std::int32_t>() == ints);
    CHECK(f.get<gguf::ArrayView>("arr.f32").to_vector<float>() == floats);
    CHECK(f.get<gguf::ArrayView>("arr.str").to_vector<std::string>() == strings);
    CHECK(f.get<gguf::ArrayView>("arr.u8").to_vector<std::uint8_t>() == bytes);
    CHECK(f.get<gguf::ArrayView>("arr.bool").to_vector<bool>() == std::vector<bool>{true, false, true});
    CHECK(f.get<gguf::ArrayView>("arr.empty").empty());
    CHECK(f.get<gguf::ArrayView>("arr.empty").element_type() == ValueType::I64);
    const auto outer = f.get<gguf::ArrayView>("arr.nested");
    REQUIRE(outer.size() == 2);
    std::vector<std::vector<int>> got;
    for (gguf::Value inner : outer) got.push_back(inner.as_array().to_vector<int>());
    CHECK(got == std::vector<std::vector<int>>{{1, 2}, {3}});
    CHECK(f.at("arr.nested").to_display_string(4) == "[[1, 2], [3]]");
    CHECK(f.get<std::string_view>("replaced") == "now a string");
    CHECK(f.metadata().back().key == "replaced");

    SECTION("copying every Value into a new writer gives the same bytes") {
        gguf::Writer copy;
        for (const auto& e : f.metadata()) copy.set(e.key, e.value);
        CHECK(copy.to_bytes() == w.to_bytes());
    }
    SECTION("remove") {
        w.remove("str");
        CHECK_FALSE(w.contains("str"));
        CHECK_FALSE(gguf::File::from_bytes(w.to_bytes()).contains("str"));
    }
}

TEST_CASE("[gguf] writer round-trips tensors of every supported type", "[unit]") {
    const auto x = gguf_test::gaussian(512 * 2, 3);
    for (std::uint32_t alignment : {32u, 1u, 64u, 4096u}) {
        gguf::Writer w;
        w.set_alignment(alignment);
        std::vector<std::pair<std::string, std::vector<std::byte>>> expected;
        for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0, TensorType::Q4_0,
                                TensorType::Q4_K, TensorType::Q6_K}) {
            std::vector<std::byte> data(static_cast<std::size_t>(engine::row_bytes(type, 512) * 2));
            for (int r = 0; r < 2; ++r)
                engine::quantize_row(type, x.data() + 512 * r, data.data() + r * engine::row_bytes(type, 512), 512);
            const std::string name = "t." + std::string(engine::tensor_type_name(type));
            const std::int64_t dims[] = {512, 2};
            w.add_tensor(name, type, dims, data);
            expected.emplace_back(name, data);
        }
        // Types braid cannot dequantize can still be written and listed.
        std::vector<std::byte> iq(66, std::byte{0});
        const std::int64_t iq_dims[] = {256};
        w.add_tensor("t.iq2_xxs", TensorType::IQ2_XXS, iq_dims, iq);

        const auto bytes = w.to_bytes();
        const auto f = gguf::File::view(bytes);
        INFO("alignment " << alignment);
        CHECK(f.alignment() == alignment);
        CHECK(f.contains("general.alignment") == (alignment != 32));
        REQUIRE(f.tensors().size() == expected.size() + 1);
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const auto& t = f.tensors()[i];
            CHECK(t.name == expected[i].first);
            CHECK(t.file_offset % alignment == 0);
            CHECK(t.ne[0] == 512);
            CHECK(t.ne[1] == 2);
            CHECK(std::equal(expected[i].second.begin(), expected[i].second.end(), t.data, t.data + t.bytes));
            CHECK(gguf_test::nmse(f.dequantize(t), x) < 0.01);
        }
        CHECK_THROWS_MATCHES(f.dequantize(f.tensor("t.iq2_xxs")), Error, kind_is(errc::unsupported));
        CHECK(bytes.size() % alignment == 0);
    }
}

TEST_CASE("[gguf] writer writes files and re-writes a read file byte for byte", "[unit]") {
    const auto path = gguf_test::data_path("tiny-llama-gqa-q3_k_m.extract.gguf");
    const auto original = gguf::File::open(path);
    gguf::Writer w;
    for (const auto& e : original.metadata()) w.set(e.key, e.value);
    for (const auto& t : original.tensors()) w.add_tensor(t.name, t.type, t.dims(), t.span());
    const auto bytes = w.to_bytes();
    CHECK(std::equal(bytes.begin(), bytes.end(), original.bytes().begin(), original.bytes().end()));

    const auto out = std::filesystem::temp_directory_path() / ("braid-gguf-writer-" + std::to_string(::getpid()) + ".gguf");
    std::uint64_t last = 0, total = 0;
    w.write(out, [&](std::uint64_t done, std::uint64_t all) {
        CHECK(done >= last);
        last = done;
        total = all;
    });
    CHECK(last == total);
    const auto reread = gguf::File::open(out);
    CHECK(std::equal(reread.bytes().begin(), reread.bytes().end(), original.bytes().begin(), original.bytes().end()));
    std::filesystem::remove(out);
    CHECK_THROWS_MATCHES(w.write("/nonexistent-dir/x.gguf"), Error, kind_is(errc::io));
}

TEST_CASE("[gguf] writer rejects misuse", "[unit]") {
    gguf::Writer w;
    const std::vector<float> four(4, 1.0f);
    const std::int64_t d4[] = {4};
    w.add_tensor("a", d4, four);
    CHECK_THROWS_MATCHES(w.add_tensor("a", d4, four), Error, kind_is(errc::invalid_argument));
    const std::int64_t d22[] = {2, 2};
    CHECK_NOTHROW(w.add_tensor("b", d22, four));
    const std::int64_t bad_dims[] = {4, 0};
    CHECK_THROWS_MATCHES(w.add_tensor("c", bad_dims, four), Error, kind_is(errc::invalid_argument));
    const std::int64_t five_dims[] = {1, 1, 1, 1, 4};
    CHECK_THROWS_MATCHES(w.add_tensor("c", five_dims, four), Error, kind_is(errc::invalid_argument));
    const std::int64_t d8[] = {8};
    CHECK_THROWS_MATCHES(w.add_tensor("c", d8, four), Error, Catch::Message("tensor 'c': data has 16 bytes, the f32 shape needs 32"));
    const std::vector<std::byte> block(34);
    const std::int64_t d16[] = {16};
    CHECK_THROWS_MATCHES(w.add_tensor("q", TensorType::Q8_0, d16, block), Error, kind_is(errc::invalid_argument));
    CHECK_THROWS_MATCHES(w.set_alignment(0), Error, kind_is(errc::invalid_argument));
    CHECK_THROWS_MATCHES(w.set_alignment(48), Error, kind_is(errc::invalid_argument));
    gguf_test::Bytes truncated_array;
    truncated_array.put<std::uint32_t>(4).put<std::uint64_t>(3).put<std::uint32_t>(1);
    CHECK_THROWS_MATCHES(w.set_encoded("x", ValueType::Array, truncated_array.v), Error, kind_is(errc::invalid_argument));
    gguf_test::Bytes extra;
    extra.put<std::uint32_t>(1).put<std::uint8_t>(0);
    CHECK_THROWS_MATCHES(w.set_encoded("x", ValueType::U32, extra.v), Error, kind_is(errc::invalid_argument));
    CHECK_FALSE(w.contains("x"));
}
