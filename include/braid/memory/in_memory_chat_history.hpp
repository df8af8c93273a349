/// @file
/// @brief braid::memory::InMemoryChatHistory: a conversation kept in the process's memory only.
///
/// For tests, short-lived chats and as the working copy of a conversation persisted elsewhere. Gone when
/// the object is destroyed.
/// @code
/// braid::memory::InMemoryChatHistory history;
/// history.add_message(braid::Message::user("hi"));
/// @endcode
#pragma once

#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "braid/memory/chat_history.hpp"

namespace braid::memory {

/// A ChatHistory in a vector guarded by a mutex (thread-safe, turns atomic).
class InMemoryChatHistory final : public ChatHistory {
public:
    /// An empty history.
    InMemoryChatHistory() = default;
    /// A history that starts with @p messages.
    explicit InMemoryChatHistory(std::vector<Message> messages) : messages_(std::move(messages)) {}

    /// A copy of every message, oldest first.
    std::vector<Message> messages() const override;
    /// Appends @p turn under the lock, so its messages stay adjacent.
    void add_messages(std::span<const Message> turn) override;
    /// Removes every message.
    void clear() override;

private:
    mutable std::mutex mutex_;
    std::vector<Message> messages_;
};

} // namespace braid::memory
