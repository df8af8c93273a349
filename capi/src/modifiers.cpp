// Wrappers of one runnable: retry, fallbacks, with_config, bind.
#include <chrono>
#include <vector>

#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/compose.h"

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_runnable_with_retry(braid_runnable** out, const braid_runnable* runnable,
                                       const braid_retry_options* options) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        static constexpr braid_retry_options defaults = BRAID_RETRY_OPTIONS_INIT;
        const braid_retry_options o = read_options(options, defaults, BRAID_RETRY_OPTIONS_V1_SIZE, "options");
        if (o.max_attempts > 1000)
            throw Error(errc::invalid_argument, "options->max_attempts must be at most 1000, got " +
                                                    std::to_string(o.max_attempts));
        RetryPolicy policy;
        policy.max_attempts = static_cast<int>(o.max_attempts);
        policy.backoff = Backoff{std::chrono::milliseconds(o.initial_delay_ms), o.backoff_multiplier,
                                 std::chrono::milliseconds(o.max_delay_ms), o.jitter != 0};
        if (o.retry_on_count > 0)
            policy.retry_if = statuses_predicate(o.retry_on, o.retry_on_count, "options->retry_on");
        put_runnable(out, step.with_retry(std::move(policy)));
    });
}

braid_status braid_runnable_with_fallbacks(braid_runnable** out, const braid_runnable* runnable,
                                           const braid_runnable* const* fallbacks, std::size_t count,
                                           const braid_status* only_for, std::size_t only_for_count) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        if (count == 0)
            throw Error(errc::invalid_argument, "fallbacks must not be empty (count is 0)");
        require(fallbacks, "fallbacks");
        std::vector<AnyRunnable> others;
        for (std::size_t i = 0; i < count; ++i)
            others.push_back(use(fallbacks[i], ("fallbacks[" + std::to_string(i) + "]").c_str()).runnable);
        ErrorPredicate handles;
        if (only_for_count > 0)
            handles = statuses_predicate(only_for, only_for_count, "only_for");
        put_runnable(out, step.with_fallbacks(others, std::move(handles)));
    });
}

braid_status braid_runnable_with_config(braid_runnable** out, const braid_runnable* runnable, const char* config_json) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        RunConfig config;
        apply_config_json(config, parse_json(config_json, "config_json"), true, "config_json");
        put_runnable(out, step.with_config(std::move(config)));
    });
}

braid_status braid_runnable_bind(braid_runnable** out, const braid_runnable* runnable, const char* kwargs_json) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        Value kwargs = parse_json(kwargs_json, "kwargs_json");
        require_object(kwargs, "kwargs_json");
        put_runnable(out, step.bind(std::move(kwargs)));
    });
}

} // extern "C"
