/// @file
/// @brief braid::engine::Model: a GGUF model loaded for inference: its architecture and shape
/// (ModelInfo), its tokenizer, its chat template and its weights (memory-mapped, read-only).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "braid/engine/backend.hpp"
#include "braid/engine/gguf_file.hpp"
#include "braid/engine/tokenizer.hpp"

namespace braid::engine {

/// How a model turns per-token states into one embedding per sequence.
enum class Pooling {
    none, ///< No pooling: a decoder model (or per-token embeddings).
    mean, ///< The mean over every token of the sequence.
    cls,  ///< The state of the first token ([CLS]).
    last, ///< The state of the last token.
};

/// The shape of a model, read from its GGUF metadata (`<arch>.embedding_length` and friends).
struct ModelInfo {
    std::string architecture;        ///< `general.architecture`: "llama", "qwen2", "bert".
    std::string name;                ///< `general.name` (may be empty).
    std::int64_t n_vocab = 0;        ///< Vocabulary size (rows of the token embedding).
    std::int64_t n_ctx_train = 0;    ///< `<arch>.context_length`: the context the model was trained for.
    std::int64_t n_embd = 0;         ///< Width of the hidden state.
    std::int64_t n_layer = 0;        ///< Number of transformer blocks.
    std::int64_t n_head = 0;         ///< Attention heads (queries).
    std::int64_t n_head_kv = 0;      ///< Key/value heads (fewer than n_head with grouped-query attention).
    std::int64_t head_dim = 0;       ///< Width of one head (n_embd / n_head unless the file says otherwise).
    std::int64_t n_ff = 0;           ///< Width of the feed-forward layer.
    std::int64_t n_rot = 0;          ///< Rotary dimensions per head (`<arch>.rope.dimension_count`).
    float rope_freq_base = 10000.0f; ///< RoPE base frequency.
    float norm_eps = 1e-5f;          ///< RMSNorm / LayerNorm epsilon.
    bool causal = true;              ///< Causal attention (decoders) or bidirectional (bert).
    Pooling pooling = Pooling::none; ///< Sequence pooling of an embedding model.
    std::uint64_t n_params = 0;      ///< Number of weights.
    std::uint64_t weight_bytes = 0;  ///< Bytes of weights (what token generation reads per token).

    /// Whether the model produces embeddings (an encoder with pooling) rather than next-token logits.
    bool is_embedding_model() const noexcept { return pooling != Pooling::none; }
};

/// How a model is loaded.
struct ModelOptions {
    /// Called with the fraction loaded (0…1) as loading advances; returning false cancels the load
    /// (Error(errc::cancelled)).
    std::function<bool(float)> progress;
    /// The backend contexts use unless their options say otherwise.
    BackendKind backend = BackendKind::automatic;
};

class Context;

/// A model loaded from a GGUF file: validated completely at load (architecture known, every tensor
/// present with its expected shape and a supported type), then immutable. Move-only; contexts keep the
/// loaded data alive, so a Model may be destroyed while contexts created from it are still in use.
/// Safe to use from many threads at once.
class Model {
public:
    /// Loads @p path. Throws Error(errc::io) when it cannot be read, Error(errc::model_format) for a
    /// malformed file or a tensor missing or of the wrong shape, Error(errc::unsupported) for an
    /// architecture or tensor type braid does not run, Error(errc::cancelled) when the progress callback
    /// returns false.
    static Model load(const std::filesystem::path& path, const ModelOptions& options = {});

    Model(Model&&) noexcept;            ///< Moves.
    Model& operator=(Model&&) noexcept; ///< Moves.
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;
    ~Model();

    /// The model's shape.
    const ModelInfo& info() const noexcept;
    /// The tokenizer of the model's vocabulary.
    const Tokenizer& tokenizer() const noexcept;
    /// The GGUF file (metadata and tensors).
    const gguf::File& file() const noexcept;
    /// `tokenizer.chat_template`, if the file has one.
    std::optional<std::string> chat_template() const;
    /// The text of token @p id as stored in the vocabulary (e.g. "<s>"), for chat templates' bos_token.
    std::string token_text(TokenId id) const;
    /// Whether @p id ends a generation: EOS, EOT/EOM from the metadata, or a control token that ends a
    /// turn in common chat formats (`<|im_end|>`, `<|eot_id|>`, `<end_of_turn>`, ...).
    bool is_end_of_generation(TokenId id) const noexcept;
    /// The backend chosen at load (ModelOptions::backend).
    BackendKind default_backend() const noexcept;
    /// Milliseconds the load took.
    double load_ms() const noexcept;

    /// @cond INTERNAL
    struct Impl;
    const std::shared_ptr<const Impl>& impl() const noexcept { return impl_; }
    /// @endcond

private:
    explicit Model(std::shared_ptr<const Impl> impl) noexcept;
    std::shared_ptr<const Impl> impl_;
};

/// The name of a pooling type ("none", "mean", "cls", "last").
const char* pooling_name(Pooling pooling) noexcept;

} // namespace braid::engine
