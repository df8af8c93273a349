// The interface every compute backend implements (cpu now, vulkan next): it owns the KV cache storage
// and scratch memory of one context and executes forward-pass graphs over them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "braid/engine/batch.hpp"
#include "braid/engine/context.hpp"
#include "braid/run_control.hpp"
#include "engine/graph/graph.hpp"

namespace braid::engine {

/// One KV cache cell: the position it holds and the sequences that share it (bit s = sequence s).
struct KvCell {
    std::int32_t pos = -1;
    std::uint64_t seqs = 0;
    bool empty() const noexcept { return seqs == 0; }
};

/// The per-token inputs of one graph execution.
struct BatchInputs {
    std::span<const TokenId> tokens;
    std::span<const std::int32_t> positions;
    std::span<const SeqId> seqs;
    std::span<const std::int32_t> outputs;  // indices of tokens with output set, ascending
    std::span<const std::int32_t> kv_slots; // cache cell each token's k and v go to
    std::span<const KvCell> cells;          // cells [0, n_kv) as they are with this batch placed
    std::span<const SeqId> pooled;          // the distinct sequences of the batch, in order of appearance
};

/// Which kernel family the Vulkan backend uses (automatic: by device; tests force each on any device).
enum class VkKernels {
    automatic, ///< BRAID_VK_KERNELS=subgroup|portable if set, else by device
    subgroup,  ///< GPU kernels: subgroup-arithmetic mat-vec for a few tokens, subgroupAdd norms
    portable,  ///< no subgroup arithmetic: tiled products for every batch, norms reduced in shared memory
};

/// What a backend is created for.
struct BackendConfig {
    int threads = 1;
    CpuKernels kernels = CpuKernels::fast;
    std::int64_t n_ctx = 0;   // cache cells
    bool kv_f16 = true;
    std::int64_t max_tokens = 512; // most tokens of one graph
    bool vk_validation = false;    // Vulkan: enable the Khronos validation layer
    VkKernels vk_kernels = VkKernels::automatic;
    bool vk_staging = false;       // Vulkan (tests): upload weights through a staging buffer even where
                                   // device memory is host-visible, in pieces of this many MiB
    std::int64_t vk_staging_mib = 64;
};

class Backend {
public:
    virtual ~Backend() = default;
    /// The device, for logs and `bench`.
    virtual std::string device_name() const = 0;
    /// Executes @p graph and writes its output tensor ([ne0, ne1], row after row) to @p out. Throws
    /// @p control's error (cancelled, timeout) when it asks to stop: the CPU checks between graph steps,
    /// Vulkan before submitting.
    virtual void compute(const Graph& graph, const BatchInputs& inputs, std::span<float> out, const RunControl& control) = 0;

    /// Copies the cached keys and values of cells @p cells (each in [0, n_ctx)) to @p out: layer after
    /// layer, the key rows of the cells in the order given, then their value rows; a row is
    /// kv_row_bytes(config) bytes (f16 or f32, as the cache stores them). @p out holds exactly
    /// n_layer × 2 × cells.size() rows. Used to save a sequence (Context::save_sequence).
    virtual void read_kv(std::span<const std::int32_t> cells, std::span<std::byte> out) = 0;
    /// The reverse of read_kv(): writes rows laid out as read_kv() gives them into cells @p cells.
    virtual void write_kv(std::span<const std::int32_t> cells, std::span<const std::byte> data) = 0;
};

/// Bytes of one cache row (the keys, or the values, of one cell in one layer) of @p model's cache.
inline std::size_t kv_row_bytes(const ModelInfo& info, bool kv_f16) noexcept {
    return static_cast<std::size_t>(info.n_head_kv * info.head_dim) * (kv_f16 ? 2u : 4u);
}

/// The CPU backend over @p model's weights (used in place, from the memory map).
std::unique_ptr<Backend> make_cpu_backend(const Model::Impl& model, const BackendConfig& config);
/// The Vulkan backend (weights uploaded to the device). Throws Error(errc::device) without a usable
/// device, Error(errc::out_of_memory) when the model or cache does not fit.
std::unique_ptr<Backend> make_vulkan_backend(const Model::Impl& model, const BackendConfig& config);
/// Whether a Vulkan 1.2 device other than a CPU implementation exists (what BackendKind::automatic picks).
bool vulkan_gpu_available() noexcept;

} // namespace braid::engine
