// gguf::Writer: GGUF v3 serialization. Layout: header, key/values, tensor infos, zero padding to the
// alignment, then each tensor's data padded to the alignment (so every offset is aligned).
#include "braid/engine/gguf_writer.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

#include "braid/error.hpp"
#include "engine/gguf/encoding.hpp"

namespace braid::gguf {

namespace {

template <typename T>
void append(std::vector<std::byte>& out, T v) {
    const auto at = out.size();
    out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
}

void append_string(std::vector<std::byte>& out, std::string_view s) {
    append<std::uint64_t>(out, s.size());
    const auto at = out.size();
    out.resize(at + s.size());
    if (!s.empty()) std::memcpy(out.data() + at, s.data(), s.size());
}

std::uint64_t align_up(std::uint64_t v, std::uint64_t alignment) {
    const std::uint64_t rest = v % alignment;
    return rest == 0 ? v : v + (alignment - rest);
}

} // namespace

void Writer::set_alignment(std::uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > (1u << 30))
        throw Error(errc::invalid_argument, "GGUF alignment " + std::to_string(alignment) + " is not a power of two (1 … 2^30)");
    alignment_ = alignment;
    if (alignment == 32)
        remove("general.alignment");
    else
        set("general.alignment", alignment);
}

void Writer::put(std::string_view key, ValueType type, std::vector<std::byte> encoded) {
    for (Entry& e : entries_) {
        if (e.key == key) {
            e.type = type;
            e.encoded = std::move(encoded);
            return;
        }
    }
    entries_.push_back({std::string(key), type, std::move(encoded)});
}

template <typename T>
void Writer::put_scalar(std::string_view key, ValueType type, T v) {
    std::vector<std::byte> bytes;
    append(bytes, v);
    put(key, type, std::move(bytes));
}

template <typename T>
void Writer::put_array(std::string_view key, ValueType element_type, std::span<const T> v) {
    std::vector<std::byte> bytes;
    bytes.reserve(12 + v.size() * sizeof(T));
    append(bytes, static_cast<std::uint32_t>(element_type));
    append<std::uint64_t>(bytes, v.size());
    for (const T& x : v) append(bytes, x);
    put(key, ValueType::Array, std::move(bytes));
}

void Writer::set(std::string_view key, std::uint8_t v) { put_scalar(key, ValueType::U8, v); }
void Writer::set(std::string_view key, std::int8_t v) { put_scalar(key, ValueType::I8, v); }
void Writer::set(std::string_view key, std::uint16_t v) { put_scalar(key, ValueType::U16, v); }
void Writer::set(std::string_view key, std::int16_t v) { put_scalar(key, ValueType::I16, v); }
void Writer::set(std::string_view key, std::uint32_t v) { put_scalar(key, ValueType::U32, v); }
void Writer::set(std::string_view key, std::int32_t v) { put_scalar(key, ValueType::I32, v); }
void Writer::set(std::string_view key, std::uint64_t v) { put_scalar(key, ValueType::U64, v); }
void Writer::set(std::string_view key, std::int64_t v) { put_scalar(key, ValueType::I64, v); }
void Writer::set(std::string_view key, float v) { put_scalar(key, ValueType::F32, v); }
void Writer::set(std::string_view key, double v) { put_scalar(key, ValueType::F64, v); }
void Writer::set(std::string_view key, bool v) { put_scalar<std::uint8_t>(key, ValueType::Bool, v ? 1 : 0); }

void Writer::set(std::string_view key, std::string_view v) {
    std::vector<std::byte> bytes;
    append_string(bytes, v);
    put(key, ValueType::String, std::move(bytes));
}

void Writer::set(std::string_view key, const Value& v) {
    const auto encoded = v.encoded();
    put(key, v.type(), std::vector<std::byte>(encoded.begin(), encoded.end()));
}

void Writer::set_array(std::string_view key, std::span<const std::uint8_t> v) { put_array(key, ValueType::U8, v); }
void Writer::set_array(std::string_view key, std::span<const std::int8_t> v) { put_array(key, ValueType::I8, v); }
void Writer::set_array(std::string_view key, std::span<const std::uint16_t> v) { put_array(key, ValueType::U16, v); }
void Writer::set_array(std::string_view key, std::span<const std::int16_t> v) { put_array(key, ValueType::I16, v); }
void Writer::set_array(std::string_view key, std::span<const std::uint32_t> v) { put_array(key, ValueType::U32, v); }
void Writer::set_array(std::string_view key, std::span<const std::int32_t> v) { put_array(key, ValueType::I32, v); }
void Writer::set_array(std::string_view key, std::span<const std::uint64_t> v) { put_array(key, ValueType::U64, v); }
void Writer::set_array(std::string_view key, std::span<const std::int64_t> v) { put_array(key, ValueType::I64, v); }
void Writer::set_array(std::string_view key, std::span<const float> v) { put_array(key, ValueType::F32, v); }
void Writer::set_array(std::string_view key, std::span<const double> v) { put_array(key, ValueType::F64, v); }

void Writer::set_array(std::string_view key, const std::vector<bool>& v) {
    std::vector<std::byte> bytes;
    append(bytes, static_cast<std::uint32_t>(ValueType::Bool));
    append<std::uint64_t>(bytes, v.size());
    for (bool b : v) append<std::uint8_t>(bytes, b ? 1 : 0);
    put(key, ValueType::Array, std::move(bytes));
}

void Writer::set_array(std::string_view key, std::span<const std::string> v) {
    std::vector<std::byte> bytes;
    append(bytes, static_cast<std::uint32_t>(ValueType::String));
    append<std::uint64_t>(bytes, v.size());
    for (const auto& s : v) append_string(bytes, s);
    put(key, ValueType::Array, std::move(bytes));
}

void Writer::set_array(std::string_view key, std::span<const std::string_view> v) {
    std::vector<std::byte> bytes;
    append(bytes, static_cast<std::uint32_t>(ValueType::String));
    append<std::uint64_t>(bytes, v.size());
    for (auto s : v) append_string(bytes, s);
    put(key, ValueType::Array, std::move(bytes));
}

void Writer::set_encoded(std::string_view key, ValueType type, std::span<const std::byte> encoded) {
    try {
        detail::validate_encoded_value(type, encoded, "value for key '" + std::string(key) + "'");
    } catch (const Error& e) {
        throw Error(errc::invalid_argument, e.what());
    }
    put(key, type, std::vector<std::byte>(encoded.begin(), encoded.end()));
}

void Writer::remove(std::string_view key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->key == key) {
            entries_.erase(it);
            return;
        }
    }
}

bool Writer::contains(std::string_view key) const noexcept {
    for (const Entry& e : entries_)
        if (e.key == key) return true;
    return false;
}

void Writer::add_tensor(std::string_view name, engine::TensorType type, std::span<const std::int64_t> dims,
                        std::span<const std::byte> data) {
    const std::string what = "tensor '" + std::string(name) + "'";
    for (const Tensor& t : tensors_)
        if (t.name == name) throw Error(errc::invalid_argument, what + " was already added");
    if (!engine::tensor_type_from_id(engine::tensor_type_id(type)))
        throw Error(errc::invalid_argument, what + ": unknown tensor type id " + std::to_string(engine::tensor_type_id(type)));
    if (dims.empty() || dims.size() > 4)
        throw Error(errc::invalid_argument, what + ": " + std::to_string(dims.size()) + " dims (1…4 allowed)");
    std::int64_t elements = 1;
    for (std::int64_t d : dims) {
        if (d <= 0) throw Error(errc::invalid_argument, what + ": dim " + std::to_string(d) + " is not positive");
        if (elements > std::numeric_limits<std::int64_t>::max() / d)
            throw Error(errc::invalid_argument, what + ": element count overflows");
        elements *= d;
    }
    std::int64_t row;
    try {
        row = engine::row_bytes(type, dims[0]);
    } catch (const Error& e) {
        throw Error(errc::invalid_argument, what + ": " + e.what());
    }
    const std::int64_t rows = elements / dims[0];
    if (rows > std::numeric_limits<std::int64_t>::max() / row) throw Error(errc::invalid_argument, what + ": size overflows");
    const auto bytes = static_cast<std::uint64_t>(rows * row);
    if (data.size() != bytes)
        throw Error(errc::invalid_argument, what + ": data has " + std::to_string(data.size()) + " bytes, the " +
                                                std::string(engine::tensor_type_name(type)) + " shape needs " + std::to_string(bytes));
    tensors_.push_back({std::string(name), type, std::vector<std::int64_t>(dims.begin(), dims.end()),
                        std::vector<std::byte>(data.begin(), data.end()), 0});
}

void Writer::add_tensor(std::string_view name, std::span<const std::int64_t> dims, std::span<const float> data) {
    add_tensor(name, engine::TensorType::F32, dims, std::as_bytes(data));
}

std::vector<std::byte> Writer::header() const {
    std::vector<std::byte> out;
    out.reserve(4096);
    append<std::uint32_t>(out, 0x46554747u);  // "GGUF" read as a little-endian uint32
    append<std::uint32_t>(out, 3);
    append<std::uint64_t>(out, tensors_.size());
    append<std::uint64_t>(out, entries_.size());
    for (const Entry& e : entries_) {
        append_string(out, e.key);
        append(out, static_cast<std::uint32_t>(e.type));
        out.insert(out.end(), e.encoded.begin(), e.encoded.end());
    }
    std::uint64_t offset = 0;
    for (const Tensor& t : tensors_) {
        append_string(out, t.name);
        append<std::uint32_t>(out, static_cast<std::uint32_t>(t.dims.size()));
        for (std::int64_t d : t.dims) append<std::uint64_t>(out, static_cast<std::uint64_t>(d));
        append<std::uint32_t>(out, engine::tensor_type_id(t.type));
        append<std::uint64_t>(out, offset);
        offset = align_up(offset + t.data.size(), alignment_);
    }
    out.resize(align_up(out.size(), alignment_), std::byte{0});
    return out;
}

std::uint64_t Writer::data_size() const {
    std::uint64_t size = 0;
    for (const Tensor& t : tensors_) size = align_up(size + t.data.size(), alignment_);
    return size;
}

std::vector<std::byte> Writer::to_bytes() const {
    std::vector<std::byte> out = header();
    if (tensors_.empty()) return out;
    const std::uint64_t data_start = out.size();
    out.reserve(static_cast<std::size_t>(data_start + data_size()));
    for (const Tensor& t : tensors_) {
        out.insert(out.end(), t.data.begin(), t.data.end());
        out.resize(static_cast<std::size_t>(data_start + align_up(out.size() - data_start, alignment_)), std::byte{0});
    }
    return out;
}

void Writer::write(const std::filesystem::path& path, const std::function<void(std::uint64_t, std::uint64_t)>& progress) const {
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw Error(errc::io, "cannot create '" + tmp.string() + "'");
        const std::vector<std::byte> head = header();
        out.write(reinterpret_cast<const char*>(head.data()), static_cast<std::streamsize>(head.size()));
        const std::uint64_t total = data_size();
        std::uint64_t written = 0;
        static const char zeros[64] = {};
        if (!tensors_.empty()) {
            for (const Tensor& t : tensors_) {
                out.write(reinterpret_cast<const char*>(t.data.data()), static_cast<std::streamsize>(t.data.size()));
                std::uint64_t pad = align_up(t.data.size(), alignment_) - t.data.size();
                written += t.data.size() + pad;
                while (pad > 0) {
                    const auto n = std::min<std::uint64_t>(pad, sizeof zeros);
                    out.write(zeros, static_cast<std::streamsize>(n));
                    pad -= n;
                }
                if (progress) progress(written, total);
            }
        }
        out.flush();
        if (!out) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw Error(errc::io, "cannot write '" + tmp.string() + "'");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error(errc::io, "cannot rename '" + tmp.string() + "' to '" + path.string() + "'");
    }
}

} // namespace braid::gguf
