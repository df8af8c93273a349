// Writes the speed-sized model of shared/reference/peer-speed.md with braid's own GGUF writer and
// quantizer: llama architecture, n_embd 1024, 16 layers, 16 heads, 4 KV heads, FFN 2816, context 1024,
// the stories260K tokenizer (its tokenizer.* metadata is copied from a GGUF given on the command line),
// random weights (speed does not depend on their values).
//
//   make_speed_model TOKENIZER.gguf OUT.gguf TYPE     TYPE: f16, q8_0, q4_0, q4_k_m
//
// q4_k_m follows llama.cpp's recipe: Q4_K, with Q6_K for output.weight and for attn_v / ffn_down in the
// layers where llama.cpp spends more bits (the first and last eighth, and every third in between).
#include <cstdio>
#include <atomic>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/engine/quant.hpp"
#include "braid/error.hpp"

namespace {

using braid::engine::TensorType;

constexpr std::int64_t n_embd = 1024, n_layer = 16, n_head = 16, n_head_kv = 4, n_ff = 2816, n_ctx = 1024;

bool more_bits(std::int64_t layer) {
    return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

struct Spec {
    std::string name;
    std::int64_t ne0, ne1;
    TensorType type;
    bool norm = false;
};

std::vector<std::byte> make_tensor(const Spec& s, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    std::vector<float> row(static_cast<std::size_t>(s.ne0));
    const std::int64_t rb = braid::engine::row_bytes(s.type, s.ne0);
    std::vector<std::byte> out(static_cast<std::size_t>(rb * s.ne1));
    for (std::int64_t r = 0; r < s.ne1; ++r) {
        for (float& v : row)
            v = s.norm ? 1.0f + normal(rng) : normal(rng);
        braid::engine::quantize_row(s.type, row.data(), out.data() + r * rb, s.ne0);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: make_speed_model TOKENIZER.gguf OUT.gguf f16|q8_0|q4_0|q4_k_m\n");
        return 2;
    }
    try {
        const std::string type_name = argv[3];
        const bool k_mix = type_name == "q4_k_m";
        const auto base = k_mix ? std::optional<TensorType>(TensorType::Q4_K) : braid::engine::tensor_type_from_name(type_name);
        if (!base || !braid::engine::can_quantize(*base))
            throw braid::Error(braid::errc::invalid_argument, "type " + type_name + " is not f16, q8_0, q4_0 or q4_k_m");
        const auto tokenizer = braid::gguf::File::open(argv[1]);
        const std::int64_t n_vocab = static_cast<std::int64_t>(tokenizer.get<braid::gguf::ArrayView>("tokenizer.ggml.tokens").size());

        std::vector<Spec> specs;
        const TensorType vocab_type = k_mix ? TensorType::Q6_K : *base;
        specs.push_back({"token_embd.weight", n_embd, n_vocab, *base});
        specs.push_back({"output_norm.weight", n_embd, 1, TensorType::F32, true});
        specs.push_back({"output.weight", n_embd, n_vocab, vocab_type});
        const std::int64_t head_dim = n_embd / n_head;
        for (std::int64_t l = 0; l < n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            const TensorType heavy = k_mix && more_bits(l) ? TensorType::Q6_K : *base;
            specs.push_back({p + "attn_norm.weight", n_embd, 1, TensorType::F32, true});
            specs.push_back({p + "attn_q.weight", n_embd, n_embd, *base});
            specs.push_back({p + "attn_k.weight", n_embd, n_head_kv * head_dim, *base});
            specs.push_back({p + "attn_v.weight", n_embd, n_head_kv * head_dim, heavy});
            specs.push_back({p + "attn_output.weight", n_embd, n_embd, *base});
            specs.push_back({p + "ffn_norm.weight", n_embd, 1, TensorType::F32, true});
            specs.push_back({p + "ffn_gate.weight", n_embd, n_ff, *base});
            specs.push_back({p + "ffn_up.weight", n_embd, n_ff, *base});
            specs.push_back({p + "ffn_down.weight", n_ff, n_embd, heavy});
        }
        // Quantize on every core.
        std::vector<std::vector<std::byte>> data(specs.size());
        std::vector<std::thread> workers;
        std::atomic<std::size_t> next{0};
        for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t)
            workers.emplace_back([&] {
                for (std::size_t i; (i = next++) < specs.size();)
                    data[i] = make_tensor(specs[i], static_cast<std::uint32_t>(1000 + i));
            });
        for (auto& w : workers)
            w.join();

        braid::gguf::Writer w;
        w.set("general.architecture", std::string_view("llama"));
        w.set("general.name", std::string_view("bench-llama-180m-" + type_name));
        w.set("llama.context_length", static_cast<std::uint32_t>(n_ctx));
        w.set("llama.embedding_length", static_cast<std::uint32_t>(n_embd));
        w.set("llama.block_count", static_cast<std::uint32_t>(n_layer));
        w.set("llama.feed_forward_length", static_cast<std::uint32_t>(n_ff));
        w.set("llama.rope.dimension_count", static_cast<std::uint32_t>(head_dim));
        w.set("llama.attention.head_count", static_cast<std::uint32_t>(n_head));
        w.set("llama.attention.head_count_kv", static_cast<std::uint32_t>(n_head_kv));
        w.set("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.set("llama.rope.freq_base", 10000.0f);
        for (const auto& e : tokenizer.metadata())
            if (e.key.rfind("tokenizer.", 0) == 0)
                w.set(e.key, e.value);
        std::uint64_t params = 0;
        for (std::size_t i = 0; i < specs.size(); ++i) {
            const std::int64_t dims2[] = {specs[i].ne0, specs[i].ne1};
            w.add_tensor(specs[i].name, specs[i].type, std::span<const std::int64_t>(dims2, specs[i].ne1 == 1 ? 1 : 2), data[i]);
            params += static_cast<std::uint64_t>(specs[i].ne0 * specs[i].ne1);
        }
        w.write(argv[2]);
        std::printf("%s: %.1f M parameters, %s\n", argv[2], static_cast<double>(params) / 1e6, type_name.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_speed_model: %s\n", e.what());
        return 1;
    }
    return 0;
}
