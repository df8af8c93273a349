/// @file
/// @brief ChatPromptTemplate: a list of message templates, fixed messages and MessagesPlaceholders that
/// formats into chat messages.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_template.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid {

/// Stands for a list of messages supplied at format time under @p variable_name (e.g. a chat history).
/// The variable's value is a JSON array whose items are message objects (see Message's JSON form),
/// `[role, content]` pairs, or plain strings (user messages).
struct MessagesPlaceholder {
    /// Names the variable; an optional placeholder formats to nothing when the variable is missing or null.
    explicit MessagesPlaceholder(std::string variable_name, bool optional = false)
        : variable_name(std::move(variable_name)), optional(optional) {}

    std::string variable_name; ///< The input variable holding the messages.
    bool optional = false;     ///< Whether the variable may be missing.

    /// Member-wise equality.
    friend bool operator==(const MessagesPlaceholder&, const MessagesPlaceholder&) = default;
};

/// Anything that formats into a list of messages and can be nested in a ChatPromptTemplate
/// (FewShotChatMessagePromptTemplate, ChatPromptTemplate itself). Implementations are immutable and
/// thread-safe.
class MessagesTemplate {
public:
    virtual ~MessagesTemplate() = default;
    /// Appends the messages formatted with @p variables to @p out.
    virtual void format_messages_to(Messages& out, const Value& variables) const = 0;
    /// Variables the template needs from the caller.
    virtual std::vector<std::string> required_variables() const = 0;
};

/// A chat prompt: an ordered list of parts, each a message template (role + PromptTemplate text), a
/// fixed Message, a MessagesPlaceholder or a nested MessagesTemplate. Formats into a chat PromptValue.
///
/// @code
/// auto prompt = braid::ChatPromptTemplate::from_messages({
///     {"system", "You are {role}."},
///     braid::MessagesPlaceholder("history", true),
///     {"user", "{q}"},
/// });
/// braid::PromptValue p = prompt.format_prompt({{"role", "a pirate"}, {"q", "Hi"}});
/// // p.to_string() == "System: You are a pirate.\nHuman: Hi"
/// @endcode
///
/// Roles: "system", "user"/"human", "assistant"/"ai", "tool", any other role string, and
/// "placeholder" whose text must be `{name}` (the same as `MessagesPlaceholder(name, true)`).
///
/// It is also a runnable step, Runnable<Value, PromptValue> (named "ChatPromptTemplate"): variables in, a
/// chat PromptValue out: `auto chain = prompt | model | braid::StrOutputParser();`.
/// Immutable and cheap to copy; safe to use from many threads.
class ChatPromptTemplate final : public Runnable<Value, PromptValue>, public MessagesTemplate {
public:
    /// One entry of a chat prompt.
    class Part {
    public:
        /// A message template: @p role and a PromptTemplate text (`{"user", "{q}"}`).
        /// @throws Error(errc::invalid_argument) for an empty role;
        ///         Error(errc::template_error) for a malformed template or a bad "placeholder" text.
        Part(std::string_view role, std::string_view template_text);
        /// A fixed message, inserted as is (its content is not formatted).
        Part(Message message);
        /// A list of messages taken from an input variable.
        Part(MessagesPlaceholder placeholder);
        /// A nested template producing several messages (e.g. FewShotChatMessagePromptTemplate).
        /// @throws Error(errc::invalid_argument) if @p nested is null.
        Part(std::shared_ptr<const MessagesTemplate> nested);
        /// A nested template held by a shared_ptr to a concrete type (converted to the one above).
        template <std::derived_from<MessagesTemplate> Nested>
        Part(std::shared_ptr<Nested> nested) : Part(std::shared_ptr<const MessagesTemplate>(std::move(nested))) {}

    private:
        friend class ChatPromptTemplate;
        struct Templated {
            std::string role;
            PromptTemplate content;
        };
        std::variant<Templated, Message, MessagesPlaceholder, std::shared_ptr<const MessagesTemplate>> part_;
    };

    /// An empty chat prompt (formats to no messages).
    ChatPromptTemplate();

    /// Builds a chat prompt from its parts, in order.
    static ChatPromptTemplate from_messages(std::vector<Part> parts);

    /// A chat prompt of one user message template.
    static ChatPromptTemplate from_template(std::string_view template_text);

    /// Builds a chat prompt from the JSON array @p parts: `[role, template]` pairs or
    /// `{"role": ..., "content": template}` objects (message templates), `{"placeholder": name,
    /// "optional": false}` (a MessagesPlaceholder) and `{"message": {...}}` (a fixed message).
    /// @throws Error(errc::invalid_argument) naming the part (`messages[2]`) that is malformed, and the
    ///         errors of from_messages.
    static ChatPromptTemplate from_json(const Value& parts);

    /// Required variables: the message templates' variables and the non-optional placeholders, in
    /// order of first appearance, minus the partial ones.
    const std::vector<std::string>& input_variables() const noexcept { return required_; }

    /// Variables of optional placeholders.
    const std::vector<std::string>& optional_variables() const noexcept { return optional_; }

    /// A copy with some variables bound ahead (values, or functions called once per format). Input
    /// values given at format time take precedence over partial ones.
    /// @throws Error(errc::invalid_argument) naming a variable the prompt does not have.
    ChatPromptTemplate partial(PartialValues values) const;

    /// Formats into messages.
    /// @throws Error(errc::invalid_argument) if @p variables is not an object or a placeholder's value is
    ///         not a list of messages; Error(errc::not_found) naming a missing variable (and the part).
    Messages format_messages(const Value& variables) const;

    /// Formats into a chat PromptValue (what the runnable form returns).
    PromptValue format_prompt(const Value& variables) const { return PromptValue(format_messages(variables)); }

    /// Formats into the "System: ...\nHuman: ..." text.
    std::string format(const Value& variables) const { return messages_to_text(format_messages(variables)); }

    /// MessagesTemplate: appends the formatted messages.
    void format_messages_to(Messages& out, const Value& variables) const override;

    /// MessagesTemplate: the required variables (a copy of input_variables()).
    std::vector<std::string> required_variables() const override { return required_; }

private:
    void format_unmerged(Messages& out, const Value& variables) const;
    void bind_step();

    std::vector<Part> parts_;
    std::vector<std::string> required_;
    std::vector<std::string> optional_;
    PartialValues partials_;
    std::vector<std::string> all_variables_; // required before partials were bound
};

} // namespace braid
