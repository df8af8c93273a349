// A braid::ChatModel as a Value step: a prompt in, an assistant message out; streamed, message chunks.
#pragma once

#include <memory>
#include <string>

#include "braid/core/runnable_impl.hpp"
#include "braid/models/chat_model.hpp"

namespace braid::capi {

/// The model step. Its generation options are the run's configurable keys that name options (what
/// braid_runnable_bind() sets). Streaming (StreamMode::generate) runs the model on a thread of its own
/// so its chunks can be pulled one by one; closing the stream stops the model at its next chunk.
class ChatModelStep final : public RunnableImpl<Value, Value> {
public:
    explicit ChatModelStep(std::shared_ptr<const ChatModel> model);

    Value invoke(const Value& input, const RunContext& ctx) const override;
    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override;
    StreamMode stream_mode() const override { return StreamMode::generate; }
    std::string name() const override { return std::string(model_->name()); }

    /// The model.
    const ChatModel& model() const noexcept { return *model_; }

private:
    static Stream<Value> generate(const ChatModelStep* self, Stream<Value> input, const RunContext& ctx);

    std::shared_ptr<const ChatModel> model_;
};

} // namespace braid::capi
