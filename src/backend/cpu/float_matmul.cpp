#include "backend/cpu/float_matmul.hpp"

#include <algorithm>
#include <string>

#include "braid/error.hpp"

namespace braid::engine::cpu {

void float_matmul(const DotKernel& kernel, const std::byte* w, std::size_t row_bytes, std::int64_t k, std::int64_t r0,
                  std::int64_t r1, const float* x, std::int64_t tokens, float* y, std::int64_t y_stride,
                  std::vector<float>& packed) {
    const bool pairs = kernel.pair_pack != nullptr && kernel.pair_tile != nullptr;
    if (kernel.real == nullptr || (kernel.tile == nullptr && !pairs))
        throw Error(errc::internal, "float_matmul: the weight type has no float tile kernel");
    if (k <= 0 || r0 < 0 || r1 < r0 || tokens < 0)
        throw Error(errc::internal, "float_matmul: rows " + std::to_string(r0) + "…" + std::to_string(r1) + " of " +
                                        std::to_string(k) + " values for " + std::to_string(tokens) +
                                        " tokens is not a product");
    if (pairs && packed.size() < static_cast<std::size_t>(tile_cols * k))
        packed.resize(static_cast<std::size_t>(tile_cols * k));
    const auto ws = static_cast<std::int64_t>(row_bytes);
    for (std::int64_t t = 0; t < tokens; t += tile_cols) {
        const int cols = static_cast<int>(std::min<std::int64_t>(tile_cols, tokens - t));
        const float* xt = x + t * k;
        float* yt = y + t * y_stride;
        std::int64_t r = r0;
        if (cols == tile_cols) {
            if (pairs) {
                kernel.pair_pack(xt, k, k, packed.data());
                for (; r + tile_rows <= r1; r += tile_rows)
                    kernel.pair_tile(w + r * ws, ws, packed.data(), k, yt + r, y_stride);
            } else {
                for (; r + tile_rows <= r1; r += tile_rows)
                    kernel.tile(w + r * ws, ws, xt, k, k, yt + r, y_stride);
            }
        }
        for (; r < r1; ++r)
            kernel.real(w + r * ws, xt, k, cols, k, yt + r, y_stride);
    }
}

} // namespace braid::engine::cpu
