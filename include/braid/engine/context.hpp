/// @file
/// @brief braid::engine::Context: one inference session over a Model: its KV cache (several sequences),
/// its backend, and decode() which runs the forward pass over a Batch.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "braid/engine/backend.hpp"
#include "braid/engine/batch.hpp"
#include "braid/engine/model.hpp"
#include "braid/run_control.hpp"

namespace braid::engine {

/// How a context is created.
struct ContextOptions {
    /// KV cache size in tokens (all sequences together); 0: the model's training context, at most 4096.
    std::int64_t n_ctx = 0;
    /// Most tokens computed in one forward pass; longer batches are split (prompt processing).
    std::int64_t n_batch = 512;
    /// Number of sequences the context holds (SeqId 0 … n_seq_max - 1), at most 64.
    int n_seq_max = 1;
    /// CPU threads; 0: the number of hardware threads.
    int threads = 0;
    /// The backend; unset: the model's default (ModelOptions::backend).
    std::optional<BackendKind> backend;
    /// Kernels of the CPU backend.
    CpuKernels kernels = CpuKernels::fast;
    /// Keys and values in the cache as fp16 (half the memory, as llama.cpp's default) or fp32.
    bool kv_f16 = true;
    /// When the Vulkan backend cannot start (no driver, no device, not enough memory), use the CPU
    /// backend instead and say so on stderr; otherwise Context::create() throws the Vulkan error.
    bool cpu_fallback = false;
    /// Vulkan: enable the Khronos validation layer (also BRAID_VK_VALIDATION=1).
    bool validation = false;
};

/// An inference session: a KV cache and the backend state to run the model on it. Decoding changes the
/// cache, so a Context belongs to one caller at a time (the model it came from is shared). Move-only.
class Context {
public:
    /// A context over @p model. Throws Error(errc::invalid_argument) for bad options,
    /// Error(errc::out_of_memory) when the cache cannot be allocated, Error(errc::device) /
    /// Error(errc::unsupported) when the backend cannot run.
    static Context create(const Model& model, const ContextOptions& options = {});

    Context(Context&&) noexcept;            ///< Moves.
    Context& operator=(Context&&) noexcept; ///< Moves.
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context();

    /// Runs the forward pass over @p batch, adding its tokens to the KV cache. Afterwards logits(i) is
    /// the logits row of the i-th token with `output` set, in batch order (embedding models: see
    /// embedding()). Throws Error(errc::invalid_argument) for a token, position or sequence out of range,
    /// or a position already in the cache; Error(errc::out_of_memory) when the cache is full (nothing of
    /// the batch is kept then). An empty batch does nothing.
    ///
    /// @p control stops the decode between two graph steps (CPU), before each submitted graph (Vulkan)
    /// and between chunks of n_batch tokens: Error(errc::cancelled) once its token is cancelled,
    /// Error(errc::timeout) once its deadline has passed; nothing of the batch stays in the cache then.
    /// It receives progress ("decode": tokens of the batch computed so far) after each chunk.
    void decode(const Batch& batch, const RunControl& control = RunControl::none());

    /// Appends @p tokens to sequence @p seq (at its next positions) and returns the logits of the last.
    std::span<const float> eval(std::span<const TokenId> tokens, SeqId seq = 0, const RunControl& control = RunControl::none());

    /// Number of output rows of the last decode.
    std::size_t n_outputs() const noexcept;
    /// Logits (vocabulary size) of output row @p i of the last decode.
    /// Throws Error(errc::invalid_argument) when out of range or for an embedding model.
    std::span<const float> logits(std::size_t i) const;
    /// The pooled embedding (not normalized) of sequence @p seq from the last decode of an embedding
    /// model, over the tokens of @p seq in that batch. Throws Error(errc::invalid_argument) when the
    /// last batch had no token of @p seq or the model is not an embedding model.
    std::span<const float> embedding(SeqId seq) const;

    /// Empties the KV cache.
    void clear() noexcept;
    /// Removes positions [@p p0, @p p1) of sequence @p seq from the cache (p1 < 0: to the end).
    void remove(SeqId seq, std::int32_t p0 = 0, std::int32_t p1 = -1);
    /// One past the last position of @p seq in the cache (0 when it holds nothing).
    std::int32_t next_position(SeqId seq) const;
    /// Cache size in tokens.
    std::int64_t n_ctx() const noexcept;
    /// Cache cells in use.
    std::int64_t n_used() const noexcept;

    /// The model.
    const ModelInfo& info() const noexcept;
    /// The model's tokenizer.
    const Tokenizer& tokenizer() const noexcept;
    /// The backend that runs this context.
    BackendKind backend() const noexcept;
    /// A description of the backend's device ("cpu (2 threads, avx2)", "vulkan: llvmpipe ...").
    std::string device_name() const;

private:
    struct Impl;
    explicit Context(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

} // namespace braid::engine
