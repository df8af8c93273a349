#include "backend/vulkan/device_layout.hpp"

#include <cstring>

namespace braid::engine::vk {

namespace {

// Bytes of a K-quant super-block on the device.
std::size_t padded_block(TensorType t) {
    switch (t) {
    case TensorType::Q2_K: return 96;
    case TensorType::Q3_K: return 112;
    case TensorType::Q4_K: return 144;
    case TensorType::Q5_K: return 176;
    case TensorType::Q6_K: return 224;
    default: return 0;
    }
}

// Bytes of codes per block in region A for the 32-value types.
std::size_t codes_bytes(TensorType t) { return t == TensorType::Q8_0 ? 32 : 16; }

bool split_type(TensorType t) {
    return t == TensorType::Q4_0 || t == TensorType::Q4_1 || t == TensorType::Q5_0 || t == TensorType::Q5_1 || t == TensorType::Q8_0;
}

} // namespace

DeviceLayout device_layout(TensorType type, std::int64_t ne0, std::int64_t ne1) {
    DeviceLayout l;
    const std::int64_t per_block = block_elements(type);
    l.blocks_per_row = static_cast<std::uint32_t>(ne0 / per_block);
    const std::size_t blocks = static_cast<std::size_t>(ne0 / per_block * ne1);
    if (split_type(type)) {
        const std::size_t a = blocks * codes_bytes(type);
        l.b_words = static_cast<std::uint32_t>(a / 4);
        l.c_words = static_cast<std::uint32_t>((a + 4 * blocks) / 4);
        const bool five = type == TensorType::Q5_0 || type == TensorType::Q5_1;
        l.bytes = a + 4 * blocks + (five ? 4 * blocks : 0);
    } else if (padded_block(type)) {
        l.bytes = blocks * padded_block(type);
    } else {
        l.bytes = static_cast<std::size_t>(row_bytes(type, ne0) * ne1);
    }
    return l;
}

void to_device_layout(TensorType type, std::int64_t ne0, std::int64_t ne1, const std::byte* src, std::byte* dst) {
    const DeviceLayout l = device_layout(type, ne0, ne1);
    std::memset(dst, 0, l.bytes);
    const std::size_t blocks = static_cast<std::size_t>(ne0 / block_elements(type) * ne1);
    const std::size_t bb = static_cast<std::size_t>(block_bytes(type));
    if (split_type(type)) {
        const bool has_min = type == TensorType::Q4_1 || type == TensorType::Q5_1;
        const bool five = type == TensorType::Q5_0 || type == TensorType::Q5_1;
        const std::size_t header = 2 + (has_min ? 2 : 0);           // d (and m)
        const std::size_t qh = five ? 4 : 0;                         // high bits follow the scales
        const std::size_t codes = codes_bytes(type);
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::byte* blk = src + b * bb;
            std::memcpy(dst + b * codes, blk + header + qh, codes);
            std::memcpy(dst + 4 * (l.b_words + b), blk, header);
            if (five)
                std::memcpy(dst + 4 * (l.c_words + b), blk + header, 4);
        }
    } else if (const std::size_t pad = padded_block(type)) {
        for (std::size_t b = 0; b < blocks; ++b)
            std::memcpy(dst + b * pad, src + b * bb, bb);
    } else {
        std::memcpy(dst, src, l.bytes);
    }
}

} // namespace braid::engine::vk
