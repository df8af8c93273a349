// Reads the tokenizer.ggml.* metadata of a GGUF file into a VocabSpec. Only the key/value section is
// read (streamed, every length checked against the bytes left in the file), so a multi-GB model file
// costs only its metadata.
#include <cstring>
#include <optional>
#include <fstream>

#include "braid/engine/tokenizer_vocab.hpp"
#include "braid/error.hpp"

namespace braid::engine {

namespace {

enum GgufType : std::uint32_t {
    kU8 = 0, kI8 = 1, kU16 = 2, kI16 = 3, kU32 = 4, kI32 = 5, kF32 = 6, kBool = 7,
    kString = 8, kArray = 9, kU64 = 10, kI64 = 11, kF64 = 12,
};

std::uint64_t scalar_size(std::uint32_t type) {
    switch (type) {
    case kU8: case kI8: case kBool: return 1;
    case kU16: case kI16: return 2;
    case kU32: case kI32: case kF32: return 4;
    case kU64: case kI64: case kF64: return 8;
    default: return 0;
    }
}

class MetadataStream {
public:
    MetadataStream(const std::filesystem::path& path) : path_(path.string()), in_(path, std::ios::binary) {
        if (!in_) throw Error(errc::io, "cannot open tokenizer file '" + path_ + "'");
        std::error_code ec;
        left_ = std::filesystem::file_size(path, ec);
        if (ec) throw Error(errc::io, "cannot read the size of '" + path_ + "': " + ec.message());
    }

    void read(void* out, std::uint64_t n, const char* what) {
        if (n > left_) fail(std::string("truncated while reading ") + what);
        in_.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
        if (!in_) throw Error(errc::io, "read error in '" + path_ + "'");
        left_ -= n;
    }
    void skip(std::uint64_t n, const char* what) {
        if (n > left_) fail(std::string("truncated while skipping ") + what);
        in_.seekg(static_cast<std::streamoff>(n), std::ios::cur);
        left_ -= n;
    }
    template <typename T>
    T get(const char* what) {
        T v;
        read(&v, sizeof v, what);
        return v;
    }
    std::string string(const char* what) {
        auto n = get<std::uint64_t>(what);
        if (n > left_) fail(std::string("string length out of range in ") + what);
        std::string s(n, '\0');
        read(s.data(), n, what);
        return s;
    }
    [[noreturn]] void fail(const std::string& message) const {
        throw Error(errc::model_format, "GGUF '" + path_ + "': " + message);
    }
    std::uint64_t left() const { return left_; }

private:
    std::string path_;
    std::ifstream in_;
    std::uint64_t left_ = 0;
};

// Skips one value of @p type (arrays recursively, one level as GGUF allows nesting).
void skip_value(MetadataStream& s, std::uint32_t type, const std::string& key, int depth = 0) {
    if (type == kString) {
        auto n = s.get<std::uint64_t>(key.c_str());
        s.skip(n, key.c_str());
    } else if (type == kArray) {
        if (depth > 2) s.fail("arrays nested too deeply in '" + key + "'");
        auto elem = s.get<std::uint32_t>(key.c_str());
        auto count = s.get<std::uint64_t>(key.c_str());
        if (auto sz = scalar_size(elem)) {
            if (count > s.left() / sz) s.fail("array '" + key + "' is larger than the file");
            s.skip(count * sz, key.c_str());
        } else {
            if (elem != kString && elem != kArray) s.fail("array '" + key + "' has unknown element type");
            if (count > s.left() / 8) s.fail("array '" + key + "' is larger than the file");
            for (std::uint64_t i = 0; i < count; ++i) skip_value(s, elem, key, depth + 1);
        }
    } else if (auto sz = scalar_size(type)) {
        s.skip(sz, key.c_str());
    } else {
        s.fail("key '" + key + "' has unknown value type " + std::to_string(type));
    }
}

// Any integer type as unsigned; a signed -1 comes back as all ones (the "none" of special-token ids).
std::uint64_t read_integer(MetadataStream& s, std::uint32_t type, const std::string& key) {
    switch (type) {
    case kU8: return s.get<std::uint8_t>(key.c_str());
    case kU16: return s.get<std::uint16_t>(key.c_str());
    case kU32: return s.get<std::uint32_t>(key.c_str());
    case kU64: return s.get<std::uint64_t>(key.c_str());
    case kI8: { auto v = s.get<std::int8_t>(key.c_str()); if (v == -1) return ~std::uint64_t{0}; if (v < 0) break; return static_cast<std::uint64_t>(v); }
    case kI16: { auto v = s.get<std::int16_t>(key.c_str()); if (v == -1) return ~std::uint64_t{0}; if (v < 0) break; return static_cast<std::uint64_t>(v); }
    case kI32: { auto v = s.get<std::int32_t>(key.c_str()); if (v == -1) return ~std::uint64_t{0}; if (v < 0) break; return static_cast<std::uint64_t>(v); }
    case kI64: { auto v = s.get<std::int64_t>(key.c_str()); if (v == -1) return ~std::uint64_t{0}; if (v < 0) break; return static_cast<std::uint64_t>(v); }
    default: s.fail("key '" + key + "' must be an integer");
    }
    s.fail("key '" + key + "' is negative");
}

std::uint64_t array_header(MetadataStream& s, std::uint32_t type, std::uint32_t want, const std::string& key) {
    if (type != kArray) s.fail("key '" + key + "' must be an array");
    auto elem = s.get<std::uint32_t>(key.c_str());
    if (elem != want) s.fail("array '" + key + "' has the wrong element type " + std::to_string(elem));
    auto count = s.get<std::uint64_t>(key.c_str());
    std::uint64_t min_size = want == kString ? 8 : scalar_size(want);
    if (count > s.left() / min_size) s.fail("array '" + key + "' is larger than the file");
    return count;
}

std::vector<std::string> read_strings(MetadataStream& s, std::uint32_t type, const std::string& key) {
    auto count = array_header(s, type, kString, key);
    std::vector<std::string> out;
    out.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) out.push_back(s.string(key.c_str()));
    return out;
}

} // namespace

VocabSpec Vocab::read_gguf_spec(const std::filesystem::path& path) {
    MetadataStream s(path);
    char magic[4];
    s.read(magic, 4, "the magic");
    if (std::memcmp(magic, "GGUF", 4) != 0) s.fail("not a GGUF file (bad magic)");
    auto version = s.get<std::uint32_t>("the version");
    if (version != 2 && version != 3) s.fail("unsupported GGUF version " + std::to_string(version));
    (void)s.get<std::uint64_t>("the tensor count");
    auto kv_count = s.get<std::uint64_t>("the key/value count");
    if (kv_count > s.left() / 12) s.fail("key/value count is larger than the file");

    VocabSpec spec;
    bool have_tokens = false;
    for (std::uint64_t i = 0; i < kv_count; ++i) {
        std::string key = s.string("a key");
        auto type = s.get<std::uint32_t>(key.c_str());
        // A special-token id; -1 (stored as 0xFFFFFFFF by converters) means "none".
        auto id = [&]() -> std::optional<std::uint32_t> {
            auto v = read_integer(s, type, key);
            if (v == 0xffffffffULL || v == 0xffffffffffffffffULL) return std::nullopt;
            if (v > 0x7fffffffULL) s.fail("key '" + key + "' is out of range");
            return static_cast<std::uint32_t>(v);
        };
        auto boolean = [&]() {
            if (type != kBool) s.fail("key '" + key + "' must be a bool");
            return s.get<std::uint8_t>(key.c_str()) != 0;
        };
        auto text = [&]() {
            if (type != kString) s.fail("key '" + key + "' must be a string");
            return s.string(key.c_str());
        };
        if (key == "tokenizer.ggml.model") spec.model = text();
        else if (key == "tokenizer.ggml.pre") spec.pre = text();
        else if (key == "tokenizer.ggml.tokens") { spec.tokens = read_strings(s, type, key); have_tokens = true; }
        else if (key == "tokenizer.ggml.merges") spec.merges = read_strings(s, type, key);
        else if (key == "tokenizer.ggml.scores") {
            auto n = array_header(s, type, kF32, key);
            spec.scores.resize(n);
            s.read(spec.scores.data(), n * 4, key.c_str());
        } else if (key == "tokenizer.ggml.token_type") {
            auto n = array_header(s, type, kI32, key);
            spec.token_types.resize(n);
            s.read(spec.token_types.data(), n * 4, key.c_str());
        }
        else if (key == "tokenizer.ggml.bos_token_id") spec.bos_id = id();
        else if (key == "tokenizer.ggml.eos_token_id") spec.eos_id = id();
        else if (key == "tokenizer.ggml.unknown_token_id") spec.unk_id = id();
        else if (key == "tokenizer.ggml.padding_token_id") spec.pad_id = id();
        else if (key == "tokenizer.ggml.seperator_token_id") spec.sep_id = id();
        else if (key == "tokenizer.ggml.cls_token_id") spec.cls_id = id();
        else if (key == "tokenizer.ggml.mask_token_id") spec.mask_id = id();
        else if (key == "tokenizer.ggml.add_bos_token") spec.add_bos = boolean();
        else if (key == "tokenizer.ggml.add_eos_token") spec.add_eos = boolean();
        else if (key == "tokenizer.ggml.add_space_prefix") spec.add_space_prefix = boolean();
        else skip_value(s, type, key);
    }
    if (!have_tokens) s.fail("no tokenizer.ggml.tokens array (not a tokenizer/model file?)");
    return spec;
}

Vocab Vocab::from_gguf(const std::filesystem::path& path) { return from_spec(read_gguf_spec(path)); }

} // namespace braid::engine
