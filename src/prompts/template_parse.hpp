// Internal: the parsed form of a `{variable}` template, shared by PromptTemplate, the message templates
// of ChatPromptTemplate and the few-shot templates.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/prompts/prompt_template.hpp"

namespace braid::detail {

/// A literal piece, or a reference to variables[variable].
struct Segment {
    static constexpr std::size_t no_variable = static_cast<std::size_t>(-1);
    std::string literal;
    std::size_t variable = no_variable;
};

struct ParsedTemplate {
    std::string text;                                 // as given
    std::vector<Segment> segments;                    // literals with escapes resolved
    std::vector<std::string> variables;               // distinct, in order of first appearance
    std::vector<std::optional<PartialValue>> partials; // parallel to variables
    std::vector<std::string> required;                // variables without a partial value
    std::size_t literal_size = 0;                     // total bytes of literal segments
    bool has_computed_partials = false;
};

/// Parses @p text; throws Error(errc::template_error) naming the malformed brace or placeholder.
ParsedTemplate parse_template(std::string_view text);

/// Binds partial values; @p owner names the template kind in errors.
void bind_partials(ParsedTemplate& parsed, PartialValues values, std::string_view owner);

/// Appends the formatted text to @p out; @p owner names the template kind in errors.
void format_parsed(const ParsedTemplate& parsed, std::string& out, const Value& variables, std::string_view owner);

} // namespace braid::detail
