/// @file
/// @brief braid's one error type: braid::Error, a std::system_error with one code per failure kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace braid {

/// Kinds of failure. The numeric values are stable: the C ABI reports them negated as `braid_status`.
enum class errc : int {
    invalid_argument = 1, ///< A caller passed a value the function cannot accept.
    parse = 2,            ///< Text (JSON, model output, a template) could not be parsed.
    io = 3,               ///< A file or stream could not be read or written.
    model_format = 4,     ///< A model or tokenizer file is malformed, truncated or hostile.
    unsupported = 5,      ///< Valid input that braid does not (yet) handle.
    out_of_memory = 6,    ///< An allocation (host or device) did not fit.
    device = 7,           ///< A compute device failed or is missing.
    cancelled = 8,        ///< The run was cancelled through its cancellation token.
    timeout = 9,          ///< The run's deadline passed.
    tool = 10,            ///< A tool call failed or had invalid arguments.
    template_error = 11,  ///< A prompt or chat template failed to render (incl. raise_exception).
    validation = 12,      ///< A value did not satisfy a schema or contract.
    not_found = 13,       ///< A named thing (key, variable, tensor, token) does not exist.
    internal = 14,        ///< A bug in braid: please report it.
};

/// The error category of braid::errc (name "braid").
const std::error_category& error_category() noexcept;

/// Makes a std::error_code from a braid::errc (found by ADL).
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

/// Short stable name of an error kind ("invalid_argument", "parse", ...).
const char* errc_name(errc e) noexcept;

/// The error kind whose errc_name() is @p name; nothing for any other text.
std::optional<errc> errc_from_name(std::string_view name) noexcept;

/// The exception every braid C++ API throws for an expected failure.
/// `what()` is the message alone (it names what was wrong); `code()` tells the kind.
class Error : public std::system_error {
public:
    /// Creates an error of kind @p kind with message @p message.
    Error(errc kind, const std::string& message) : std::system_error(make_error_code(kind)), message_(message) {}

    /// The kind of failure.
    errc kind() const noexcept { return static_cast<errc>(code().value()); }

    /// The message naming what was wrong.
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};

} // namespace braid

template <>
struct std::is_error_code_enum<braid::errc> : std::true_type {};
