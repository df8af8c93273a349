#include "backend/cpu/attention_decode.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/cpu/ops.hpp"
#include "backend/cpu/vec.hpp"

namespace braid::engine::cpu {

namespace {

template <class T> const T* cell_row(const KvHeadView& view, std::int32_t cell) {
    return reinterpret_cast<const T*>(view.base) + cell * view.row + view.offset;
}

// The per-head loops over vec.hpp's primitives, for kernel sets and head dimensions without fused kernels.
void scores_per_head(const VecOps& ops, const KvHeadView& keys, const std::int32_t* cells, int n, const float* q, int heads,
                     float scale, float* s) {
    const int hd = keys.head_dim;
    for (int h = 0; h < heads; ++h)
        for (int j = 0; j < n; ++j)
            s[h * n + j] = (keys.f16 ? ops.dot_f16(cell_row<std::uint16_t>(keys, cells[j]), q + h * hd, hd)
                                     : ops.dot_f32(cell_row<float>(keys, cells[j]), q + h * hd, hd)) *
                           scale;
}

void accumulate_per_head(const VecOps& ops, const KvHeadView& values, const std::int32_t* cells, int n, const float* rescale,
                         const float* weight, int heads, float* acc) {
    const int hd = values.head_dim;
    for (int h = 0; h < heads; ++h) {
        float* a = acc + h * hd;
        for (int j = 0; j < n; ++j) {
            const float ms = rescale[h * n + j];
            if (values.f16) {
                if (ms != 1.0f)
                    ops.scale_round_f16(a, ms, hd);
                ops.mad_round_f16(a, cell_row<std::uint16_t>(values, cells[j]), weight[h * n + j], hd);
            } else {
                if (ms != 1.0f)
                    for (int i = 0; i < hd; ++i)
                        a[i] *= ms;
                ops.axpy_f32(weight[h * n + j], cell_row<float>(values, cells[j]), a, hd);
            }
        }
    }
}

// The online softmax of one head's scores, cell by cell as the per-head kernel runs it: where a score
// raises the maximum, the accumulator is rescaled by exp(old max − score) and the cell weighs 1; elsewhere
// the cell weighs exp(score − max). Returns the sum of the weights, rescaled the same way. Which exponent
// each cell needs follows from the running maximum alone, so the exps run together (ops.exp, bit for bit
// std::exp) between a pass that finds their arguments and one that sums.
float softmax_weights(const VecOps& ops, const float* s, int n, float* rescale, float* weight) {
    constexpr float new_max = 0.0f, not_new = 1.0f; // marks in rescale until the last pass
    float max = -std::numeric_limits<float>::infinity();
    for (int j = 0; j < n; ++j) {
        if (s[j] > max) {
            weight[j] = max - s[j];
            rescale[j] = new_max;
            max = s[j];
        } else {
            weight[j] = s[j] - max;
            rescale[j] = not_new;
        }
    }
    ops.exp(weight, weight, n);
    float sum = 0.0f;
    for (int j = 0; j < n; ++j) {
        float ms = 1.0f, vs = 1.0f;
        if (rescale[j] == new_max)
            ms = weight[j];
        else
            vs = weight[j];
        rescale[j] = ms;
        weight[j] = vs;
        sum = sum * ms + vs;
    }
    return sum;
}

} // namespace

void attention_decode(const KvLayer& layer, const AttentionParams& p, const float* q, float* out, const BatchInputs& in,
                      std::int64_t item0, std::int64_t item1, DecodeScratch& scratch, Isa isa) {
    const VecOps& ops = vec_ops(isa);
    const int hd = p.head_dim;
    const int group = p.n_head / p.n_head_kv;
    const std::int64_t q_row = static_cast<std::int64_t>(p.n_head) * hd;
    const DecodeKernels* fused = isa == Isa::avx2 ? decode_kernels_avx2(hd) : nullptr;
    const std::size_t per_head = in.cells.size();
    scratch.q.resize(static_cast<std::size_t>(group * hd));
    scratch.acc.resize(static_cast<std::size_t>(group * hd));
    scratch.rope.resize(static_cast<std::size_t>(std::max(p.n_rot, 2)));
    scratch.scores.resize(per_head * static_cast<std::size_t>(group));
    scratch.rescale.resize(per_head * static_cast<std::size_t>(group));
    scratch.weight.resize(per_head * static_cast<std::size_t>(group));
    scratch.sums.resize(static_cast<std::size_t>(group));
    std::int64_t visible_token = -1;
    for (std::int64_t item = item0; item < item1; ++item) {
        const std::int64_t t = item / p.n_head_kv;
        const int kv_head = static_cast<int>(item % p.n_head_kv);
        if (visible_token != t) {
            visible_cells(p, in, t, scratch.visible);
            if (p.n_rot > 0)
                rope_table(in.positions[static_cast<std::size_t>(t)], p.n_rot, p.rope_base, scratch.rope.data());
            visible_token = t;
        }
        // The group's queries, rotated, at fp16 precision with an fp16 cache (as llama.cpp converts them).
        float* qg = scratch.q.data();
        std::memcpy(qg, q + t * q_row + static_cast<std::int64_t>(kv_head) * group * hd,
                    static_cast<std::size_t>(group * hd) * sizeof(float));
        for (int h = 0; h < group; ++h) {
            if (p.n_rot > 0)
                rope_apply(qg + h * hd, 1, hd, p.n_rot, p.neox, scratch.rope.data());
            if (layer.f16)
                ops.round_f16(qg + h * hd, hd);
        }
        const std::int64_t offset = static_cast<std::int64_t>(kv_head) * hd;
        const KvHeadView keys{layer.k, layer.row, offset, layer.f16, hd};
        const KvHeadView values{layer.v, layer.row, offset, layer.f16, hd};
        const std::int32_t* cells = scratch.visible.data();
        const int n = static_cast<int>(scratch.visible.size());
        float* scores = scratch.scores.data();
        if (fused)
            fused->scores(keys, cells, n, qg, group, p.scale, scores);
        else
            scores_per_head(ops, keys, cells, n, qg, group, p.scale, scores);
        float* acc = scratch.acc.data();
        std::fill(acc, acc + group * hd, 0.0f);
        float* sums = scratch.sums.data();
        for (int h = 0; h < group; ++h)
            sums[h] = softmax_weights(ops, scores + h * n, n, scratch.rescale.data() + h * n, scratch.weight.data() + h * n);
        if (fused)
            fused->accumulate(values, cells, n, scratch.rescale.data(), scratch.weight.data(), group, acc);
        else
            accumulate_per_head(ops, values, cells, n, scratch.rescale.data(), scratch.weight.data(), group, acc);
        for (int h = 0; h < group; ++h) {
            float* o = out + t * q_row + static_cast<std::int64_t>(kv_head * group + h) * hd;
            const float inv = sums[h] == 0.0f ? 0.0f : 1.0f / sums[h];
            for (int i = 0; i < hd; ++i)
                o[i] = acc[h * hd + i] * inv;
        }
    }
}

} // namespace braid::engine::cpu
