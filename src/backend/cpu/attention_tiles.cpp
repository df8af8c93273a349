#include "backend/cpu/attention_tiles.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/cpu/ops.hpp"
#include "braid/engine/quant.hpp"

namespace braid::engine::cpu {

namespace {

constexpr float minus_inf = -std::numeric_limits<float>::infinity();

int padded_head_dim(int hd) { return (hd + 7) / 8 * 8; }

// Bit j of visible[i]: token t0 + i may see cell c0 + j (same sequence; not a later position when
// causal). Returns whether any token sees any cell of the tile.
bool tile_visibility(const AttentionParams& p, const BatchInputs& in, std::int64_t t0, std::int64_t t1, std::int64_t c0,
                     std::int64_t c1, std::uint64_t* visible) {
    std::uint64_t any = 0;
    for (std::int64_t t = t0; t < t1; ++t) {
        const std::int32_t pos = in.positions[static_cast<std::size_t>(t)];
        const std::uint64_t seq_bit = std::uint64_t{1} << in.seqs[static_cast<std::size_t>(t)];
        std::uint64_t bits = 0;
        for (std::int64_t c = c0; c < c1; ++c) {
            const KvCell& cell = in.cells[static_cast<std::size_t>(c)];
            if ((cell.seqs & seq_bit) && !(p.causal && cell.pos > pos))
                bits |= std::uint64_t{1} << (c - c0);
        }
        visible[t - t0] = bits;
        any |= bits;
    }
    return any != 0;
}

// The tile's keys (transposed) and values as floats. Cells past c1 (a short last tile) get zero values,
// so their zero weights add nothing; their keys are never read (their scores are masked).
void load_tile(const TileOps& ops, const KvLayer& layer, std::int64_t kv_off, int hd, int hdp, std::int64_t c0, std::int64_t c1,
               TileScratch& s) {
    const int count = static_cast<int>(c1 - c0);
    const std::size_t elem = layer.f16 ? sizeof(std::uint16_t) : sizeof(float);
    const std::size_t at = static_cast<std::size_t>(c0 * layer.row + kv_off) * elem;
    ops.load_keys(layer.k + at, layer.row, layer.f16, count, hd, s.kt.data());
    ops.load_values(layer.v + at, layer.row, layer.f16, count, hd, hdp, s.v.data());
    std::fill(s.v.begin() + static_cast<std::ptrdiff_t>(count) * hdp, s.v.end(), 0.0f);
}

// One tile into the running softmax of every query row: scale and mask the scores, raise each row's
// maximum (rescaling what it has accumulated), turn scores into weights, add the weighted values.
void softmax_tile(const TileOps& ops, int rows, int group, int hdp, float scale, const std::uint64_t* visible, TileScratch& s) {
    for (int r = 0; r < rows; ++r) {
        float* sr = s.scores.data() + r * attention_kv_tile;
        const float tile_max = ops.scale_mask(sr, visible[r / group], scale);
        float& m = s.row_max[static_cast<std::size_t>(r)];
        if (tile_max == minus_inf) { // nothing visible to this row here: no weight at all
            std::fill(sr, sr + attention_kv_tile, 0.0f);
            continue;
        }
        if (tile_max > m) {
            const float rescale = std::exp(m - tile_max); // 0 while the row had nothing
            float* acc = s.acc.data() + r * hdp;
            for (int d = 0; d < hdp; ++d)
                acc[d] *= rescale;
            s.row_sum[static_cast<std::size_t>(r)] *= rescale;
            m = tile_max;
        }
        s.row_sum[static_cast<std::size_t>(r)] += ops.exp_sum(sr, m, attention_kv_tile);
    }
}

} // namespace

std::int64_t attention_tiled_items(const AttentionParams& p, std::int64_t n_tokens) {
    return (n_tokens + attention_q_block - 1) / attention_q_block * p.n_head_kv;
}

void attention_tiled(const KvLayer& layer, const AttentionParams& p, const float* q, float* out, const BatchInputs& in,
                     std::int64_t item, TileScratch& s, Isa isa) {
    const TileOps& ops = tile_ops(isa);
    const int hd = p.head_dim, hdp = padded_head_dim(hd);
    const int group = p.n_head / p.n_head_kv;
    const std::int64_t n_tokens = static_cast<std::int64_t>(in.tokens.size());
    const std::int64_t n_blocks = (n_tokens + attention_q_block - 1) / attention_q_block;
    const std::int64_t block = n_blocks - 1 - item / p.n_head_kv;
    const int kv_head = static_cast<int>(item % p.n_head_kv);
    const std::int64_t t0 = block * attention_q_block, t1 = std::min(n_tokens, t0 + attention_q_block);
    const int rows = static_cast<int>(t1 - t0) * group;
    const std::int64_t q_row = static_cast<std::int64_t>(p.n_head) * hd;
    const std::int64_t head0 = static_cast<std::int64_t>(kv_head) * group * hd; // first query head of the group
    const std::size_t tile_floats = static_cast<std::size_t>(attention_kv_tile) * static_cast<std::size_t>(hdp);

    s.q.resize(static_cast<std::size_t>(rows * hd));
    s.scores.resize(static_cast<std::size_t>(rows * attention_kv_tile));
    s.acc.assign(static_cast<std::size_t>(rows * hdp), 0.0f);
    s.kt.resize(tile_floats);
    s.v.assign(tile_floats, 0.0f); // the padding dimensions stay zero
    s.row_max.assign(static_cast<std::size_t>(rows), minus_inf);
    s.row_sum.assign(static_cast<std::size_t>(rows), 0.0f);
    s.rope.resize(static_cast<std::size_t>(std::max(p.n_rot, 2)));
    s.visible.resize(attention_q_block);

    // The block's queries, row (t − t0) · group + g, rotated.
    for (std::int64_t t = t0; t < t1; ++t) {
        float* qr = s.q.data() + (t - t0) * group * hd;
        std::memcpy(qr, q + t * q_row + head0, static_cast<std::size_t>(group * hd) * sizeof(float));
        if (p.n_rot > 0) {
            rope_table(in.positions[static_cast<std::size_t>(t)], p.n_rot, p.rope_base, s.rope.data());
            rope_apply(qr, group, hd, p.n_rot, p.neox, s.rope.data());
        }
    }
    const std::int64_t n_kv = static_cast<std::int64_t>(in.cells.size());
    const std::int64_t kv_off = static_cast<std::int64_t>(kv_head) * hd;
    for (std::int64_t c0 = 0; c0 < n_kv; c0 += attention_kv_tile) {
        const std::int64_t c1 = std::min(n_kv, c0 + attention_kv_tile);
        if (!tile_visibility(p, in, t0, t1, c0, c1, s.visible.data()))
            continue;
        load_tile(ops, layer, kv_off, hd, hdp, c0, c1, s);
        ops.scores(s.q.data(), rows, hd, s.kt.data(), s.scores.data());
        softmax_tile(ops, rows, group, hdp, p.scale, s.visible.data(), s);
        ops.accumulate(s.scores.data(), rows, s.v.data(), hdp, s.acc.data());
    }
    for (int r = 0; r < rows; ++r) {
        const std::int64_t t = t0 + r / group;
        const int g = r % group;
        const float sum = s.row_sum[static_cast<std::size_t>(r)];
        const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
        const float* acc = s.acc.data() + r * hdp;
        float* o = out + t * q_row + head0 + static_cast<std::int64_t>(g) * hd;
        for (int d = 0; d < hd; ++d)
            o[d] = acc[d] * inv;
    }
}

namespace scalar {

namespace {

float element(const void* x, bool f16, std::int64_t i) {
    return f16 ? fp16_to_fp32(static_cast<const std::uint16_t*>(x)[i]) : static_cast<const float*>(x)[i];
}

void load_keys(const void* k, std::int64_t stride, bool f16, int count, int hd, float* kt) {
    for (int j = 0; j < count; ++j)
        for (int d = 0; d < hd; ++d)
            kt[d * attention_kv_tile + j] = element(k, f16, j * stride + d);
}

void load_values(const void* v, std::int64_t stride, bool f16, int count, int hd, int hdp, float* out) {
    for (int j = 0; j < count; ++j)
        for (int d = 0; d < hd; ++d)
            out[j * hdp + d] = element(v, f16, j * stride + d);
}

void scores(const float* q, int rows, int hd, const float* kt, float* s) {
    for (int r = 0; r < rows; ++r) {
        float* sr = s + r * attention_kv_tile;
        std::fill(sr, sr + attention_kv_tile, 0.0f);
        for (int d = 0; d < hd; ++d) {
            const float x = q[r * hd + d];
            const float* k = kt + d * attention_kv_tile;
            for (int j = 0; j < attention_kv_tile; ++j)
                sr[j] += x * k[j];
        }
    }
}

float scale_mask(float* s, std::uint64_t visible, float scale) {
    float max = minus_inf;
    for (int j = 0; j < attention_kv_tile; ++j) {
        s[j] = (visible >> j) & 1 ? s[j] * scale : minus_inf;
        max = std::max(max, s[j]);
    }
    return max;
}

float exp_sum(float* p, float max, int n) {
    float sum = 0.0f;
    for (int j = 0; j < n; ++j) {
        p[j] = std::exp(p[j] - max);
        sum += p[j];
    }
    return sum;
}

void accumulate(const float* p, int rows, const float* v, int hdp, float* acc) {
    for (int r = 0; r < rows; ++r) {
        float* a = acc + r * hdp;
        for (int j = 0; j < attention_kv_tile; ++j) {
            const float w = p[r * attention_kv_tile + j];
            const float* vr = v + j * hdp;
            for (int d = 0; d < hdp; ++d)
                a[d] += w * vr[d];
        }
    }
}

} // namespace

const TileOps& tile_ops() {
    static const TileOps ops{load_keys, load_values, scores, scale_mask, exp_sum, accumulate};
    return ops;
}

} // namespace scalar

const TileOps& tile_ops(Isa isa) { return isa == Isa::avx2 ? avx2::tile_ops() : scalar::tile_ops(); }

} // namespace braid::engine::cpu
