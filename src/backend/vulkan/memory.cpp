#include "backend/vulkan/memory.hpp"

#include <algorithm>

#include "braid/error.hpp"

namespace braid::engine::vk {

namespace {

constexpr VkDeviceSize block_size = VkDeviceSize{256} << 20;

VkDeviceSize align_up(VkDeviceSize v, VkDeviceSize a) { return (v + a - 1) / a * a; }

std::string mib(VkDeviceSize bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

} // namespace

Allocator::Allocator(std::shared_ptr<Device> device) : device_(std::move(device)) {
    const auto& limits = device_->properties().limits;
    alignment_ = std::max<VkDeviceSize>({256, limits.minStorageBufferOffsetAlignment, limits.nonCoherentAtomSize});
    // Probe the memory types a storage buffer may live in.
    VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bi.size = 4096;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VkBuffer probe = VK_NULL_HANDLE;
    check(device_->fn().vkCreateBuffer(device_->device(), &bi, nullptr, &probe), "vkCreateBuffer");
    VkMemoryRequirements req;
    device_->fn().vkGetBufferMemoryRequirements(device_->device(), probe, &req);
    device_->fn().vkDestroyBuffer(device_->device(), probe, nullptr);
    const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    PoolState& dev = pools_[static_cast<int>(Pool::device)];
    dev.type = device_->memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, host);
    if (dev.type == ~0u)
        dev.type = device_->memory_type(req.memoryTypeBits, 0);
    PoolState& hp = pools_[static_cast<int>(Pool::host)];
    hp.type = device_->memory_type(req.memoryTypeBits, host, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
    if (dev.type == ~0u || hp.type == ~0u)
        throw Error(errc::device, "Vulkan: no memory type for storage buffers on " + device_->name());
    const auto flags = [&](std::uint32_t t) { return device_->memory().memoryTypes[t].propertyFlags; };
    dev.host_visible = (flags(dev.type) & host) == host;
    hp.host_visible = true;
    unified_ = dev.host_visible;
}

Allocator::~Allocator() {
    const Functions& f = device_->fn();
    for (PoolState& pool : pools_)
        for (Block& b : pool.blocks) {
            f.vkDestroyBuffer(device_->device(), b.buffer, nullptr);
            if (b.mapped)
                f.vkUnmapMemory(device_->device(), b.memory);
            f.vkFreeMemory(device_->device(), b.memory, nullptr);
        }
}

Allocator::Block Allocator::make_block(PoolState& pool, VkDeviceSize size, const std::string& what) {
    const Functions& f = device_->fn();
    Block b;
    b.size = size;
    VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bi.size = size;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    // With a separate transfer queue, buffers are shared by both families (no ownership transfers).
    const std::uint32_t families[] = {device_->queue_family(), device_->transfer_family()};
    if (device_->separate_transfer()) {
        bi.sharingMode = VK_SHARING_MODE_CONCURRENT;
        bi.queueFamilyIndexCount = 2;
        bi.pQueueFamilyIndices = families;
    }
    check(f.vkCreateBuffer(device_->device(), &bi, nullptr, &b.buffer), "vkCreateBuffer");
    VkMemoryRequirements req;
    f.vkGetBufferMemoryRequirements(device_->device(), b.buffer, &req);
    VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = pool.type;
    const VkResult r = f.vkAllocateMemory(device_->device(), &ai, nullptr, &b.memory);
    if (r != VK_SUCCESS) {
        f.vkDestroyBuffer(device_->device(), b.buffer, nullptr);
        if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
            throw Error(errc::out_of_memory, "Vulkan: " + what + " (" + mib(size) + ") does not fit in the memory of " +
                                                 device_->name() + " (" + result_name(r) + ")");
        check(r, "vkAllocateMemory");
    }
    check(f.vkBindBufferMemory(device_->device(), b.buffer, b.memory, 0), "vkBindBufferMemory");
    if (pool.host_visible) {
        void* p = nullptr;
        check(f.vkMapMemory(device_->device(), b.memory, 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
        b.mapped = static_cast<std::byte*>(p);
    }
    b.free.push_back({0, size});
    return b;
}

Allocation Allocator::allocate(Pool which, VkDeviceSize size, const std::string& what) {
    const std::lock_guard lock(mutex_);
    PoolState& pool = pools_[static_cast<int>(which)];
    size = align_up(std::max<VkDeviceSize>(size, 1), alignment_);
    const VkDeviceSize max_range = device_->properties().limits.maxStorageBufferRange;
    if (size > max_range)
        throw Error(errc::out_of_memory, "Vulkan: " + what + " (" + mib(size) + ") is larger than one storage buffer may be (" +
                                             mib(max_range) + ") on " + device_->name());
    auto take = [&](int bi) -> Allocation {
        Block& b = pool.blocks[static_cast<std::size_t>(bi)];
        for (std::size_t i = 0; i < b.free.size(); ++i) {
            if (b.free[i].size < size)
                continue;
            Allocation a;
            a.buffer = b.buffer;
            a.offset = b.free[i].offset;
            a.size = size;
            a.mapped = b.mapped ? b.mapped + a.offset : nullptr;
            a.pool = static_cast<int>(which);
            a.block = bi;
            b.free[i].offset += size;
            b.free[i].size -= size;
            if (b.free[i].size == 0)
                b.free.erase(b.free.begin() + static_cast<std::ptrdiff_t>(i));
            return a;
        }
        return {};
    };
    for (std::size_t bi = 0; bi < pool.blocks.size(); ++bi)
        if (Allocation a = take(static_cast<int>(bi)))
            return a;
    pool.blocks.push_back(make_block(pool, std::max(block_size, size), what));
    return take(static_cast<int>(pool.blocks.size() - 1));
}

void Allocator::free(Allocation& a) noexcept {
    if (!a)
        return;
    const std::lock_guard lock(mutex_);
    Block& b = pools_[a.pool].blocks[static_cast<std::size_t>(a.block)];
    auto it = std::lower_bound(b.free.begin(), b.free.end(), a.offset, [](const Range& r, VkDeviceSize o) { return r.offset < o; });
    it = b.free.insert(it, Range{a.offset, a.size});
    if (it + 1 != b.free.end() && it->offset + it->size == (it + 1)->offset) {
        it->size += (it + 1)->size;
        b.free.erase(it + 1);
    }
    if (it != b.free.begin() && (it - 1)->offset + (it - 1)->size == it->offset) {
        (it - 1)->size += it->size;
        b.free.erase(it);
    }
    a = Allocation{};
}

VkDeviceSize Allocator::reserved() const noexcept {
    const std::lock_guard lock(mutex_);
    VkDeviceSize total = 0;
    for (const PoolState& p : pools_)
        for (const Block& b : p.blocks)
            total += b.size;
    return total;
}

} // namespace braid::engine::vk
