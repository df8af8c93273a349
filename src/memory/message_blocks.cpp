#include "memory/message_blocks.hpp"

#include <algorithm>

namespace braid::memory::detail {

namespace {

bool answers_call(const Message& tool_message, const Message& caller) {
    if (tool_message.kind() != Role::tool)
        return false;
    return std::any_of(caller.tool_calls.begin(), caller.tool_calls.end(),
                       [&](const ToolCall& call) { return call.id == tool_message.tool_call_id; });
}

} // namespace

std::size_t block_end(std::span<const Message> messages, std::size_t begin) {
    std::size_t end = begin + 1;
    if (messages[begin].tool_calls.empty())
        return end;
    while (end < messages.size() && answers_call(messages[end], messages[begin]))
        ++end;
    return end;
}

} // namespace braid::memory::detail
