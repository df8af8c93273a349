/// @file
/// @brief braid::Value, the dynamic value every runnable can exchange (JSON with ordered keys).
#pragma once

#include <nlohmann/json.hpp>

namespace braid {

/// braid's dynamic value: JSON whose object keys keep their insertion order.
///
/// Typed steps and `Value` steps compose through nlohmann's `to_json` / `from_json` (found by ADL in
/// the namespace of the user's type), so `Runnable<MyType, X> | Runnable<Value, Y>` converts for you.
using Value = nlohmann::ordered_json;

} // namespace braid
