// Q3_K and Q6_K super-blocks from the file layout into the interleaved one of packed_k16.hpp: each row's
// codes and scales decoded to bytes (as llama.cpp's dequantization reads them), then spread over chunks.
#include <cstring>

#include "backend/cpu/packed_k16.hpp"

namespace braid::engine::cpu::k16 {

namespace {

using u8 = unsigned char;

// Q6_K (210 bytes): ql[128], qh[64], int8 scales[16], fp16 d. Value v = 128n + 32m + l (l < 32):
// low bits from ql[64n + l + 32 (m odd)] (high nibble when m ≥ 2), high bits (qh[32n + l] >> 2m) & 3.
void q6_k_codes(const u8* blk, u8 (&codes)[256]) {
    for (int v = 0; v < 256; ++v) {
        const int n = v / 128, m = (v % 128) / 32, l = v % 32;
        const u8 ql = blk[64 * n + l + 32 * (m & 1)];
        const int low = m >= 2 ? ql >> 4 : ql & 0x0f;
        const int high = (blk[128 + 32 * n + l] >> (2 * m)) & 3;
        codes[v] = static_cast<u8>(low | high << 4);
    }
}

// Q3_K (110 bytes): hmask[32], qs[64], 6-bit scales packed in 12 bytes, fp16 d. Value v = 128n + 32m + l:
// low bits (qs[32n + l] >> 2m) & 3, high bit hmask[l] bit 4n + m.
void q3_k_codes(const u8* blk, u8 (&codes)[256], signed char (&scales)[16]) {
    for (int v = 0; v < 256; ++v) {
        const int n = v / 128, m = (v % 128) / 32, l = v % 32;
        const int low = (blk[32 + 32 * n + l] >> (2 * m)) & 3;
        const int high = (blk[l] >> (4 * n + m)) & 1;
        codes[v] = static_cast<u8>(low | high << 2);
    }
    const u8* packed = blk + 96;
    for (int j = 0; j < 16; ++j) {
        const int low = j < 8 ? packed[j] & 0x0f : packed[j - 8] >> 4;
        const int high = (packed[8 + j % 4] >> (2 * (j / 4))) & 3;
        scales[j] = static_cast<signed char>((low | high << 4) - 32);
    }
}

// Byte (row, value i) of chunk c.
u8& at(std::byte* out, std::int64_t chunk_at, int c, int row, int i) {
    return reinterpret_cast<u8&>(out[chunk_at + chunk * c + 4 * row + i]);
}

} // namespace

void repack_q6_k(const std::byte* const (&blocks)[8], std::byte* out) {
    std::memset(out, 0, Q6Layout::bytes);
    for (int r = 0; r < 8; ++r) {
        const auto* blk = reinterpret_cast<const u8*>(blocks[r]);
        std::memcpy(out + 2 * r, blk + 208, 2);
        for (int j = 0; j < 16; ++j)
            out[scales_at + 8 * j + r] = static_cast<std::byte>(blk[192 + j]);
        u8 codes[256];
        q6_k_codes(blk, codes);
        for (int q = 0; q < 64; ++q)
            for (int i = 0; i < 4; ++i) {
                const int code = codes[4 * q + i];
                at(out, codes_at, q % 32, r, i) |= static_cast<u8>((code & 0x0f) << (4 * (q / 32)));
                at(out, Q6Layout::high_at, q % 16, r, i) |= static_cast<u8>((code >> 4) << (2 * (q / 16)));
            }
    }
}

void repack_q3_k(const std::byte* const (&blocks)[8], std::byte* out) {
    std::memset(out, 0, Q3Layout::bytes);
    for (int r = 0; r < 8; ++r) {
        const auto* blk = reinterpret_cast<const u8*>(blocks[r]);
        std::memcpy(out + 2 * r, blk + 108, 2);
        u8 codes[256];
        signed char scales[16];
        q3_k_codes(blk, codes, scales);
        for (int j = 0; j < 16; ++j)
            out[scales_at + 8 * j + r] = static_cast<std::byte>(scales[j]);
        for (int q = 0; q < 64; ++q)
            for (int i = 0; i < 4; ++i) {
                const int code = codes[4 * q + i];
                at(out, codes_at, q % 16, r, i) |= static_cast<u8>((code & 3) << (2 * (q / 16)));
                at(out, Q3Layout::high_at, q % 8, r, i) |= static_cast<u8>((code >> 2) << (q / 8));
            }
    }
}

} // namespace braid::engine::cpu::k16
