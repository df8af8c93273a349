// JSON text in and out of the C ABI: parsing names the argument that is wrong, dumping never throws
// on invalid UTF-8 (it is replaced by U+FFFD).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "braid/core/value.hpp"

namespace braid::capi {

/// Parses the JSON text @p text of argument @p what.
/// @throws Error(errc::invalid_argument) for NULL, Error(errc::parse) naming @p what for invalid JSON.
Value parse_json(const char* text, const char* what);

/// parse_json, but NULL gives @p fallback.
Value parse_json_or(const char* text, const char* what, Value fallback);

/// Compact JSON text of @p value (invalid UTF-8 in strings becomes U+FFFD).
std::string dump_json(const Value& value);

/// Error(errc::invalid_argument) naming @p what unless @p value is an object.
const Value& require_object(const Value& value, const std::string& what);

/// Error(errc::invalid_argument) naming @p what and its keys when @p object has a key not in @p known.
void reject_unknown_keys(const Value& object, std::initializer_list<std::string_view> known, const std::string& what);

} // namespace braid::capi
