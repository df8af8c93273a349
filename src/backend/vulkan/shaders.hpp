// The SPIR-V modules compiled from shaders/*.comp at build time (cmake/BraidShaders.cmake).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace braid::engine::vk {

struct EmbeddedShader {
    const char* name;
    const std::uint32_t* words;
    std::size_t count;
};

/// Every embedded module.
std::span<const EmbeddedShader> embedded_shaders() noexcept;

} // namespace braid::engine::vk
