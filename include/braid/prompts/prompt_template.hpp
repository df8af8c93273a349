/// @file
/// @brief PromptTemplate: text with `{variable}` placeholders, parsed once at construction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid {

/// A value given to partial(): fixed, or computed each time the template is formatted (e.g. the date).
using PartialValue = std::variant<Value, std::function<Value()>>;

/// Variables bound ahead of formatting, by name.
using PartialValues = std::map<std::string, PartialValue, std::less<>>;

/// Fixed partial values from a JSON object of variables (null gives none), e.g. read from a config.
/// @throws Error(errc::invalid_argument) if @p object is neither an object nor null.
PartialValues partial_values(const Value& object);

namespace detail {
struct ParsedTemplate;
} // namespace detail

/// A text template with `{name}` placeholders (Python f-string style without format specs).
///
/// - `{{` and `}}` stand for literal braces.
/// - A variable name is ASCII letters, digits and `_`, not starting with a digit.
/// - The template is parsed at construction; a malformed brace or an invalid placeholder throws
///   Error(errc::template_error) naming it and its byte offset.
/// - Variables are inferred from the template (input_variables(), in order of first appearance).
/// - Formatting takes a JSON object of variables; a string value is inserted as is, any other value as
///   its compact JSON text (`3`, `true`, `null`, `[1,2]`). A missing variable throws
///   Error(errc::not_found) naming it.
///
/// It is also a runnable step, Runnable<Value, PromptValue> (named "PromptTemplate"): variables in, a text
/// PromptValue out, so it composes: `prompt | model | parser`.
///
/// Immutable and cheap to copy (the parsed form is shared); safe to use from many threads.
///
/// @code
/// braid::PromptTemplate t("Tell me a {adjective} joke about {topic}.");
/// std::string s = t.format({{"adjective", "short"}, {"topic", "cats"}});
/// auto p = t.partial({{"adjective", braid::Value("dry")}});   // p needs only "topic"
/// braid::PromptValue v = p.invoke({{"topic", "cats"}});        // as a step
/// @endcode
class PromptTemplate : public Runnable<Value, PromptValue> {
public:
    /// An empty template (formats to "").
    PromptTemplate() : PromptTemplate(std::string_view()) {}

    /// Parses @p text. @throws Error(errc::template_error) on a malformed template.
    explicit PromptTemplate(std::string_view text);

    /// The template text as given.
    const std::string& text() const noexcept;

    /// Variables the caller must supply (inferred from the text, minus partial ones), in order of first
    /// appearance.
    const std::vector<std::string>& input_variables() const noexcept;

    /// A copy with some variables bound to fixed values or to functions called at each format.
    /// @throws Error(errc::invalid_argument) naming a variable the template does not have.
    PromptTemplate partial(PartialValues values) const;

    /// Formats with the variables in the JSON object @p variables (extra keys are ignored).
    /// @throws Error(errc::invalid_argument) if @p variables is not an object;
    ///         Error(errc::not_found) naming the first missing variable.
    std::string format(const Value& variables) const;

    /// Appends the formatted text to @p out (no intermediate string). Same errors as format().
    void format_to(std::string& out, const Value& variables) const;

    /// format() wrapped as a text PromptValue (what the runnable form returns).
    PromptValue format_prompt(const Value& variables) const;

private:
    void bind_step();

    std::shared_ptr<const detail::ParsedTemplate> parsed_;
};

} // namespace braid
