#include "engine/arch/decoder.hpp"

#include <cmath>
#include <string>

namespace braid::engine {

namespace {

struct DecoderLayer {
    int attn_norm, wq, wk, wv, bq, bk, bv, wo, ffn_norm, w_gate, w_up, w_down;
};

class DecoderGraph final : public ModelGraph {
public:
    DecoderGraph(const WeightTable& w, const ModelInfo& info, const DecoderOptions& options)
        : info_(info), options_(options) {
        const std::int64_t n_embd = info.n_embd, q_dim = info.n_head * info.head_dim,
                           kv_dim = info.n_head_kv * info.head_dim;
        tok_embd_ = w.require("token_embd.weight", {n_embd, info.n_vocab});
        output_norm_ = w.require("output_norm.weight", {n_embd});
        output_ = w.optional("output.weight", {n_embd, info.n_vocab});
        if (output_ < 0)
            output_ = tok_embd_; // tied embeddings
        for (std::int64_t l = 0; l < info.n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            DecoderLayer L{};
            L.attn_norm = w.require(p + "attn_norm.weight", {n_embd});
            L.wq = w.require(p + "attn_q.weight", {n_embd, q_dim});
            L.wk = w.require(p + "attn_k.weight", {n_embd, kv_dim});
            L.wv = w.require(p + "attn_v.weight", {n_embd, kv_dim});
            if (options.qkv_bias) {
                L.bq = w.require(p + "attn_q.bias", {q_dim});
                L.bk = w.require(p + "attn_k.bias", {kv_dim});
                L.bv = w.require(p + "attn_v.bias", {kv_dim});
            } else {
                L.bq = w.optional(p + "attn_q.bias", {q_dim});
                L.bk = w.optional(p + "attn_k.bias", {kv_dim});
                L.bv = w.optional(p + "attn_v.bias", {kv_dim});
            }
            L.wo = w.require(p + "attn_output.weight", {q_dim, n_embd});
            L.ffn_norm = w.require(p + "ffn_norm.weight", {n_embd});
            L.w_gate = w.require(p + "ffn_gate.weight", {n_embd, info.n_ff});
            L.w_up = w.require(p + "ffn_up.weight", {n_embd, info.n_ff});
            L.w_down = w.require(p + "ffn_down.weight", {info.n_ff, n_embd});
            layers_.push_back(L);
        }
    }

    void build(Graph& g) const override {
        auto W = [&](int index) { return index < 0 ? -1 : g.weight(index); };
        const float eps = info_.norm_eps;
        AttentionParams attn;
        attn.n_head = static_cast<int>(info_.n_head);
        attn.n_head_kv = static_cast<int>(info_.n_head_kv);
        attn.head_dim = static_cast<int>(info_.head_dim);
        attn.n_rot = static_cast<int>(info_.n_rot);
        attn.neox = options_.neox_rope;
        attn.causal = true;
        attn.rope_base = info_.rope_freq_base;
        attn.scale = 1.0f / std::sqrt(static_cast<float>(info_.head_dim));

        // An embedding context pools the final normalized states of every token instead of projecting
        // the output rows onto the vocabulary.
        const bool pooled = g.shape().n_pooled > 0;
        int x = g.get_rows(W(tok_embd_), RowIds::tokens);
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            const DecoderLayer& L = layers_[l];
            int h = g.rms_norm(x, W(L.attn_norm), eps);
            const int q = g.matmul(W(L.wq), h, W(L.bq));
            const int k = g.matmul(W(L.wk), h, W(L.bk));
            const int v = g.matmul(W(L.wv), h, W(L.bv));
            attn.layer = static_cast<int>(l);
            int a = g.attention(q, k, v, attn);
            if (l + 1 == layers_.size() && !pooled) {
                // Only the output rows matter after the last attention: skip the rest for the others.
                a = g.select_outputs(a);
                x = g.select_outputs(x);
            }
            x = g.matmul(W(L.wo), a, -1, x);
            h = g.rms_norm(x, W(L.ffn_norm), eps);
            const int gate = g.matmul(W(L.w_gate), h);
            const int up = g.matmul(W(L.w_up), h);
            x = g.matmul(W(L.w_down), g.swiglu(gate, up), -1, x);
        }
        if (layers_.empty() && !pooled)
            x = g.select_outputs(x);
        x = g.rms_norm(x, W(output_norm_), eps);
        g.set_output(pooled ? g.pool(x, g.shape().pooling) : g.matmul(W(output_), x));
    }

private:
    ModelInfo info_;
    DecoderOptions options_;
    int tok_embd_ = -1, output_norm_ = -1, output_ = -1;
    std::vector<DecoderLayer> layers_;
};

} // namespace

std::unique_ptr<ModelGraph> bind_decoder(const WeightTable& weights, const ModelInfo& info, const DecoderOptions& options) {
    return std::make_unique<DecoderGraph>(weights, info, options);
}

} // namespace braid::engine
