/// @file
/// @brief The JSON value type the parsers produce (the same type as braid's core `Value`).
#pragma once

#include <nlohmann/json.hpp>

namespace braid {

/// A JSON value whose object keys keep their insertion order. This is the same alias braid's core
/// declares (`braid::Value`); redeclaring an alias to the same type is allowed, so the parsers do not
/// need the core headers.
using Value = nlohmann::ordered_json;

} // namespace braid
