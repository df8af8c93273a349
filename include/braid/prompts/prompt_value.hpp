/// @file
/// @brief PromptValue: the output of a prompt template, a plain text or a list of chat messages.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "braid/prompts/message.hpp"

namespace braid {

/// Renders @p messages as one text, one line per message prefixed by its role (LangChain's
/// "buffer string"): "System: ...", "Human: ..." (user), "AI: ..." (assistant), "Tool: ...", and the
/// role string itself for other roles. The user and assistant prefixes can be changed.
std::string messages_to_text(const Messages& messages, std::string_view human_prefix = "Human",
                             std::string_view ai_prefix = "AI");

/// What a prompt template produces: either a text (PromptTemplate, FewShotPromptTemplate) or chat
/// messages (ChatPromptTemplate). Both views are always available: a text is one user message, and
/// messages render as "System: ...\nHuman: ..." text. A regular value type.
///
/// JSON form: a text is a JSON string, messages are an array of message objects.
class PromptValue {
public:
    /// An empty text prompt.
    PromptValue() = default;
    /// A text prompt.
    explicit PromptValue(std::string text) : value_(std::move(text)) {}
    /// A chat prompt.
    explicit PromptValue(Messages messages) : value_(std::move(messages)) {}

    /// True if this prompt holds chat messages, false if it holds a text.
    bool is_chat() const noexcept { return value_.index() == 1; }

    /// The text of a text prompt (empty for a chat prompt; see to_string()).
    const std::string& text() const noexcept;
    /// The messages of a chat prompt (empty for a text prompt; see to_messages()).
    const Messages& messages() const noexcept;

    /// The prompt as text: the text itself, or messages_to_text() of the messages.
    std::string to_string() const;
    /// The prompt as messages: the messages themselves, or one user message holding the text.
    Messages to_messages() const;

    /// Equality (same kind and same contents).
    friend bool operator==(const PromptValue&, const PromptValue&) = default;

private:
    std::variant<std::string, Messages> value_;
};

/// Writes a text prompt as a JSON string, a chat prompt as an array of messages.
void to_json(Value& json, const PromptValue& prompt);
/// Reads a JSON string (text prompt) or an array of messages (chat prompt; string items are user
/// messages), and, as a chat model's input in a dynamic chain may be, one message object or an object
/// with a "messages" array.
/// @throws Error(errc::parse) for any other JSON value or a malformed message.
void from_json(const Value& json, PromptValue& prompt);

} // namespace braid
