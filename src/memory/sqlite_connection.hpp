// The connection behind braid::memory::SqliteDatabase: one sqlite3 handle, the lock that gives it to one
// thread at a time, and small RAII helpers for statements and transactions.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include "braid/error.hpp"
#include "braid/memory/sqlite_database.hpp"

namespace braid::memory::detail {

/// One open SQLite connection; all use goes through lock().
class SqliteConnection {
public:
    SqliteConnection(const std::filesystem::path& path, const SqliteOptions& options);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    sqlite3* handle() const noexcept { return db_; }
    /// Serializes the connection's users: a transaction must not interleave with another thread's.
    std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }

    /// Runs SQL without results; @p what says what it was for in an error.
    void exec(const char* sql, std::string_view what);

    /// An Error naming the file, @p what was being done and SQLite's message for @p code. A file that is
    /// not a database is errc::io, like any unreadable file.
    [[noreturn]] void fail(int code, std::string_view what) const;

private:
    void switch_to_wal(std::chrono::milliseconds busy_timeout);
    void migrate();

    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
    std::mutex mutex_;
};

/// A prepared statement, finalized by the destructor.
class Statement {
public:
    Statement(SqliteConnection& connection, const char* sql, std::string_view what);
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void bind(int index, std::string_view text);
    void bind(int index, std::int64_t value);
    /// Steps once: true while a row is available, false when done.
    bool step();
    /// Makes the statement ready to run again with new bindings.
    void reset();

    std::int64_t column_int(int index) const { return sqlite3_column_int64(stmt_, index); }
    std::string_view column_text(int index) const;

private:
    SqliteConnection& connection_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string what_;
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless committed.
class Transaction {
public:
    Transaction(SqliteConnection& connection, std::string_view what);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    SqliteConnection& connection_;
    std::string what_;
    bool open_ = true;
};

} // namespace braid::memory::detail
