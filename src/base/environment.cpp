#include "base/environment.hpp"

#include <cstdlib>
#include <cstring>

namespace braid {

namespace {

std::string text(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

bool set(const char* name) { return std::getenv(name) != nullptr; }

// Set, not empty and not "0".
bool on(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

Environment read() {
    Environment e;
    e.cpu_isa = text("BRAID_CPU_ISA");
    e.debug_plan = set("BRAID_DEBUG_PLAN");
    e.vk_kernels = text("BRAID_VK_KERNELS");
    e.vk_no_fusion = on("BRAID_VK_NO_FUSION");
    e.vk_profile = set("BRAID_VK_PROFILE");
    e.vk_validation = on("BRAID_VK_VALIDATION");
    e.vk_device = text("BRAID_VK_DEVICE");
    if (set("BRAID_VK_PIPELINE_CACHE"))
        e.vk_pipeline_cache = text("BRAID_VK_PIPELINE_CACHE");
    e.xdg_cache_home = text("XDG_CACHE_HOME");
    e.home = text("HOME");
    if (const std::string level = text("BRAID_LOG_LEVEL"); !level.empty()) {
        e.log_level = log_level_from_name(level);
        if (!e.log_level)
            e.bad_log_level = level;
    }
    if (!e.log_level && (e.vk_profile || e.debug_plan))
        e.log_level = LogLevel::info; // a report asked for is a report to show
    return e;
}

} // namespace

const Environment& environment() {
    static const Environment e = read();
    return e;
}

} // namespace braid
