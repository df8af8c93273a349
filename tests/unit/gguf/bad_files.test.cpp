// Hostile and broken GGUF input: every truncation of a valid file, and one crafted file per check. Each must
// give a clean braid::Error of the right kind whose message names what was wrong.
#include <catch2/catch.hpp>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "unit/gguf/test_util.hpp"

using namespace braid;
using engine::TensorType;
using gguf_test::Bytes;

namespace {

// A valid file with metadata of several kinds (strings, arrays of strings, numbers and arrays) and tensors.
std::vector<std::byte> valid_file() {
    gguf::Writer w;
    w.set("general.architecture", "llama");
    w.set("llama.block_count", std::uint32_t{3});
    w.set("flag", true);
    const std::vector<std::string> tokens = {"<s>", "</s>", "hello", ""};
    w.set_array("tokenizer.ggml.tokens", tokens);
    const std::vector<float> scores = {0.f, -1.f, -2.f, -3.f};
    w.set_array("tokenizer.ggml.scores", scores);
    Bytes nested;
    nested.put<std::uint32_t>(8).put<std::uint64_t>(2).str("ab").str("c");
    Bytes outer;
    outer.put<std::uint32_t>(9).put<std::uint64_t>(1);
    outer.v.insert(outer.v.end(), nested.v.begin(), nested.v.end());
    w.set_encoded("nested", gguf::ValueType::Array, outer.v);
    const auto x = gguf_test::gaussian(64, 1);
    const std::int64_t dims[] = {32, 2};
    w.add_tensor("a.weight", dims, x);
    std::vector<std::byte> q8(68, std::byte{0});
    w.add_tensor("b.weight", TensorType::Q8_0, dims, q8);
    return w.to_bytes();
}

// The parts of a hand-made file, assembled by build().
struct Parts {
    std::uint32_t version = 3;
    std::uint64_t tensor_count = 0;
    std::uint64_t kv_count = 0;
    Bytes kvs;
    Bytes infos;
    std::size_t data_bytes = 0;
    std::size_t alignment = 32;

    Parts& kv_u32(const std::string& key, std::uint32_t v) {
        kvs.str(key).put<std::uint32_t>(4).put(v);
        ++kv_count;
        return *this;
    }
    Parts& tensor(const std::string& name, std::vector<std::uint64_t> dims, std::uint32_t type, std::uint64_t offset) {
        infos.str(name).put<std::uint32_t>(static_cast<std::uint32_t>(dims.size()));
        for (auto d : dims) infos.put(d);
        infos.put(type).put(offset);
        ++tensor_count;
        return *this;
    }
    std::vector<std::byte> build() const {
        Bytes b;
        b.raw({'G', 'G', 'U', 'F'}).put(version).put(tensor_count).put(kv_count);
        b.v.insert(b.v.end(), kvs.v.begin(), kvs.v.end());
        b.v.insert(b.v.end(), infos.v.begin(), infos.v.end());
        b.pad_to(alignment);
        b.fill(data_bytes, 0);
        return b.v;
    }
};

errc open_error(const std::vector<std::byte>& bytes, std::string* message = nullptr) {
    try {
        gguf::File::view(bytes);
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.kind();
    }
    return errc::internal;  // opened: no error
}

void check_model_format(const std::vector<std::byte>& bytes, const std::string& needle) {
    std::string message;
    CHECK(open_error(bytes, &message) == errc::model_format);
    INFO("message: " << message);
    CHECK_THAT(message, Catch::Contains(needle));
}

} // namespace

TEST_CASE("[gguf] reader survives truncation at every byte", "[unit]") {
    const auto bytes = valid_file();
    const auto full = gguf::File::view(bytes);
    const std::size_t data_offset = static_cast<std::size_t>(full.data_offset());
    REQUIRE(data_offset < bytes.size());
    std::size_t data_end = 0;  // past it only the last tensor's padding follows, which may be cut
    for (const auto& t : full.tensors()) data_end = std::max<std::size_t>(data_end, t.file_offset + t.bytes);
    std::size_t errors = 0;
    for (std::size_t n = 0; n < data_end; n += (n < data_offset + 8 ? 1 : 13)) {
        std::vector<std::byte> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        std::string message;
        const errc kind = open_error(cut, &message);
        INFO("truncated to " << n << " bytes: " << message);
        CHECK(kind == errc::model_format);
        CHECK_FALSE(message.empty());
        errors += kind == errc::model_format;
    }
    CHECK(errors > data_offset);
    CHECK_NOTHROW(gguf::File::view(std::span(bytes).first(data_end)));
    CHECK_NOTHROW(gguf::File::view(bytes));
}

TEST_CASE("[gguf] reader rejects bad headers", "[unit]") {
    SECTION("magic") {
        auto bytes = valid_file();
        bytes[0] = std::byte{'X'};
        check_model_format(bytes, "not a GGUF file: the magic at byte 0 is 'XGUF'");
        check_model_format({}, "not a GGUF file");
    }
    SECTION("versions 1, 4 and big-endian are unsupported") {
        for (std::uint32_t v : {1u, 4u, 0x03000000u, 0u}) {
            Parts p;
            p.version = v;
            std::string message;
            CHECK(open_error(p.build(), &message) == errc::unsupported);
            CHECK_THAT(message, Catch::Contains("version " + std::to_string(v)));
        }
        Parts v2;
        v2.version = 2;
        v2.kv_u32("a", 1);
        CHECK(gguf::File::view(v2.build()).version() == 2);
    }
    SECTION("absurd counts") {
        Parts p;
        p.kv_count = std::uint64_t{1} << 60;
        check_model_format(p.build(), "metadata count 1152921504606846976 at byte 16 cannot fit");
        Parts t;
        t.tensor_count = ~std::uint64_t{0};
        check_model_format(t.build(), "tensor count 18446744073709551615 at byte 8 cannot fit");
    }
}

TEST_CASE("[gguf] reader rejects bad metadata", "[unit]") {
    SECTION("string length past the end") {
        Parts p;
        p.kvs.put<std::uint64_t>(1000).raw({'a', 'b'});
        p.kv_count = 1;
        check_model_format(p.build(), "string length 1000 at byte 24 extends past the end of the file");
    }
    SECTION("value string past the end") {
        Parts p;
        p.kvs.str("k").put<std::uint32_t>(8).put<std::uint64_t>(~std::uint64_t{0} - 3);
        p.kv_count = 1;
        check_model_format(p.build(), "metadata 'k': string length");
    }
    SECTION("unknown value type") {
        Parts p;
        p.kvs.str("k").put<std::uint32_t>(13).put<std::uint32_t>(0);
        p.kv_count = 1;
        check_model_format(p.build(), "metadata 'k': unknown value type 13 at byte 33");
    }
    SECTION("unknown array element type") {
        Parts p;
        p.kvs.str("k").put<std::uint32_t>(9).put<std::uint32_t>(77).put<std::uint64_t>(0);
        p.kv_count = 1;
        check_model_format(p.build(), "unknown array element type 77");
    }
    SECTION("array count larger than the file") {
        for (std::uint32_t element_type : {0u, 6u, 8u, 9u, 10u}) {
            Parts p;
            p.kvs.str("arr").put<std::uint32_t>(9).put(element_type).put<std::uint64_t>(std::uint64_t{1} << 40);
            p.kv_count = 1;
            check_model_format(p.build(), "metadata 'arr': array of 1099511627776");
        }
    }
    SECTION("bool that is neither 0 nor 1") {
        Parts p;
        p.kvs.str("b").put<std::uint32_t>(7).put<std::uint8_t>(2);
        p.kv_count = 1;
        check_model_format(p.build(), "metadata 'b': bool value 2");
        Parts in_array;
        in_array.kvs.str("b").put<std::uint32_t>(9).put<std::uint32_t>(7).put<std::uint64_t>(2).raw({1, 5});
        in_array.kv_count = 1;
        check_model_format(in_array.build(), "bool value 5");
    }
    SECTION("arrays nested too deep") {
        Parts p;
        p.kvs.str("deep").put<std::uint32_t>(9);
        for (int i = 0; i < 20; ++i) p.kvs.put<std::uint32_t>(9).put<std::uint64_t>(1);
        p.kvs.put<std::uint32_t>(0).put<std::uint64_t>(0);
        p.kv_count = 1;
        check_model_format(p.build(), "nested deeper than 8 levels");
    }
    SECTION("duplicate keys") {
        Parts p;
        p.kv_u32("same", 1).kv_u32("same", 2);
        check_model_format(p.build(), "metadata 'same' at byte 44 is a duplicate key");
    }
    SECTION("general.alignment must be an integer power of two") {
        for (std::uint32_t a : {0u, 3u, 48u, 0x80000000u}) {
            Parts p;
            p.kv_u32("general.alignment", a);
            check_model_format(p.build(), "general.alignment " + std::to_string(a) + " is not a power of two");
        }
        Parts s;
        s.kvs.str("general.alignment").put<std::uint32_t>(8).str("32");
        s.kv_count = 1;
        check_model_format(s.build(), "general.alignment is a string");
        Parts ok;
        ok.kv_u32("general.alignment", 64).tensor("t", {16}, 0, 64);
        ok.alignment = 64;
        ok.data_bytes = 128;
        const auto f = gguf::File::from_bytes(ok.build());
        CHECK(f.alignment() == 64);
        CHECK(f.data_offset() % 64 == 0);
    }
}

TEST_CASE("[gguf] reader rejects bad tensor infos", "[unit]") {
    SECTION("n_dims") {
        Parts zero;
        zero.tensor("t", {}, 0, 0);
        check_model_format(zero.build(), "tensor 't': n_dims 0 at byte 33 is not in 1…4");
        Parts five;
        five.tensor("t", {1, 1, 1, 1, 1}, 0, 0);
        five.data_bytes = 64;
        check_model_format(five.build(), "n_dims 5");
    }
    SECTION("zero dim") {
        Parts p;
        p.tensor("t", {4, 0}, 0, 0);
        check_model_format(p.build(), "tensor 't': dim 1 = 0 at byte 45 is not a positive size");
    }
    SECTION("element count overflow") {
        Parts p;
        p.tensor("t", {std::uint64_t{1} << 32, std::uint64_t{1} << 32}, 0, 0);
        check_model_format(p.build(), "tensor 't': element count overflows");
        Parts bytes;
        bytes.tensor("t", {std::uint64_t{1} << 62}, 0, 0);  // elements fit, bytes do not
        check_model_format(bytes.build(), "tensor 't'");
    }
    SECTION("unknown type, and known types braid cannot dequantize") {
        Parts p;
        p.tensor("t", {32}, 99, 0);
        check_model_format(p.build(), "tensor 't': unknown tensor type id 99");
        Parts retired;
        retired.tensor("t", {32}, 4, 0);  // Q4_2, removed from ggml long ago
        check_model_format(retired.build(), "unknown tensor type id 4");
        Parts iq;
        iq.tensor("t", {256}, 16, 0);
        iq.data_bytes = 66;
        const auto f = gguf::File::from_bytes(iq.build());
        CHECK(f.tensor("t").type == TensorType::IQ2_XXS);
        CHECK_THROWS_MATCHES(f.dequantize(f.tensor("t")), Error,
                             Catch::Predicate<Error>([](const Error& e) { return e.kind() == errc::unsupported; }));
    }
    SECTION("row not a whole number of blocks") {
        Parts p;
        p.tensor("t", {48, 2}, 8, 0);
        check_model_format(p.build(), "tensor 't': row size ne[0] = 48 is not a multiple of the q8_0 block size 32");
    }
    SECTION("misaligned offset") {
        Parts p;
        p.tensor("t", {8}, 0, 16);
        p.data_bytes = 64;
        check_model_format(p.build(), "tensor 't': data offset 16 at byte 49 is not a multiple of the alignment 32");
    }
    SECTION("data past the end") {
        Parts p;
        p.tensor("blk.0.attn_q.weight", {8}, 0, 0).tensor("u", {8}, 0, 32);
        p.data_bytes = 40;
        check_model_format(p.build(), "tensor 'u': data [128 + 32, +32 bytes) extends past the end of the file (size 168)");
        Parts huge;
        huge.tensor("t", {8}, 0, ~std::uint64_t{0} - 31);
        check_model_format(huge.build(), "extends past the end of the file");
    }
    SECTION("overlapping tensors") {
        Parts p;
        p.tensor("a", {16}, 0, 0).tensor("b", {16}, 0, 64);
        p.data_bytes = 128;
        CHECK_NOTHROW(gguf::File::from_bytes(p.build()));
        Parts o;
        o.tensor("a", {16}, 0, 32).tensor("b", {16}, 0, 0);
        o.data_bytes = 128;
        check_model_format(o.build(), "tensor 'a' (data offset 32) overlaps tensor 'b' (data [0, 64))");
    }
    SECTION("duplicate tensor names") {
        Parts p;
        p.tensor("t", {8}, 0, 0).tensor("t", {8}, 0, 32);
        p.data_bytes = 64;
        check_model_format(p.build(), "tensor 't' (info at byte 57) is a duplicate name");
    }
}
