// The bert family (embedding models such as bge and MiniLM): token + type + position embeddings with a
// LayerNorm, post-norm encoder blocks (bidirectional attention, GELU feed-forward, biases everywhere),
// then pooling (mean / cls / last, from `bert.pooling_type`).
#include <cmath>
#include <string>
#include <vector>

#include "braid/error.hpp"
#include "engine/arch/architecture.hpp"

namespace braid::engine {

namespace {

struct BertLayer {
    int wq, bq, wk, bk, wv, bv, wo, bo, attn_norm, attn_norm_b, w_up, b_up, w_down, b_down, out_norm, out_norm_b;
};

class BertGraph final : public ModelGraph {
public:
    BertGraph(const WeightTable& w, const ModelInfo& info) : info_(info) {
        const std::int64_t n = info.n_embd;
        tok_embd_ = w.require("token_embd.weight", {n, info.n_vocab});
        const int types = w.find("token_types.weight");
        if (types >= 0)
            token_types_ = w.require("token_types.weight", {n, w[types].ne1});
        position_embd_ = w.require("position_embd.weight", {n, info.n_ctx_train});
        embd_norm_ = w.require("token_embd_norm.weight", {n});
        embd_norm_b_ = w.require("token_embd_norm.bias", {n});
        for (std::int64_t l = 0; l < info.n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            BertLayer L{};
            L.wq = w.require(p + "attn_q.weight", {n, n});
            L.bq = w.require(p + "attn_q.bias", {n});
            L.wk = w.require(p + "attn_k.weight", {n, n});
            L.bk = w.require(p + "attn_k.bias", {n});
            L.wv = w.require(p + "attn_v.weight", {n, n});
            L.bv = w.require(p + "attn_v.bias", {n});
            L.wo = w.require(p + "attn_output.weight", {n, n});
            L.bo = w.require(p + "attn_output.bias", {n});
            L.attn_norm = w.require(p + "attn_output_norm.weight", {n});
            L.attn_norm_b = w.require(p + "attn_output_norm.bias", {n});
            L.w_up = w.require(p + "ffn_up.weight", {n, info.n_ff});
            L.b_up = w.require(p + "ffn_up.bias", {info.n_ff});
            L.w_down = w.require(p + "ffn_down.weight", {info.n_ff, n});
            L.b_down = w.require(p + "ffn_down.bias", {n});
            L.out_norm = w.require(p + "layer_output_norm.weight", {n});
            L.out_norm_b = w.require(p + "layer_output_norm.bias", {n});
            layers_.push_back(L);
        }
    }

    void build(Graph& g) const override {
        auto W = [&](int index) { return g.weight(index); };
        const float eps = info_.norm_eps;
        AttentionParams attn;
        attn.n_head = static_cast<int>(info_.n_head);
        attn.n_head_kv = static_cast<int>(info_.n_head_kv);
        attn.head_dim = static_cast<int>(info_.head_dim);
        attn.n_rot = 0;
        attn.causal = false;
        attn.scale = 1.0f / std::sqrt(static_cast<float>(info_.head_dim));

        int x = g.get_rows(W(tok_embd_), RowIds::tokens);
        if (token_types_ >= 0)
            x = g.add(x, g.get_rows(W(token_types_), RowIds::zeros));
        x = g.add(x, g.get_rows(W(position_embd_), RowIds::positions));
        x = g.layer_norm(x, W(embd_norm_), W(embd_norm_b_), eps);
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            const BertLayer& L = layers_[l];
            const int q = g.matmul(W(L.wq), x, W(L.bq));
            const int k = g.matmul(W(L.wk), x, W(L.bk));
            const int v = g.matmul(W(L.wv), x, W(L.bv));
            attn.layer = static_cast<int>(l);
            const int a = g.attention(q, k, v, attn);
            x = g.layer_norm(g.matmul(W(L.wo), a, W(L.bo), x), W(L.attn_norm), W(L.attn_norm_b), eps);
            const int up = g.gelu(g.matmul(W(L.w_up), x, W(L.b_up)));
            x = g.layer_norm(g.matmul(W(L.w_down), up, W(L.b_down), x), W(L.out_norm), W(L.out_norm_b), eps);
        }
        g.set_output(g.pool(x, g.shape().pooling)); // the metadata's, or ContextOptions::pooling
    }

private:
    ModelInfo info_;
    int tok_embd_ = -1, token_types_ = -1, position_embd_ = -1, embd_norm_ = -1, embd_norm_b_ = -1;
    std::vector<BertLayer> layers_;
};

void read_info(const gguf::File& file, ModelInfo& info) {
    read_common_info(file, info, "attention.layer_norm_epsilon");
    info.n_rot = 0;
    info.causal = file.get_or<bool>("bert.attention.causal", false);
    if (info.causal)
        throw Error(errc::unsupported, "bert.attention.causal = true is not supported");
    const std::uint32_t pooling = file.get_or<std::uint32_t>("bert.pooling_type", 1);
    switch (pooling) {
    case 1: info.pooling = Pooling::mean; break;
    case 2: info.pooling = Pooling::cls; break;
    case 3: info.pooling = Pooling::last; break;
    default:
        throw Error(errc::unsupported, "bert.pooling_type " + std::to_string(pooling) +
                                           " (braid pools with mean = 1, cls = 2 or last = 3)");
    }
}

std::unique_ptr<ModelGraph> bind(const WeightTable& weights, const ModelInfo& info) {
    return std::make_unique<BertGraph>(weights, info);
}

} // namespace

const Architecture& bert_architecture() {
    static const Architecture arch{"bert", read_info, bind};
    return arch;
}

} // namespace braid::engine
