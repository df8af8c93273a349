/// @file
/// @brief braid::memory::SqliteSummaryStore: a SummaryMemory's state (running summary and the count of
/// messages it covers) for one session of an SqliteDatabase — the same file as the session's messages.
///
/// @code
/// auto db = braid::memory::SqliteDatabase::open("saves/world.db");
/// auto history = std::make_shared<braid::memory::SqliteChatHistory>(db, "npc:smith");
/// auto store = std::make_shared<braid::memory::SqliteSummaryStore>(db, "npc:smith");
/// braid::memory::SummaryMemory memory(model, history, store);   // the summary survives a restart
/// @endcode
/// Rules: save() writes summary and count in one statement (both or neither); load() of a session never
/// saved is an empty summary covering 0 messages; thread- and process-safe like SqliteChatHistory.
#pragma once

#include <string>

#include "braid/memory/sqlite_database.hpp"
#include "braid/memory/summary_store.hpp"

namespace braid::memory {

/// The SummaryStore of session @p session_id in an SqliteDatabase (table `summaries`, schema version 2).
class SqliteSummaryStore final : public SummaryStore {
public:
    /// The summary state of @p session_id in @p database (keeps the database open).
    /// @throws Error(errc::invalid_argument) if @p session_id is empty.
    SqliteSummaryStore(SqliteDatabase database, std::string session_id);

    /// The session whose summary this store keeps.
    const std::string& session_id() const noexcept { return session_id_; }

    /// The state last saved for the session, or an empty one.
    /// @throws Error(errc::io) naming the file and session if the database cannot be read;
    ///         Error(errc::parse) if the stored count is negative.
    SummaryState load() const override;
    /// Replaces the session's state (one statement: summary and count together).
    /// @throws Error(errc::io) naming the file and session if it cannot be written (the old state stays).
    void save(const SummaryState& state) override;

private:
    SqliteDatabase database_;
    std::string session_id_;
};

} // namespace braid::memory
