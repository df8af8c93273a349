// The methods of built-in values that templates call: str (strip, split, startswith, replace, format,
// ...), dict (get, items, keys, values), list and tuple (count, index). Methods that would mutate a
// list or dict exist but are unsafe: the immutable sandbox refuses them.
#pragma once

#include <string_view>

#include "engine/template/value.hpp"

namespace braid::jinja {

enum class MethodKind { none, safe, unsafe };

/// Whether @p obj has a method called @p name, and whether the sandbox allows it.
MethodKind method_kind(const Value& obj, std::string_view name);

/// Calls method @p name of @p obj (which must be MethodKind::safe; unsafe ones are a SecurityError).
Value call_method(Renderer& r, const Value& obj, std::string_view name, Args& args);

/// The method as a callable value (`obj.name` without a call).
Value bound_method(const Value& obj, std::string_view name);

} // namespace braid::jinja
