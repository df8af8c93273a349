#include "backend/cpu/packed_matmul.hpp"

#include <algorithm>
#include <string>

#include "backend/cpu/dot.hpp"
#include "braid/error.hpp"

namespace braid::engine::cpu {

namespace {

template <class Kernel, class Block>
void tiled(Kernel kernel, const std::byte* groups, std::size_t group_bytes, std::int64_t r0, std::int64_t r1, const Block* x,
           std::int64_t blocks, std::int64_t tokens, float* y, std::int64_t y_stride, std::int64_t tile) {
    if (tile < max_dot_rows || tile % max_dot_rows != 0)
        throw Error(errc::internal, "packed_matmul: a token tile of " + std::to_string(tile) + " is not a multiple of " +
                                        std::to_string(max_dot_rows));
    if (r0 % 8 != 0 || r1 % 8 != 0)
        throw Error(errc::internal, "packed_matmul: rows " + std::to_string(r0) + " … " + std::to_string(r1) +
                                        " do not start and end at groups of 8");
    for (std::int64_t t0 = 0; t0 < tokens; t0 += tile) {
        const std::int64_t t1 = std::min(tokens, t0 + tile);
        for (std::int64_t r = r0; r < r1; r += 8) { // one group's weights stay in L1 across the tile
            const std::byte* group = groups + static_cast<std::size_t>(r / 8) * group_bytes;
            for (std::int64_t t = t0; t < t1; t += packed_dot_width) {
                const int n = static_cast<int>(std::min<std::int64_t>(packed_dot_width, t1 - t));
                kernel(group, x + t * blocks, blocks, n, blocks, y + t * y_stride + r, y_stride);
            }
        }
    }
}

} // namespace

std::int64_t token_tile(std::size_t row_bytes) noexcept {
    const auto fit = static_cast<std::int64_t>(token_tile_bytes / std::max<std::size_t>(row_bytes, 1));
    return std::max<std::int64_t>(packed_dot_width, fit / packed_dot_width * packed_dot_width);
}

void packed_matmul(PackedDot kernel, const std::byte* groups, std::size_t group_bytes, std::int64_t r0, std::int64_t r1,
                   const BlockQ8* x, std::int64_t blocks, std::int64_t tokens, float* y, std::int64_t y_stride,
                   std::int64_t tile) {
    tiled(kernel, groups, group_bytes, r0, r1, x, blocks, tokens, y, y_stride, tile);
}

void packed_matmul(PackedDotK kernel, const std::byte* groups, std::size_t group_bytes, std::int64_t r0, std::int64_t r1,
                   const BlockQ8K* x, std::int64_t blocks, std::int64_t tokens, float* y, std::int64_t y_stride,
                   std::int64_t tile) {
    tiled(kernel, groups, group_bytes, r0, r1, x, blocks, tokens, y, y_stride, tile);
}

} // namespace braid::engine::cpu
