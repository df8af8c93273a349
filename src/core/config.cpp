#include "braid/core/config.hpp"

#include <algorithm>
#include <string>

#include "braid/core/detail/binding.hpp"
#include "braid/error.hpp"

namespace braid {

namespace {

bool is_object_or_null(const Value& v) { return v.is_object() || v.is_null(); }

} // namespace

namespace detail {

Value merge_objects(const Value& base, const Value& overlay) {
    if (!is_object_or_null(base) || !is_object_or_null(overlay))
        throw Error(errc::invalid_argument, "configurable values must be JSON objects, got " +
                                                std::string(base.type_name()) + " and " +
                                                std::string(overlay.type_name()));
    Value merged = base.is_null() ? Value::object() : base;
    if (overlay.is_object())
        for (const auto& [key, value] : overlay.items())
            merged[key] = value;
    return merged;
}

void throw_interrupted(const RunConfig& config, std::string_view where) {
    const std::string at = where.empty() ? std::string() : " at step '" + std::string(where) + "'";
    if (config.cancellation.cancelled())
        throw Error(errc::cancelled, "run cancelled" + at);
    throw Error(errc::timeout, "run deadline exceeded" + at);
}

} // namespace detail

void validate_config(const RunConfig& config) {
    if (!is_object_or_null(config.metadata))
        throw Error(errc::invalid_argument,
                    "RunConfig::metadata must be a JSON object, got " + std::string(config.metadata.type_name()));
    if (!is_object_or_null(config.configurable))
        throw Error(errc::invalid_argument, "RunConfig::configurable must be a JSON object, got " +
                                                std::string(config.configurable.type_name()));
    if (config.max_concurrency && *config.max_concurrency < 1)
        throw Error(errc::invalid_argument, "RunConfig::max_concurrency must be at least 1, got " +
                                                std::to_string(*config.max_concurrency));
    if (config.recursion_limit && *config.recursion_limit < 1)
        throw Error(errc::invalid_argument, "RunConfig::recursion_limit must be at least 1, got " +
                                                std::to_string(*config.recursion_limit));
    for (const auto& handler : config.callbacks)
        if (!handler)
            throw Error(errc::invalid_argument, "RunConfig::callbacks holds a null handler");
}

RunConfig merge_configs(const RunConfig& base, const RunConfig& overlay) {
    validate_config(overlay);
    RunConfig merged = base;
    for (const std::string& tag : overlay.tags)
        if (std::find(merged.tags.begin(), merged.tags.end(), tag) == merged.tags.end())
            merged.tags.push_back(tag);
    merged.metadata = detail::merge_objects(base.metadata, overlay.metadata);
    merged.callbacks.insert(merged.callbacks.end(), overlay.callbacks.begin(), overlay.callbacks.end());
    if (overlay.max_concurrency)
        merged.max_concurrency = overlay.max_concurrency;
    if (overlay.recursion_limit)
        merged.recursion_limit = overlay.recursion_limit;
    merged.run_name = overlay.run_name; // names only the run the overlay applies to
    merged.cancellation = CancellationToken::any_of(base.cancellation, overlay.cancellation);
    if (overlay.deadline && (!merged.deadline || *overlay.deadline < *merged.deadline))
        merged.deadline = overlay.deadline;
    merged.configurable = detail::merge_objects(base.configurable, overlay.configurable);
    return merged;
}

} // namespace braid
