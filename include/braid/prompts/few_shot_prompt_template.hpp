/// @file
/// @brief Few-shot prompts: FewShotPromptTemplate (text) and FewShotChatMessagePromptTemplate (messages),
/// with a fixed example list or an ExampleSelector.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/example_selector.hpp"
#include "braid/prompts/prompt_template.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid {

/// A text prompt made of a prefix, formatted examples and a suffix, joined by a separator:
/// `prefix SEP example_1 SEP ... SEP example_n SEP suffix` (an empty prefix is left out).
///
/// @code
/// braid::FewShotPromptTemplate prompt({
///     .examples = {{{"word", "happy"}, {"antonym", "sad"}}, {{"word", "tall"}, {"antonym", "short"}}},
///     .example_prompt = braid::PromptTemplate("Word: {word}\nAntonym: {antonym}"),
///     .prefix = "Give the antonym of every input.",
///     .suffix = "Word: {input}\nAntonym:",
/// });
/// std::string text = prompt.format({{"input", "big"}});
/// @endcode
/// It is also a runnable step, Runnable<Value, PromptValue> (named "FewShotPromptTemplate"): variables in,
/// a text PromptValue out.
class FewShotPromptTemplate : public Runnable<Value, PromptValue> {
public:
    /// What a few-shot prompt is made of. Give either `examples` or `example_selector`.
    struct Config {
        std::vector<Value> examples{};                            ///< Fixed examples (JSON objects).
        std::shared_ptr<const ExampleSelector> example_selector{}; ///< Chooses examples per input instead.
        PromptTemplate example_prompt{};                          ///< Formats one example.
        std::string prefix{};                                     ///< Template text before the examples.
        std::string suffix{};                                     ///< Template text after them (the question).
        std::string example_separator = "\n\n";                   ///< Between all pieces.
    };

    /// Parses prefix and suffix; checks fixed examples against example_prompt.
    /// @throws Error(errc::invalid_argument) if both examples and a selector are given or an example is
    ///         not an object; Error(errc::template_error) for a malformed prefix/suffix;
    ///         Error(errc::not_found) naming an example that lacks a variable of example_prompt.
    explicit FewShotPromptTemplate(Config config);

    /// Variables of the prefix and suffix, in order of first appearance.
    const std::vector<std::string>& input_variables() const noexcept { return input_variables_; }

    /// Formats the whole prompt for @p variables (a JSON object).
    /// @throws Error(errc::invalid_argument) if @p variables is not an object; Error(errc::not_found)
    ///         naming a missing variable.
    std::string format(const Value& variables) const;

    /// format() wrapped as a text PromptValue (what the runnable form returns).
    PromptValue format_prompt(const Value& variables) const { return PromptValue(format(variables)); }

private:
    void bind_step();

    Config config_;
    PromptTemplate prefix_;
    PromptTemplate suffix_;
    std::vector<std::string> input_variables_;
    std::vector<std::string> fixed_examples_; // pre-formatted when the examples are fixed
};

/// Few-shot examples as chat messages, usually nested in a ChatPromptTemplate between the system message
/// and the question: each example is formatted with a ChatPromptTemplate (e.g. a user and an assistant
/// message) and the messages are appended in order.
///
/// @code
/// auto few_shot = std::make_shared<braid::FewShotChatMessagePromptTemplate>(braid::FewShotChatMessagePromptTemplate::Config{
///     .examples = {{{"q", "2+2"}, {"a", "4"}}},
///     .example_prompt = braid::ChatPromptTemplate::from_messages({{"user", "{q}"}, {"assistant", "{a}"}}),
/// });
/// auto prompt = braid::ChatPromptTemplate::from_messages({{"system", "Be brief."}, few_shot, {"user", "{q}"}});
/// @endcode
/// It is also a runnable step, Runnable<Value, PromptValue> (named "FewShotChatMessagePromptTemplate"):
/// variables in (for the selector), the example messages as a chat PromptValue out.
class FewShotChatMessagePromptTemplate final : public Runnable<Value, PromptValue>, public MessagesTemplate {
public:
    /// What the examples are made of. Give either `examples` or `example_selector`.
    struct Config {
        std::vector<Value> examples{};                           ///< Fixed examples (JSON objects).
        std::shared_ptr<const ExampleSelector> example_selector{};///< Chooses examples per input instead.
        ChatPromptTemplate example_prompt{};                     ///< Formats one example into messages.
    };

    /// Checks fixed examples against example_prompt.
    /// @throws Error(errc::invalid_argument) if both examples and a selector are given or an example is
    ///         not an object; Error(errc::not_found) naming an example that lacks a variable.
    explicit FewShotChatMessagePromptTemplate(Config config);

    /// The example messages for @p variables (the input is only passed to the selector).
    Messages format_messages(const Value& variables) const;

    /// format_messages() as a chat PromptValue (what the runnable form returns).
    PromptValue format_prompt(const Value& variables) const { return PromptValue(format_messages(variables)); }

    /// None: the examples carry their own variables (the same as required_variables()).
    std::vector<std::string> input_variables() const { return {}; }

    /// MessagesTemplate: appends the example messages.
    void format_messages_to(Messages& out, const Value& variables) const override;

    /// MessagesTemplate: none — examples carry their own variables.
    std::vector<std::string> required_variables() const override { return {}; }

private:
    void bind_step();

    Config config_;
    Messages fixed_messages_; // pre-formatted when the examples are fixed
};

} // namespace braid
