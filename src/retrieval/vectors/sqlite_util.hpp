// A minimal RAII layer over SQLite for the SQLite vector store and the embeddings cache (internal).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "braid/error.hpp"

namespace braid::retrieval::detail {

/// One connection (serialized mode: SQLite's own mutex makes it safe across threads).
class SqliteDb {
public:
    SqliteDb(const std::filesystem::path& path, std::string_view who) : who_(who) {
        const std::string p = path.string();
        if (sqlite3_open_v2(p.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
            const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw Error(errc::io, who_ + ": cannot open '" + p + "': " + msg);
        }
        sqlite3_busy_timeout(db_, 5000);
    }
    ~SqliteDb() { sqlite3_close(db_); }
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    sqlite3* get() const noexcept { return db_; }
    /// Runs SQL without results. @throws Error(errc::io) with SQLite's message.
    void exec(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            const std::string msg = err ? err : "unknown error";
            sqlite3_free(err);
            throw Error(errc::io, who_ + ": SQLite failed (" + msg + ") running: " + sql.substr(0, 80));
        }
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(errc::io, who_ + ": " + what + ": " + sqlite3_errmsg(db_));
    }
    const std::string& who() const noexcept { return who_; }

private:
    sqlite3* db_ = nullptr;
    std::string who_;
};

/// A prepared statement.
class SqliteStmt {
public:
    SqliteStmt(SqliteDb& db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db.get(), sql, -1, &stmt_, nullptr) != SQLITE_OK) db.fail(std::string("cannot prepare '") + sql + "'");
    }
    ~SqliteStmt() { sqlite3_finalize(stmt_); }
    SqliteStmt(const SqliteStmt&) = delete;
    SqliteStmt& operator=(const SqliteStmt&) = delete;

    void text(int i, std::string_view s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
    void blob(int i, const void* p, std::size_t n) { sqlite3_bind_blob(stmt_, i, p, static_cast<int>(n), SQLITE_TRANSIENT); }
    /// Steps once: true for a row, false when done. @throws Error(errc::io).
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        db_.fail("a statement failed");
    }
    void reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    std::string column_text(int i) const {
        const auto* p = sqlite3_column_text(stmt_, i);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
    }
    std::string_view column_blob(int i) const {
        const void* p = sqlite3_column_blob(stmt_, i);
        return p ? std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))) : std::string_view();
    }
    bool column_is_blob(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_BLOB; }

private:
    SqliteDb& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

} // namespace braid::retrieval::detail
