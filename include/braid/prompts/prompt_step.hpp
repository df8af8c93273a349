/// @file
/// @brief Prompt templates as runnable steps: PromptImpl (what the step of every prompt template is:
/// variables in, a PromptValue out) and the step that formats with a template.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid {

/// The step behind every prompt template (PromptTemplate, ChatPromptTemplate, the few-shot templates):
/// a JSON object of variables in, a PromptValue out; it buffers (a prompt needs all its variables).
/// Found behind any runnable with `find_impl<PromptImpl>(runnable)`, e.g. to list its variables.
class PromptImpl : public RunnableImpl<Value, PromptValue> {
public:
    /// The variables the caller must supply, in order of first appearance.
    virtual std::vector<std::string> input_variables() const = 0;
};

namespace detail {

/// The step of a prompt template P: formats with a copy of the template (P::format_prompt), a copy whose
/// own runnable handle is empty, so that the step does not refer to itself.
template <class P>
class PromptStep final : public PromptImpl {
public:
    PromptStep(P prompt, std::string name) : prompt_(std::move(prompt)), name_(std::move(name)) {}

    PromptValue invoke(const Value& input, const RunContext&) const override { return prompt_.format_prompt(input); }
    std::string name() const override { return name_; }
    std::vector<std::string> input_variables() const override { return prompt_.input_variables(); }

private:
    P prompt_;
    std::string name_;
};

/// Points @p prompt's runnable handle (its Runnable base) at a new PromptStep formatting with a copy of
/// it: what every constructor of a prompt template does last.
template <class P>
void bind_prompt_step(P& prompt, std::string name) {
    Runnable<Value, PromptValue>& handle = prompt;
    handle = Runnable<Value, PromptValue>(); // the copy below must not hold the previous step
    handle = Runnable<Value, PromptValue>(std::make_shared<const PromptStep<P>>(prompt, std::move(name)));
}

} // namespace detail

} // namespace braid
