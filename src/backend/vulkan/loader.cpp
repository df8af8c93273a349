#include "backend/vulkan/loader.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "braid/error.hpp"

namespace braid::engine::vk {

namespace {

struct Library {
    void* handle = nullptr;
    Functions functions;
    std::string error;
};

Library& library() {
    static Library lib;
    static std::once_flag once;
    std::call_once(once, [] {
        for (const char* name : {"libvulkan.so.1", "libvulkan.so", "libvulkan.1.dylib", "libMoltenVK.dylib"}) {
            lib.handle = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
            if (lib.handle)
                break;
        }
        if (!lib.handle) {
            lib.error = "no Vulkan loader found (libvulkan.so.1): install the Vulkan runtime and a driver";
            return;
        }
        lib.functions.vkGetInstanceProcAddr =
            reinterpret_cast<PFN_vkGetInstanceProcAddr>(::dlsym(lib.handle, "vkGetInstanceProcAddr"));
        if (!lib.functions.vkGetInstanceProcAddr) {
            lib.error = "the Vulkan loader has no vkGetInstanceProcAddr";
            return;
        }
        Functions& f = lib.functions;
#define BRAID_VK_LOAD_GLOBAL(name) f.name = reinterpret_cast<PFN_##name>(f.vkGetInstanceProcAddr(nullptr, #name));
        BRAID_VK_GLOBAL_FUNCTIONS(BRAID_VK_LOAD_GLOBAL)
#undef BRAID_VK_LOAD_GLOBAL
        if (!f.vkCreateInstance)
            lib.error = "the Vulkan loader has no vkCreateInstance";
    });
    return lib;
}

} // namespace

const Functions& global_functions() {
    Library& lib = library();
    if (!lib.error.empty())
        throw Error(errc::device, "Vulkan: " + lib.error);
    return lib.functions;
}

void load_instance_functions(Functions& f, VkInstance instance) {
#define BRAID_VK_LOAD_INSTANCE(name) f.name = reinterpret_cast<PFN_##name>(f.vkGetInstanceProcAddr(instance, #name));
    BRAID_VK_INSTANCE_FUNCTIONS(BRAID_VK_LOAD_INSTANCE)
#undef BRAID_VK_LOAD_INSTANCE
    if (!f.vkEnumeratePhysicalDevices || !f.vkCreateDevice || !f.vkGetDeviceProcAddr)
        throw Error(errc::device, "Vulkan: the instance lacks core functions");
}

void load_device_functions(Functions& f, VkDevice device) {
#define BRAID_VK_LOAD_DEVICE(name)                                                                              \
    f.name = reinterpret_cast<PFN_##name>(f.vkGetDeviceProcAddr(device, #name));                               \
    if (!f.name)                                                                                                \
        throw Error(errc::device, "Vulkan: the device has no " #name);
    BRAID_VK_DEVICE_FUNCTIONS(BRAID_VK_LOAD_DEVICE)
#undef BRAID_VK_LOAD_DEVICE
}

const char* result_name(VkResult r) noexcept {
    switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_INCOMPLETE: return "VK_INCOMPLETE";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default: return "VK_ERROR_UNKNOWN";
    }
}

void check(VkResult r, const char* what) {
    if (r == VK_SUCCESS)
        return;
    const bool memory = r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY;
    throw Error(memory ? errc::out_of_memory : errc::device, std::string("Vulkan: ") + what + " failed: " + result_name(r));
}

} // namespace braid::engine::vk
