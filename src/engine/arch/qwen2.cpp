// The qwen2 family: the llama block with biases on Q, K and V and NEOX RoPE (pairs i and i + n_rot/2).
#include "engine/arch/decoder.hpp"

namespace braid::engine {

namespace {

void read_info(const gguf::File& file, ModelInfo& info) {
    read_common_info(file, info, "attention.layer_norm_rms_epsilon");
    info.causal = true;
    info.pooling = Pooling::none;
}

std::unique_ptr<ModelGraph> bind(const WeightTable& weights, const ModelInfo& info) {
    return bind_decoder(weights, info, DecoderOptions{.neox_rope = true, .qkv_bias = true});
}

} // namespace

const Architecture& qwen2_architecture() {
    static const Architecture arch{"qwen2", read_info, bind};
    return arch;
}

} // namespace braid::engine
