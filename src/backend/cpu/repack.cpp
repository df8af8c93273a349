#include "backend/cpu/repack.hpp"

#include <cstring>

#include "backend/cpu/packed_k16.hpp"
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

// Q3_K, Q6_K: super-block by super-block, each from the 8 rows' blocks (packed_k16.hpp).
void repack_k16(TensorType type, const std::byte* src, std::byte* dst, std::int64_t rows, std::int64_t k) {
    const bool six = type == TensorType::Q6_K;
    const std::int64_t block = six ? 210 : 110, out_bytes = six ? k16::Q6Layout::bytes : k16::Q3Layout::bytes;
    const std::int64_t blocks = k / 256, row_bytes = blocks * block;
    for (std::int64_t g = 0; g < rows / 8; ++g)
        for (std::int64_t b = 0; b < blocks; ++b) {
            const std::byte* in[8];
            for (int r = 0; r < 8; ++r)
                in[r] = src + (g * 8 + r) * row_bytes + b * block;
            std::byte* out = dst + (g * blocks + b) * out_bytes;
            if (six)
                k16::repack_q6_k(in, out);
            else
                k16::repack_q3_k(in, out);
        }
}

// Where the parts of a 32-value block are, in the file and in a packed group of 8 rows (-1: none).
struct Block32Layout {
    std::int64_t bytes;         // one block in the file
    std::int64_t m_at, qh_at;   // the fp16 minimum and the 32 high bits in the file
    std::int64_t codes_at;      // the 16 (Q8_0: 32) code bytes in the file
    std::int64_t code_bytes;
};

Block32Layout block32(TensorType type) {
    switch (type) {
    case TensorType::Q4_0: return {18, -1, -1, 2, 16};
    case TensorType::Q4_1: return {20, 2, -1, 4, 16};
    case TensorType::Q5_0: return {22, -1, 2, 6, 16};
    case TensorType::Q5_1: return {24, 2, 4, 8, 16};
    case TensorType::Q8_0: return {34, -1, -1, 2, 32};
    default: throw Error(errc::internal, "repack: not a 32-value block type");
    }
}

// Bytes before the codes in a packed block of 8 rows: 8 scales, 8 minimums, 8 × 32 high bits.
std::int64_t packed_header_bytes(const Block32Layout& l) { return 16 + (l.m_at >= 0 ? 16 : 0) + (l.qh_at >= 0 ? 32 : 0); }

} // namespace

bool can_repack(TensorType type) noexcept {
    switch (type) {
    case TensorType::Q4_0:
    case TensorType::Q4_1:
    case TensorType::Q5_0:
    case TensorType::Q5_1:
    case TensorType::Q8_0:
    case TensorType::Q4_K:
    case TensorType::Q3_K:
    case TensorType::Q6_K: return true;
    default: return false;
    }
}

std::size_t packed_group_bytes(TensorType type, std::int64_t k) {
    if (type == TensorType::Q4_K)
        return static_cast<std::size_t>(k / 256 * q4_k_group_bytes);
    if (type == TensorType::Q6_K)
        return static_cast<std::size_t>(k / 256 * k16::Q6Layout::bytes);
    if (type == TensorType::Q3_K)
        return static_cast<std::size_t>(k / 256 * k16::Q3Layout::bytes);
    const Block32Layout l = block32(type);
    return static_cast<std::size_t>(k / 32 * (packed_header_bytes(l) + 8 * l.code_bytes));
}

void repack_rows(TensorType type, const std::byte* src, std::byte* dst, std::int64_t rows, std::int64_t k) {
    const bool k_quant = type == TensorType::Q4_K || type == TensorType::Q3_K || type == TensorType::Q6_K;
    if (!can_repack(type) || rows % 8 != 0 || k % (k_quant ? 256 : 32) != 0)
        throw Error(errc::internal, "repack: unsupported shape or type");
    if (type == TensorType::Q4_K) {
        repack_q4_k(src, dst, rows, k);
        return;
    }
    if (type == TensorType::Q3_K || type == TensorType::Q6_K) {
        repack_k16(type, src, dst, rows, k);
        return;
    }
    const Block32Layout l = block32(type);
    const std::int64_t blocks = k / 32;
    const std::int64_t row_bytes = blocks * l.bytes;
    const std::int64_t header = packed_header_bytes(l);
    const std::int64_t packed_block = header + 8 * l.code_bytes;
    for (std::int64_t g = 0; g < rows / 8; ++g) {
        for (std::int64_t b = 0; b < blocks; ++b) {
            std::byte* out = dst + (g * blocks + b) * packed_block;
            for (int r = 0; r < 8; ++r) {
                const std::byte* blk = src + (g * 8 + r) * row_bytes + b * l.bytes;
                std::memcpy(out + 2 * r, blk, 2); // the scale
                std::int64_t at = 16;
                if (l.m_at >= 0) {
                    std::memcpy(out + at + 2 * r, blk + l.m_at, 2);
                    at += 16;
                }
                if (l.qh_at >= 0)
                    std::memcpy(out + at + 4 * r, blk + l.qh_at, 4);
                for (std::int64_t chunk = 0; chunk < l.code_bytes / 4; ++chunk)
                    std::memcpy(out + header + chunk * 32 + 4 * r, blk + l.codes_at + 4 * chunk, 4);
            }
        }
    }
}

} // namespace braid::engine::cpu
