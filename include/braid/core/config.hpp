/// @file
/// @brief RunConfig: tags, metadata, callbacks, concurrency, recursion limit, cancellation, deadline and
/// run-time settings (`configurable`) carried by a run into every nested step.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/core/callbacks.hpp"
#include "braid/core/cancellation.hpp"
#include "braid/core/value.hpp"

namespace braid {

/// The clock deadlines are measured on.
using RunClock = std::chrono::steady_clock;

/// Settings of one run, inherited by every nested step (LangChain's RunnableConfig).
///
/// A regular value type: copy it, change it, pass it to invoke / batch / stream / events, or attach it to
/// a step with Runnable::with_config. Defaults cost nothing: no allocation, no clock read.
struct RunConfig {
    /// The recursion limit used when none is set.
    static constexpr int default_recursion_limit = 25;

    /// Tags of the run, inherited by nested steps (with_config appends).
    std::vector<std::string> tags;
    /// Metadata object of the run, inherited by nested steps (with_config merges keys).
    Value metadata = Value::object();
    /// Callback handlers, inherited by nested steps (with_config appends). Must be thread-safe.
    std::vector<std::shared_ptr<CallbackHandler>> callbacks;
    /// Most items a batch or branches a Parallel run at once; unset = the thread pool's width. ≥ 1.
    std::optional<int> max_concurrency;
    /// Deepest nesting of runs allowed (unset = default_recursion_limit); deeper fails with
    /// Error(errc::invalid_argument). Protects against a step that (indirectly) invokes itself forever.
    std::optional<int> recursion_limit;
    /// Name of the run this config starts (the top-level step, or the step with_config is applied to);
    /// empty = the step's own name. Not inherited by nested steps.
    std::string run_name;
    /// Cancellation flag checked before every step and between stream chunks (empty = none).
    CancellationToken cancellation = CancellationToken::none();
    /// Time after which the run stops with Error(errc::timeout), checked like cancellation.
    std::optional<RunClock::time_point> deadline;
    /// Run-time settings for steps that read them (e.g. a model's "temperature"): an object.
    /// Runnable::bind merges its keys in for the bound step.
    Value configurable = Value::object();

    /// Sets the deadline to now + @p timeout and returns *this (for chaining).
    RunConfig& set_timeout(RunClock::duration timeout) {
        deadline = RunClock::now() + timeout;
        return *this;
    }

    /// The recursion limit in force.
    int effective_recursion_limit() const noexcept { return recursion_limit.value_or(default_recursion_limit); }
};

/// The shared default config (what invoke(input) uses): empty, never modified.
inline const RunConfig& default_run_config() noexcept {
    static const RunConfig config;
    return config;
}

/// @p base with @p overlay applied (what with_config does): tags and callbacks appended (tags without
/// duplicates), metadata and configurable merged key by key (overlay wins), set optionals and a non-empty
/// run_name / valid token of @p overlay replace those of @p base, and the earlier deadline is kept.
/// @throws Error(errc::invalid_argument) if metadata or configurable is not an object.
RunConfig merge_configs(const RunConfig& base, const RunConfig& overlay);

/// Checks that @p config is usable: metadata and configurable are objects, max_concurrency ≥ 1,
/// recursion_limit ≥ 1, no null callback handler.
/// @throws Error(errc::invalid_argument) naming the bad field.
void validate_config(const RunConfig& config);

namespace detail {
[[noreturn]] void throw_interrupted(const RunConfig& config, std::string_view where);
} // namespace detail

/// Throws if the run must stop: Error(errc::cancelled) once the token is cancelled, Error(errc::timeout)
/// once the deadline has passed. Every step calls it before it starts and streams call it between chunks;
/// long-running steps (a model generating tokens) should call it too. @p where names the step for the
/// message. Costs a pointer test and an optional test when neither is set.
inline void check_interrupt(const RunConfig& config, std::string_view where = {}) {
    if (config.cancellation.cancelled() || (config.deadline && RunClock::now() >= *config.deadline))
        detail::throw_interrupted(config, where);
}

} // namespace braid
