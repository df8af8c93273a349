#include "backend/vulkan/device.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "braid/error.hpp"
#include "base/environment.hpp"

namespace braid::engine::vk {

namespace {

constexpr const char* validation_layer = "VK_LAYER_KHRONOS_validation";

int type_rank(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
    }
}

const char* type_name(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
    }
}

VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT,
                                          const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
        static_cast<Device*>(user)->record_validation(data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

bool has_layer(const Functions& f, const char* name) {
    std::uint32_t n = 0;
    f.vkEnumerateInstanceLayerProperties(&n, nullptr);
    std::vector<VkLayerProperties> layers(n);
    f.vkEnumerateInstanceLayerProperties(&n, layers.data());
    return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) { return std::strcmp(l.layerName, name) == 0; });
}

bool has_instance_extension(const Functions& f, const char* layer, const char* name) {
    std::uint32_t n = 0;
    f.vkEnumerateInstanceExtensionProperties(layer, &n, nullptr);
    std::vector<VkExtensionProperties> ext(n);
    f.vkEnumerateInstanceExtensionProperties(layer, &n, ext.data());
    return std::any_of(ext.begin(), ext.end(), [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, name) == 0; });
}

std::vector<VkExtensionProperties> device_extensions(const Functions& f, VkPhysicalDevice d) {
    std::uint32_t n = 0;
    f.vkEnumerateDeviceExtensionProperties(d, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> ext(n);
    f.vkEnumerateDeviceExtensionProperties(d, nullptr, &n, ext.data());
    return ext;
}

bool contains(const std::vector<VkExtensionProperties>& ext, const char* name) {
    return std::any_of(ext.begin(), ext.end(), [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, name) == 0; });
}

// A bare instance for listing devices (no validation).
struct ListingInstance {
    Functions f;
    VkInstance instance = VK_NULL_HANDLE;
    ListingInstance() : f(global_functions()) {
        VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
        app.pApplicationName = "braid";
        app.apiVersion = VK_API_VERSION_1_2;
        VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
        ci.pApplicationInfo = &app;
        check(f.vkCreateInstance(&ci, nullptr, &instance), "vkCreateInstance");
        load_instance_functions(f, instance);
    }
    ~ListingInstance() {
        if (instance)
            f.vkDestroyInstance(instance, nullptr);
    }
    // Physical devices in braid's order of preference (stable by enumeration index).
    std::vector<std::pair<VkPhysicalDevice, std::uint32_t>> ordered() const {
        std::uint32_t n = 0;
        check(f.vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
        std::vector<VkPhysicalDevice> all(n);
        check(f.vkEnumeratePhysicalDevices(instance, &n, all.data()), "vkEnumeratePhysicalDevices");
        std::vector<std::pair<VkPhysicalDevice, std::uint32_t>> out;
        for (std::uint32_t i = 0; i < n; ++i)
            out.emplace_back(all[i], i);
        std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
            VkPhysicalDeviceProperties pa, pb;
            f.vkGetPhysicalDeviceProperties(a.first, &pa);
            f.vkGetPhysicalDeviceProperties(b.first, &pb);
            return type_rank(pa.deviceType) < type_rank(pb.deviceType);
        });
        return out;
    }
};

} // namespace

std::vector<DeviceInfo> Device::list() {
    ListingInstance li;
    std::vector<DeviceInfo> out;
    for (const auto& [d, index] : li.ordered()) {
        VkPhysicalDeviceProperties p;
        li.f.vkGetPhysicalDeviceProperties(d, &p);
        out.push_back({index, p.deviceName, type_name(p.deviceType), p.apiVersion});
    }
    return out;
}

std::shared_ptr<Device> Device::shared(bool validation) {
    static std::mutex mutex;
    static std::map<bool, std::weak_ptr<Device>> devices;
    validation = validation || environment().vk_validation;
    const std::lock_guard lock(mutex);
    if (auto d = devices[validation].lock())
        return d;
    std::shared_ptr<Device> d(new Device(validation));
    devices[validation] = d;
    return d;
}

Device::Device(bool validation) : f_(global_functions()) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "braid";
    app.apiVersion = VK_API_VERSION_1_2;
    std::vector<const char*> layers, extensions;
    if (validation) {
        if (!has_layer(f_, validation_layer))
            throw Error(errc::device, "Vulkan: validation was asked for but VK_LAYER_KHRONOS_validation is not installed");
        layers.push_back(validation_layer);
        if (has_instance_extension(f_, nullptr, VK_EXT_DEBUG_UTILS_EXTENSION_NAME) ||
            has_instance_extension(f_, validation_layer, VK_EXT_DEBUG_UTILS_EXTENSION_NAME))
            extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }
    VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ci.pApplicationInfo = &app;
    ci.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    ci.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    check(f_.vkCreateInstance(&ci, nullptr, &instance_), "vkCreateInstance");
    try {
        load_instance_functions(f_, instance_);
        if (validation && !extensions.empty() && f_.vkCreateDebugUtilsMessengerEXT) {
            VkDebugUtilsMessengerCreateInfoEXT mi{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
            mi.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
            mi.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                             VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
            mi.pfnUserCallback = on_message;
            mi.pUserData = this;
            check(f_.vkCreateDebugUtilsMessengerEXT(instance_, &mi, nullptr, &messenger_), "vkCreateDebugUtilsMessengerEXT");
        }

        // Choose the physical device.
        std::uint32_t n = 0;
        check(f_.vkEnumeratePhysicalDevices(instance_, &n, nullptr), "vkEnumeratePhysicalDevices");
        std::vector<VkPhysicalDevice> all(n);
        check(f_.vkEnumeratePhysicalDevices(instance_, &n, all.data()), "vkEnumeratePhysicalDevices");
        if (all.empty())
            throw Error(errc::device, "Vulkan: no physical device (install a driver, or Mesa's lavapipe for the CPU)");
        std::vector<std::uint32_t> order(n);
        for (std::uint32_t i = 0; i < n; ++i)
            order[i] = i;
        std::vector<VkPhysicalDeviceProperties> props(n);
        for (std::uint32_t i = 0; i < n; ++i)
            f_.vkGetPhysicalDeviceProperties(all[i], &props[i]);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return type_rank(props[a].deviceType) < type_rank(props[b].deviceType); });
        std::int64_t chosen = -1;
        if (const std::string& wanted = environment().vk_device; !wanted.empty()) {
            const char* want = wanted.c_str();
            char* end = nullptr;
            const long index = std::strtol(want, &end, 10);
            if (end && *end == '\0') {
                if (index < 0 || index >= static_cast<long>(n))
                    throw Error(errc::device, "Vulkan: BRAID_VK_DEVICE=" + std::string(want) + " but there are " +
                                                  std::to_string(n) + " devices");
                chosen = index;
            } else {
                for (std::uint32_t i : order)
                    if (std::strstr(props[i].deviceName, want)) {
                        chosen = i;
                        break;
                    }
                if (chosen < 0)
                    throw Error(errc::device, "Vulkan: no device name contains BRAID_VK_DEVICE='" + std::string(want) + "'");
            }
        }
        // Among the candidates, the first with a compute queue and Vulkan 1.2.
        for (std::uint32_t i : order) {
            if (chosen >= 0 && i != chosen)
                continue;
            if (props[i].apiVersion < VK_API_VERSION_1_2)
                continue;
            std::uint32_t qn = 0;
            f_.vkGetPhysicalDeviceQueueFamilyProperties(all[i], &qn, nullptr);
            std::vector<VkQueueFamilyProperties> families(qn);
            f_.vkGetPhysicalDeviceQueueFamilyProperties(all[i], &qn, families.data());
            for (std::uint32_t q = 0; q < qn; ++q) {
                if (families[q].queueFlags & VK_QUEUE_COMPUTE_BIT) {
                    physical_ = all[i];
                    queue_family_ = q;
                    break;
                }
            }
            if (physical_) {
                transfer_family_ = queue_family_;
                for (std::uint32_t q = 0; q < qn; ++q)
                    if ((families[q].queueFlags & VK_QUEUE_TRANSFER_BIT) &&
                        !(families[q].queueFlags & (VK_QUEUE_COMPUTE_BIT | VK_QUEUE_GRAPHICS_BIT)) && families[q].queueCount > 0) {
                        transfer_family_ = q;
                        break;
                    }
                break;
            }
        }
        if (!physical_)
            throw Error(errc::device, "Vulkan: no device with Vulkan 1.2 and a compute queue");
        f_.vkGetPhysicalDeviceProperties(physical_, &properties_);
        f_.vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);

        // Features: query, keep what helps, enable it.
        VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
        VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
        f11.pNext = &f12;
        VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
        f2.pNext = &f11;
        f_.vkGetPhysicalDeviceFeatures2(physical_, &f2);
        VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
        VkPhysicalDeviceVulkan12Properties p12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
        sub.pNext = &p12;
        VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
        p2.pNext = &sub;
        f_.vkGetPhysicalDeviceProperties2(physical_, &p2);
        const auto ext = device_extensions(f_, physical_);
        features_.float16 = f12.shaderFloat16;
        features_.rte16 = p12.shaderRoundingModeRTEFloat16;
        features_.storage16 = f11.storageBuffer16BitAccess;
        features_.storage8 = f12.storageBuffer8BitAccess && f12.shaderInt8;
        features_.integer_dot = contains(ext, "VK_KHR_shader_integer_dot_product");
        features_.subgroup_size_control = contains(ext, "VK_EXT_subgroup_size_control");
        features_.subgroup_arithmetic = (sub.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) &&
                                        (sub.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT);
        features_.cooperative_matrix = contains(ext, "VK_KHR_cooperative_matrix");
        features_.subgroup_size = sub.subgroupSize;

        const float priority = 1.0f;
        VkDeviceQueueCreateInfo qi[2] = {{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO}, {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO}};
        qi[0].queueFamilyIndex = queue_family_;
        qi[0].queueCount = 1;
        qi[0].pQueuePriorities = &priority;
        qi[1] = qi[0];
        qi[1].queueFamilyIndex = transfer_family_;
        // Enable only what the portable kernels may take advantage of; nothing is required.
        VkPhysicalDeviceVulkan12Features e12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
        e12.shaderFloat16 = f12.shaderFloat16;
        e12.storageBuffer8BitAccess = f12.storageBuffer8BitAccess;
        e12.shaderInt8 = f12.shaderInt8;
        VkPhysicalDeviceVulkan11Features e11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
        e11.storageBuffer16BitAccess = f11.storageBuffer16BitAccess;
        e11.pNext = &e12;
        VkDeviceCreateInfo di{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
        di.pNext = &e11;
        di.queueCreateInfoCount = separate_transfer() ? 2 : 1;
        di.pQueueCreateInfos = qi;
        check(f_.vkCreateDevice(physical_, &di, nullptr, &device_), "vkCreateDevice");
        load_device_functions(f_, device_);
        f_.vkGetDeviceQueue(device_, queue_family_, 0, &queue_);
        f_.vkGetDeviceQueue(device_, transfer_family_, 0, &transfer_queue_);
    } catch (...) {
        if (device_)
            f_.vkDestroyDevice(device_, nullptr);
        if (messenger_ && f_.vkDestroyDebugUtilsMessengerEXT)
            f_.vkDestroyDebugUtilsMessengerEXT(instance_, messenger_, nullptr);
        f_.vkDestroyInstance(instance_, nullptr);
        throw;
    }
}

Device::~Device() {
    if (device_) {
        f_.vkDeviceWaitIdle(device_);
        f_.vkDestroyDevice(device_, nullptr);
    }
    if (messenger_ && f_.vkDestroyDebugUtilsMessengerEXT)
        f_.vkDestroyDebugUtilsMessengerEXT(instance_, messenger_, nullptr);
    if (instance_)
        f_.vkDestroyInstance(instance_, nullptr);
}

std::string Device::name() const { return std::string(properties_.deviceName) + " (" + type_name(properties_.deviceType) + ")"; }

std::uint32_t Device::memory_type(std::uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags prefer) const {
    std::uint32_t fallback = ~0u;
    for (std::uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
        if (!(bits & (1u << i)))
            continue;
        const VkMemoryPropertyFlags flags = memory_.memoryTypes[i].propertyFlags;
        if ((flags & want) != want)
            continue;
        if ((flags & prefer) == prefer)
            return i;
        if (fallback == ~0u)
            fallback = i;
    }
    return fallback;
}

std::mutex& Device::lock_of(Queue queue) noexcept {
    return queue == Queue::transfer && separate_transfer() ? transfer_queue_mutex_ : compute_queue_mutex_;
}

void Device::submit(Queue queue, const VkSubmitInfo& info, VkFence fence) {
    const std::lock_guard lock(lock_of(queue));
    check(f_.vkQueueSubmit(queue == Queue::transfer ? transfer_queue_ : queue_, 1, &info, fence), "vkQueueSubmit");
}

CommandPool make_command_pool(const Device& device, std::uint32_t family) {
    VkCommandPoolCreateInfo info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    info.queueFamilyIndex = family;
    VkCommandPool pool = VK_NULL_HANDLE;
    check(device.fn().vkCreateCommandPool(device.device(), &info, nullptr, &pool), "vkCreateCommandPool");
    return {device, pool};
}

Fence make_fence(const Device& device) {
    VkFenceCreateInfo info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence = VK_NULL_HANDLE;
    check(device.fn().vkCreateFence(device.device(), &info, nullptr, &fence), "vkCreateFence");
    return {device, fence};
}

Semaphore make_semaphore(const Device& device) {
    VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VkSemaphore semaphore = VK_NULL_HANDLE;
    check(device.fn().vkCreateSemaphore(device.device(), &info, nullptr, &semaphore), "vkCreateSemaphore");
    return {device, semaphore};
}

void Device::record_validation(std::string message) {
    ++validation_count_;
    log(LogLevel::warning, "vulkan", "Vulkan validation: " + message);
    const std::lock_guard lock(messages_mutex_);
    if (messages_.size() < 100)
        messages_.push_back(std::move(message));
}

std::vector<std::string> Device::validation_messages() const {
    const std::lock_guard lock(messages_mutex_);
    return messages_;
}

} // namespace braid::engine::vk
