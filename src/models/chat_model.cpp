#include "braid/models/chat_model.hpp"

namespace braid {

namespace {

// The options for a run, without building (and allocating) a fresh default when none is set.
const GenerationOptions& options_for(const RunContext& ctx, GenerationOptions& storage) {
    static const GenerationOptions defaults;
    if (ctx.configurable().empty())
        return defaults;
    storage = GenerationOptions::from_configurable(ctx.configurable());
    return storage;
}

} // namespace

Message ChatModel::generate(const Messages& messages, const GenerationOptions& options, const RunContext& ctx) const {
    MessageChunk sum;
    Stream<MessageChunk> chunks = stream(messages, options, ctx);
    while (auto chunk = chunks.next())
        sum += *chunk;
    return sum.to_message();
}

Message ChatModel::invoke(const PromptValue& prompt, const RunContext& ctx) const {
    GenerationOptions storage;
    const GenerationOptions& options = options_for(ctx, storage);
    if (prompt.is_chat())
        return generate(prompt.messages(), options, ctx);
    return generate(prompt.to_messages(), options, ctx);
}

Stream<MessageChunk> ChatModel::transform(Stream<PromptValue> input, const RunContext& ctx) const {
    return generate_stream(this, std::move(input), ctx);
}

Stream<MessageChunk> ChatModel::generate_stream(const ChatModel* self, Stream<PromptValue> input, const RunContext& ctx) {
    const PromptValue prompt = self->collect_input(input);
    GenerationOptions storage;
    const GenerationOptions& options = options_for(ctx, storage);
    Stream<MessageChunk> chunks = self->stream(prompt.to_messages(), options, ctx);
    while (auto chunk = chunks.next())
        co_yield std::move(*chunk);
}

} // namespace braid
