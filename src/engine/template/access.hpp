// Attribute and item access as Jinja's sandbox does it: `obj.name` prefers a Python attribute (a
// method) and falls back to the item, `obj[key]` prefers the item; what is missing is a lenient
// Undefined, an attribute that would mutate a list or dict is an unsafe Undefined. Also slicing and
// iteration.
#pragma once

#include <string_view>

#include "engine/template/value.hpp"

namespace braid::jinja {

/// `obj.name`.
Value get_attr(Renderer& r, const Value& obj, std::string_view name);

/// `obj[key]`.
Value get_item(Renderer& r, const Value& obj, const Value& key);

/// `obj[start:stop:step]` (None for a missing part); Undefined for objects that cannot be sliced.
Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step);

/// What iterating @p v yields, as a sequence value: its items, a dict's keys, a string's characters;
/// nothing for Undefined. A TypeError failure for values that are not iterable.
Value iterable_items(const Value& v);

/// Python len(); a TypeError failure for values without a length.
std::size_t length(const Value& v);

/// Splits a string into one-character strings (code points).
std::vector<Value> characters(const std::string& s);

} // namespace braid::jinja
