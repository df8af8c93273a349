// strftime() in the C locale, as Python's datetime.strftime formats on glibc: the common directives,
// glibc's padding flags (%-d, %_d, %0e), and unknown directives copied through.
#pragma once

#include <ctime>
#include <string>

namespace braid::jinja {

/// Formats @p tm as Python formats a naive datetime (%z and %Z give nothing).
std::string format_time(const std::string& format, const std::tm& tm);

} // namespace braid::jinja
