// The memories' SQLite stores (schema version 2): summaries and entity facts per session, in the same
// file as the messages, surviving a reopen; a version-1 file is migrated with its messages intact.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <memory>
#include <string>

#include "braid/error.hpp"
#include "braid/memory/sqlite_chat_history.hpp"
#include "braid/memory/sqlite_database.hpp"
#include "braid/memory/sqlite_entity_store.hpp"
#include "braid/memory/sqlite_summary_store.hpp"
#include "history_test_util.hpp"

using braid::Message;
using braid::memory::SqliteChatHistory;
using braid::memory::SqliteDatabase;
using braid::memory::SqliteEntityStore;
using braid::memory::SqliteSummaryStore;
using braid::memory::SummaryState;

TEST_CASE("[sqlite stores] summaries and entities persist per session", "[unit]") {
    braid_test::TempPath file(".db");
    {
        auto db = SqliteDatabase::open(file.path());
        SqliteSummaryStore smith(db, "npc:smith"), guard(db, "npc:guard");
        CHECK(smith.load() == SummaryState{});
        smith.save({"The player ordered a sword.", 4});
        smith.save({"The player ordered a sword and paid.", 6});
        guard.save({"Nothing yet.", 0});
        SqliteEntityStore entities(db, "npc:smith");
        entities.set("Mira", "The daughter.");
        entities.set("Oakvale", "A village.");
        entities.set("Mira", "The daughter; owes a favour.");
        entities.remove("Oakvale");
        SqliteEntityStore other(db, "npc:guard");
        other.set("Bob", "A thief.");
    }
    auto db = SqliteDatabase::open(file.path());
    CHECK(SqliteSummaryStore(db, "npc:smith").load() == SummaryState{"The player ordered a sword and paid.", 6});
    CHECK(SqliteSummaryStore(db, "npc:guard").load() == SummaryState{"Nothing yet.", 0});
    SqliteEntityStore entities(db, "npc:smith");
    CHECK(entities.names() == std::vector<std::string>{"Mira"});
    CHECK(entities.get("Mira") == "The daughter; owes a favour.");
    CHECK_FALSE(entities.get("Bob").has_value());
    entities.clear();
    CHECK(entities.names().empty());
    CHECK(SqliteEntityStore(db, "npc:guard").names() == std::vector<std::string>{"Bob"});
    CHECK_THROWS_AS(entities.set("", "x"), braid::Error);
    CHECK_THROWS_AS(SqliteSummaryStore(db, ""), braid::Error);
    CHECK_THROWS_AS(SqliteEntityStore(db, ""), braid::Error);
}

TEST_CASE("[sqlite stores] a version-1 database is migrated with its messages", "[unit]") {
    braid_test::TempPath file(".db");
    {
        // What braid with schema version 1 wrote.
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(file.path().c_str(), &raw) == SQLITE_OK);
        const char* v1 = "CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, idx INTEGER NOT NULL,"
                         " role TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);"
                         "CREATE UNIQUE INDEX messages_by_session ON messages (session_id, idx);"
                         "INSERT INTO messages (session_id, idx, role, body, created_at) VALUES"
                         " ('s', 0, 'user', '{\"role\":\"user\",\"content\":\"hi\"}', 0);"
                         "PRAGMA user_version = 1;";
        REQUIRE(sqlite3_exec(raw, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    auto db = SqliteDatabase::open(file.path());
    CHECK(SqliteChatHistory(db, "s").messages() == std::vector<Message>{Message::user("hi")});
    SqliteSummaryStore store(db, "s");
    store.save({"greeting", 1});
    CHECK(store.load() == SummaryState{"greeting", 1});
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(file.path().c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* version = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &version, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(version) == SQLITE_ROW);
    CHECK(sqlite3_column_int(version, 0) == SqliteDatabase::schema_version);
    sqlite3_finalize(version);
    sqlite3_close(raw);
}
