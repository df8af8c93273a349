// The llama family: LLaMA 1–3, Mistral, TinyLlama, SmolLM — GQA, RoPE on adjacent pairs, SwiGLU.
#include "engine/arch/decoder.hpp"

namespace braid::engine {

namespace {

void read_info(const gguf::File& file, ModelInfo& info) {
    read_common_info(file, info, "attention.layer_norm_rms_epsilon");
    info.causal = true;
    info.pooling = Pooling::none;
}

std::unique_ptr<ModelGraph> bind(const WeightTable& weights, const ModelInfo& info) {
    return bind_decoder(weights, info, DecoderOptions{.neox_rope = false, .qkv_bias = false});
}

} // namespace

const Architecture& llama_architecture() {
    static const Architecture arch{"llama", read_info, bind};
    return arch;
}

} // namespace braid::engine
