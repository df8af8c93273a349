// The pre-norm decoder block shared by the llama and qwen2 families: RMSNorm → attention (GQA, RoPE,
// optional QKV biases) → residual → RMSNorm → SwiGLU feed-forward → residual; then the final norm and
// the output projection (tied to the token embedding when the file has no output.weight).
#pragma once

#include <memory>
#include <vector>

#include "engine/arch/architecture.hpp"

namespace braid::engine {

struct DecoderOptions {
    bool neox_rope = false;   // qwen2: NEOX rotary pairs
    bool qkv_bias = false;    // qwen2: biases on Q, K and V are required
};

/// Binds the llama-style tensor names (token_embd, blk.N.attn_q, ...) of @p weights.
std::unique_ptr<ModelGraph> bind_decoder(const WeightTable& weights, const ModelInfo& info, const DecoderOptions& options);

} // namespace braid::engine
