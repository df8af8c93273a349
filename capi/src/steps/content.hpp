// What steps of the C ABI read from the Values flowing through a chain: the text of a model's answer,
// the messages of a prompt, a model's generation options from the run's configurable.
#pragma once

#include <string>
#include <string_view>

#include "braid/core/value.hpp"
#include "braid/models/generation_options.hpp"
#include "braid/prompts/message.hpp"

namespace braid::capi {

/// The text of an answer: a string, or the "content" of a message or message chunk (null content: "").
/// @throws Error(errc::validation) naming @p step for anything else.
std::string text_of(const Value& answer, std::string_view step);

/// The messages of a prompt: a string (one user message), a message object, an array of messages
/// (strings in it are user messages), or an object with a "messages" array.
/// @throws Error(errc::validation) naming @p step; Error(errc::parse) for a malformed message.
Messages messages_of(const Value& prompt, std::string_view step);

/// The generation options among the keys of @p configurable (other keys are left to other steps).
/// @throws Error(errc::invalid_argument) for a bad option value.
GenerationOptions generation_options_of(const Value& configurable);

} // namespace braid::capi
