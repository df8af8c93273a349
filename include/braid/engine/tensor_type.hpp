/// @file
/// @brief braid::engine::TensorType: the element types of GGUF tensors (with their GGUF ids), their block
/// geometry (elements per block, bytes per block) and names.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace braid::engine {

/// A tensor element type. The numeric values are the ids GGUF files store (ggml's `ggml_type`).
/// Types braid can dequantize are listed first; the others are named so a file using them can be opened,
/// listed and reported as unsupported (is_supported() is false for them).
enum class TensorType : std::uint32_t {
    F32 = 0,   ///< 32-bit IEEE float.
    F16 = 1,   ///< 16-bit IEEE half.
    Q4_0 = 2,  ///< 32 elements: fp16 scale + 16 bytes of 4-bit values (offset 8).
    Q4_1 = 3,  ///< 32 elements: fp16 scale, fp16 min + 16 bytes of 4-bit values.
    Q5_0 = 6,  ///< 32 elements: fp16 scale, 32 high bits, 16 bytes of low nibbles (offset 16).
    Q5_1 = 7,  ///< 32 elements: fp16 scale, fp16 min, 32 high bits, 16 bytes of low nibbles.
    Q8_0 = 8,  ///< 32 elements: fp16 scale + 32 int8 values.
    Q2_K = 10, ///< 256-element super-block of 2-bit values with 4-bit sub-block scales and mins.
    Q3_K = 11, ///< 256-element super-block of 3-bit values with 6-bit sub-block scales.
    Q4_K = 12, ///< 256-element super-block of 4-bit values with 6-bit sub-block scales and mins.
    Q5_K = 13, ///< 256-element super-block of 5-bit values with 6-bit sub-block scales and mins.
    Q6_K = 14, ///< 256-element super-block of 6-bit values with int8 sub-block scales.
    BF16 = 30, ///< bfloat16 (the upper half of an IEEE float).

    // Named only so they can be reported; braid does not dequantize them.
    Q8_1 = 9,     ///< Unsupported: 32 elements, int8 with scale and sum (an activation format).
    Q8_K = 15,    ///< Unsupported: 256 elements, int8 with float scale (an activation format).
    IQ2_XXS = 16, ///< Unsupported importance-matrix type.
    IQ2_XS = 17,  ///< Unsupported importance-matrix type.
    IQ3_XXS = 18, ///< Unsupported importance-matrix type.
    IQ1_S = 19,   ///< Unsupported importance-matrix type.
    IQ4_NL = 20,  ///< Unsupported importance-matrix type.
    IQ3_S = 21,   ///< Unsupported importance-matrix type.
    IQ2_S = 22,   ///< Unsupported importance-matrix type.
    IQ4_XS = 23,  ///< Unsupported importance-matrix type.
    I8 = 24,      ///< Unsupported: 8-bit integer.
    I16 = 25,     ///< Unsupported: 16-bit integer.
    I32 = 26,     ///< Unsupported: 32-bit integer.
    I64 = 27,     ///< Unsupported: 64-bit integer.
    F64 = 28,     ///< Unsupported: 64-bit float.
    IQ1_M = 29,   ///< Unsupported importance-matrix type.
    TQ1_0 = 34,   ///< Unsupported ternary type.
    TQ2_0 = 35,   ///< Unsupported ternary type.
    MXFP4 = 39,   ///< Unsupported microscaling FP4 type.
};

/// The type with GGUF id @p id, or nullopt when the id names no known type (including ids ggml retired).
std::optional<TensorType> tensor_type_from_id(std::uint32_t id) noexcept;

/// The type's GGUF id.
constexpr std::uint32_t tensor_type_id(TensorType type) noexcept { return static_cast<std::uint32_t>(type); }

/// The type's name as ggml spells it, lower case ("f32", "q4_0", "q6_k", "bf16", ...).
std::string_view tensor_type_name(TensorType type) noexcept;

/// The type named @p name (case-insensitive, as tensor_type_name() spells it), or nullopt.
std::optional<TensorType> tensor_type_from_name(std::string_view name) noexcept;

/// Elements per block (1 for plain float/integer types, 32 for Q4_0…Q8_0, 256 for K-quants).
std::int64_t block_elements(TensorType type) noexcept;

/// Bytes per block (4 for F32, 18 for Q4_0, 144 for Q4_K, ...).
std::int64_t block_bytes(TensorType type) noexcept;

/// True when braid can dequantize the type (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K…Q6_K).
bool is_supported(TensorType type) noexcept;

/// True when braid can also quantize to the type (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K).
bool can_quantize(TensorType type) noexcept;

/// Bytes of a row of @p n elements of @p type. Throws Error(errc::invalid_argument) when @p n is negative
/// or not a multiple of block_elements(type), or the size overflows.
std::int64_t row_bytes(TensorType type, std::int64_t n);

} // namespace braid::engine
