#include "backend/vulkan/pipelines.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "backend/vulkan/shaders.hpp"
#include "braid/error.hpp"
#include "base/environment.hpp"

namespace braid::engine::vk {

namespace {

// Where the pipeline cache lives: $BRAID_VK_PIPELINE_CACHE (a file; "0" or "" turns it off), else
// $XDG_CACHE_HOME/braid or ~/.cache/braid, one file per device and driver version.
std::string cache_path(const VkPhysicalDeviceProperties& p) {
    const Environment& env = environment();
    if (env.vk_pipeline_cache)
        return *env.vk_pipeline_cache == "0" ? std::string() : *env.vk_pipeline_cache;
    std::filesystem::path dir;
    if (!env.xdg_cache_home.empty())
        dir = std::filesystem::path(env.xdg_cache_home) / "braid";
    else if (!env.home.empty())
        dir = std::filesystem::path(env.home) / ".cache" / "braid";
    else
        return {};
    char uuid[2 * VK_UUID_SIZE + 1];
    for (std::uint32_t i = 0; i < VK_UUID_SIZE; ++i)
        std::snprintf(uuid + 2 * i, 3, "%02x", p.pipelineCacheUUID[i]);
    return (dir / ("vk-pipelines-" + std::string(uuid) + "-" + std::to_string(p.driverVersion) + ".bin")).string();
}

std::vector<char> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

std::shared_ptr<Pipelines> Pipelines::of(const std::shared_ptr<Device>& device) {
    static std::mutex mutex;
    static std::map<const Device*, std::weak_ptr<Pipelines>> all;
    const std::lock_guard lock(mutex);
    if (auto p = all[device.get()].lock())
        return p;
    auto p = std::make_shared<Pipelines>(device);
    all[device.get()] = p;
    return p;
}

Pipelines::Pipelines(std::shared_ptr<Device> device) : device_(std::move(device)) {
    const Functions& f = device_->fn();
    VkDescriptorSetLayoutBinding bindings[binding_count];
    for (std::uint32_t i = 0; i < binding_count; ++i)
        bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    li.bindingCount = binding_count;
    li.pBindings = bindings;
    check(f.vkCreateDescriptorSetLayout(device_->device(), &li, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");
    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_constant_bytes};
    VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &set_layout_;
    pl.pushConstantRangeCount = 1;
    pl.pPushConstantRanges = &range;
    check(f.vkCreatePipelineLayout(device_->device(), &pl, nullptr, &layout_), "vkCreatePipelineLayout");
    cache_path_ = cache_path(device_->properties());
    const std::vector<char> data = cache_path_.empty() ? std::vector<char>() : read_all(cache_path_);
    VkPipelineCacheCreateInfo ci{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    ci.initialDataSize = data.size();
    ci.pInitialData = data.empty() ? nullptr : data.data();
    if (f.vkCreatePipelineCache(device_->device(), &ci, nullptr, &cache_) != VK_SUCCESS) {
        ci.initialDataSize = 0; // a stale or foreign cache file: start empty
        ci.pInitialData = nullptr;
        check(f.vkCreatePipelineCache(device_->device(), &ci, nullptr, &cache_), "vkCreatePipelineCache");
    }
}

Pipelines::~Pipelines() {
    save_cache();
    const Functions& f = device_->fn();
    for (auto& [name, p] : pipelines_)
        f.vkDestroyPipeline(device_->device(), p, nullptr);
    f.vkDestroyPipelineCache(device_->device(), cache_, nullptr);
    f.vkDestroyPipelineLayout(device_->device(), layout_, nullptr);
    f.vkDestroyDescriptorSetLayout(device_->device(), set_layout_, nullptr);
}

void Pipelines::save_cache() {
    if (cache_path_.empty() || !cache_)
        return;
    const Functions& f = device_->fn();
    std::size_t size = 0;
    if (f.vkGetPipelineCacheData(device_->device(), cache_, &size, nullptr) != VK_SUCCESS || size == 0)
        return;
    std::vector<char> data(size);
    if (f.vkGetPipelineCacheData(device_->device(), cache_, &size, data.data()) != VK_SUCCESS)
        return;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(cache_path_).parent_path(), ec);
    const std::string tmp = cache_path_ + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!out.write(data.data(), static_cast<std::streamsize>(size)))
            return; // a cache that cannot be written only costs time
    }
    std::filesystem::rename(tmp, cache_path_, ec);
}

VkPipeline Pipelines::get(const std::string& name, std::span<const std::uint32_t> constants) {
    const std::lock_guard lock(mutex_);
    auto key = std::make_pair(name, std::vector<std::uint32_t>(constants.begin(), constants.end()));
    if (auto it = pipelines_.find(key); it != pipelines_.end())
        return it->second;
    const EmbeddedShader* shader = nullptr;
    for (const EmbeddedShader& s : embedded_shaders())
        if (name == s.name)
            shader = &s;
    if (!shader)
        throw Error(errc::internal, "Vulkan: no embedded shader '" + name + "'");
    const Functions& f = device_->fn();
    const auto start = std::chrono::steady_clock::now();
    VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    mi.codeSize = shader->count * 4;
    mi.pCode = shader->words;
    VkShaderModule module = VK_NULL_HANDLE;
    check(f.vkCreateShaderModule(device_->device(), &mi, nullptr, &module), "vkCreateShaderModule");
    VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = module;
    ci.stage.pName = "main";
    std::vector<VkSpecializationMapEntry> entries;
    for (std::uint32_t i = 0; i < constants.size(); ++i)
        entries.push_back({i, 4 * i, 4});
    VkSpecializationInfo specialization{static_cast<std::uint32_t>(entries.size()), entries.data(), constants.size() * 4, constants.data()};
    if (!constants.empty())
        ci.stage.pSpecializationInfo = &specialization;
    ci.layout = layout_;
    VkPipeline pipeline = VK_NULL_HANDLE;
    const VkResult r = f.vkCreateComputePipelines(device_->device(), cache_, 1, &ci, nullptr, &pipeline);
    f.vkDestroyShaderModule(device_->device(), module, nullptr);
    check(r, ("vkCreateComputePipelines(" + name + ")").c_str());
    create_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    pipelines_.emplace(std::move(key), pipeline);
    return pipeline;
}

} // namespace braid::engine::vk
