// RunControl, and the process-wide log sink (standard error at level warning unless BRAID_LOG_LEVEL or
// set_log_sink say otherwise).
#include "braid/run_control.hpp"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "base/environment.hpp"
#include "braid/error.hpp"

namespace braid {

namespace {

// One line per message, as the library printed before it had sinks ("braid: ...").
void log_to_stderr(LogLevel, std::string_view, std::string_view message) {
    std::fprintf(stderr, "braid: %.*s\n", static_cast<int>(message.size()), message.data());
}

struct GlobalLog {
    std::mutex mutex;
    std::shared_ptr<const LogSink> sink = std::make_shared<const LogSink>(log_to_stderr);
    std::atomic<int> level{static_cast<int>(environment().log_level.value_or(LogLevel::warning))};
};

GlobalLog& global_log() {
    static GlobalLog state;
    static const bool told = [] { // a BRAID_LOG_LEVEL that names no level is said once, then ignored
        if (!environment().bad_log_level.empty())
            log_to_stderr(LogLevel::warning, "log",
                          "BRAID_LOG_LEVEL='" + environment().bad_log_level + "' is not debug, info, warning, error or off; using warning");
        return true;
    }();
    (void)told;
    return state;
}

void deliver(const LogSink& sink, LogLevel level, std::string_view component, std::string_view message) noexcept {
    try {
        sink(level, component, message);
    } catch (...) {
        // A sink must not throw; what it throws cannot go anywhere useful from a log call.
    }
}

} // namespace

const char* log_level_name(LogLevel level) noexcept {
    switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
    case LogLevel::off: return "off";
    }
    return "?";
}

std::optional<LogLevel> log_level_from_name(std::string_view name) noexcept {
    for (LogLevel l : {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error, LogLevel::off})
        if (name == log_level_name(l))
            return l;
    return std::nullopt;
}

void set_log_sink(LogSink sink, LogLevel level) {
    auto next = std::make_shared<const LogSink>(sink ? std::move(sink) : LogSink(log_to_stderr));
    GlobalLog& g = global_log();
    {
        const std::lock_guard lock(g.mutex);
        g.sink = std::move(next);
    }
    g.level.store(static_cast<int>(level), std::memory_order_relaxed);
}

void set_log_level(LogLevel level) noexcept { global_log().level.store(static_cast<int>(level), std::memory_order_relaxed); }

LogLevel log_level() noexcept { return static_cast<LogLevel>(global_log().level.load(std::memory_order_relaxed)); }

void log(LogLevel level, std::string_view component, std::string_view message) {
    if (level == LogLevel::off || level < log_level())
        return;
    GlobalLog& g = global_log();
    std::shared_ptr<const LogSink> sink;
    {
        const std::lock_guard lock(g.mutex);
        sink = g.sink;
    }
    deliver(*sink, level, component, message);
}

const RunControl& RunControl::none() noexcept {
    static const RunControl control;
    return control;
}

bool RunControl::logs(LogLevel level) const noexcept {
    if (level == LogLevel::off)
        return false;
    return log_sink ? level >= log_level : level >= braid::log_level();
}

void RunControl::log(LogLevel level, std::string_view component, std::string_view message) const {
    if (!log_sink)
        return braid::log(level, component, message);
    if (level != LogLevel::off && level >= log_level)
        deliver(log_sink, level, component, message);
}

std::exception_ptr RunControl::stop_error(std::string_view where) const {
    try {
        throw_stopped(where);
    } catch (...) {
        return std::current_exception();
    }
}

void RunControl::throw_stopped(std::string_view where) const {
    const std::string what = where.empty() ? std::string("the run") : std::string(where);
    if (cancellation.cancelled())
        throw Error(errc::cancelled, what + " was cancelled");
    throw Error(errc::timeout, what + " passed its deadline");
}

} // namespace braid
