#include "options.hpp"

#include <chrono>

#include "handles.hpp"
#include "json_io.hpp"

namespace braid::capi {

namespace {

int positive_int(const Value& value, const std::string& what) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1 || value.get<std::int64_t>() > 1000000)
        throw Error(errc::invalid_argument, what + " must be an integer from 1 to 1000000, got " + dump_json(value));
    return value.get<int>();
}

} // namespace

void apply_config_json(RunConfig& out, const Value& config, bool allow_limits, const std::string& what) {
    require_object(config, what);
    if (allow_limits)
        reject_unknown_keys(config, {"tags", "metadata", "run_name", "configurable", "max_concurrency", "recursion_limit"},
                            what);
    else
        reject_unknown_keys(config, {"tags", "metadata", "run_name", "configurable"}, what);
    if (const auto tags = config.find("tags"); tags != config.end()) {
        if (!tags->is_array())
            throw Error(errc::invalid_argument, what + ".tags must be an array of strings");
        for (const Value& tag : *tags) {
            if (!tag.is_string())
                throw Error(errc::invalid_argument, what + ".tags must be an array of strings, got " + dump_json(tag));
            out.tags.push_back(tag.get<std::string>());
        }
    }
    if (const auto metadata = config.find("metadata"); metadata != config.end())
        out.metadata = require_object(*metadata, what + ".metadata");
    if (const auto name = config.find("run_name"); name != config.end()) {
        if (!name->is_string())
            throw Error(errc::invalid_argument, what + ".run_name must be a string");
        out.run_name = name->get<std::string>();
    }
    if (const auto configurable = config.find("configurable"); configurable != config.end())
        out.configurable = require_object(*configurable, what + ".configurable");
    if (const auto width = config.find("max_concurrency"); width != config.end())
        out.max_concurrency = positive_int(*width, what + ".max_concurrency");
    if (const auto limit = config.find("recursion_limit"); limit != config.end())
        out.recursion_limit = positive_int(*limit, what + ".recursion_limit");
}

RunConfig run_config(const braid_run_options* options) {
    static constexpr braid_run_options defaults = BRAID_RUN_OPTIONS_INIT;
    const braid_run_options o = read_options(options, defaults, BRAID_RUN_OPTIONS_V1_SIZE, "options");
    RunConfig config;
    if (o.config_json)
        apply_config_json(config, parse_json(o.config_json, "options->config_json"), false, "options->config_json");
    if (o.max_concurrency > 0)
        config.max_concurrency = static_cast<int>(o.max_concurrency > 1000000 ? 1000000 : o.max_concurrency);
    if (o.recursion_limit > 0)
        config.recursion_limit = static_cast<int>(o.recursion_limit > 1000000 ? 1000000 : o.recursion_limit);
    RunControl control = run_control(o.cancel, o.timeout_ms);
    config.cancellation = std::move(control.cancellation);
    config.deadline = control.deadline;
    return config;
}

RunControl run_control(const braid_cancel_token* cancel, std::uint32_t timeout_ms) {
    RunControl control;
    if (cancel)
        control.cancellation = use(cancel, "options->cancel").token;
    if (timeout_ms > 0)
        control.set_timeout(std::chrono::milliseconds(timeout_ms));
    return control;
}

} // namespace braid::capi
