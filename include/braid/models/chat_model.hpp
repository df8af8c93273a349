/// @file
/// @brief ChatModel: the interface every chat model implements (local GGUF, remote, test doubles).
#pragma once

#include <functional>
#include <string_view>

#include "braid/models/generation_options.hpp"
#include "braid/prompts/message.hpp"

namespace braid {

/// Receives the chunks of a streamed answer, in order. It may throw (e.g. Error(errc::cancelled)) to
/// stop the generation; the exception propagates out of ChatModel::stream.
using ChunkCallback = std::function<void(const MessageChunk&)>;

/// A chat model: messages in, one assistant Message out, streamable as MessageChunks.
///
/// Implementations are immutable after construction (or synchronize internally) and safe to call from
/// many threads at once. To write one, implement stream(); override generate() when the whole answer
/// can be produced faster than by adding up chunks.
///
/// @code
/// class EchoModel final : public braid::ChatModel {
/// public:
///     std::string_view name() const noexcept override { return "echo"; }
///     void stream(const braid::Messages& messages, const braid::GenerationOptions&,
///                 const braid::ChunkCallback& on_chunk) const override {
///         braid::MessageChunk chunk;
///         chunk.role = "assistant";
///         chunk.content = messages.empty() ? "" : messages.back().content;
///         on_chunk(chunk);
///     }
/// };
/// @endcode
///
/// In a chain (`prompt | model | parser`) the model is the step PromptValue/messages → Message.
class ChatModel {
public:
    virtual ~ChatModel() = default;

    /// Short name shown in graphs, events and errors (e.g. "fake_chat_model", "local:qwen2-0.5b").
    virtual std::string_view name() const noexcept = 0;

    /// Streams the answer to @p messages as chunks through @p on_chunk.
    /// @throws Error for a failed generation (kind depends on the model), or whatever @p on_chunk throws.
    virtual void stream(const Messages& messages, const GenerationOptions& options,
                        const ChunkCallback& on_chunk) const = 0;

    /// The whole answer. The default adds up the chunks of stream() (MessageChunk::operator+) and
    /// converts them with MessageChunk::to_message().
    virtual Message generate(const Messages& messages, const GenerationOptions& options) const;
};

} // namespace braid
