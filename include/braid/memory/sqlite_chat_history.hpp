/// @file
/// @brief braid::memory::SqliteChatHistory: one session's conversation in an SQLite database.
///
/// @code
/// auto db = braid::memory::SqliteDatabase::open("saves/world.db");
/// braid::memory::SqliteChatHistory history(db, "player-42");
/// history.add_messages(turn);    // one transaction
/// @endcode
/// Guarantees and their limits:
/// - add_messages() is one transaction (BEGIN IMMEDIATE): threads and processes appending to the same
///   session never interleave a turn and lose nothing; after a crash a turn is either all there or absent.
///   Durability: synchronous=FULL, a committed turn survives a power loss as far as the disk honours fsync.
/// - Each message is stored with its session id, its index within the session (0, 1, ...), its role,
///   its JSON form and the time it was written; messages() returns them by index.
/// - Many sessions live in one file; a session that was never written has no messages.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "braid/memory/chat_history.hpp"
#include "braid/memory/sqlite_database.hpp"

namespace braid::memory {

/// A ChatHistory for one session of an SqliteDatabase.
class SqliteChatHistory final : public ChatHistory {
public:
    /// The history of session @p session_id in @p database (keeps the database open).
    /// @throws Error(errc::invalid_argument) if @p session_id is empty.
    SqliteChatHistory(SqliteDatabase database, std::string session_id);

    /// The session this history reads and writes.
    const std::string& session_id() const noexcept { return session_id_; }

    /// The session's messages, oldest first.
    /// @throws Error(errc::io) naming the file and session if the database cannot be read;
    ///         Error(errc::parse) naming the session and index if a stored message is not valid.
    std::vector<Message> messages() const override;
    /// Appends @p turn in one transaction.
    /// @throws Error(errc::io) naming the file and session if it cannot be written (nothing is stored).
    void add_messages(std::span<const Message> turn) override;
    /// Deletes the session's messages (other sessions are untouched).
    /// @throws Error(errc::io) naming the file and session if it cannot be written.
    void clear() override;

private:
    SqliteDatabase database_;
    std::string session_id_;
};

} // namespace braid::memory
