#include "backend/cpu/attention.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/cpu/ops.hpp"
#include "backend/cpu/vec.hpp"

namespace braid::engine::cpu {

void kv_store(const KvLayer& layer, const AttentionParams& p, const float* k, const float* v, const BatchInputs& in,
              std::int64_t t0, std::int64_t t1, AttentionScratch& scratch, Isa isa) {
    const VecOps& ops = vec_ops(isa);
    const std::int64_t row = layer.row;
    scratch.row.resize(static_cast<std::size_t>(row));
    for (std::int64_t t = t0; t < t1; ++t) {
        const std::int64_t slot = in.kv_slots[static_cast<std::size_t>(t)];
        float* kr = scratch.row.data();
        std::memcpy(kr, k + t * row, static_cast<std::size_t>(row) * sizeof(float));
        if (p.n_rot > 0) {
            rope_table(in.positions[static_cast<std::size_t>(t)], p.n_rot, p.rope_base, scratch.rope.data());
            rope_apply(kr, p.n_head_kv, p.head_dim, p.n_rot, p.neox, scratch.rope.data());
        }
        const float* vr = v + t * row;
        if (layer.f16) {
            ops.to_f16(kr, reinterpret_cast<std::uint16_t*>(layer.k) + slot * row, static_cast<int>(row));
            ops.to_f16(vr, reinterpret_cast<std::uint16_t*>(layer.v) + slot * row, static_cast<int>(row));
        } else {
            std::memcpy(reinterpret_cast<float*>(layer.k) + slot * row, kr, static_cast<std::size_t>(row) * sizeof(float));
            std::memcpy(reinterpret_cast<float*>(layer.v) + slot * row, vr, static_cast<std::size_t>(row) * sizeof(float));
        }
    }
}

void visible_cells(const AttentionParams& p, const BatchInputs& in, std::int64_t t, std::vector<std::int32_t>& visible) {
    const std::int32_t pos = in.positions[static_cast<std::size_t>(t)];
    const std::uint64_t seq_bit = std::uint64_t{1} << in.seqs[static_cast<std::size_t>(t)];
    visible.clear();
    bool ordered = true;
    for (std::size_t c = 0; c < in.cells.size(); ++c) {
        const KvCell& cell = in.cells[c];
        if (!(cell.seqs & seq_bit) || (p.causal && cell.pos > pos))
            continue;
        ordered = ordered && (visible.empty() || in.cells[static_cast<std::size_t>(visible.back())].pos < cell.pos);
        visible.push_back(static_cast<std::int32_t>(c));
    }
    if (!ordered)
        std::sort(visible.begin(), visible.end(), [&](std::int32_t a, std::int32_t b) {
            return in.cells[static_cast<std::size_t>(a)].pos < in.cells[static_cast<std::size_t>(b)].pos;
        });
}

void attention(const KvLayer& layer, const AttentionParams& p, const float* q, float* out, const BatchInputs& in,
               std::int64_t pair0, std::int64_t pair1, AttentionScratch& scratch, Isa isa) {
    const VecOps& ops = vec_ops(isa);
    const int hd = p.head_dim;
    const int group = p.n_head / p.n_head_kv;
    const std::int64_t q_row = static_cast<std::int64_t>(p.n_head) * hd;
    std::int64_t rope_token = -1;
    std::int64_t visible_token = -1;
    for (std::int64_t pair = pair0; pair < pair1; ++pair) {
        const std::int64_t t = pair / p.n_head;
        const int h = static_cast<int>(pair % p.n_head);
        const std::int64_t kv_off = static_cast<std::int64_t>(h / group) * hd;
        const std::int32_t pos = in.positions[static_cast<std::size_t>(t)];
        float* qh = scratch.q.data();
        std::memcpy(qh, q + t * q_row + static_cast<std::int64_t>(h) * hd, static_cast<std::size_t>(hd) * sizeof(float));
        if (p.n_rot > 0) {
            if (rope_token != t) {
                rope_table(pos, p.n_rot, p.rope_base, scratch.rope.data());
                rope_token = t;
            }
            rope_apply(qh, 1, hd, p.n_rot, p.neox, scratch.rope.data());
        }
        // One pass over the visible cells with a running maximum (online softmax). With an fp16 cache
        // the query and the value accumulator are kept at fp16 precision, as llama.cpp's CPU flash
        // attention does; with an fp32 cache everything is fp32.
        float* acc = scratch.acc.data();
        std::fill(acc, acc + hd, 0.0f);
        if (layer.f16)
            ops.round_f16(qh, hd);
        float max = -std::numeric_limits<float>::infinity();
        float sum = 0.0f;
        // The cells this token sees, in position order, so a sequence's logits are the same whatever
        // shares the cache with it.
        std::vector<std::int32_t>& visible = scratch.visible;
        if (visible_token != t) {
            visible_cells(p, in, t, visible);
            visible_token = t;
        }
        for (const std::int32_t c : visible) {
            const float s = (layer.f16 ? ops.dot_f16(reinterpret_cast<const std::uint16_t*>(layer.k) + c * layer.row + kv_off, qh, hd)
                                       : ops.dot_f32(reinterpret_cast<const float*>(layer.k) + c * layer.row + kv_off, qh, hd)) *
                            p.scale;
            float ms = 1.0f, vs = 1.0f;
            if (s > max) {
                ms = std::exp(max - s);
                max = s;
                if (layer.f16)
                    ops.scale_round_f16(acc, ms, hd);
                else
                    for (int i = 0; i < hd; ++i)
                        acc[i] *= ms;
            } else {
                vs = std::exp(s - max);
            }
            if (layer.f16)
                ops.mad_round_f16(acc, reinterpret_cast<const std::uint16_t*>(layer.v) + c * layer.row + kv_off, vs, hd);
            else
                ops.axpy_f32(vs, reinterpret_cast<const float*>(layer.v) + c * layer.row + kv_off, acc, hd);
            sum = sum * ms + vs;
        }
        float* o = out + t * q_row + static_cast<std::int64_t>(h) * hd;
        const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
        for (int i = 0; i < hd; ++i)
            o[i] = acc[i] * inv;
    }
}

} // namespace braid::engine::cpu
