// Prompt templates as Value steps (variables object in; a string, or an array of messages, out).
#pragma once

#include <string>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/prompt_template.hpp"

namespace braid::capi {

/// What the prompt steps share: the variables they need.
class PromptStep : public RunnableImpl<Value, Value> {
public:
    /// The variables the caller must supply, in order of first appearance.
    virtual std::vector<std::string> input_variables() const = 0;
};

/// A PromptTemplate from its text; @p partial is null or an object of variables bound ahead.
AnyRunnable make_prompt_template(const std::string& text, const Value& partial);

/// A ChatPromptTemplate from a JSON array of parts (see braid_chat_prompt_template()).
AnyRunnable make_chat_prompt(const Value& parts, const Value& partial);

} // namespace braid::capi
