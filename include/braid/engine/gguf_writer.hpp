/// @file
/// @brief braid::gguf::Writer: builds a GGUF v3 file (metadata of every type, tensors of any type, aligned
/// data) in memory and writes it to a file or a byte vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/engine/gguf_value.hpp"
#include "braid/engine/tensor_type.hpp"

namespace braid::gguf {

/// Collects metadata and tensors, then serializes them as GGUF v3. Keys keep their insertion order; setting
/// an existing key replaces its value in place. Tensor data is copied in, and laid out in insertion order
/// at offsets aligned to alignment(). Misuse (bad shapes, wrong data sizes, duplicate tensor names) is an
/// Error(errc::invalid_argument).
class Writer {
public:
    /// An empty file with the default alignment (32).
    Writer() = default;

    /// Sets the data alignment (a power of two); anything but 32 is also recorded as `general.alignment`.
    void set_alignment(std::uint32_t alignment);
    /// The data alignment.
    std::uint32_t alignment() const noexcept { return alignment_; }

    /// Sets @p key to a uint8.
    void set(std::string_view key, std::uint8_t v);
    /// Sets @p key to an int8.
    void set(std::string_view key, std::int8_t v);
    /// Sets @p key to a uint16.
    void set(std::string_view key, std::uint16_t v);
    /// Sets @p key to an int16.
    void set(std::string_view key, std::int16_t v);
    /// Sets @p key to a uint32.
    void set(std::string_view key, std::uint32_t v);
    /// Sets @p key to an int32.
    void set(std::string_view key, std::int32_t v);
    /// Sets @p key to a uint64.
    void set(std::string_view key, std::uint64_t v);
    /// Sets @p key to an int64.
    void set(std::string_view key, std::int64_t v);
    /// Sets @p key to a float32.
    void set(std::string_view key, float v);
    /// Sets @p key to a float64.
    void set(std::string_view key, double v);
    /// Sets @p key to a bool.
    void set(std::string_view key, bool v);
    /// Sets @p key to a string.
    void set(std::string_view key, std::string_view v);
    /// Sets @p key to a string.
    void set(std::string_view key, const char* v) { set(key, std::string_view(v)); }
    /// Sets @p key to a string.
    void set(std::string_view key, const std::string& v) { set(key, std::string_view(v)); }
    /// Sets @p key to a copy of a value read from another file (any type, arrays included).
    void set(std::string_view key, const Value& v);

    /// Sets @p key to an array of uint8.
    void set_array(std::string_view key, std::span<const std::uint8_t> v);
    /// Sets @p key to an array of int8.
    void set_array(std::string_view key, std::span<const std::int8_t> v);
    /// Sets @p key to an array of uint16.
    void set_array(std::string_view key, std::span<const std::uint16_t> v);
    /// Sets @p key to an array of int16.
    void set_array(std::string_view key, std::span<const std::int16_t> v);
    /// Sets @p key to an array of uint32.
    void set_array(std::string_view key, std::span<const std::uint32_t> v);
    /// Sets @p key to an array of int32.
    void set_array(std::string_view key, std::span<const std::int32_t> v);
    /// Sets @p key to an array of uint64.
    void set_array(std::string_view key, std::span<const std::uint64_t> v);
    /// Sets @p key to an array of int64.
    void set_array(std::string_view key, std::span<const std::int64_t> v);
    /// Sets @p key to an array of float32.
    void set_array(std::string_view key, std::span<const float> v);
    /// Sets @p key to an array of float64.
    void set_array(std::string_view key, std::span<const double> v);
    /// Sets @p key to an array of bool.
    void set_array(std::string_view key, const std::vector<bool>& v);
    /// Sets @p key to an array of strings.
    void set_array(std::string_view key, std::span<const std::string> v);
    /// Sets @p key to an array of strings.
    void set_array(std::string_view key, std::span<const std::string_view> v);

    /// Sets @p key to a value of @p type given as its encoding (what follows the type tag in a file: for an
    /// array the element type, count and elements). Checked like a file's value; lets callers write nested
    /// arrays. Throws Error(errc::invalid_argument) when @p encoded is not exactly one valid value.
    void set_encoded(std::string_view key, ValueType type, std::span<const std::byte> encoded);

    /// Removes @p key if present.
    void remove(std::string_view key);
    /// True when @p key is set.
    bool contains(std::string_view key) const noexcept;

    /// Adds a tensor of @p type with dims @p dims (ggml order, ne[0] first; 1…4 positive dims) and data
    /// @p data of exactly the tensor's byte size (copied).
    void add_tensor(std::string_view name, engine::TensorType type, std::span<const std::int64_t> dims,
                    std::span<const std::byte> data);
    /// Adds an F32 tensor from floats.
    void add_tensor(std::string_view name, std::span<const std::int64_t> dims, std::span<const float> data);
    /// Number of tensors added.
    std::size_t tensor_count() const noexcept { return tensors_.size(); }

    /// The whole file.
    std::vector<std::byte> to_bytes() const;
    /// Writes the file to @p path (through a temporary name, renamed at the end). Throws Error(errc::io).
    /// @p progress, when set, is called with (bytes written, total bytes) as the data is written.
    void write(const std::filesystem::path& path,
               const std::function<void(std::uint64_t, std::uint64_t)>& progress = {}) const;

private:
    struct Entry {
        std::string key;
        ValueType type;
        std::vector<std::byte> encoded;
    };
    struct Tensor {
        std::string name;
        engine::TensorType type;
        std::vector<std::int64_t> dims;
        std::vector<std::byte> data;
        std::uint64_t offset = 0;
    };

    void put(std::string_view key, ValueType type, std::vector<std::byte> encoded);
    template <typename T>
    void put_scalar(std::string_view key, ValueType type, T v);
    template <typename T>
    void put_array(std::string_view key, ValueType element_type, std::span<const T> v);
    std::vector<std::byte> header() const;
    std::uint64_t data_size() const;

    std::uint32_t alignment_ = 32;
    std::vector<Entry> entries_;
    std::vector<Tensor> tensors_;
};

} // namespace braid::gguf
