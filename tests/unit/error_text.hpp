// "kind: message" of the braid::Error a piece of code throws: what most error-path checks compare.
#pragma once

#include <functional>
#include <string>

#include "braid/error.hpp"

namespace braid_test {

/// Runs @p f and returns "kind: message" of the braid::Error it throws ("no error" if none).
inline std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const braid::Error& e) {
        return std::string(braid::errc_name(e.kind())) + ": " + e.what();
    }
    return "no error";
}

} // namespace braid_test
