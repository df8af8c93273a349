/// @file
/// @brief braid::engine::ChatTemplate: renders a model's Jinja chat template (`tokenizer.chat_template`)
/// byte-for-byte as Hugging Face transformers' `apply_chat_template(..., tokenize=False)` does.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "braid/error.hpp"

namespace braid::engine {

/// Bounds on one render, so that a hostile template cannot hang or exhaust memory. Real chat templates
/// stay far below the defaults; exceeding one is a ChatTemplateError with failure `limit`.
struct ChatTemplateLimits {
    /// Longest output, and longest string (or macro / set-block output) a template may build.
    std::size_t max_output_bytes = std::size_t{64} << 20;
    /// Most items a list or dict built by the template may hold.
    std::size_t max_items = std::size_t{1} << 20;
    /// Total bytes of strings, lists and dicts one render may allocate (cumulative, not live).
    std::size_t max_allocated_bytes = std::size_t{1} << 30;
    /// Most evaluation steps (statements, expressions, units of work inside filters) of one render.
    std::uint64_t max_steps = 20'000'000;
    /// Deepest nesting of statements, expressions and macro calls while rendering.
    unsigned max_depth = 400;
};

/// Options of one ChatTemplate::render() call.
struct ChatTemplateRenderOptions {
    /// Resource bounds.
    ChatTemplateLimits limits;
    /// The time `strftime_now()` formats, taken as UTC. Unset: the current local time, as transformers
    /// does (`datetime.now()`).
    std::optional<std::chrono::system_clock::time_point> now;
};

/// Why a chat template failed, after the Python exception Jinja would raise.
enum class ChatTemplateFailure {
    syntax,      ///< TemplateSyntaxError: the template text is not valid (reported by the constructor).
    raised,      ///< TemplateError: the template called `raise_exception(message)`.
    type_error,  ///< TypeError: an operation on a value of the wrong type (e.g. `'a' + 1`).
    undefined,   ///< UndefinedError: an undefined value was used (e.g. an attribute of a missing variable).
    security,    ///< SecurityError: the sandbox refused (e.g. calling a method that mutates a list).
    runtime,     ///< TemplateRuntimeError and other Python errors (ValueError, ZeroDivisionError, ...).
    limit,       ///< A ChatTemplateLimits bound was exceeded.
};

/// The error a chat template reports. `what()` is "line L, column C: message"; `message()` is the bare
/// message, exactly the template's text for `raise_exception`. `code()` is errc::parse for syntax
/// errors and errc::template_error otherwise.
class ChatTemplateError : public Error {
public:
    /// Creates an error; @p line and @p column are 1-based, 0 when unknown.
    ChatTemplateError(ChatTemplateFailure failure, std::string python_type, std::string message, std::size_t line,
                      std::size_t column);

    /// Why it failed.
    ChatTemplateFailure failure() const noexcept { return failure_; }
    /// The name of the Python exception class Jinja would raise ("TemplateError", "TypeError", ...).
    const std::string& python_type() const noexcept { return python_type_; }
    /// The message without the location.
    const std::string& message() const noexcept { return message_; }
    /// The template line of the failing construct (1-based; 0 when unknown).
    std::size_t line() const noexcept { return line_; }
    /// The column of the failing construct in code points (1-based; 0 when unknown).
    std::size_t column() const noexcept { return column_; }

private:
    ChatTemplateFailure failure_;
    std::string python_type_;
    std::string message_;
    std::size_t line_;
    std::size_t column_;
};

/// A parsed chat template. Rendering follows transformers' recipe: Jinja's ImmutableSandboxedEnvironment
/// with trim_blocks and lstrip_blocks, loop controls, the `{% generation %}` block, `raise_exception`,
/// `strftime_now` and a `tojson` filter that is Python's `json.dumps`. A ChatTemplate is immutable and
/// cheap to copy (the parsed form is shared); render() may run on many threads at once.
///
/// @code
/// braid::engine::ChatTemplate tmpl(source);   // throws ChatTemplateError (errc::parse) with line/column
/// std::string prompt = tmpl.render({
///     {"messages", {{{"role", "user"}, {"content", "Hello!"}}}},
///     {"add_generation_prompt", true},
///     {"bos_token", "<s>"}, {"eos_token", "</s>"}});
/// @endcode
class ChatTemplate {
public:
    /// Parses @p source (the `tokenizer.chat_template` string). Throws ChatTemplateError with failure
    /// `syntax` (code errc::parse) naming the line and column of the first error.
    explicit ChatTemplate(std::string_view source);

    /// Renders the template. @p context must be a JSON object; its keys become template variables
    /// (usually `messages`, `tools`, `documents`, `add_generation_prompt`, `bos_token`, `eos_token` and
    /// any extra keys). Throws Error(errc::invalid_argument) when @p context is not an object, and
    /// ChatTemplateError (errc::template_error) when rendering fails.
    std::string render(const nlohmann::ordered_json& context, const ChatTemplateRenderOptions& options = {}) const;

    /// The template text as given.
    const std::string& source() const noexcept;

private:
    struct Program;
    std::shared_ptr<const Program> program_;
};

} // namespace braid::engine
