// Binding call arguments to a Python-style signature (positional, then by keyword, optional tail),
// for the built-in filters, tests, methods and globals. Mistakes are TypeError failures that name the
// function, as Python's messages do.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "engine/template/value.hpp"

namespace braid::jinja {

class Binding {
public:
    /// Binds @p args to the parameters @p names, of which the first @p required must be given. With
    /// @p varargs, extra positional arguments are kept in rest() instead of being an error.
    Binding(std::string_view function, const Args& args, std::initializer_list<std::string_view> names,
            std::size_t required = 0, bool varargs = false);

    /// Whether parameter @p i was given.
    bool has(std::size_t i) const { return given_[i]; }
    /// Parameter @p i, or Undefined when it was not given.
    const Value& get(std::size_t i) const { return values_[i]; }
    /// Parameter @p i, or @p fallback when it was not given (or given as None when @p none_is_missing).
    Value get_or(std::size_t i, Value fallback, bool none_is_missing = false) const;
    /// Extra positional arguments (with varargs).
    const std::vector<Value>& rest() const { return rest_; }

    /// Parameter @p i as an integer; a TypeError failure for another type.
    std::int64_t integer(std::size_t i, std::int64_t fallback) const;
    /// Parameter @p i as a str; a TypeError failure for another type.
    std::string string(std::size_t i, std::string fallback) const;
    /// Parameter @p i as a truth value (Python truthiness).
    bool flag(std::size_t i, bool fallback) const;

    const std::string& function() const { return function_; }

private:
    std::string function_;
    std::vector<std::string_view> names_;
    std::vector<Value> values_;
    std::vector<bool> given_;
    std::vector<Value> rest_;
};

/// A TypeError failure: "<function>() takes no arguments" when @p args is not empty.
void no_arguments(std::string_view function, const Args& args);

} // namespace braid::jinja
