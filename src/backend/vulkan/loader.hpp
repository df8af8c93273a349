// The Vulkan functions braid calls, loaded at run time from the system's loader (libvulkan.so.1,
// vulkan-1.dll, libvulkan.dylib / MoltenVK): a machine without Vulkan still runs braid on the CPU, and
// asking for Vulkan there is an error, never a missing-symbol crash at start.
#pragma once

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

namespace braid::engine::vk {

#define BRAID_VK_GLOBAL_FUNCTIONS(X)                                                                           \
    X(vkCreateInstance)                                                                                        \
    X(vkEnumerateInstanceLayerProperties)                                                                      \
    X(vkEnumerateInstanceExtensionProperties)

#define BRAID_VK_INSTANCE_FUNCTIONS(X)                                                                         \
    X(vkDestroyInstance)                                                                                       \
    X(vkEnumeratePhysicalDevices)                                                                              \
    X(vkGetPhysicalDeviceProperties)                                                                           \
    X(vkGetPhysicalDeviceProperties2)                                                                          \
    X(vkGetPhysicalDeviceFeatures2)                                                                            \
    X(vkGetPhysicalDeviceQueueFamilyProperties)                                                                \
    X(vkGetPhysicalDeviceMemoryProperties)                                                                     \
    X(vkEnumerateDeviceExtensionProperties)                                                                    \
    X(vkCreateDevice)                                                                                          \
    X(vkGetDeviceProcAddr)                                                                                     \
    X(vkCreateDebugUtilsMessengerEXT)                                                                          \
    X(vkDestroyDebugUtilsMessengerEXT)

#define BRAID_VK_DEVICE_FUNCTIONS(X)                                                                           \
    X(vkDestroyDevice)                                                                                         \
    X(vkGetDeviceQueue)                                                                                        \
    X(vkDeviceWaitIdle)                                                                                        \
    X(vkAllocateMemory)                                                                                        \
    X(vkFreeMemory)                                                                                            \
    X(vkMapMemory)                                                                                             \
    X(vkUnmapMemory)                                                                                           \
    X(vkFlushMappedMemoryRanges)                                                                               \
    X(vkInvalidateMappedMemoryRanges)                                                                          \
    X(vkCreateBuffer)                                                                                          \
    X(vkDestroyBuffer)                                                                                         \
    X(vkGetBufferMemoryRequirements)                                                                           \
    X(vkBindBufferMemory)                                                                                      \
    X(vkCreateShaderModule)                                                                                    \
    X(vkDestroyShaderModule)                                                                                   \
    X(vkCreatePipelineCache)                                                                                   \
    X(vkDestroyPipelineCache)                                                                                  \
    X(vkGetPipelineCacheData)                                                                                  \
    X(vkCreateComputePipelines)                                                                                \
    X(vkDestroyPipeline)                                                                                       \
    X(vkCreatePipelineLayout)                                                                                  \
    X(vkDestroyPipelineLayout)                                                                                 \
    X(vkCreateDescriptorSetLayout)                                                                             \
    X(vkDestroyDescriptorSetLayout)                                                                            \
    X(vkCreateDescriptorPool)                                                                                  \
    X(vkDestroyDescriptorPool)                                                                                 \
    X(vkResetDescriptorPool)                                                                                   \
    X(vkAllocateDescriptorSets)                                                                                \
    X(vkUpdateDescriptorSets)                                                                                  \
    X(vkCreateCommandPool)                                                                                     \
    X(vkDestroyCommandPool)                                                                                    \
    X(vkAllocateCommandBuffers)                                                                                \
    X(vkFreeCommandBuffers)                                                                                    \
    X(vkBeginCommandBuffer)                                                                                    \
    X(vkEndCommandBuffer)                                                                                      \
    X(vkResetCommandBuffer)                                                                                    \
    X(vkCmdBindPipeline)                                                                                       \
    X(vkCmdBindDescriptorSets)                                                                                 \
    X(vkCmdPushConstants)                                                                                      \
    X(vkCmdDispatch)                                                                                           \
    X(vkCmdPipelineBarrier)                                                                                    \
    X(vkCmdCopyBuffer)                                                                                         \
    X(vkCmdFillBuffer)                                                                                         \
    X(vkCreateFence)                                                                                           \
    X(vkDestroyFence)                                                                                          \
    X(vkResetFences)                                                                                           \
    X(vkWaitForFences)                                                                                         \
    X(vkCreateSemaphore)                                                                                       \
    X(vkDestroySemaphore)                                                                                      \
    X(vkQueueSubmit)                                                                                           \
    X(vkCreateQueryPool)                                                                                       \
    X(vkDestroyQueryPool)                                                                                      \
    X(vkCmdResetQueryPool)                                                                                     \
    X(vkCmdWriteTimestamp)                                                                                     \
    X(vkGetQueryPoolResults)

/// Function pointers (null until loaded; instance/device ones after the instance/device exist).
struct Functions {
    PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
#define BRAID_VK_MEMBER(name) PFN_##name name = nullptr;
    BRAID_VK_GLOBAL_FUNCTIONS(BRAID_VK_MEMBER)
    BRAID_VK_INSTANCE_FUNCTIONS(BRAID_VK_MEMBER)
    BRAID_VK_DEVICE_FUNCTIONS(BRAID_VK_MEMBER)
#undef BRAID_VK_MEMBER
};

/// Loads the Vulkan loader library once (thread-safe). Throws Error(errc::device) naming what was tried.
const Functions& global_functions();
/// Fills the instance-level pointers of @p f for @p instance (debug-utils ones may stay null).
void load_instance_functions(Functions& f, VkInstance instance);
/// Fills the device-level pointers; throws Error(errc::device) when one is missing.
void load_device_functions(Functions& f, VkDevice device);

/// VkResult → text ("VK_ERROR_OUT_OF_DEVICE_MEMORY").
const char* result_name(VkResult r) noexcept;
/// Throws Error(errc::device), or Error(errc::out_of_memory) for the out-of-memory results, naming
/// @p what and the result, unless @p r is VK_SUCCESS.
void check(VkResult r, const char* what);

} // namespace braid::engine::vk
