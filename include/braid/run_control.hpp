/// @file
/// @brief braid::RunControl: what a caller controls while braid works for it — cancellation, a deadline,
/// where log messages go and how progress is reported — from a runnable down to the engine's kernels.
///
/// The same object reaches every layer: a runnable's RunContext makes one from its RunConfig
/// (RunContext::run_control()), and the engine takes it in `Context::decode`, `generate` and `embed`,
/// which hand it to the backends. Cancelling the token or passing the deadline stops a decode between two
/// graph steps (CPU) or two submitted graphs (Vulkan), and between the chunks of a long prompt:
///
/// @code
/// braid::RunControl control;
/// control.cancellation = braid::CancellationToken();      // keep a copy to cancel from another thread
/// control.set_timeout(std::chrono::seconds(5));            // Error(errc::timeout) after 5 s
/// control.progress = [](const braid::Progress& p) { show(p.done, p.total); };
/// ctx.decode(batch, control);                               // Error(errc::cancelled) once cancelled
/// @endcode
///
/// Logging: the library prints nothing except through a log sink. The process-wide sink (set_log_sink)
/// starts as standard error at level warning (`BRAID_LOG_LEVEL=debug|info|warning|error|off` changes the
/// starting level); a RunControl may carry a sink of its own for what happens during its run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "braid/cancellation.hpp"

namespace braid {

/// How important a log message is; a sink receives the messages at or above its level.
enum class LogLevel : int {
    debug = 0,   ///< Detail for braid's developers (plans, device features).
    info = 1,    ///< What happened that a user may want to know (profiles asked for, devices chosen).
    warning = 2, ///< Something went other than asked but the work goes on (a CPU fallback).
    error = 3,   ///< Something failed and the caller is told through an error too.
    off = 4,     ///< As a level: log nothing.
};

/// The name of a level ("debug", "info", "warning", "error", "off").
const char* log_level_name(LogLevel level) noexcept;
/// The level named @p name (as log_level_name spells it); nothing for other text.
std::optional<LogLevel> log_level_from_name(std::string_view name) noexcept;

/// Receives a log message: its level, the part of braid it comes from ("vulkan", "cpu", "context", ...)
/// and the text (valid during the call only). Called from whatever thread logs, possibly several at once:
/// a sink must be thread-safe and must not throw (what it throws is dropped).
using LogSink = std::function<void(LogLevel level, std::string_view component, std::string_view message)>;

/// Sets the process-wide sink (an empty function: back to standard error) and its level.
/// Thread-safe; messages being delivered to the old sink finish first.
void set_log_sink(LogSink sink, LogLevel level = LogLevel::warning);
/// Sets the level of the process-wide sink only.
void set_log_level(LogLevel level) noexcept;
/// The level of the process-wide sink.
LogLevel log_level() noexcept;
/// Sends a message to the process-wide sink if @p level is at or above its level.
void log(LogLevel level, std::string_view component, std::string_view message);

/// How far a long operation has come: @p done of @p total units of @p stage ("decode": prompt tokens).
struct Progress {
    std::string_view stage; ///< What is being done.
    std::int64_t done = 0;  ///< Units done so far.
    std::int64_t total = 0; ///< Units in all.
};

/// Receives progress; called on the thread doing the work, so it should be quick. Must not throw.
using ProgressFn = std::function<void(const Progress&)>;

/// A run's cancellation, deadline, log sink and progress callback: a regular value type (cheap to copy:
/// shared flag, time point, two functions). A default-constructed RunControl never stops, logs to the
/// process-wide sink and reports no progress — and costs one pointer test and one optional test per check.
struct RunControl {
    /// The clock deadlines are measured on.
    using Clock = std::chrono::steady_clock;

    /// Cancelled from any thread: the work stops with Error(errc::cancelled). Empty: never.
    CancellationToken cancellation = CancellationToken::none();
    /// Past this time the work stops with Error(errc::timeout). Unset: never.
    std::optional<Clock::time_point> deadline;
    /// Where this run's log messages go; empty: the process-wide sink (and its level).
    LogSink log_sink;
    /// The level of log_sink (unused when log_sink is empty).
    LogLevel log_level = LogLevel::warning;
    /// Receives progress reports; empty: none.
    ProgressFn progress;

    /// The control that never stops, logs to the process-wide sink and reports nothing (shared, immutable).
    static const RunControl& none() noexcept;

    /// Sets the deadline to now + @p timeout and returns *this.
    RunControl& set_timeout(Clock::duration timeout) {
        deadline = Clock::now() + timeout;
        return *this;
    }

    /// True once the token is cancelled or the deadline has passed.
    bool stop_requested() const noexcept {
        return cancellation.cancelled() || (deadline && Clock::now() >= *deadline);
    }

    /// Throws Error(errc::cancelled) once cancelled, Error(errc::timeout) once the deadline has passed;
    /// @p where names what was stopped in the message ("decode", "generate").
    void check(std::string_view where) const {
        if (stop_requested())
            throw_stopped(where);
    }

    /// The error check() would throw now (cancellation first), for code that must not throw where it
    /// notices the stop (worker threads hand it to the caller).
    std::exception_ptr stop_error(std::string_view where) const;

    /// Logs @p message to log_sink (at or above log_level) or, without one, to the process-wide sink.
    void log(LogLevel level, std::string_view component, std::string_view message) const;

    /// Whether a message at @p level would reach a sink (to skip formatting one that would not).
    bool logs(LogLevel level) const noexcept;

    /// Calls progress, if set.
    void report(std::string_view stage, std::int64_t done, std::int64_t total) const {
        if (progress)
            progress(Progress{stage, done, total});
    }

private:
    [[noreturn]] void throw_stopped(std::string_view where) const;
};

} // namespace braid
