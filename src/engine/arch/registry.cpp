#include <string>

#include "braid/error.hpp"
#include "engine/arch/architecture.hpp"

namespace braid::engine {

namespace {

// Explicit list (not static self-registration, which a static library's linker would drop).
const Architecture* const registry[] = {&llama_architecture(), &qwen2_architecture(), &bert_architecture()};

std::int64_t positive(const gguf::File& file, const std::string& key, bool required, std::int64_t fallback) {
    const gguf::Value* v = file.find(key);
    if (!v) {
        if (required)
            throw Error(errc::model_format, "the model has no metadata '" + key + "'");
        return fallback;
    }
    std::int64_t x = 0;
    try {
        x = v->as_int();
    } catch (const Error& e) {
        throw Error(errc::model_format, "metadata '" + key + "': " + e.what());
    }
    if (x <= 0 || x > (std::int64_t{1} << 31))
        throw Error(errc::model_format, "metadata '" + key + "' is " + std::to_string(x) + ", out of range");
    return x;
}

float real(const gguf::File& file, const std::string& key, float fallback) {
    const gguf::Value* v = file.find(key);
    if (!v)
        return fallback;
    try {
        return static_cast<float>(v->as_double());
    } catch (const Error& e) {
        throw Error(errc::model_format, "metadata '" + key + "': " + e.what());
    }
}

} // namespace

const Architecture* find_architecture(std::string_view name) {
    for (const Architecture* a : registry)
        if (a->name == name)
            return a;
    return nullptr;
}

std::vector<std::string_view> architecture_names() {
    std::vector<std::string_view> names;
    for (const Architecture* a : registry)
        names.push_back(a->name);
    return names;
}

void read_common_info(const gguf::File& file, ModelInfo& info, std::string_view eps_key) {
    const std::string p = info.architecture + ".";
    info.n_embd = positive(file, p + "embedding_length", true, 0);
    info.n_layer = positive(file, p + "block_count", true, 0);
    info.n_head = positive(file, p + "attention.head_count", true, 0);
    info.n_head_kv = positive(file, p + "attention.head_count_kv", false, info.n_head);
    info.n_ff = positive(file, p + "feed_forward_length", true, 0);
    info.n_ctx_train = positive(file, p + "context_length", false, 2048);
    info.head_dim = positive(file, p + "attention.key_length", false, info.n_embd / info.n_head);
    if (info.n_embd % info.n_head != 0 && !file.contains(p + "attention.key_length"))
        throw Error(errc::model_format, "embedding_length " + std::to_string(info.n_embd) +
                                            " is not a multiple of head_count " + std::to_string(info.n_head));
    if (info.n_head % info.n_head_kv != 0)
        throw Error(errc::model_format, "attention.head_count " + std::to_string(info.n_head) +
                                            " is not a multiple of head_count_kv " + std::to_string(info.n_head_kv));
    info.n_rot = positive(file, p + "rope.dimension_count", false, info.head_dim);
    if (info.n_rot > info.head_dim || info.n_rot % 2 != 0)
        throw Error(errc::model_format, "rope.dimension_count " + std::to_string(info.n_rot) +
                                            " does not fit a head of " + std::to_string(info.head_dim));
    info.rope_freq_base = real(file, p + "rope.freq_base", 10000.0f);
    info.norm_eps = real(file, p + std::string(eps_key), 1e-5f);
    if (!(info.rope_freq_base > 0) || !(info.norm_eps >= 0))
        throw Error(errc::model_format, "rope.freq_base / norm epsilon out of range");
}

} // namespace braid::engine
