// A minimal SQLite connection for the retrieval module's own tables (record manager, document store):
// statements with bound parameters, errors as braid::Error naming the file and SQLite's message.
// Private to src/retrieval.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace braid::retrieval::detail {

class SqliteStatement;

/// One connection; callers hold mutex() around use from several threads.
class SqliteDb {
public:
    /// Opens or creates @p path (":memory:" for a private in-memory database). @p what names the owner in
    /// errors. @throws Error(errc::io) when the file cannot be opened or is not a database.
    SqliteDb(const std::filesystem::path& path, std::string what);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    /// Runs @p sql (several statements allowed). @throws Error(errc::io).
    void exec(const char* sql);
    /// The mutex that serializes use of this connection.
    std::mutex& mutex() noexcept { return mutex_; }
    /// Throws Error(errc::io) for SQLite result @p code with @p doing.
    [[noreturn]] void fail(int code, std::string_view doing) const;

private:
    friend class SqliteStatement;
    sqlite3* db_ = nullptr;
    std::string what_;
    std::mutex mutex_;
};

/// A prepared statement (reset for reuse with reset()).
class SqliteStatement {
public:
    SqliteStatement(SqliteDb& db, const char* sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(int index, std::string_view text);
    void bind(int index, std::int64_t value);
    void bind_null(int index);
    /// Steps once: true when a row is available, false when done. @throws Error(errc::io).
    bool step();
    /// Steps until done.
    void run() {
        while (step()) {
        }
    }
    void reset();
    std::string text(int column) const;
    std::int64_t integer(int column) const;
    bool is_null(int column) const;

private:
    SqliteDb& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// Runs BEGIN IMMEDIATE on construction, ROLLBACK unless commit() was called.
class SqliteTransaction {
public:
    explicit SqliteTransaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~SqliteTransaction() {
        if (!done_) {
            try {
                db_.exec("ROLLBACK");
            } catch (...) { // NOLINT(bugprone-empty-catch): nothing more can be done in a destructor
            }
        }
    }
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    void commit() {
        db_.exec("COMMIT");
        done_ = true;
    }

private:
    SqliteDb& db_;
    bool done_ = false;
};

} // namespace braid::retrieval::detail
