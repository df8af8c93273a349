/// @file
/// @brief Readable type names for error messages (demangled typeid names).
#pragma once

#include <string>
#include <type_traits>
#include <typeinfo>

#include "braid/core/value.hpp"

namespace braid::detail {

/// The demangled name of a type_info ("std::string" style where the ABI allows it).
std::string demangle(const std::type_info& type);

/// The readable name of T, with braid::Value and std::string shortened.
template <class T>
std::string type_name() {
    if constexpr (std::is_same_v<T, Value>)
        return "braid::Value";
    else if constexpr (std::is_same_v<T, std::string>)
        return "std::string";
    else
        return demangle(typeid(T));
}

} // namespace braid::detail
