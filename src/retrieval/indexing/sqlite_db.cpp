#include "sqlite_db.hpp"

#include <sqlite3.h>

#include "braid/error.hpp"

namespace braid::retrieval::detail {

SqliteDb::SqliteDb(const std::filesystem::path& path, std::string what) : what_(std::move(what)) {
    what_ += " (" + path.string() + ")";
    const int opened = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    try {
        if (opened != SQLITE_OK)
            fail(opened, "cannot open");
        sqlite3_busy_timeout(db_, 5000);
        exec("PRAGMA user_version"); // reads the file: a file that is not a database fails here
    } catch (...) {
        sqlite3_close_v2(db_);
        throw;
    }
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::fail(int code, std::string_view doing) const {
    const char* message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    throw Error(errc::io, what_ + ": " + std::string(doing) + ": " + (message ? message : sqlite3_errstr(code)));
}

void SqliteDb::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw Error(errc::io, what_ + ": " + text);
    }
}

SqliteStatement::SqliteStatement(SqliteDb& db, const char* sql) : db_(db) {
    const int rc = sqlite3_prepare_v2(db.db_, sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK)
        db.fail(rc, "cannot prepare a statement");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        db_.fail(rc, "cannot bind a value");
}

void SqliteStatement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK)
        db_.fail(rc, "cannot bind a value");
}

void SqliteStatement::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK)
        db_.fail(rc, "cannot bind a value");
}

bool SqliteStatement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    db_.fail(rc, "statement failed");
}

void SqliteStatement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

std::int64_t SqliteStatement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

bool SqliteStatement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

} // namespace braid::retrieval::detail
