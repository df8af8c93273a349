/// @file
/// @brief ChatModel: the interface every chat model implements (local GGUF, remote, test doubles), and
/// the runnable step it is: PromptValue → Message, streamed as MessageChunks.
#pragma once

#include <string>

#include "braid/core/runnable.hpp"
#include "braid/models/generation_options.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid {

/// A chat model: messages in, one assistant Message out, streamable as MessageChunks.
///
/// A ChatModel is the implementation of a runnable step, Runnable<PromptValue, Message>: wrap one with
/// make_runnable (`braid::make_runnable(std::make_shared<MyModel>())`) and it composes,
/// `prompt | model | parser`. As a step it
/// - takes a PromptValue (a chat prompt's messages, or a text as one user message; in a dynamic chain
///   also a string, a message or an array of messages, see PromptValue's from_json);
/// - reads its GenerationOptions from the run's configurable keys that name options (what
///   `model.bind({{"temperature", 0}, {"stop", {"\n"}}})` sets; see GenerationOptions::from_configurable);
/// - invoke() calls generate(); streaming (StreamMode::generate) pulls the chunks of stream() one by one,
///   so they flow on to the next step as the model produces them.
///
/// Implementations are immutable after construction (or synchronize internally) and safe to call from
/// many threads at once. To write one, implement name() and stream() (a coroutine); override generate()
/// when the whole answer can be produced faster than by adding up chunks.
///
/// @code
/// class EchoModel final : public braid::ChatModel {
/// public:
///     std::string name() const override { return "echo"; }
///     braid::Stream<braid::MessageChunk> stream(braid::Messages messages, braid::GenerationOptions,
///                                               const braid::RunContext&) const override {
///         braid::MessageChunk chunk;
///         chunk.role = "assistant";
///         chunk.content = messages.empty() ? "" : messages.back().content;
///         co_yield chunk;
///     }
/// };
/// auto chain = prompt | braid::make_runnable(std::make_shared<EchoModel>()) | braid::StrOutputParser();
/// @endcode
class ChatModel : public RunnableImpl<PromptValue, Message> {
public:
    /// The answer to @p messages as chunks, produced as they are pulled. @p ctx is the model's run (valid
    /// while the stream is alive): long generations call ctx.check() so cancellation and deadlines stop
    /// them. Outside a run, pass `braid::RunContext(braid::default_run_config())`.
    /// @throws Error for a failed generation (kind depends on the model), from the stream.
    virtual Stream<MessageChunk> stream(Messages messages, GenerationOptions options, const RunContext& ctx) const = 0;

    /// The whole answer. The default adds up the chunks of stream() (MessageChunk::operator+) and
    /// converts them with MessageChunk::to_message().
    virtual Message generate(const Messages& messages, const GenerationOptions& options, const RunContext& ctx) const;

    /// The step: generate() for the prompt's messages.
    Message invoke(const PromptValue& prompt, const RunContext& ctx) const final;
    /// The step, streaming: collects the prompt, then yields the chunks of stream().
    Stream<MessageChunk> transform(Stream<PromptValue> input, const RunContext& ctx) const final;
    /// StreamMode::generate: the input is collected, the output streams.
    StreamMode stream_mode() const final { return StreamMode::generate; }

private:
    static Stream<MessageChunk> generate_stream(const ChatModel* self, Stream<PromptValue> input, const RunContext& ctx);
};

} // namespace braid
