/// @file
/// @brief braid::LocalEmbeddings: the Embeddings interface over a GGUF embedding model run by braid's
/// own engine (CPU or Vulkan), many texts per forward pass.
///
/// @code
/// auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load("bge-small.gguf"));
/// braid::LocalEmbeddingsOptions options;
/// options.threads = 4;
/// auto embedder = std::make_shared<braid::LocalEmbeddings>(model, options);
/// auto vectors = embedder->embed_documents(texts);   // batched: up to batch_size tokens per pass
/// auto step = braid::make_runnable(embedder);         // "text" → [...], ["a", "b"] → [[...], [...]]
/// @endcode
///
/// Models: bert-family embedding models pool as their metadata says; decoder models (llama, qwen2)
/// pool their final normalized hidden states (the rows the output projection would read): by
/// `<arch>.pooling_type` when the file has it (llama.cpp's numbering: 1 mean, 2 cls, 3 last), else
/// mean. LocalEmbeddingsOptions::pooling overrides either. Decoder embedding models such as
/// Qwen3-Embedding or e5-mistral are trained for last-token pooling; a chat model pooled by mean
/// gives usable, though weaker, vectors.
///
/// Batching: embed_documents packs the texts into passes of at most `batch_size` tokens and
/// `max_sequences` texts, each text a sequence of its own (engine::embed_batch), which is several times
/// faster than one text per pass on small models.
///
/// Threads: safe to call from many threads at once. It keeps a pool of `contexts` engine contexts
/// (each with its own KV cache and scratch memory), created on first use; a call takes a free one for
/// its whole batch and waits while all are busy, so at most `contexts` calls compute at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "braid/engine/backend.hpp"
#include "braid/engine/context.hpp"
#include "braid/engine/model.hpp"
#include "braid/models/embeddings.hpp"

namespace braid {


/// How a LocalEmbeddings runs its model.
struct LocalEmbeddingsOptions {
    /// The backend; unset: the model's default (engine::ModelOptions::backend).
    std::optional<engine::BackendKind> backend;
    /// CPU threads per context; 0: the number of hardware threads.
    int threads = 0;
    /// Most tokens of one forward pass (a text may not be longer); capped by the model's context.
    std::int64_t batch_size = 512;
    /// Most texts of one forward pass (sequences of a context), 1 … 64.
    int max_sequences = 32;
    /// Scale vectors to unit length (L2). Unset: the model's default. GGUF has no metadata key for a
    /// sentence-transformers Normalize layer, so that default is true, as llama.cpp's (embd_normalize 2).
    std::optional<bool> normalize;
    /// Engine contexts, that is calls computing at once, 1 … 64.
    int contexts = 1;
    /// When the Vulkan backend cannot start, run on the CPU (with a log line) instead of failing.
    bool cpu_fallback = false;
    /// How each text's token states become one vector. Unset: the model's (bert: its metadata; decoder:
    /// `<arch>.pooling_type` when present and not 0, else mean). Pooling::none is invalid here.
    std::optional<engine::Pooling> pooling;
};

/// The pooling LocalEmbeddings uses for @p model when its options set none: a bert model's metadata;
/// for a decoder, `<arch>.pooling_type` (1 mean, 2 cls, 3 last; 0 or absent: mean). Throws
/// Error(errc::unsupported) for another value (4, rank), Error(errc::model_format) for a key of the
/// wrong type.
engine::Pooling embedding_pooling(const engine::Model& model);

/// Embeddings from a local GGUF model: a bert-family embedding model, or a decoder model (llama,
/// qwen2) pooled by mean or last token (see the file comment).
class LocalEmbeddings final : public Embeddings {
public:
    /// Over @p model (shared: it is read-only and may serve other users at the same time). Throws
    /// Error(errc::invalid_argument) for a null model or bad options (Pooling::none),
    /// Error(errc::unsupported) for a decoder whose `<arch>.pooling_type` braid does not know (4, rank).
    /// Contexts are created on first use; their errors (a Vulkan device that cannot start, out of
    /// memory) come from that call.
    explicit LocalEmbeddings(std::shared_ptr<const engine::Model> model, LocalEmbeddingsOptions options = {});
    ~LocalEmbeddings() override;
    LocalEmbeddings(const LocalEmbeddings&) = delete;
    LocalEmbeddings& operator=(const LocalEmbeddings&) = delete;

    /// "LocalEmbeddings(<general.name or architecture>)".
    std::string name() const override;
    /// The model's embedding length.
    std::size_t dimension() const override;
    /// The texts' vectors, batched (see the file comment). Throws Error(errc::invalid_argument) for a
    /// text longer than batch_size tokens (naming it), the run control's error when stopped.
    std::vector<std::vector<float>> embed_documents(std::span<const std::string> texts,
                                                    const RunControl& control = RunControl::none()) const override;
    /// Whether vectors are normalized (the option, or the model's default).
    bool normalizes() const noexcept { return normalize_; }
    /// How token states are pooled (the option, or the model's default); never Pooling::none.
    engine::Pooling pooling() const noexcept { return *options_.pooling; }
    /// The options as resolved (pooling always set).
    const LocalEmbeddingsOptions& options() const noexcept { return options_; }

private:
    class Lease;
    engine::ContextOptions context_options() const;
    std::shared_ptr<const engine::Model> model_;
    LocalEmbeddingsOptions options_;
    bool normalize_ = true;
    mutable std::mutex mutex_;
    mutable std::condition_variable available_;
    mutable std::vector<std::unique_ptr<engine::Context>> idle_; // contexts not in use
    mutable int created_ = 0;                                     // contexts made so far
};

} // namespace braid
