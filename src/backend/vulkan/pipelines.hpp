// Compute pipelines of one device: one descriptor set layout for every kernel (six storage buffers:
// bindings 0–3 and 5 per kernel, 4 the per-pass inputs), one pipeline layout with 64 bytes of push
// constants, pipelines created on first use from the embedded SPIR-V (with the specialization constants
// asked for: one pipeline per module and set of values) and kept for the device's life, through a
// VkPipelineCache saved on disk (lavapipe compiles slowly: later runs start fast).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "backend/vulkan/device.hpp"

namespace braid::engine::vk {

inline constexpr std::uint32_t binding_count = 6;
inline constexpr std::uint32_t push_constant_bytes = 64;

class Pipelines {
public:
    /// The pipelines of @p device (shared by every context on it).
    static std::shared_ptr<Pipelines> of(const std::shared_ptr<Device>& device);
    explicit Pipelines(std::shared_ptr<Device> device);
    Pipelines(const Pipelines&) = delete;
    Pipelines& operator=(const Pipelines&) = delete;
    ~Pipelines();

    /// The pipeline of embedded shader @p name with specialization constants 0, 1, … set to @p constants
    /// (the shader's defaults where empty), created on first use. Throws Error(errc::internal) for an
    /// unknown name, Error(errc::device) when the driver fails.
    VkPipeline get(const std::string& name, std::span<const std::uint32_t> constants = {});
    VkPipelineLayout layout() const noexcept { return layout_; }
    VkDescriptorSetLayout set_layout() const noexcept { return set_layout_; }
    /// Milliseconds spent creating pipelines so far, and how many were created.
    double create_ms() const noexcept { return create_ms_; }
    std::size_t created() const noexcept { return pipelines_.size(); }
    /// Writes the pipeline cache to disk (also done by the destructor).
    void save_cache();

private:
    std::shared_ptr<Device> device_;
    VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
    VkPipelineLayout layout_ = VK_NULL_HANDLE;
    VkPipelineCache cache_ = VK_NULL_HANDLE;
    std::string cache_path_;
    std::map<std::pair<std::string, std::vector<std::uint32_t>>, VkPipeline> pipelines_;
    std::mutex mutex_;
    double create_ms_ = 0;
};

} // namespace braid::engine::vk
