/// @file
/// @brief GenerationOptions: how a chat model generates (sampling, limits, stop strings, tools), as a
/// value type with JSON conversion and merging.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "braid/prompts/message.hpp"

namespace braid {

/// Settings for one generation. Every field is optional: an unset field means "the model's default",
/// and merged() lets bound or per-call options override only what they set. A regular value type.
///
/// JSON form: an object with the set fields under their names below (`{"temperature": 0.2,
/// "max_tokens": 64, "stop": ["\n"]}`); reading rejects unknown keys and out-of-range values.
struct GenerationOptions {
    std::optional<double> temperature;       ///< ≥ 0; 0 means greedy.
    std::optional<double> top_p;             ///< Nucleus sampling, in (0, 1].
    std::optional<std::int64_t> top_k;       ///< ≥ 0; 0 disables.
    std::optional<double> min_p;             ///< In [0, 1].
    std::optional<double> typical_p;         ///< In (0, 1].
    std::optional<double> repeat_penalty;    ///< > 0; 1 disables.
    std::optional<double> frequency_penalty; ///< Any real.
    std::optional<double> presence_penalty;  ///< Any real.
    std::optional<std::int64_t> max_tokens;  ///< > 0: most tokens to generate.
    std::optional<std::uint64_t> seed;       ///< Seed of the sampler's random generator.
    std::vector<std::string> stop;           ///< Stop strings (not included in the answer); none are empty.
    Value tools;             ///< Null, or an array of tool definitions (OpenAI style `{"type": "function", ...}`).
    Value tool_choice;       ///< Null, "auto", "none", "required", or `{"type": "function", "function": {"name"}}`.
    Value response_format;   ///< Null, or e.g. `{"type": "json_object"}` / `{"type": "json_schema", ...}`.
    Value extra = Value::object(); ///< Model-specific settings, passed through unchanged.

    /// This object overridden by every field @p overrides sets (stop and tools replace when non-empty;
    /// extra is merged key by key).
    GenerationOptions merged(const GenerationOptions& overrides) const;

    /// Checks the ranges above.
    /// @throws Error(errc::invalid_argument) naming the first bad field.
    void validate() const;

    /// The options among the keys of a run's configurable object (what Runnable::bind sets for a model
    /// step); keys that name no option are left to other steps, null values are unset.
    /// @throws Error(errc::invalid_argument) naming a wrongly typed or out-of-range option.
    static GenerationOptions from_configurable(const Value& configurable);

    /// Member-wise equality.
    friend bool operator==(const GenerationOptions&, const GenerationOptions&) = default;
};

/// Writes the set fields (see GenerationOptions).
void to_json(Value& json, const GenerationOptions& options);
/// Reads and validates options.
/// @throws Error(errc::invalid_argument) for a non-object, an unknown key, a wrongly typed or
///         out-of-range value, naming the key.
void from_json(const Value& json, GenerationOptions& options);

} // namespace braid
