/// @file
/// @brief braid::memory::FileChatHistory: a conversation in a JSON Lines file, one message per line.
///
/// The file is readable and editable by hand and by other tools: each line is a message in braid's
/// JSON form (braid/prompts/message.hpp), e.g. `{"role":"user","content":"hi"}`.
/// @code
/// braid::memory::FileChatHistory history("chats/alice.jsonl");
/// history.add_messages(turn);           // appended in one write, fsync'ed before returning
/// auto messages = history.messages();
/// @endcode
/// Guarantees and their limits:
/// - One turn is one write() to a file opened with O_APPEND, under an exclusive flock() of the file,
///   followed by fsync(): threads and processes appending to the same file lose nothing and never
///   interleave a turn. Readers take a shared flock(), so they never see a turn being written.
///   flock() is advisory: only writers that lock (braid) are kept apart; on network file systems
///   it may not work at all.
/// - A crash in the middle of a write can leave a torn last line (no newline, or not valid JSON).
///   messages() drops it with a warning (braid::log, component "memory") and keeps the earlier lines; the
///   next add_messages() cuts it off before appending. Complete lines of that torn turn that were written
///   before it stay (one line per message: a crash can keep the first messages of the turn it interrupted).
/// - Invalid JSON on any earlier line is corruption, not a crash: Error(errc::parse) naming the file
///   and line.
/// - Every call opens the file (it is created on the first append) and closes it again: the object
///   holds no descriptor and may be used from many threads.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "braid/memory/chat_history.hpp"

namespace braid::memory {

/// A ChatHistory stored as a JSON Lines file (one message per line).
class FileChatHistory final : public ChatHistory {
public:
    /// The history in @p path; the file need not exist yet (no messages), its folder must.
    explicit FileChatHistory(std::filesystem::path path);

    /// The file this history is stored in.
    const std::filesystem::path& path() const noexcept { return path_; }

    /// Every message in the file, oldest first; a missing file has none. A torn last line is dropped
    /// with a warning.
    /// @throws Error(errc::io) naming the file if it cannot be read; Error(errc::parse) naming the file
    ///         and line if a line before the last is not a valid message.
    std::vector<Message> messages() const override;
    /// Appends @p turn, one line per message, in one write(), then fsync(); a torn last line left by a
    /// crash is cut off first (with a warning).
    /// @throws Error(errc::io) naming the file if it cannot be written (the file is left as before).
    void add_messages(std::span<const Message> turn) override;
    /// Empties the file (truncates it to zero bytes).
    /// @throws Error(errc::io) naming the file if it cannot be written.
    void clear() override;

private:
    std::filesystem::path path_;
};

} // namespace braid::memory
