// Python's str algorithms on UTF-8 text (indices and lengths in code points, whitespace as
// str.isspace(), simple case mapping): what the string methods and filters of templates compute with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace braid::jinja::pystr {

/// str.strip / lstrip / rstrip; @p chars null strips whitespace.
std::string strip(std::string_view s, const std::string* chars, bool left, bool right);

/// str.split(sep, maxsplit) and str.rsplit; @p sep null splits on runs of whitespace. An empty
/// separator is a ValueError failure.
std::vector<std::string> split(std::string_view s, const std::string* sep, std::int64_t maxsplit);
std::vector<std::string> rsplit(std::string_view s, const std::string* sep, std::int64_t maxsplit);

/// str.splitlines(keepends).
std::vector<std::string> splitlines(std::string_view s, bool keepends);

/// str.upper / lower / swapcase / capitalize / title.
std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string swapcase(std::string_view s);
std::string capitalize(std::string_view s);
std::string title(std::string_view s);

/// str.replace(old, new, count); a negative count replaces all.
std::string replace(std::string_view s, std::string_view old, std::string_view replacement, std::int64_t count);

/// The byte range of code points [start, end) with Python's slice clamping (nullopt = open end).
std::pair<std::size_t, std::size_t> byte_range(std::string_view s, std::optional<std::int64_t> start,
                                               std::optional<std::int64_t> end);

/// str.find / rfind within [start, end): the code-point index, or -1.
std::int64_t find(std::string_view s, std::string_view sub, std::optional<std::int64_t> start,
                  std::optional<std::int64_t> end, bool reverse);

/// str.count.
std::int64_t count(std::string_view s, std::string_view sub, std::optional<std::int64_t> start,
                   std::optional<std::int64_t> end);

/// str.center / ljust / rjust with a one-code-point @p fill; str.zfill.
std::string pad(std::string_view s, std::int64_t width, std::string_view fill, int align /* <0 left, 0 center, >0 right */);
std::string zfill(std::string_view s, std::int64_t width);

/// str.isalnum / isalpha / isdigit / isspace / islower / isupper / istitle.
bool is_alnum(std::string_view s);
bool is_alpha(std::string_view s);
bool is_digit(std::string_view s);
bool is_space(std::string_view s);
bool is_lower(std::string_view s);
bool is_upper(std::string_view s);
bool is_title(std::string_view s);

} // namespace braid::jinja::pystr
