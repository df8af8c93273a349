#include "braid/models/chat_model.hpp"

namespace braid {

Message ChatModel::generate(const Messages& messages, const GenerationOptions& options) const {
    MessageChunk sum;
    stream(messages, options, [&sum](const MessageChunk& chunk) { sum += chunk; });
    return sum.to_message();
}

} // namespace braid
