#include "backend/cpu/repack.hpp"

#include <cstring>

#include "braid/error.hpp"

namespace braid::engine::cpu {

namespace {

constexpr std::int64_t q4_k_group_bytes = 16 + 16 + 64 + 64 + 1024; // per super-block of 8 rows

void scale_min_k4(int j, const unsigned char* q, unsigned char& scale, unsigned char& min) {
    if (j < 4) {
        scale = q[j] & 63;
        min = q[j + 4] & 63;
    } else {
        scale = static_cast<unsigned char>((q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4));
        min = static_cast<unsigned char>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

void repack_q4_k(const std::byte* src, std::byte* dst, std::int64_t rows, std::int64_t k) {
    const std::int64_t blocks = k / 256, row_bytes = blocks * 144;
    for (std::int64_t g = 0; g < rows / 8; ++g) {
        for (std::int64_t b = 0; b < blocks; ++b) {
            auto* out = reinterpret_cast<unsigned char*>(dst + (g * blocks + b) * q4_k_group_bytes);
            for (int r = 0; r < 8; ++r) {
                const auto* blk = reinterpret_cast<const unsigned char*>(src + (g * 8 + r) * row_bytes + b * 144);
                std::memcpy(out + 2 * r, blk, 2);          // d
                std::memcpy(out + 16 + 2 * r, blk + 2, 2); // dmin
                for (int j = 0; j < 8; ++j)
                    scale_min_k4(j, blk + 4, out[32 + 8 * j + r], out[96 + 8 * j + r]);
                for (int p = 0; p < 4; ++p)
                    for (int chunk = 0; chunk < 8; ++chunk)
                        std::memcpy(out + 160 + p * 256 + chunk * 32 + 4 * r, blk + 16 + 32 * p + 4 * chunk, 4);
            }
        }
    }
}

} // namespace

bool can_repack(TensorType type) noexcept {
    return type == TensorType::Q4_0 || type == TensorType::Q8_0 || type == TensorType::Q4_K;
}

std::size_t packed_group_bytes(TensorType type, std::int64_t k) {
    if (type == TensorType::Q4_K)
        return static_cast<std::size_t>(k / 256 * q4_k_group_bytes);
    const std::int64_t blocks = k / 32;
    return static_cast<std::size_t>(blocks) * (type == TensorType::Q4_0 ? 8 * 18 : 8 * 34);
}

void repack_rows(TensorType type, const std::byte* src, std::byte* dst, std::int64_t rows, std::int64_t k) {
    if (!can_repack(type) || rows % 8 != 0 || k % (type == TensorType::Q4_K ? 256 : 32) != 0)
        throw Error(errc::internal, "repack: unsupported shape or type");
    if (type == TensorType::Q4_K) {
        repack_q4_k(src, dst, rows, k);
        return;
    }
    const std::int64_t blocks = k / 32;
    const std::int64_t block_bytes = type == TensorType::Q4_0 ? 18 : 34;
    const std::int64_t quant_bytes = block_bytes - 2;
    const std::int64_t row_bytes = blocks * block_bytes;
    for (std::int64_t g = 0; g < rows / 8; ++g) {
        for (std::int64_t b = 0; b < blocks; ++b) {
            std::byte* out = dst + (g * blocks + b) * 8 * block_bytes;
            for (int r = 0; r < 8; ++r) {
                const std::byte* blk = src + (g * 8 + r) * row_bytes + b * block_bytes;
                std::memcpy(out + 2 * r, blk, 2); // the scale
                for (std::int64_t chunk = 0; chunk < quant_bytes / 4; ++chunk)
                    std::memcpy(out + 16 + chunk * 32 + 4 * r, blk + 2 + 4 * chunk, 4);
            }
        }
    }
}

} // namespace braid::engine::cpu
