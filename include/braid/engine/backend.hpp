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

/// The SIMD kernel set the CPU backend runs: "avx2" (AVX2, FMA and F16C) or "scalar" (portable), chosen
/// once per process from what the CPU supports, or forced with the environment variable BRAID_CPU_ISA
/// (tests and measurements compare the sets). Throws braid::Error when BRAID_CPU_ISA names no set or one
/// this CPU cannot run.
std::string_view cpu_kernel_set();

} // namespace braid::engine
