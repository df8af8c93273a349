// Helpers for the parser streaming tests: feed a text in chunks of a given size.
#pragma once

#include <braid/parsers/detail/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace braid_test {

/// @p text cut into pieces of @p size bytes (the last may be shorter).
inline std::vector<std::string_view> chunks(std::string_view text, std::size_t size) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < text.size(); i += size) {
        out.push_back(text.substr(i, size));
    }
    return out;
}

/// True when @p later could be @p earlier after more text arrived: strings extend, arrays and objects
/// gain members (the last member of each may itself grow), scalars stay equal.
inline bool grows_into(const braid::Value& earlier, const braid::Value& later) {
    if (earlier.is_string() && later.is_string()) {
        const auto& a = earlier.get_ref<const std::string&>();
        const auto& b = later.get_ref<const std::string&>();
        return b.compare(0, a.size(), a) == 0;
    }
    if (earlier.is_array() && later.is_array()) {
        if (earlier.size() > later.size()) return false;
        for (std::size_t i = 0; i < earlier.size(); ++i) {
            if (!grows_into(earlier[i], later[i])) return false;
        }
        return true;
    }
    if (earlier.is_object() && later.is_object()) {
        for (auto it = earlier.begin(); it != earlier.end(); ++it) {
            auto found = later.find(it.key());
            if (found == later.end() || !grows_into(it.value(), *found)) return false;
        }
        return true;
    }
    return earlier == later;
}

} // namespace braid_test
