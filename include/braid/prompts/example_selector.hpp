/// @file
/// @brief ExampleSelector: chooses the few-shot examples for an input; LengthBasedExampleSelector.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_template.hpp"

namespace braid {

/// Chooses which examples (JSON objects of example variables) a few-shot prompt shows for an input.
/// Implementations are immutable after construction and safe to call from many threads.
class ExampleSelector {
public:
    virtual ~ExampleSelector() = default;
    /// The examples to show for @p input (the prompt's input variables), in display order.
    virtual std::vector<Value> select_examples(const Value& input) const = 0;
};

/// Selects examples in their given order while they fit a length budget: the input's length plus the
/// lengths of the formatted examples stays within `max_length`. Lengths are measured by a function,
/// by default the number of whitespace-separated words (use a tokenizer's count for tokens).
class LengthBasedExampleSelector final : public ExampleSelector {
public:
    /// Measures a text's length.
    using LengthFunction = std::function<std::size_t(std::string_view)>;

    /// Formats each example with @p example_prompt once, here, to know its length.
    /// @throws Error(errc::invalid_argument) if an example is not an object or @p length is empty;
    ///         Error(errc::not_found) naming the example (by index) that lacks a variable.
    LengthBasedExampleSelector(std::vector<Value> examples, PromptTemplate example_prompt,
                               std::size_t max_length = 2048, LengthFunction length = word_count);

    /// The longest prefix of the examples that fits: input length (its string values joined by spaces;
    /// other values as JSON) + example lengths ≤ max_length.
    std::vector<Value> select_examples(const Value& input) const override;

    /// The examples, in order.
    const std::vector<Value>& examples() const noexcept { return examples_; }

    /// Counts whitespace-separated words (the default length function).
    static std::size_t word_count(std::string_view text) noexcept;

private:
    std::vector<Value> examples_;
    std::vector<std::size_t> lengths_;
    std::size_t max_length_;
    LengthFunction length_;
};

} // namespace braid
