/// @file
/// @brief Reference (scalar) dequantization and quantization of tensor rows, and the fp16/bf16
/// conversions they use. These define correctness: faster kernels are checked against them.
#pragma once

#include <cstdint>

#include "braid/engine/tensor_type.hpp"

namespace braid::engine {

/// IEEE half (bits) → float, exact for every value (subnormals, infinities, NaN payloads kept).
float fp16_to_fp32(std::uint16_t bits) noexcept;

/// float → IEEE half (bits), rounding to nearest even; overflow gives ±infinity, NaN stays NaN.
std::uint16_t fp32_to_fp16(float value) noexcept;

/// bfloat16 (bits) → float, exact.
float bf16_to_fp32(std::uint16_t bits) noexcept;

/// float → bfloat16 (bits), rounding to nearest even; NaN stays a (quiet) NaN.
std::uint16_t fp32_to_bf16(float value) noexcept;

/// Dequantizes @p n elements of type @p type from @p src (row_bytes(type, n) bytes, any alignment) into
/// @p dst. Bit-exact with the GGUF/ggml block definitions.
/// Throws Error(errc::unsupported) for a type braid cannot dequantize and Error(errc::invalid_argument)
/// when @p n is negative or not a multiple of the type's block size.
void dequantize_row(TensorType type, const void* src, float* dst, std::int64_t n);

/// Quantizes @p n floats from @p src into @p dst (row_bytes(type, n) bytes) as @p type.
/// Methods: F16/BF16 round to nearest even; Q8_0 and Q4_0 round to nearest with the scale from the
/// block's largest magnitude (as ggml's reference quantizer), Q4_0 then searching nearby scales for the
/// smallest squared error; Q4_K and Q6_K search per sub-block scales (and mins) around the range-derived
/// one, refit by least squares, then quantize the sub-block scales to 6/8 bits and the values with them.
/// Throws Error(errc::unsupported) when can_quantize(type) is false and Error(errc::invalid_argument)
/// for a bad @p n. Non-finite inputs are an Error(errc::invalid_argument) for the quantized types.
void quantize_row(TensorType type, const float* src, void* dst, std::int64_t n);

} // namespace braid::engine
