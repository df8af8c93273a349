// gguf::File on real files and on writer-made buffers: metadata access, arrays, tensors, lifetimes.
#include <catch2/catch.hpp>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "unit/gguf/test_util.hpp"

using namespace braid;
using engine::TensorType;

using gguf_test::kind_is;

TEST_CASE("[gguf] reader reads the synthetic model's metadata", "[unit]") {
    const auto f = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-q4_k_m.extract.gguf"));
    CHECK(f.version() == 3);
    CHECK(f.alignment() == 32);
    CHECK(f.data_offset() % 32 == 0);

    SECTION("scalars with checked conversions") {
        CHECK(f.get<std::string_view>("general.architecture") == "llama");
        CHECK(f.get<std::string>("tokenizer.ggml.model") == "llama");
        CHECK(f.get<std::uint32_t>("llama.block_count") == 3);
        CHECK(f.get<int>("llama.embedding_length") == 256);
        CHECK(f.get<std::int64_t>("llama.attention.head_count_kv") == 2);
        CHECK(f.get<float>("llama.attention.layer_norm_rms_epsilon") == Approx(1e-5f));
        CHECK(f.get<double>("llama.rope.freq_base") == 10000.0);
        CHECK(f.get<double>("llama.block_count") == 3.0);  // integers read as numbers too
        CHECK(f.get<std::uint32_t>("tokenizer.ggml.padding_token_id") == 4294967295u);
        CHECK_THROWS_MATCHES(f.get<std::int32_t>("tokenizer.ggml.padding_token_id"), Error, kind_is(errc::model_format));
        CHECK_THROWS_MATCHES(f.get<std::uint8_t>("llama.context_length"), Error, kind_is(errc::model_format));
        CHECK_THROWS_MATCHES(f.get<std::uint32_t>("general.architecture"), Error,
                             Catch::Message("metadata 'general.architecture': value of type string (\"llama\") is not an integer"));
        CHECK_THROWS_MATCHES(f.get<bool>("llama.block_count"), Error, kind_is(errc::model_format));
        CHECK_THROWS_MATCHES(f.get<int>("no.such.key"), Error, kind_is(errc::not_found));
        CHECK(f.get_optional<int>("no.such.key") == std::nullopt);
        CHECK(f.get_optional<int>("llama.block_count") == 3);
        CHECK(f.get_or<int>("no.such.key", 7) == 7);
        CHECK(f.find("no.such.key") == nullptr);
        CHECK(f.contains("general.file_type"));
        CHECK(f.metadata().front().key == "general.architecture");
    }

    SECTION("arrays without copies") {
        const auto tokens = f.get<gguf::ArrayView>("tokenizer.ggml.tokens");
        CHECK(tokens.element_type() == gguf::ValueType::String);
        REQUIRE(tokens.size() == 512);
        const auto strings = tokens.strings();
        CHECK(strings[0] == "<unk>");
        CHECK(strings[1] == "<s>");
        CHECK(strings[3] == "<0x00>");
        std::size_t n = 0;
        for (gguf::Value v : tokens) n += v.as_string().empty() ? 0 : 1;
        CHECK(n == 512);
        // A string_view points into the mapped file.
        const auto bytes = f.bytes();
        CHECK(reinterpret_cast<const std::byte*>(strings[1].data()) > bytes.data());
        CHECK(reinterpret_cast<const std::byte*>(strings[1].data()) < bytes.data() + bytes.size());

        const auto types = f.get<gguf::ArrayView>("tokenizer.ggml.token_type");
        CHECK(types.element_type() == gguf::ValueType::I32);
        CHECK(types.at<int>(0) == 2);
        CHECK(types.at<int>(1) == 3);
        CHECK(types.to_vector<std::int32_t>().size() == 512);
        CHECK_THROWS_MATCHES(types.at<int>(512), Error, kind_is(errc::invalid_argument));
        CHECK_THROWS_MATCHES(tokens.at<int>(0), Error, kind_is(errc::model_format));
        CHECK_THROWS_MATCHES(types.strings(), Error, kind_is(errc::model_format));
        const auto scores = f.get<gguf::ArrayView>("tokenizer.ggml.scores");
        CHECK(scores.at<float>(0) == 0.0f);
        CHECK(f.at("tokenizer.ggml.tokens").to_display_string(2) == "[\"<unk>\", \"<s>\", … 512 × string]");
    }

    SECTION("tensors") {
        const auto& t = f.tensor("blk.0.attn_k.weight");
        CHECK(t.n_dims == 2);
        CHECK(t.ne[0] == 256);
        CHECK(t.ne[1] == 64);
        CHECK(t.dims().size() == 2);
        CHECK(t.elements == 256 * 64);
        CHECK(t.rows() == 64);
        CHECK(t.bytes == static_cast<std::uint64_t>(engine::row_bytes(t.type, 256) * 64));
        CHECK(t.row_bytes() == static_cast<std::uint64_t>(engine::row_bytes(t.type, 256)));
        CHECK(t.file_offset == f.data_offset() + t.offset);
        CHECK(t.data == f.bytes().data() + t.file_offset);
        CHECK(f.find_tensor("missing") == nullptr);
        CHECK_THROWS_MATCHES(f.tensor("missing"), Error, kind_is(errc::not_found));
        for (const auto& info : f.tensors()) {
            CHECK(info.offset % f.alignment() == 0);
            CHECK(&f.tensor(info.name) == &info);
        }
    }

    SECTION("views stay valid when the File moves") {
        const gguf::Value* arch = f.find("general.architecture");
        const auto name = f.tensors().front().name;
        gguf::File moved = gguf::File::open(gguf_test::data_path("tiny-llama-gqa-q4_k_m.extract.gguf"));
        const auto view = moved.get<std::string_view>("general.architecture");
        gguf::File other = std::move(moved);
        CHECK(view == "llama");
        CHECK(other.get<std::string_view>("general.architecture") == "llama");
        CHECK(arch->as_string() == "llama");
        CHECK(!name.empty());
    }
}

TEST_CASE("[gguf] reader opens memory and reports io errors", "[unit]") {
    gguf::Writer w;
    w.set("general.architecture", "test");
    const std::vector<float> data = {1, 2, 3, 4};
    const std::int64_t dims[] = {4};
    w.add_tensor("x", dims, data);
    const auto bytes = w.to_bytes();

    const auto viewed = gguf::File::view(bytes);
    CHECK(viewed.name() == "<memory>");
    CHECK(viewed.dequantize(viewed.tensor("x")) == data);
    const auto owned = gguf::File::from_bytes(bytes, "copy");
    CHECK(owned.get<std::string_view>("general.architecture") == "test");
    CHECK(owned.tensor("x").data != viewed.tensor("x").data);
    CHECK_THROWS_MATCHES(owned.dequantize(viewed.tensor("x")), Error, kind_is(errc::invalid_argument));

    CHECK_THROWS_MATCHES(gguf::File::open(gguf_test::data_path("does-not-exist.gguf")), Error, kind_is(errc::io));
    CHECK_THROWS_MATCHES(gguf::File::open(gguf_test::data_path("")), Error, kind_is(errc::io));  // a directory
}
