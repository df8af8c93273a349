// The Vulkan device: instance (with the Khronos validation layer on request), the physical device
// (discrete > integrated > virtual > CPU, or BRAID_VK_DEVICE = index or name substring), a compute
// queue (and a transfer queue where the device has a separate copy engine), and the features the
// kernels may use. One Device per process and selection, shared by every
// context (pipelines are created once per device): work reaches its queues only through submit(), which
// holds the queue's lock. Also the owning wrappers of the per-context handles (command pool, fence,
// semaphore).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "backend/vulkan/loader.hpp"

namespace braid::engine::vk {

/// What the kernels may use beyond Vulkan 1.2 core (the portable path needs none of it).
struct Features {
    bool float16 = false;          // shaderFloat16
    bool rte16 = false;            // shaderRoundingModeRTEFloat16 (fp16 conversions round to nearest even)
    bool storage16 = false;        // storageBuffer16BitAccess
    bool storage8 = false;         // storageBuffer8BitAccess + shaderInt8
    bool integer_dot = false;      // VK_KHR_shader_integer_dot_product
    bool subgroup_size_control = false;
    bool subgroup_arithmetic = false;
    bool cooperative_matrix = false; // VK_KHR_cooperative_matrix
    std::uint32_t subgroup_size = 0;
};

/// One physical device as listed by list_devices().
struct DeviceInfo {
    std::uint32_t index = 0; // in the instance's enumeration
    std::string name;
    std::string type; // "discrete", "integrated", "virtual", "cpu", "other"
    std::uint32_t api_version = 0;
};

/// The queues of a Device (the same VkQueue where the device has no separate transfer family).
enum class Queue {
    compute,  ///< graphs (and uploads where there is no transfer queue)
    transfer, ///< weight uploads
};

class Device {
public:
    /// The device for the current environment (BRAID_VK_DEVICE, BRAID_VK_VALIDATION=1), created on first
    /// use and shared. Throws Error(errc::device) when there is no Vulkan or no usable device.
    static std::shared_ptr<Device> shared(bool validation = false);
    /// Every physical device, in braid's order of preference. Throws Error(errc::device) without Vulkan.
    static std::vector<DeviceInfo> list();

    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    ~Device();

    const Functions& fn() const noexcept { return f_; }
    VkDevice device() const noexcept { return device_; }
    VkPhysicalDevice physical() const noexcept { return physical_; }
    std::uint32_t queue_family() const noexcept { return queue_family_; }
    /// The family of Queue::transfer: a transfer-only family's where the device has one (a DMA engine
    /// that copies while the compute queue works), else the compute queue's.
    std::uint32_t transfer_family() const noexcept { return transfer_family_; }
    bool separate_transfer() const noexcept { return transfer_family_ != queue_family_; }
    const VkPhysicalDeviceProperties& properties() const noexcept { return properties_; }
    const VkPhysicalDeviceMemoryProperties& memory() const noexcept { return memory_; }
    const Features& features() const noexcept { return features_; }
    /// "llvmpipe (LLVM 15.0.6, 256 bits) (cpu)".
    std::string name() const;
    bool is_cpu() const noexcept { return properties_.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU; }
    /// A memory type among @p bits with all of @p want (and, if possible, all of @p prefer), or ~0u.
    std::uint32_t memory_type(std::uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags prefer = 0) const;

    /// Submits @p info to @p queue; @p fence (may be null) is signalled when it completes. Every context
    /// shares the device's queues and Vulkan requires a queue's use to be externally synchronized, so
    /// each submit holds its queue's lock (one lock where both are the same queue). Thread-safe; throws
    /// Error(errc::device) when the driver refuses.
    void submit(Queue queue, const VkSubmitInfo& info, VkFence fence);

    /// Validation-layer messages (warnings and errors) since the device was created.
    std::size_t validation_count() const noexcept { return validation_count_.load(); }
    std::vector<std::string> validation_messages() const;
    bool validation() const noexcept { return messenger_ != VK_NULL_HANDLE; }
    void record_validation(std::string message);

private:
    explicit Device(bool validation);
    std::mutex& lock_of(Queue queue) noexcept;

    Functions f_;
    VkInstance instance_ = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
    VkPhysicalDevice physical_ = VK_NULL_HANDLE;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    std::uint32_t queue_family_ = 0;
    VkQueue transfer_queue_ = VK_NULL_HANDLE;
    std::uint32_t transfer_family_ = 0;
    std::mutex compute_queue_mutex_, transfer_queue_mutex_; // see submit()
    VkPhysicalDeviceProperties properties_{};
    VkPhysicalDeviceMemoryProperties memory_{};
    Features features_;
    std::atomic<std::size_t> validation_count_{0};
    mutable std::mutex messages_mutex_;
    std::vector<std::string> messages_;
};

/// A Vulkan handle of @p device that destroys itself (through Functions member @p destroy) when it goes
/// out of scope: a constructor that throws after creating one leaks nothing, where a raw handle member
/// would leak (the owner's destructor never runs). Move-only; the Device must outlive it.
template <class Handle, auto destroy>
class Owned {
public:
    Owned() = default;
    Owned(const Device& device, Handle handle) noexcept : device_(&device), handle_(handle) {}
    Owned(Owned&& other) noexcept : device_(other.device_), handle_(std::exchange(other.handle_, VK_NULL_HANDLE)) {}
    Owned& operator=(Owned&& other) noexcept {
        if (this != &other) {
            reset();
            device_ = other.device_;
            handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
        }
        return *this;
    }
    ~Owned() { reset(); }

    Handle get() const noexcept { return handle_; }
    /// For the Vulkan structs that take an array of handles (VkSubmitInfo::pWaitSemaphores).
    const Handle* address() const noexcept { return &handle_; }
    explicit operator bool() const noexcept { return handle_ != VK_NULL_HANDLE; }
    void reset() noexcept {
        if (handle_)
            (device_->fn().*destroy)(device_->device(), handle_, nullptr);
        handle_ = VK_NULL_HANDLE;
    }

private:
    const Device* device_ = nullptr;
    Handle handle_ = VK_NULL_HANDLE;
};

using CommandPool = Owned<VkCommandPool, &Functions::vkDestroyCommandPool>;
using Fence = Owned<VkFence, &Functions::vkDestroyFence>;
using Semaphore = Owned<VkSemaphore, &Functions::vkDestroySemaphore>;

/// A command pool of queue family @p family whose buffers can be reset one by one.
CommandPool make_command_pool(const Device& device, std::uint32_t family);
/// An unsignalled fence.
Fence make_fence(const Device& device);
/// A binary semaphore.
Semaphore make_semaphore(const Device& device);

} // namespace braid::engine::vk
