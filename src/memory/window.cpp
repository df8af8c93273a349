#include "braid/memory/window.hpp"

namespace braid::memory {

Messages last_turns(std::span<const Message> messages, std::size_t k, bool keep_system) {
    Messages kept;
    std::size_t begin = 0;
    if (!messages.empty() && messages.front().kind() == Role::system) {
        if (keep_system)
            kept.push_back(messages.front());
        begin = 1;
    }
    // Walk back over user messages: the k-th from the end starts the window.
    std::size_t start = messages.size();
    std::size_t turns = 0;
    for (std::size_t i = messages.size(); i > begin && turns < k; --i) {
        if (messages[i - 1].kind() == Role::user) {
            start = i - 1;
            ++turns;
        }
    }
    if (turns < k)
        start = begin; // fewer than k turns: the whole conversation
    kept.insert(kept.end(), messages.begin() + static_cast<std::ptrdiff_t>(start), messages.end());
    return kept;
}

} // namespace braid::memory
