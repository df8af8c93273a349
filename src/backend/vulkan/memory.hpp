// Device memory: a few large VkDeviceMemory blocks, each with one VkBuffer over all of it, handed out
// as aligned ranges (first fit, freed ranges merged). Two pools: device-local (weights, KV cache,
// activations) and host-visible (per-pass inputs, outputs, staging). Out of memory is
// Error(errc::out_of_memory) naming what did not fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/vulkan/device.hpp"

namespace braid::engine::vk {

/// A range of a block's buffer.
struct Allocation {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceSize offset = 0;
    VkDeviceSize size = 0;
    std::byte* mapped = nullptr; // host pointer when the memory is host-visible
    int pool = -1;
    int block = -1;
    explicit operator bool() const noexcept { return buffer != VK_NULL_HANDLE; }
};

enum class Pool { device = 0, host = 1 };

class Allocator {
public:
    explicit Allocator(std::shared_ptr<Device> device);
    Allocator(const Allocator&) = delete;
    Allocator& operator=(const Allocator&) = delete;
    ~Allocator();

    /// @p size bytes (rounded up to the alignment) from @p pool; @p what names it in errors.
    Allocation allocate(Pool pool, VkDeviceSize size, const std::string& what);
    void free(Allocation& a) noexcept;
    /// Whether device-local memory is also host-visible (weights are then copied in without staging).
    bool unified() const noexcept { return unified_; }
    /// Bytes of device memory held.
    VkDeviceSize reserved() const noexcept;

private:
    struct Range {
        VkDeviceSize offset, size;
    };
    struct Block {
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkBuffer buffer = VK_NULL_HANDLE;
        VkDeviceSize size = 0;
        std::byte* mapped = nullptr;
        std::vector<Range> free;
    };
    struct PoolState {
        std::uint32_t type = ~0u;
        bool host_visible = false;
        std::vector<Block> blocks;
    };
    Block make_block(PoolState& pool, VkDeviceSize size, const std::string& what);

    std::shared_ptr<Device> device_;
    PoolState pools_[2];
    VkDeviceSize alignment_ = 256;
    bool unified_ = false;
    mutable std::mutex mutex_;
};

} // namespace braid::engine::vk
