#include "chat_model_step.hpp"

#include "content.hpp"
#include "push_stream.hpp"

namespace braid::capi {

ChatModelStep::ChatModelStep(std::shared_ptr<const ChatModel> model) : model_(std::move(model)) {
    if (!model_)
        throw Error(errc::invalid_argument, "ChatModelStep: no model");
}

Value ChatModelStep::invoke(const Value& input, const RunContext& ctx) const {
    const Messages messages = messages_of(input, name());
    return Value(model_->generate(messages, generation_options_of(ctx.configurable())));
}

Stream<Value> ChatModelStep::transform(Stream<Value> input, const RunContext& ctx) const {
    return generate(this, std::move(input), ctx);
}

Stream<Value> ChatModelStep::generate(const ChatModelStep* self, Stream<Value> input, const RunContext& ctx) {
    const Value whole = self->collect_input(input);
    Messages messages = messages_of(whole, self->name());
    GenerationOptions options = generation_options_of(ctx.configurable());
    // ctx outlives this stream, and the producer thread is joined before the stream is gone.
    Stream<Value> chunks = pull_from_push([model = self->model_, messages = std::move(messages),
                                           options = std::move(options), &ctx](const Emit& emit) {
        model->stream(messages, options, [&](const MessageChunk& chunk) {
            ctx.check();
            emit(Value(chunk));
        });
    });
    while (auto chunk = chunks.next())
        co_yield std::move(*chunk);
}

} // namespace braid::capi
