// The data of an attention test: a batch's queries and inputs over a KV cache of random keys and values
// (fp32 and fp16 copies), shared by the tiled-attention and decoding-attention tests, which fill it each
// in their own way.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "backend/cpu/attention.hpp"

namespace kv_test {

struct KvScene {
    braid::engine::AttentionParams params;
    std::vector<float> q, k, v;
    std::vector<std::uint16_t> k16, v16;
    std::vector<braid::engine::TokenId> tokens;
    std::vector<std::int32_t> positions;
    std::vector<braid::engine::SeqId> seqs;
    std::vector<braid::engine::KvCell> cells;
    std::int64_t row = 0; // elements of one cache row (n_head_kv · head_dim)

    /// The heads' shape: params (scale 1/√head_dim) and the cache row.
    void set_heads(int n_head, int n_head_kv, int head_dim, int n_rot) {
        params.n_head = n_head;
        params.n_head_kv = n_head_kv;
        params.head_dim = head_dim;
        params.n_rot = n_rot;
        params.scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
        row = static_cast<std::int64_t>(n_head_kv) * head_dim;
    }

    /// The cache as a layer sees it: the fp16 or the fp32 copy.
    braid::engine::cpu::KvLayer layer(bool f16) {
        braid::engine::cpu::KvLayer l;
        l.f16 = f16;
        l.row = row;
        l.k = reinterpret_cast<std::byte*>(f16 ? static_cast<void*>(k16.data()) : static_cast<void*>(k.data()));
        l.v = reinterpret_cast<std::byte*>(f16 ? static_cast<void*>(v16.data()) : static_cast<void*>(v.data()));
        return l;
    }

    braid::engine::BatchInputs inputs() const {
        braid::engine::BatchInputs in;
        in.tokens = tokens;
        in.positions = positions;
        in.seqs = seqs;
        in.cells = cells;
        return in;
    }
};

} // namespace kv_test
