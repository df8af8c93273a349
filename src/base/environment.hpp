// Every environment variable braid reads, in one place: read once, at first use, and documented here.
// They are knobs for measuring and debugging; programs set the same things through options structs.
#pragma once

#include <optional>
#include <string>

#include "braid/run_control.hpp"

namespace braid {

struct Environment {
    /// BRAID_LOG_LEVEL=debug|info|warning|error|off: the starting level of the process-wide log sink.
    /// Unset: warning, or info when BRAID_VK_PROFILE or BRAID_DEBUG_PLAN ask for a report.
    std::optional<LogLevel> log_level;
    /// BRAID_LOG_LEVEL's text when it names no level (logged once as a warning, then ignored).
    std::string bad_log_level;
    /// BRAID_CPU_ISA=scalar|avx2: force the CPU backend's kernel set (scalar: the portable kernels even where
    /// AVX2 is available; avx2 on a CPU without it is an error when a context starts).
    std::string cpu_isa;
    /// BRAID_DEBUG_PLAN (set): the CPU backend logs each new plan (steps, barriers, scratch) at info.
    bool debug_plan = false;
    /// BRAID_VK_KERNELS=automatic|subgroup|portable: the Vulkan kernel family (BackendConfig::vk_kernels
    /// wins when not automatic).
    std::string vk_kernels;
    /// BRAID_VK_NO_FUSION (set, not "0"): gate, up and SwiGLU as three dispatches (for measuring).
    bool vk_no_fusion = false;
    /// BRAID_VK_PROFILE (set): per-kernel device time, logged at info when a context ends.
    bool vk_profile = false;
    /// BRAID_VK_VALIDATION (set, not "0"): the Khronos validation layer on every Vulkan device.
    bool vk_validation = false;
    /// BRAID_VK_DEVICE=index or name part: the Vulkan device to use.
    std::string vk_device;
    /// BRAID_VK_PIPELINE_CACHE=file ("0": no cache); unset: under XDG_CACHE_HOME or HOME.
    std::optional<std::string> vk_pipeline_cache;
    /// XDG_CACHE_HOME and HOME, for the pipeline cache's default place.
    std::string xdg_cache_home, home;
};

/// The environment as it was when first asked for (thread-safe).
const Environment& environment();

} // namespace braid
