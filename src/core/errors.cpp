// The error paths of the core, out of line so that the templates stay small.
#include <cstdlib>
#include <memory>
#include <string>

#if defined(__GNUG__)
#include <cxxabi.h>
#endif

#include "braid/core/detail/sequence.hpp"
#include "braid/core/detail/type_name.hpp"
#include "braid/core/runnable.hpp"
#include "braid/error.hpp"

namespace braid::detail {

std::string demangle(const std::type_info& type) {
    std::string name = type.name();
#if defined(__GNUG__)
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> readable(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                                    std::free);
    if (status == 0 && readable)
        name = readable.get();
#endif
    const std::string long_string = "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
    for (std::size_t at = name.find(long_string); at != std::string::npos; at = name.find(long_string, at))
        name.replace(at, long_string.size(), "std::string");
    return name;
}

void throw_value_error(std::string_view step, const std::exception& error) {
    throw Error(errc::validation, "step '" + std::string(step) + "' got a Value of the wrong shape: " + error.what());
}

void throw_recursion_limit(std::string_view step, int limit) {
    throw Error(errc::invalid_argument, "recursion limit of " + std::to_string(limit) + " nested runs exceeded at step '" +
                                            std::string(step) + "' (raise RunConfig::recursion_limit if this is intended)");
}

void throw_conversion_error(const std::string& step, const std::string& type, const Value& value,
                            const std::exception& error) {
    std::string shown = value.dump();
    if (shown.size() > 80)
        shown = shown.substr(0, 77) + "...";
    throw Error(errc::validation, "step '" + step + "' expects " + type + " but got the Value " + shown + ": " +
                                      error.what());
}

void throw_empty_runnable(const char* operation) {
    throw Error(errc::invalid_argument, std::string(operation) + ": the Runnable handle is empty");
}

} // namespace braid::detail
