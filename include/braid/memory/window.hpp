/// @file
/// @brief braid::memory::last_turns: the last k turns of a conversation (LangChain's
/// ConversationBufferWindowMemory); with the whole history (buffer memory) and trim_messages (token
/// buffer memory), the classic buffer memories over a ChatHistory.
///
/// @code
/// braid::Messages recent = braid::memory::last_turns(history->messages(), 3);  // system + last 3 turns
/// @endcode
/// - A turn starts at a user message and runs to the next one, so an answer's tool calls and tool results
///   stay with it.
/// - A leading system message is kept (option), not counted as a turn.
/// - Messages before the first user message (after the system message) belong to no turn: they are kept
///   only when the whole conversation has at most k turns.
#pragma once

#include <cstddef>
#include <span>

#include "braid/prompts/message.hpp"

namespace braid::memory {

/// The last @p k turns of @p messages (all when it has fewer), after its leading system message when
/// @p keep_system; k = 0 keeps only that system message.
Messages last_turns(std::span<const Message> messages, std::size_t k, bool keep_system = true);

} // namespace braid::memory
