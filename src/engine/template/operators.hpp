// Python's operators on template values: arithmetic (+ - * / // % **) with int/float/str/list
// semantics and Markup's escaping `+`, comparisons and `in`, unary minus and plus. Integers are 64-bit:
// a result that does not fit is an OverflowError failure (Python would switch to a big integer).
#pragma once

#include "engine/template/ast.hpp"
#include "engine/template/value.hpp"

namespace braid::jinja {

/// Throws the error an Undefined raises when used (UndefinedError, or SecurityError when unsafe).
[[noreturn]] void raise_undefined(const Value& v);

/// a op b.
Value binary_op(BinaryOp op, const Value& a, const Value& b);

/// a op b for ==, !=, <, <=, >, >=, in, not in.
bool compare(CompareOp op, const Value& a, const Value& b);

/// Python a < b; a TypeError failure when the two cannot be ordered.
bool less(const Value& a, const Value& b);

/// Python `item in container`.
bool contains(const Value& container, const Value& item);

/// -v and +v.
Value negate(const Value& v);
Value positive(const Value& v);

/// str + str with Markup's rule: a Markup operand escapes the plain one and the result is Markup.
Value concat_strings(const Value& a, const Value& b);

} // namespace braid::jinja
