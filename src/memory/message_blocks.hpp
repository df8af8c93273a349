// Blocks of a conversation that memories keep or drop together: an assistant message with tool calls and
// the tool messages answering it (models reject a tool result without its call, and a call without its
// results); any other message is a block of its own.
#pragma once

#include <cstddef>
#include <span>

#include "braid/prompts/message.hpp"

namespace braid::memory::detail {

/// End (one past) of the block that starts at @p begin (< messages.size()).
std::size_t block_end(std::span<const Message> messages, std::size_t begin);

} // namespace braid::memory::detail
