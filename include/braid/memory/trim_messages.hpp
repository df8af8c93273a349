/// @file
/// @brief braid::memory::trim_messages: keeps a conversation within a token budget (LangChain's
/// trim_messages), never separating a tool call from its results.
///
/// @code
/// braid::memory::TrimOptions options;
/// options.max_tokens = 2000;                 // budget of the kept messages, system message included
/// options.include_system = true;             // keep the leading system message
/// options.start_on = "user";                 // the kept conversation starts on a user message
/// braid::Messages kept = braid::memory::trim_messages(history.messages(), options);
/// @endcode
/// Rules:
/// - The result is a subsequence of the input, in order; its token count (by options.token_counter) is at
///   most max_tokens. Messages are cut only with allow_partial: then the first message that does not fit
///   whole (the newest dropped one for strategy last, the oldest for first) keeps the most of its lines
///   that fit (its last lines for last, its first for first), when it is a plain message (no tool calls,
///   not a tool result) and at least one line fits — LangChain's partial trimming with its default
///   line splitter.
/// - **An assistant message with tool calls and the tool messages answering it (those right after it whose
///   tool_call_id is one of its calls) are one block**: kept or dropped together. Models reject a tool
///   result without its call and a call without its results. A tool message that does not follow its call
///   is a block of its own (the input was already broken; trimming does not repair it).
/// - strategy last keeps the newest blocks that fit (stopping at the first that does not, so the kept part
///   is contiguous); first keeps the oldest.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "braid/prompts/message.hpp"

namespace braid::memory {

/// Counts the tokens of one message (a model tokenizer's count, or approximate_token_count).
using TokenCounter = std::function<std::size_t(const Message&)>;

/// Which end of the conversation trim_messages keeps.
enum class TrimStrategy {
    last,  ///< The newest messages (a chat's usual choice).
    first, ///< The oldest messages.
};

/// Characters counted as one token by approximate_token_count: English text averages about 4 characters
/// per token in BPE vocabularies (OpenAI's and Llama's rule of thumb).
inline constexpr std::size_t approximate_chars_per_token = 4;
/// Tokens approximate_token_count adds per message for the role and the chat template's markers
/// (OpenAI documents 3 to 4 per message for its chat format).
inline constexpr std::size_t approximate_tokens_per_message = 4;

/// An approximate token count of @p message, without a tokenizer: its content, name and tool calls (name
/// and JSON arguments) at approximate_chars_per_token characters per token, rounded up, plus
/// approximate_tokens_per_message. Good enough for budgets with a margin; use the model's tokenizer for
/// exact ones.
std::size_t approximate_token_count(const Message& message);

/// The options of trim_messages (LangChain's keyword arguments).
struct TrimOptions {
    /// Most tokens the kept messages may have together (system message included).
    std::size_t max_tokens = 0;
    /// Which end to keep.
    TrimStrategy strategy = TrimStrategy::last;
    /// Counts a message's tokens.
    TokenCounter token_counter = approximate_token_count;
    /// Keep a leading system message (strategy last only), counted in the budget; if it alone does not
    /// fit, nothing is kept.
    bool include_system = false;
    /// When set (a role: "user"/"human", "assistant"/"ai", ...), the kept part (after the system message)
    /// starts on a message of this role: blocks before the first one are dropped. Strategy last only.
    std::optional<std::string> start_on;
    /// When set, the kept part ends on a message of this role: blocks after the last one are dropped.
    std::optional<std::string> end_on;
    /// Keep the lines that fit of the first plain message that does not fit whole (see the rules above).
    /// With strategy first and end_on, no message is cut (the cut one would end the conversation).
    bool allow_partial = false;
};

/// The messages of @p messages to keep under @p options (see the file comment for the rules).
/// @throws Error(errc::invalid_argument) if
///         include_system or start_on is used with strategy first, the token counter is empty, or a role
///         is empty.
Messages trim_messages(std::span<const Message> messages, const TrimOptions& options);

} // namespace braid::memory
