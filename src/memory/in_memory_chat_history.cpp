#include "braid/memory/in_memory_chat_history.hpp"

namespace braid::memory {

std::vector<Message> InMemoryChatHistory::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

void InMemoryChatHistory::add_messages(std::span<const Message> turn) {
    // Copy outside the lock: a failed allocation then leaves the history as it was, and other threads
    // wait only for the insertion.
    std::vector<Message> copy(turn.begin(), turn.end());
    std::lock_guard lock(mutex_);
    messages_.insert(messages_.end(), std::make_move_iterator(copy.begin()), std::make_move_iterator(copy.end()));
}

void InMemoryChatHistory::clear() {
    std::lock_guard lock(mutex_);
    messages_.clear();
}

} // namespace braid::memory
