// The template lexer: splits template text into data and tag tokens, applying Hugging Face's
// whitespace rules (trim_blocks, lstrip_blocks, `{%-`/`-%}` and friends, no trailing newline).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace braid::jinja {

struct Token {
    enum class Kind : std::uint8_t {
        text,         // template data, whitespace rules already applied
        var_begin,    // {{
        var_end,      // }}
        block_begin,  // {%
        block_end,    // %}
        name,
        string,       // escapes already decoded
        integer,
        floating,
        op,           // an operator or punctuation, in `text`
        eof,
    };
    Kind kind = Kind::eof;
    std::string text;
    std::int64_t integer = 0;
    double floating = 0;
    std::size_t offset = 0;  // byte offset in the normalized source
};

/// Line and column (1-based, columns in code points) of byte offsets in a source text.
class SourceMap {
public:
    explicit SourceMap(std::string_view source);
    /// The 1-based line and column of @p offset (clamped to the end of the source).
    std::pair<std::size_t, std::size_t> line_column(std::size_t offset) const;
    /// "line L, column C"
    std::string locate(std::size_t offset) const;

private:
    std::string_view source_;
    std::vector<std::size_t> line_starts_;
};

/// The source as Jinja reads it: "\r\n" and "\r" become "\n"; one trailing newline is dropped
/// (keep_trailing_newline=False).
std::string normalize_source(std::string_view source);

/// Tokenizes a normalized source. Throws a syntax Failure whose offset points at the problem.
std::vector<Token> tokenize(const std::string& source);

} // namespace braid::jinja
