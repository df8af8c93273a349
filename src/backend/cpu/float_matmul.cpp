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
    // packed holds the pair-packed activations (BF16), then the last tokens padded with zero tokens to a
    // whole tile, then the tile's results for them (tile_cols rows of the slice).
    const auto rows = r1 - r0;
    const auto pair_floats = static_cast<std::size_t>(pairs ? tile_cols * k : 0);
    const std::size_t padded_at = pair_floats, results_at = padded_at + static_cast<std::size_t>(tile_cols * k);
    const bool padded_tail = tokens > tile_cols && tokens % tile_cols != 0;
    const std::size_t need = padded_tail ? results_at + static_cast<std::size_t>(tile_cols * rows) : pair_floats;
    if (packed.size() < need)
        packed.resize(need);
    const auto ws = static_cast<std::int64_t>(row_bytes);
    // Whole tiles of rows × four tokens; out_stride between a tile's tokens.
    auto tiles = [&](const float* xt, float* out, std::int64_t out_stride) {
        std::int64_t r = r0;
        if (pairs) {
            kernel.pair_pack(xt, k, k, packed.data());
            for (; r + tile_rows <= r1; r += tile_rows)
                kernel.pair_tile(w + r * ws, ws, packed.data(), k, out + (r - r0), out_stride);
        } else {
            for (; r + tile_rows <= r1; r += tile_rows)
                kernel.tile(w + r * ws, ws, xt, k, k, out + (r - r0), out_stride);
        }
        return r;
    };
    for (std::int64_t t = 0; t < tokens; t += tile_cols) {
        const int cols = static_cast<int>(std::min<std::int64_t>(tile_cols, tokens - t));
        const float* xt = x + t * k;
        float* yt = y + t * y_stride;
        std::int64_t r = r0;
        if (cols == tile_cols) {
            r = tiles(xt, yt + r0, y_stride);
        } else if (padded_tail) {
            // The last tokens of a batch take the tile too (beside zero tokens), so a token's sums come out
            // the same whichever place the batch gives it.
            float* xp = packed.data() + padded_at;
            float* out = packed.data() + results_at;
            std::copy(xt, xt + cols * k, xp);
            std::fill(xp + cols * k, xp + tile_cols * k, 0.0f);
            r = tiles(xp, out, rows);
            for (int c = 0; c < cols; ++c)
                std::copy(out + c * rows, out + c * rows + (r - r0), yt + c * y_stride + r0);
        }
        for (; r < r1; ++r)
            kernel.real(w + r * ws, xt, k, cols, k, yt + r, y_stride);
    }
}

} // namespace braid::engine::cpu
