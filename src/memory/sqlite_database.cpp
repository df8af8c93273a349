#include "braid/memory/sqlite_database.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include "memory/sqlite_connection.hpp"

namespace braid::memory {

namespace detail {

namespace {

/// Schema version 1: one table of messages, found by (session_id, idx). created_at is milliseconds since
/// the Unix epoch (UTC), for people and tools that look at the file; braid orders by idx only.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE IF NOT EXISTS messages (
    id         INTEGER PRIMARY KEY,
    session_id TEXT    NOT NULL,
    idx        INTEGER NOT NULL,
    role       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_session ON messages (session_id, idx);
PRAGMA user_version = 1;
)sql";

/// Schema version 2: the state of the memories that persist beside a session's messages — a
/// SummaryMemory's running summary (one row per session) and an EntityMemory's facts (one row per entity
/// of a session). updated_at is milliseconds since the Unix epoch (UTC).
constexpr const char* schema_v2 = R"sql(
CREATE TABLE IF NOT EXISTS summaries (
    session_id TEXT    PRIMARY KEY,
    summary    TEXT    NOT NULL,
    covered    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    session_id TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    facts      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, name)
);
PRAGMA user_version = 2;
)sql";

/// How long to wait before asking again for WAL mode: a creating process needs a few milliseconds.
constexpr std::chrono::milliseconds wal_retry_interval{5};

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

} // namespace

SqliteConnection::SqliteConnection(const std::filesystem::path& path, const SqliteOptions& options) : path_(path) {
    const int opened = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    try {
        if (opened != SQLITE_OK)
            fail(opened, "cannot open");
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
        // The first statement reads the file: a file that is not a database fails here.
        switch_to_wal(options.busy_timeout);
        // FULL: a commit is on disk (WAL fsync'ed) when add_messages returns, at some cost per turn.
        exec("PRAGMA synchronous = FULL", "cannot set synchronous mode");
        migrate();
    } catch (...) {
        sqlite3_close_v2(db_);
        throw;
    }
}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }

void SqliteConnection::switch_to_wal(std::chrono::milliseconds busy_timeout) {
    // Changing the journal mode fails with SQLITE_BUSY at once, without the busy handler, while another
    // process creates or converts the same file: wait for it here, as the busy timeout promises.
    const auto give_up = std::chrono::steady_clock::now() + busy_timeout;
    for (;;) {
        const int rc = sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK)
            return;
        if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= give_up)
            fail(rc, "cannot switch to WAL mode");
        std::this_thread::sleep_for(wal_retry_interval);
    }
}

void SqliteConnection::exec(const char* sql, std::string_view what) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    sqlite3_free(message); // sqlite3_errmsg() still holds the text for fail()
    if (rc != SQLITE_OK)
        fail(rc, what);
}

void SqliteConnection::fail(int code, std::string_view what) const {
    const int primary = code & 0xff;
    std::string text = "SQLite chat history database " + quoted(path_) + ": " + std::string(what) + ": ";
    if (primary == SQLITE_NOTADB) {
        text += "the file is not an SQLite database";
    } else {
        text += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
        if (primary == SQLITE_BUSY)
            text += " (another connection held the database longer than the busy timeout)";
    }
    throw Error(errc::io, text);
}

void SqliteConnection::migrate() {
    const auto read_version = [this] {
        Statement version(*this, "PRAGMA user_version", "cannot read the schema version");
        version.step();
        return version.column_int(0);
    };
    const auto refuse_newer = [this](std::int64_t version) {
        if (version > SqliteDatabase::schema_version)
            throw Error(errc::unsupported, "SQLite chat history database " + quoted(path_) + ": schema version " +
                                               std::to_string(version) + " is newer than this braid supports (" +
                                               std::to_string(SqliteDatabase::schema_version) +
                                               "); open it with a newer braid");
    };
    std::int64_t version = read_version();
    refuse_newer(version);
    if (version == SqliteDatabase::schema_version)
        return;
    // Several processes may open a new file at once: read the version again inside the write
    // transaction, where only one of them is.
    Transaction migration(*this, "cannot migrate the schema");
    version = read_version();
    refuse_newer(version);
    // One step per version, each bringing the file from the version before it.
    if (version < 1)
        exec(schema_v1, "cannot create schema version 1");
    if (version < 2)
        exec(schema_v2, "cannot migrate to schema version 2");
    migration.commit();
}

Statement::Statement(SqliteConnection& connection, const char* sql, std::string_view what)
    : connection_(connection), what_(what) {
    const int rc = sqlite3_prepare_v2(connection.handle(), sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK)
        connection_.fail(rc, what_);
}

void Statement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        connection_.fail(rc, what_);
}

void Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK)
        connection_.fail(rc, what_);
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    connection_.fail(rc, what_);
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::column_text(int index) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    const int size = sqlite3_column_bytes(stmt_, index);
    return text == nullptr ? std::string_view() : std::string_view(text, static_cast<std::size_t>(size));
}

Transaction::Transaction(SqliteConnection& connection, std::string_view what) : connection_(connection), what_(what) {
    // IMMEDIATE takes the write lock now (waiting out other writers with the busy timeout) rather than
    // on the first write, where SQLite could only fail with SQLITE_BUSY.
    connection_.exec("BEGIN IMMEDIATE", what_);
}

Transaction::~Transaction() {
    if (open_)
        sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    connection_.exec("COMMIT", what_);
    open_ = false;
}

} // namespace detail

SqliteDatabase::SqliteDatabase(std::shared_ptr<detail::SqliteConnection> connection)
    : connection_(std::move(connection)) {}

SqliteDatabase SqliteDatabase::open(const std::filesystem::path& path, const SqliteOptions& options) {
    return SqliteDatabase(std::make_shared<detail::SqliteConnection>(path, options));
}

const std::filesystem::path& SqliteDatabase::path() const noexcept { return connection_->path(); }

} // namespace braid::memory
