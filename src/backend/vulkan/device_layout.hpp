// How weights are laid out on the device (see shaders/quants.glsl): 16-byte aligned pieces so kernels
// read them with 16-byte loads. The 32-value types are split into codes / scales / high bits regions;
// K-quant super-blocks are padded to a multiple of 16 bytes; float types stay as they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "braid/engine/tensor_type.hpp"

namespace braid::engine::vk {

struct DeviceLayout {
    std::size_t bytes = 0;          // total size on the device
    std::uint32_t b_words = 0;      // region B (scales) starts at this 32-bit word
    std::uint32_t c_words = 0;      // region C (high bits, Q5_0/Q5_1)
    std::uint32_t blocks_per_row = 0;
};

/// The layout of a [ne0, ne1] tensor of @p type.
DeviceLayout device_layout(TensorType type, std::int64_t ne0, std::int64_t ne1);
/// Writes the tensor @p src (GGUF layout) into @p dst (layout.bytes bytes).
void to_device_layout(TensorType type, std::int64_t ne0, std::int64_t ne1, const std::byte* src, std::byte* dst);

} // namespace braid::engine::vk
