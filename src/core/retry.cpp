#include "braid/core/retry.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace braid {

bool is_retryable(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        return e.kind() != errc::cancelled && e.kind() != errc::timeout;
    } catch (...) {
        return true;
    }
}

ErrorPredicate errors_of_kind(std::vector<errc> kinds) {
    if (kinds.empty())
        throw Error(errc::invalid_argument, "errors_of_kind: the list of error kinds is empty");
    return [kinds = std::move(kinds)](const std::exception_ptr& error) {
        try {
            std::rethrow_exception(error);
        } catch (const Error& e) {
            return std::find(kinds.begin(), kinds.end(), e.kind()) != kinds.end();
        } catch (...) {
            return false;
        }
    };
}

namespace detail {

void validate_retry_policy(const RetryPolicy& policy) {
    if (policy.max_attempts < 1)
        throw Error(errc::invalid_argument,
                    "with_retry: max_attempts must be at least 1, got " + std::to_string(policy.max_attempts));
    if (!(policy.backoff.multiplier >= 1.0))
        throw Error(errc::invalid_argument, "with_retry: backoff multiplier must be at least 1");
    if (policy.backoff.initial_delay.count() < 0 || policy.backoff.max_delay.count() < 0)
        throw Error(errc::invalid_argument, "with_retry: backoff delays must not be negative");
}

std::chrono::milliseconds retry_delay(const Backoff& backoff, int attempt) {
    double delay = static_cast<double>(backoff.initial_delay.count());
    for (int i = 2; i < attempt && delay < static_cast<double>(backoff.max_delay.count()); ++i)
        delay *= backoff.multiplier;
    delay = std::min(delay, static_cast<double>(backoff.max_delay.count()));
    if (backoff.jitter && delay > 0) {
        thread_local std::minstd_rand engine{std::random_device{}()};
        delay = std::uniform_real_distribution<double>(delay / 2, delay)(engine);
    }
    return std::chrono::milliseconds(static_cast<long long>(delay));
}

void retry_sleep(std::chrono::milliseconds delay, const RunConfig& config, std::string_view step) {
    // Sleep in slices so that a cancellation or the deadline ends the wait promptly.
    const auto until = RunClock::now() + delay;
    for (;;) {
        check_interrupt(config, step);
        const auto now = RunClock::now();
        if (now >= until)
            return;
        auto slice = std::min<RunClock::duration>(until - now, std::chrono::milliseconds(5));
        if (config.deadline)
            slice = std::min<RunClock::duration>(slice, std::max<RunClock::duration>(*config.deadline - now, {}));
        std::this_thread::sleep_for(slice);
    }
}

void validate_fallbacks(std::size_t count, bool has_null) {
    if (count < 2)
        throw Error(errc::invalid_argument, "with_fallbacks: give at least one fallback");
    if (has_null)
        throw Error(errc::invalid_argument, "with_fallbacks: a fallback is an empty Runnable handle");
}

} // namespace detail
} // namespace braid
