// UTF-8 helpers for the template interpreter: Python strings count and slice code points, so the
// interpreter walks UTF-8 by code point. A byte that is not valid UTF-8 counts as one code point of
// its own and is copied through unchanged (template text from outside is never trusted to be valid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace braid::jinja::utf8 {

/// Marks a byte that does not start a valid UTF-8 sequence (decode() returns it for such a byte).
inline constexpr char32_t invalid = 0x110000;

/// Decodes the code point at @p pos; @p length receives its byte count (1 for an invalid byte).
char32_t decode(std::string_view s, std::size_t pos, std::size_t& length);

/// Appends the UTF-8 encoding of @p cp (an `invalid` marker is not valid input).
void append(std::string& out, char32_t cp);

/// Number of code points.
std::size_t length(std::string_view s);

/// Byte offsets of every code point, plus s.size() at the end.
std::vector<std::size_t> offsets(std::string_view s);

/// Python's str.isspace() for one code point.
bool is_space(char32_t cp);
/// Letters and digits as far as `\w` and str.title() need them (ASCII, and every non-ASCII letter-like
/// code point above U+00BF treated as a letter).
bool is_alpha(char32_t cp);
bool is_digit(char32_t cp);

/// Simple case mapping (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic, fullwidth Latin).
char32_t to_upper(char32_t cp);
char32_t to_lower(char32_t cp);
bool is_upper(char32_t cp);
bool is_lower(char32_t cp);

/// Maps each code point of @p s through @p f, copying invalid bytes as they are.
template <class F>
std::string map(std::string_view s, F f) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        char32_t cp = decode(s, i, n);
        if (cp == invalid)
            out.push_back(s[i]);
        else
            append(out, f(cp));
        i += n;
    }
    return out;
}

} // namespace braid::jinja::utf8
