// The C ABI boundary: status codes from exceptions, the thread-local error message, and guard(), which
// every extern "C" body runs in so that nothing escapes to the caller.
#pragma once

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/core/retry.hpp"
#include "braid/error.hpp"
#include "braid/errors.h"

namespace braid::capi {

/// A caller's callback failed with a status that is not a braid::errc kind (a Java or C# exception, an
/// unknown code). Not a braid::Error on purpose: retry and fallbacks treat it like any foreign failure.
class CallbackError : public std::runtime_error {
public:
    CallbackError(braid_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    braid_status status() const noexcept { return status_; }

private:
    braid_status status_;
};

/// The status of a braid::errc kind (its value negated).
inline braid_status status_of(errc kind) noexcept { return static_cast<braid_status>(-static_cast<int>(kind)); }

/// The errc kind of a status, when it is one of -1..-14.
bool kind_of(braid_status status, errc& kind) noexcept;

/// Stops a call because a caller's callback returned @p returned instead of BRAID_OK: the call then
/// returns the callback's own status when it is an error status (-1..-14 as their kind,
/// BRAID_ERROR_CALLBACK as itself), so a binding can tell its own failure from a request to stop, and
/// BRAID_ERROR_CANCELLED for any other value. @p what names the callback and what it stopped.
[[noreturn]] void throw_callback_stop(braid_status returned, const std::string& what);

/// The status and message of a failure.
struct Failure {
    braid_status status;
    std::string message;
};

/// Classifies @p error (braid::Error → its kind, CallbackError → its status, bad_alloc → out of memory,
/// anything else → internal).
Failure describe(const std::exception_ptr& error) noexcept;

/// Records @p message as this thread's last error and returns @p status.
braid_status fail(braid_status status, std::string_view message) noexcept;

/// fail() for the exception being handled.
braid_status fail_current() noexcept;

/// Runs @p body and turns whatever it throws into a status (+ the thread's message). A body returning
/// void gives BRAID_OK; one returning braid_status gives that status.
template <class F>
braid_status guard(F&& body) noexcept {
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
            body();
            return BRAID_OK;
        } else {
            return body();
        }
    } catch (...) {
        return fail_current();
    }
}

/// An ErrorPredicate accepting failures whose status (as describe() gives it) is one of @p statuses.
/// @throws Error(errc::invalid_argument) for a status that is not an error code.
ErrorPredicate statuses_predicate(const braid_status* statuses, std::size_t count, const char* what);

/// Error(errc::invalid_argument, "<what> is NULL") unless @p pointer is set.
template <class T>
T* require(T* pointer, const char* what) {
    if (!pointer)
        throw Error(errc::invalid_argument, std::string(what) + " is NULL");
    return pointer;
}

/// Checks an out-parameter and clears it, so that it is NULL unless the call succeeds.
template <class T>
T** out_param(T** out, const char* what) {
    require(out, what);
    *out = nullptr;
    return out;
}

/// A copy of @p text the caller frees with braid_string_free (malloc'd, NUL-terminated).
char* copy_string(std::string_view text);

/// Writes copy_string(@p text) to @p out.
inline void put_string(char** out, std::string_view text) { *out = copy_string(text); }

} // namespace braid::capi
