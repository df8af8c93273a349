// Little-endian loads and the extent of already-validated encoded GGUF values (internal to braid_gguf).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "braid/engine/gguf_value.hpp"

namespace braid::gguf::detail {

/// Reads a T from possibly unaligned bytes (GGUF is little-endian, as every platform braid targets).
template <typename T>
T load(const std::byte* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Bytes of the encoded value of @p type starting at @p p (after the type tag). Only for bytes that
/// File has validated: it does no bounds checks.
inline std::size_t encoded_extent(ValueType type, const std::byte* p) noexcept {
    if (type == ValueType::String) return 8 + static_cast<std::size_t>(load<std::uint64_t>(p));
    if (type != ValueType::Array) return value_type_size(type);
    const auto element_type = static_cast<ValueType>(load<std::uint32_t>(p));
    const auto count = load<std::uint64_t>(p + 4);
    std::size_t size = 12;
    const std::size_t fixed = value_type_size(element_type);
    if (fixed) return size + fixed * static_cast<std::size_t>(count);
    for (std::uint64_t i = 0; i < count; ++i) size += encoded_extent(element_type, p + size);
    return size;
}

} // namespace braid::gguf::detail

#include <span>
#include <string>

namespace braid::gguf::detail {

/// Checks that @p encoded holds exactly one well-formed value of @p type (as File checks a file's values);
/// throws Error(errc::model_format) naming @p what otherwise.
void validate_encoded_value(ValueType type, std::span<const std::byte> encoded, const std::string& what);

} // namespace braid::gguf::detail
