/// @file
/// @brief braid::memory::SqliteDatabase: an SQLite file holding the histories of many sessions, opened
/// once and shared by the SqliteChatHistory objects of its sessions.
///
/// @code
/// auto db = braid::memory::SqliteDatabase::open("saves/world.db");   // created if missing, migrated
/// braid::memory::SqliteChatHistory guard(db, "npc:guard"), smith(db, "npc:smith");
/// @endcode
/// Rules:
/// - SqliteDatabase is a cheap handle (copies share one connection); the connection closes with the last
///   copy and the last history using it.
/// - The connection is used by one thread at a time (a lock inside): many threads may share a handle.
///   Several processes may open the same file: WAL mode lets readers go on while one writer commits, and a
///   busy timeout makes a writer wait for another instead of failing.
/// - Schema: `PRAGMA user_version` is the schema version. Opening a file of an older version migrates it;
///   a newer version (written by a later braid) is refused, never modified. Version 1: the messages of
///   every session (SqliteChatHistory). Version 2 adds the summaries (SqliteSummaryStore) and entity facts
///   (SqliteEntityStore) of the sessions, so a session's memories live in the same file as its messages.
/// - Never share a handle across fork(): a child process opens its own.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

namespace braid::memory {

class SqliteChatHistory;

namespace detail {
class SqliteConnection;
} // namespace detail

/// Options for SqliteDatabase::open.
struct SqliteOptions {
    /// How long a write waits for another process's transaction before failing with Error(errc::io).
    /// Chosen long enough for dozens of concurrent small commits on a slow disk.
    std::chrono::milliseconds busy_timeout{10000};
};

/// An open SQLite chat-history database (a shared handle; see the file comment).
class SqliteDatabase {
public:
    /// The schema version this code writes and understands (PRAGMA user_version).
    static constexpr int schema_version = 2;

    /// Opens (creating it if missing) the database in @p path, switches it to WAL mode and migrates its
    /// schema to schema_version.
    /// @throws Error(errc::io) naming the file if it cannot be opened or is not an SQLite database;
    ///         Error(errc::unsupported) naming the file and version if its schema is newer than this code.
    static SqliteDatabase open(const std::filesystem::path& path, const SqliteOptions& options = {});

    /// The file this database was opened from.
    const std::filesystem::path& path() const noexcept;

private:
    friend class SqliteChatHistory;
    friend class SqliteSummaryStore;
    friend class SqliteEntityStore;
    explicit SqliteDatabase(std::shared_ptr<detail::SqliteConnection> connection);
    std::shared_ptr<detail::SqliteConnection> connection_;
};

} // namespace braid::memory
