/// @file
/// @brief braid::engine::BackendKind: which compute backend runs a model (CPU, Vulkan, or the best one
/// available), and how the CPU backend chooses its kernels.
#pragma once

#include <optional>
#include <string_view>

namespace braid::engine {

/// The compute backend of a context.
enum class BackendKind {
    automatic, ///< Vulkan when a non-CPU Vulkan device exists, else the CPU.
    cpu,       ///< braid's CPU backend (multi-threaded SIMD kernels).
    vulkan,    ///< braid's Vulkan compute backend.
};

/// The kernels of the CPU backend.
enum class CpuKernels {
    fast,      ///< SIMD kernels (8-bit quantized activations against quantized weights), multi-threaded.
    reference, ///< Straightforward scalar kernels in float arithmetic: slow, and the definition of correct.
};

/// The backend's name: "auto", "cpu" or "vulkan".
std::string_view backend_name(BackendKind kind) noexcept;

/// The backend named @p name ("auto", "cpu", "vulkan"), or nullopt.
std::optional<BackendKind> backend_from_name(std::string_view name) noexcept;

} // namespace braid::engine
