// Small text helpers shared by the parsers' error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace braid::parsers_detail {

/// "'x'" for a printable ASCII character, "byte 0xNN" otherwise.
std::string describe_char(char c);

/// "line L, column C" of byte @p offset in @p text (columns count bytes, both from 1).
std::string line_column(std::string_view text, std::size_t offset);

/// @p text without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

/// True for space, tab, CR and LF.
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

} // namespace braid::parsers_detail
