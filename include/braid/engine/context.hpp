/// @file
/// @brief braid::engine::Context: one inference session over a Model: its KV cache (several sequences),
/// its backend, and decode() which runs the forward pass over a Batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

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
    /// Pooled embeddings instead of logits. Unset: the model's own (ModelInfo::pooling: a bert model
    /// pools, a decoder gives logits). Set on a decoder model (llama, qwen2): decode() pools the final
    /// normalized hidden states of each sequence (the rows the output projection would read) and
    /// embedding() returns them, with no logits and nothing kept in the cache between decodes, as for
    /// bert. Set on a bert model: overrides its metadata's pooling. Pooling::none on a bert model is
    /// Error(errc::invalid_argument) (it has no logits). options() gives the resolved value.
    std::optional<Pooling> pooling;
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
    /// context (a bert model, or ContextOptions::pooling set), over the tokens of @p seq in that batch.
    /// Throws Error(errc::invalid_argument) when the last batch had no token of @p seq or the context
    /// does not pool.
    std::span<const float> embedding(SeqId seq) const;

    /// Empties the KV cache.
    void clear() noexcept;
    /// Removes positions [@p p0, @p p1) of sequence @p seq from the cache (p1 < 0: to the end).
    void remove(SeqId seq, std::int32_t p0 = 0, std::int32_t p1 = -1);
    /// Makes sequence @p to hold the cached positions of sequence @p from in [@p p0, @p p1) (p1 < 0: to
    /// the end), like llama.cpp's `seq_cp`: a shared prefix (a system prompt) is computed once and copied
    /// into other sequences. The cells are shared, not duplicated, so it costs no cache space and no
    /// copying of keys and values; each sequence then decodes on independently, and remove() on one
    /// leaves the other's positions in place. Whatever @p to held in [p0, p1) is removed first.
    /// Throws Error(errc::invalid_argument) for a sequence out of range or an embedding model (whose
    /// cache keeps nothing between decodes). Copying a sequence to itself does nothing.
    void copy_sequence(SeqId from, SeqId to, std::int32_t p0 = 0, std::int32_t p1 = -1);

    /// Saves sequence @p seq as a session: a header (magic, format version, the model's architecture
    /// and a hash of its shape, tensor layout and a sample of its weights, n_layer, n_head_kv, head_dim,
    /// f16 or f32 cache), @p tokens, the cached positions and their keys and values, and a checksum.
    /// The cache does not know which tokens produced it, so the caller passes them (usually one per
    /// cached position; any ids of the vocabulary are accepted) and gets them back from
    /// restore_sequence(). An empty sequence saves as a session with no cells.
    /// Throws Error(errc::invalid_argument) for a sequence out of range, a token outside the vocabulary
    /// or an embedding model.
    std::vector<std::byte> save_sequence(SeqId seq, std::span<const TokenId> tokens = {}) const;
    /// save_sequence() to the file @p path, written atomically (a temporary file beside it, renamed
    /// over it). Throws Error(errc::io) when it cannot be written.
    void save_sequence_to(SeqId seq, const std::filesystem::path& path, std::span<const TokenId> tokens = {}) const;
    /// Restores a session written by save_sequence() into sequence @p seq, at the positions it was
    /// saved from, and returns its tokens. Everything is checked before the cache changes: the magic,
    /// the format version, the sizes against the data (truncated or trailing bytes), the checksum (corrupt
    /// data), the model (architecture, geometry, hash), the cache type (kv_f16), the tokens and positions,
    /// that @p seq is empty and that enough cells are free. Each failure is Error(errc::invalid_argument)
    /// naming what was wrong (Error(errc::out_of_memory) when the cells do not fit) and leaves the
    /// context as it was. A session may be restored into another sequence, context or backend of the
    /// same model with the same cache type.
    std::vector<TokenId> restore_sequence(SeqId seq, std::span<const std::byte> session);
    /// restore_sequence() from the file @p path. Throws Error(errc::io) when it cannot be read.
    std::vector<TokenId> restore_sequence_from(SeqId seq, const std::filesystem::path& path);

    /// One past the last position of @p seq in the cache (0 when it holds nothing).
    std::int32_t next_position(SeqId seq) const;
    /// Cache size in tokens.
    std::int64_t n_ctx() const noexcept;
    /// Cache cells in use.
    std::int64_t n_used() const noexcept;

    /// The options as resolved at creation (n_ctx, n_batch and threads filled in and clamped).
    const ContextOptions& options() const noexcept;
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
