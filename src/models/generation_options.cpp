#include "braid/models/generation_options.hpp"

#include <cmath>
#include <cstdio>

#include "braid/error.hpp"

namespace braid {

namespace {

template <class T>
void override_if_set(std::optional<T>& target, const std::optional<T>& source) {
    if (source) {
        target = source;
    }
}

std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", v);
    return buffer;
}

[[noreturn]] void bad(const std::string& key, const std::string& why) {
    throw Error(errc::invalid_argument, "generation options: \"" + key + "\" " + why);
}

void check_range(const std::optional<double>& value, const char* key, double low, bool low_open, double high,
                 bool high_open) {
    if (!value) {
        return;
    }
    const double v = *value;
    if (!std::isfinite(v) || (low_open ? v <= low : v < low) || (high_open ? v >= high : v > high)) {
        bad(key, "must be in " + std::string(low_open ? "(" : "[") + number(low) + ", " + number(high) +
                     (high_open ? ")" : "]") + ", got " + number(v));
    }
}

} // namespace

GenerationOptions GenerationOptions::merged(const GenerationOptions& overrides) const {
    GenerationOptions out = *this;
    override_if_set(out.temperature, overrides.temperature);
    override_if_set(out.top_p, overrides.top_p);
    override_if_set(out.top_k, overrides.top_k);
    override_if_set(out.min_p, overrides.min_p);
    override_if_set(out.typical_p, overrides.typical_p);
    override_if_set(out.repeat_penalty, overrides.repeat_penalty);
    override_if_set(out.frequency_penalty, overrides.frequency_penalty);
    override_if_set(out.presence_penalty, overrides.presence_penalty);
    override_if_set(out.max_tokens, overrides.max_tokens);
    override_if_set(out.seed, overrides.seed);
    if (!overrides.stop.empty()) {
        out.stop = overrides.stop;
    }
    if (!overrides.tools.is_null() && !(overrides.tools.is_array() && overrides.tools.empty())) {
        out.tools = overrides.tools;
    }
    if (!overrides.tool_choice.is_null()) {
        out.tool_choice = overrides.tool_choice;
    }
    if (!overrides.response_format.is_null()) {
        out.response_format = overrides.response_format;
    }
    if (overrides.extra.is_object()) {
        if (!out.extra.is_object()) {
            out.extra = Value::object();
        }
        for (const auto& [key, value] : overrides.extra.items()) {
            out.extra[key] = value;
        }
    }
    return out;
}

void GenerationOptions::validate() const {
    constexpr double inf = HUGE_VAL;
    check_range(temperature, "temperature", 0, false, inf, true);
    check_range(top_p, "top_p", 0, true, 1, false);
    check_range(min_p, "min_p", 0, false, 1, false);
    check_range(typical_p, "typical_p", 0, true, 1, false);
    check_range(repeat_penalty, "repeat_penalty", 0, true, inf, true);
    check_range(frequency_penalty, "frequency_penalty", -inf, true, inf, true);
    check_range(presence_penalty, "presence_penalty", -inf, true, inf, true);
    if (top_k && *top_k < 0) {
        bad("top_k", "must be >= 0, got " + std::to_string(*top_k));
    }
    if (max_tokens && *max_tokens <= 0) {
        bad("max_tokens", "must be > 0, got " + std::to_string(*max_tokens));
    }
    for (std::size_t i = 0; i < stop.size(); ++i) {
        if (stop[i].empty()) {
            bad("stop", "item " + std::to_string(i) + " is empty");
        }
    }
    if (!tools.is_null()) {
        if (!tools.is_array()) {
            bad("tools", std::string("must be an array, got ") + tools.type_name());
        }
        for (std::size_t i = 0; i < tools.size(); ++i) {
            if (!tools[i].is_object()) {
                bad("tools", "item " + std::to_string(i) + " must be an object");
            }
        }
    }
    if (!tool_choice.is_null() && !tool_choice.is_string() && !tool_choice.is_object()) {
        bad("tool_choice", std::string("must be a string or an object, got ") + tool_choice.type_name());
    }
    if (!response_format.is_null() && !response_format.is_object()) {
        bad("response_format", std::string("must be an object, got ") + response_format.type_name());
    }
    if (!extra.is_object()) {
        bad("extra", std::string("must be an object, got ") + extra.type_name());
    }
}

void to_json(Value& json, const GenerationOptions& o) {
    json = Value::object();
    auto put = [&json](const char* key, const auto& value) {
        if (value) {
            json[key] = *value;
        }
    };
    put("temperature", o.temperature);
    put("top_p", o.top_p);
    put("top_k", o.top_k);
    put("min_p", o.min_p);
    put("typical_p", o.typical_p);
    put("repeat_penalty", o.repeat_penalty);
    put("frequency_penalty", o.frequency_penalty);
    put("presence_penalty", o.presence_penalty);
    put("max_tokens", o.max_tokens);
    put("seed", o.seed);
    if (!o.stop.empty()) {
        json["stop"] = o.stop;
    }
    if (!o.tools.is_null()) {
        json["tools"] = o.tools;
    }
    if (!o.tool_choice.is_null()) {
        json["tool_choice"] = o.tool_choice;
    }
    if (!o.response_format.is_null()) {
        json["response_format"] = o.response_format;
    }
    if (o.extra.is_object() && !o.extra.empty()) {
        json["extra"] = o.extra;
    }
}

namespace {

double real(const std::string& key, const Value& v) {
    if (!v.is_number()) {
        bad(key, std::string("must be a number, got ") + v.type_name());
    }
    return v.get<double>();
}

std::int64_t integer(const std::string& key, const Value& v) {
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
            bad(key, "is too large");
        }
        return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (!v.is_number_integer()) {
        bad(key, std::string("must be an integer, got ") + v.type_name());
    }
    return v.get<std::int64_t>();
}

// Sets the option named @p key from @p v; false when no option has that name.
bool read_option(GenerationOptions& o, const std::string& key, const Value& v) {
    if (key == "temperature") {
        o.temperature = real(key, v);
    } else if (key == "top_p") {
        o.top_p = real(key, v);
    } else if (key == "top_k") {
        o.top_k = integer(key, v);
    } else if (key == "min_p") {
        o.min_p = real(key, v);
    } else if (key == "typical_p") {
        o.typical_p = real(key, v);
    } else if (key == "repeat_penalty") {
        o.repeat_penalty = real(key, v);
    } else if (key == "frequency_penalty") {
        o.frequency_penalty = real(key, v);
    } else if (key == "presence_penalty") {
        o.presence_penalty = real(key, v);
    } else if (key == "max_tokens") {
        o.max_tokens = integer(key, v);
    } else if (key == "seed") {
        const std::int64_t seed = integer(key, v);
        if (seed < 0) {
            bad(key, "must be >= 0");
        }
        o.seed = static_cast<std::uint64_t>(seed);
    } else if (key == "stop") {
        if (v.is_string()) {
            o.stop = {v.get<std::string>()};
        } else if (v.is_array()) {
            for (const Value& s : v) {
                if (!s.is_string()) {
                    bad(key, "must be a string or an array of strings");
                }
                o.stop.push_back(s.get<std::string>());
            }
        } else {
            bad(key, std::string("must be a string or an array of strings, got ") + v.type_name());
        }
    } else if (key == "tools") {
        o.tools = v;
    } else if (key == "tool_choice") {
        o.tool_choice = v;
    } else if (key == "response_format") {
        o.response_format = v;
    } else if (key == "extra") {
        o.extra = v;
    } else {
        return false;
    }
    return true;
}

} // namespace

void from_json(const Value& json, GenerationOptions& options) {
    if (!json.is_object()) {
        throw Error(errc::invalid_argument,
                    std::string("generation options must be a JSON object, got ") + json.type_name());
    }
    GenerationOptions o;
    for (const auto& [key, v] : json.items()) {
        if (v.is_null()) {
            continue; // explicit null: unset
        }
        if (!read_option(o, key, v)) {
            throw Error(errc::invalid_argument, "generation options: unknown key \"" + key + "\"");
        }
    }
    o.validate();
    options = std::move(o);
}

GenerationOptions GenerationOptions::from_configurable(const Value& configurable) {
    GenerationOptions o;
    if (!configurable.is_object()) {
        return o;
    }
    for (const auto& [key, v] : configurable.items()) {
        if (!v.is_null()) {
            read_option(o, key, v); // keys that name no option belong to other steps
        }
    }
    o.validate();
    return o;
}

} // namespace braid
