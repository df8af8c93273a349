#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "braid/memory/sqlite_chat_history.hpp"
#include "history_test_util.hpp"
#include "../error_text.hpp"

using braid::Message;
using braid::memory::SqliteChatHistory;
using braid::memory::SqliteDatabase;
using braid_test::error_of;
using braid_test::TempPath;

TEST_CASE("[history] sqlite: round trip, sessions apart, clear, reopen", "[unit]") {
    const TempPath file(".db");
    const std::vector<Message> conversation = braid_test::every_kind_of_message();
    {
        const SqliteDatabase db = SqliteDatabase::open(file.path());
        CHECK(db.path() == file.path());
        SqliteChatHistory alice(db, "alice");
        SqliteChatHistory bob(db, "bob");
        CHECK(alice.session_id() == "alice");
        CHECK(alice.messages().empty());
        alice.add_messages(conversation);
        alice.add_messages({});
        bob.add_message(Message::user("only bob"));
        CHECK(alice.messages() == conversation);
        CHECK(bob.messages() == std::vector<Message>{Message::user("only bob")});
        CHECK(SqliteChatHistory(db, "carol").messages().empty());
    }
    // Reopened: the turns were committed, the schema is not created twice.
    const SqliteDatabase db = SqliteDatabase::open(file.path());
    SqliteChatHistory alice(db, "alice");
    SqliteChatHistory bob(db, "bob");
    CHECK(alice.messages() == conversation);
    bob.clear();
    CHECK(bob.messages().empty());
    CHECK(alice.messages() == conversation); // clear() is per session
    alice.add_message(Message::user("after"));
    CHECK(alice.messages().back() == Message::user("after"));
    CHECK(alice.messages().size() == conversation.size() + 1);
    CHECK_THAT(error_of([&] { SqliteChatHistory(db, ""); }),
               Catch::StartsWith("invalid_argument: SqliteChatHistory: the session id is empty"));
}

TEST_CASE("[history] sqlite: a newer schema version is refused, naming it", "[unit]") {
    const TempPath file(".db");
    SqliteDatabase::open(file.path()); // creates schema 1; closing checkpoints the WAL into the file
    {
        // PRAGMA user_version is the big-endian 32-bit number at offset 60 of the database header.
        std::fstream header(file.path(), std::ios::in | std::ios::out | std::ios::binary);
        header.seekp(60);
        const char version_7[4] = {0, 0, 0, 7};
        header.write(version_7, 4);
    }
    CHECK(error_of([&] { SqliteDatabase::open(file.path()); }) ==
          "unsupported: SQLite chat history database '" + file.path().string() +
              "': schema version 7 is newer than this braid supports (2); open it with a newer braid");
}

TEST_CASE("[history] sqlite: a file that is not a database is refused, naming it", "[unit]") {
    const TempPath file(".db");
    std::ofstream(file.path(), std::ios::binary) << std::string(4096, 'x');
    CHECK(error_of([&] { SqliteDatabase::open(file.path()); }) ==
          "io: SQLite chat history database '" + file.path().string() +
              "': cannot switch to WAL mode: the file is not an SQLite database");
    const TempPath folder("-folder");
    CHECK_THAT(error_of([&] { SqliteDatabase::open(folder.path() / "missing" / "x.db"); }),
               Catch::StartsWith("io: SQLite chat history database '" + (folder.path() / "missing" / "x.db").string() +
                                 "': cannot open"));
}

TEST_CASE("[history] sqlite: 8 threads append 50 turns each, nothing lost or interleaved", "[unit]") {
    const TempPath file(".db");
    SqliteChatHistory history(SqliteDatabase::open(file.path()), "shared");
    braid_test::append_from_threads(history, 8, 50);
    CHECK(braid_test::turn_problems(history.messages(), 8, 50) == "");
}

TEST_CASE("[history] sqlite: 4 processes append 40 turns each to one session, nothing lost or interleaved", "[unit]") {
    const TempPath file(".db");
    SqliteDatabase::open(file.path()); // the schema exists before the writers race (they would also cope)
    const auto open = [&]() -> std::unique_ptr<braid::memory::ChatHistory> {
        return std::make_unique<SqliteChatHistory>(SqliteDatabase::open(file.path()), "shared");
    };
    REQUIRE(braid_test::append_from_processes(open, 4, 40) == 0);
    CHECK(braid_test::turn_problems(SqliteChatHistory(SqliteDatabase::open(file.path()), "shared").messages(), 4, 40) ==
          "");
}

TEST_CASE("[history] sqlite: 2 processes of 16 threads append 10 turns each, nothing lost or interleaved", "[unit]") {
    const TempPath file(".db");
    const auto open = [&]() -> std::unique_ptr<braid::memory::ChatHistory> {
        return std::make_unique<SqliteChatHistory>(SqliteDatabase::open(file.path()), "shared");
    };
    REQUIRE(braid_test::append_from_processes(open, 2, 10, 16) == 0); // both processes create the schema
    CHECK(braid_test::turn_problems(SqliteChatHistory(SqliteDatabase::open(file.path()), "shared").messages(), 32, 10) ==
          "");
}

TEST_CASE("[history] sqlite: a writer killed mid-write leaves every committed turn whole", "[unit]") {
    const TempPath file(".db");
    const auto open = [&]() -> std::unique_ptr<braid::memory::ChatHistory> {
        return std::make_unique<SqliteChatHistory>(SqliteDatabase::open(file.path()), "shared");
    };
    REQUIRE(braid_test::kill_writer_midway(open, std::chrono::milliseconds(300)));
    const std::vector<Message> messages = open()->messages();
    REQUIRE(messages.size() >= 2);
    CHECK(braid_test::turn_problems(messages, 1, static_cast<int>(messages.size() / 2)) == "");
    open()->add_message(Message::user("after the crash")); // the database is usable again
}
