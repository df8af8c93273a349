/// @file
/// @brief Chat messages (system, user, assistant with tool calls, tool, any other role) and the
/// streamed pieces of an assistant message (MessageChunk), with OpenAI-style JSON conversion.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "braid/core/chunk.hpp"

namespace braid {

/// braid's dynamic value (the same alias as braid/core/value.hpp; repeating an alias is allowed).
using Value = nlohmann::ordered_json;

/// The kind of a message's role. Roles are kept as strings so that any role a model family uses
/// (e.g. ChatGLM3's "observation") can be carried; `Role` classifies the well-known ones.
enum class Role {
    system,    ///< "system": instructions for the model.
    user,      ///< "user" (LangChain's "human").
    assistant, ///< "assistant" (LangChain's "ai").
    tool,      ///< "tool": the result of a tool call, answering `tool_call_id`.
    other,     ///< Any other role string.
};

/// Returns the canonical role string for @p role: "human" → "user", "ai" → "assistant",
/// "function" → "tool"; other names are returned unchanged.
/// @throws Error(errc::invalid_argument) if @p role is empty.
std::string canonical_role(std::string_view role);

/// Classifies a role string (after canonical_role).
Role role_kind(std::string_view role) noexcept;

/// One function call requested by the assistant.
struct ToolCall {
    std::string id;                     ///< Identifier the tool's answer refers to (may be empty).
    std::string name;                   ///< Name of the tool to call.
    Value arguments = Value::object();  ///< Arguments, normally a JSON object.

    /// Member-wise equality.
    friend bool operator==(const ToolCall&, const ToolCall&) = default;
};

/// A chat message: a regular value type (copyable, comparable).
///
/// JSON form (OpenAI style, what chat templates and the C ABI see):
/// `{"role": "assistant", "content": "...", "tool_calls": [{"id": "c1", "type": "function",
/// "function": {"name": "f", "arguments": {...}}}]}`, `{"role": "tool", "content": "...",
/// "tool_call_id": "c1"}`. Tool-call arguments are written as a JSON object (the Hugging Face chat
/// template convention); reading accepts them as an object or as a JSON-encoded string (OpenAI's wire
/// format) and also the flat form `{"id", "name", "arguments"}`.
struct Message {
    std::string role;                 ///< Canonical role string ("system", "user", "assistant", "tool", ...).
    std::string content;              ///< UTF-8 text.
    std::vector<ToolCall> tool_calls; ///< Calls requested by an assistant message.
    std::string tool_call_id;         ///< For a tool message: the call it answers.
    std::string name;                 ///< Optional participant or tool name.
    /// An assistant's thinking (the `<think>…</think>` text of reasoning models), kept out of content.
    std::string reasoning_content;
    /// Metadata about the response that produced an assistant message, LangChain's `response_metadata`:
    /// null (the default) or an object. Local models put `finish_reason` ("stop", "length", "tool_calls",
    /// "cancelled") and `usage` (`prompt_tokens`, `completion_tokens`, `total_tokens`,
    /// `prompt_tokens_cached`) here. LocalChatModel leaves it out of what a chat template sees.
    Value response_metadata;

    /// A system message.
    static Message system(std::string content);
    /// A user (human) message.
    static Message user(std::string content);
    /// An assistant (ai) message, optionally requesting tool calls.
    static Message assistant(std::string content, std::vector<ToolCall> tool_calls = {});
    /// A tool message answering the call @p tool_call_id, optionally naming the tool.
    static Message tool(std::string content, std::string tool_call_id, std::string name = {});
    /// A message with any role; aliases are canonicalized ("human" → "user", "ai" → "assistant").
    /// @throws Error(errc::invalid_argument) if @p role is empty.
    static Message with_role(std::string_view role, std::string content);

    /// The kind of this message's role.
    Role kind() const noexcept { return role_kind(role); }

    /// Member-wise equality.
    friend bool operator==(const Message&, const Message&) = default;
};

/// A list of messages, the usual input of a chat model.
using Messages = std::vector<Message>;

/// A fragment of a tool call as streamed by a model: fragments with the same `index` are merged by
/// MessageChunk's `+` (id and name are taken from the first fragment that has them, argument text is
/// appended).
struct ToolCallChunk {
    std::optional<std::size_t> index; ///< Position of the call in the message; unset: a call on its own.
    std::string id;                   ///< Call id (usually only in the first fragment).
    std::string name;                 ///< Tool name (usually only in the first fragment).
    std::string arguments;            ///< A piece of the JSON text of the arguments.

    /// Member-wise equality.
    friend bool operator==(const ToolCallChunk&, const ToolCallChunk&) = default;
};

/// A streamed piece of a message (LangChain's AIMessageChunk). Chunks add up: `a + b` appends the
/// content and merges tool-call fragments by index; the sum of all chunks of an answer converted with
/// to_message() is the whole message.
struct MessageChunk {
    std::string role;                           ///< Usually set on the first chunk only; empty means "assistant".
    std::string content;                        ///< Text of this piece.
    std::vector<ToolCallChunk> tool_call_chunks; ///< Tool-call fragments of this piece.
    std::string tool_call_id;                   ///< For a tool message chunk.
    std::string name;                           ///< Optional participant name.
    std::string reasoning_content;              ///< A piece of the assistant's thinking (appended like content).
    /// Response metadata carried by this piece (see Message::response_metadata): null or an object;
    /// usually only the last chunk of an answer has it.
    Value response_metadata;

    /// Appends @p next to this chunk: content and reasoning_content appended, tool-call fragments merged by index (a fragment
    /// without an index, or with an index not seen yet, is added as a new call), the first non-empty
    /// role / tool_call_id / name kept, response metadata merged key by key (objects recursively, other
    /// values of @p next replacing this chunk's).
    MessageChunk& operator+=(const MessageChunk& next);

    /// The sum of two chunks (see operator+=).
    friend MessageChunk operator+(MessageChunk first, const MessageChunk& next) {
        first += next;
        return first;
    }

    /// The whole message these chunks add up to; tool-call argument text is parsed as JSON (empty text
    /// gives an empty object).
    /// @throws Error(errc::tool) naming the call if its argument text is not valid JSON.
    Message to_message() const;

    /// A chunk holding all of @p message (tool-call arguments serialized, indexed 0..n-1).
    static MessageChunk from_message(const Message& message);

    /// Member-wise equality.
    friend bool operator==(const MessageChunk&, const MessageChunk&) = default;
};

/// Combines two streamed chunks (the same as `first + next`).
inline MessageChunk concat(MessageChunk first, const MessageChunk& next) {
    first += next;
    return first;
}

/// A Message streams as MessageChunks: a runnable whose output is a Message (a chat model) yields
/// MessageChunk pieces, which add up (operator+) to the message; a step taking a Message that cannot
/// transform gets the sum of the chunks, converted with MessageChunk::to_message().
template <>
struct ChunkTraits<Message> {
    /// Messages stream as chunks.
    using chunk_type = MessageChunk;
    /// A whole message as one chunk.
    static MessageChunk to_chunk(const Message& whole) { return MessageChunk::from_message(whole); }
    /// The message the combined chunks stand for. @throws Error(errc::tool) for malformed tool-call JSON.
    static Message from_chunk(const MessageChunk& chunk) { return chunk.to_message(); }
};

/// Writes @p call as `{"id", "type": "function", "function": {"name", "arguments"}}`.
void to_json(Value& json, const ToolCall& call);
/// Reads a tool call in the nested OpenAI form or the flat `{"id", "name", "arguments"}` form.
/// @throws Error(errc::parse) naming the field that is missing or of the wrong type;
///         Error(errc::tool) if string arguments are not valid JSON.
void from_json(const Value& json, ToolCall& call);

/// Writes @p message in OpenAI style; empty optional fields (name, tool_calls, tool_call_id,
/// reasoning_content) are left out, and response_metadata when null or an empty object.
void to_json(Value& json, const Message& message);
/// Reads a message. `content` may be a string, null (an assistant that only calls tools) or an array of
/// `{"type": "text", "text": ...}` parts (concatenated). A plain JSON string reads as a user message
/// with that content (LangChain's coercion of a string to a message), so a text can go where a message
/// is expected, e.g. into an output parser of a dynamic chain.
/// @throws Error(errc::parse) naming the field that is missing or of the wrong type;
///         Error(errc::unsupported) for non-text content parts.
void from_json(const Value& json, Message& message);

/// Writes @p chunk as `{"role", "content", "reasoning_content", "tool_call_chunks": [{"index", "id", "name",
/// "arguments"}], "response_metadata": {...}}` (empty fields left out, content always present).
void to_json(Value& json, const MessageChunk& chunk);
/// Reads a chunk written by to_json; a plain JSON string reads as a chunk with that content.
/// @throws Error(errc::parse) naming the field that is of the wrong type.
void from_json(const Value& json, MessageChunk& chunk);

} // namespace braid
