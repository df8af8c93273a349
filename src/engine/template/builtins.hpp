// The built-in filters, tests and global functions, looked up by name.
#pragma once

#include <string_view>

#include "engine/template/ast.hpp"

namespace braid::jinja {

/// The filter or test of that name, or null when there is none.
FilterFn find_filter(std::string_view name);
TestFn find_test(std::string_view name);

/// The global of that name (range, dict, namespace, cycler, joiner, raise_exception, strftime_now),
/// or null.
const Value* find_global(std::string_view name);

} // namespace braid::jinja
