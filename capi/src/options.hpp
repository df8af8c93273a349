// Options structs that can grow: the caller says how many bytes it filled (struct_size); fields past
// that keep the library's defaults, and bytes past what this library knows must be zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "boundary.hpp"
#include "braid/core/config.hpp"
#include "braid/run_control.hpp"
#include "braid/runnable.h"

namespace braid::capi {

/// @p given read as a T of the caller's struct_size over @p defaults (NULL gives @p defaults).
/// @p first_size is the size of the first version of T, the smallest a caller may pass.
/// @throws Error(errc::invalid_argument) for a struct_size below @p first_size; Error(errc::unsupported)
///         for set fields this library does not know (a caller built against newer headers).
template <class T>
T read_options(const T* given, const T& defaults, std::size_t first_size, const char* what) {
    T result = defaults;
    if (!given)
        return result;
    std::uint32_t size = 0;
    std::memcpy(&size, given, sizeof size);
    if (size < first_size)
        throw Error(errc::invalid_argument, std::string(what) + "->struct_size is " + std::to_string(size) +
                                                ", less than the " + std::to_string(first_size) +
                                                " bytes of its first version (use the _INIT macro)");
    if (size > sizeof(T)) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(given);
        for (std::size_t i = sizeof(T); i < size; ++i)
            if (bytes[i] != 0)
                throw Error(errc::unsupported, std::string(what) + " sets fields this version of braid (" +
                                                   std::to_string(sizeof(T)) + "-byte struct) does not know");
    }
    std::memcpy(static_cast<void*>(&result), given, size < sizeof(T) ? size : sizeof(T));
    result.struct_size = static_cast<std::uint32_t>(sizeof(T));
    return result;
}

/// Error(errc::invalid_argument) naming @p what when @p flags has bits outside @p known.
inline void check_flags(std::uint32_t flags, std::uint32_t known, const char* what) {
    if (flags & ~known)
        throw Error(errc::invalid_argument, std::string(what) + " has unknown bits (" + std::to_string(flags & ~known) +
                                                "); known: " + std::to_string(known));
}

/// The RunConfig of @p options (NULL: the defaults). The deadline counts from now.
RunConfig run_config(const braid_run_options* options);

/// The RunControl of an options struct's `cancel` (NULL: none) and `timeout_ms` (0: none, else a
/// deadline counted from now).
RunControl run_control(const braid_cancel_token* cancel, std::uint32_t timeout_ms);

/// Applies the keys of the JSON object @p config to @p out: tags, metadata, run_name, configurable and,
/// with @p allow_limits, max_concurrency and recursion_limit. Unknown keys are an error naming @p what.
void apply_config_json(RunConfig& out, const Value& config, bool allow_limits, const std::string& what);

} // namespace braid::capi
