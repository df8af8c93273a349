// Python's string formatting: printf-style `fmt % args` (and the `format` filter) and str.format()
// with the format-spec mini-language (fill, align, sign, width, precision, types s d x o b e f g %).
#pragma once

#include <string>

#include "engine/template/value.hpp"

namespace braid::jinja {

/// `fmt % args`: a tuple gives the arguments, a dict serves `%(name)s`, anything else is the one
/// argument. With @p markup (a Markup format) the arguments are HTML-escaped first.
std::string printf_format(const std::string& fmt, const Value& args, bool markup);

/// `fmt.format(*args, **kwargs)`; fields may use `.attr` and `[key]` (through the sandbox's access).
std::string str_format(Renderer& r, const std::string& fmt, const Args& args, bool markup);

/// Python format(value, spec).
std::string format_value(const Value& v, const std::string& spec);

} // namespace braid::jinja
