/// @file
/// @brief braid::gguf::File: a validated, memory-mapped (or in-memory) GGUF v2/v3 file: metadata and
/// tensor list with zero-copy access.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/engine/gguf_value.hpp"
#include "braid/engine/tensor_type.hpp"
#include "braid/error.hpp"

namespace braid::gguf {

/// The alignment of tensor data when `general.alignment` is absent.
inline constexpr std::uint64_t default_alignment = 32;

/// Most dimensions a GGUF tensor may have.
inline constexpr int max_dims = 4;

/// One tensor of a File. Every field was checked against the file at open.
struct TensorInfo {
    std::string_view name;                   ///< Tensor name (a view into the file).
    engine::TensorType type = engine::TensorType::F32; ///< Element type.
    int n_dims = 0;                          ///< Number of dimensions (1…4).
    std::array<std::int64_t, max_dims> ne{1, 1, 1, 1}; ///< Sizes in ggml order: ne[0] is the row (fastest) dim; unused dims are 1.
    std::int64_t elements = 0;               ///< Product of the dims.
    std::uint64_t offset = 0;                ///< Offset of the data from the start of the data section.
    std::uint64_t file_offset = 0;           ///< Offset of the data from the start of the file.
    std::uint64_t bytes = 0;                 ///< Size of the data.
    const std::byte* data = nullptr;         ///< The data (in the mapping; valid while the File lives).

    /// The used dims, ne[0] first.
    std::span<const std::int64_t> dims() const noexcept { return {ne.data(), static_cast<std::size_t>(n_dims)}; }
    /// Elements per row (ne[0]).
    std::int64_t row_elements() const noexcept { return ne[0]; }
    /// Number of rows (elements / ne[0]).
    std::int64_t rows() const noexcept { return ne[0] == 0 ? 0 : elements / ne[0]; }
    /// Bytes per row.
    std::uint64_t row_bytes() const noexcept { return rows() == 0 ? 0 : bytes / static_cast<std::uint64_t>(rows()); }
    /// The data as a byte span.
    std::span<const std::byte> span() const noexcept { return {data, static_cast<std::size_t>(bytes)}; }
};

/// One metadata key/value pair, in file order.
struct MetadataEntry {
    std::string_view key; ///< The key (a view into the file).
    Value value;          ///< The value.
};

/// A GGUF file, opened read-only and validated completely before any accessor returns: magic, version,
/// counts, every string, value type, array, tensor shape/type/offset/extent, alignment, overlaps and
/// duplicates. Malformed input is an Error(errc::model_format) that names the field and its byte offset;
/// version 1 files and unknown versions are Error(errc::unsupported). Tensors of known but unsupported
/// types are listed (engine::is_supported() tells). Move-only; views it hands out stay valid across moves
/// and until it is destroyed. Immutable: safe to read from many threads.
class File {
public:
    /// Opens and validates the file at @p path through a read-only memory map.
    /// Throws Error(errc::io) when it cannot be opened or mapped.
    static File open(const std::filesystem::path& path);

    /// Validates and views @p bytes without copying; the caller keeps them alive and unchanged while the
    /// File (and anything it handed out) is used. @p name is used in error messages.
    static File view(std::span<const std::byte> bytes, std::string name = "<memory>");

    /// Takes ownership of @p bytes and validates them.
    static File from_bytes(std::vector<std::byte> bytes, std::string name = "<memory>");

    File(File&&) noexcept;            ///< Moves; views stay valid.
    File& operator=(File&&) noexcept; ///< Moves; views of the old content of *this become invalid.
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    ~File();

    /// The path (or name) given at open.
    const std::string& name() const noexcept;
    /// GGUF version (2 or 3).
    std::uint32_t version() const noexcept;
    /// Alignment of tensor data (general.alignment, default 32).
    std::uint64_t alignment() const noexcept;
    /// Offset of the data section from the start of the file.
    std::uint64_t data_offset() const noexcept;
    /// The whole file.
    std::span<const std::byte> bytes() const noexcept;

    /// Every metadata entry, in file order.
    const std::vector<MetadataEntry>& metadata() const noexcept;
    /// The value of @p key, or nullptr.
    const Value* find(std::string_view key) const noexcept;
    /// True when @p key is present.
    bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
    /// The value of @p key; throws Error(errc::not_found) when absent.
    const Value& at(std::string_view key) const;

    /// The value of @p key as @p T (see Value::as()); Error(errc::not_found) when absent,
    /// Error(errc::model_format) when of another type. E.g. `get<std::uint32_t>("llama.block_count")`,
    /// `get<std::string_view>("general.architecture")`, `get<gguf::ArrayView>("tokenizer.ggml.tokens")`.
    template <typename T>
    T get(std::string_view key) const {
        const Value& v = at(key);
        try {
            return v.as<T>();
        } catch (const Error& e) {
            throw Error(e.kind(), "metadata '" + std::string(key) + "': " + e.what());
        }
    }

    /// The value of @p key as @p T, or nullopt when absent; Error(errc::model_format) when of another type.
    template <typename T>
    std::optional<T> get_optional(std::string_view key) const {
        if (!find(key)) return std::nullopt;
        return get<T>(key);
    }

    /// The value of @p key as @p T, or @p fallback when absent; Error(errc::model_format) when of another type.
    template <typename T>
    T get_or(std::string_view key, T fallback) const {
        if (!find(key)) return fallback;
        return get<T>(key);
    }

    /// Every tensor, in file order.
    const std::vector<TensorInfo>& tensors() const noexcept;
    /// The tensor named @p name, or nullptr.
    const TensorInfo* find_tensor(std::string_view name) const noexcept;
    /// The tensor named @p name; throws Error(errc::not_found) when absent.
    const TensorInfo& tensor(std::string_view name) const;

    /// Dequantizes tensor @p t (which must belong to this file) to floats, row after row.
    /// Throws Error(errc::unsupported) for a type braid cannot dequantize.
    std::vector<float> dequantize(const TensorInfo& t) const;

private:
    struct Impl;
    explicit File(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

} // namespace braid::gguf
