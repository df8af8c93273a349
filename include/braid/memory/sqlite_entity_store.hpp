/// @file
/// @brief braid::memory::SqliteEntityStore: the entity facts of one session of an SqliteDatabase (table
/// `entities`, schema version 2) — beside the session's messages and summary in the same file.
///
/// @code
/// auto db = braid::memory::SqliteDatabase::open("saves/world.db");
/// auto entities = std::make_shared<braid::memory::SqliteEntityStore>(db, "npc:smith");
/// @endcode
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "braid/memory/entity_store.hpp"
#include "braid/memory/sqlite_database.hpp"

namespace braid::memory {

/// The EntityStore of session @p session_id in an SqliteDatabase. Each call is one statement (atomic);
/// thread- and process-safe like SqliteChatHistory.
class SqliteEntityStore final : public EntityStore {
public:
    /// The entities of @p session_id in @p database (keeps the database open).
    /// @throws Error(errc::invalid_argument) if @p session_id is empty.
    SqliteEntityStore(SqliteDatabase database, std::string session_id);

    /// The session whose entities this store keeps.
    const std::string& session_id() const noexcept { return session_id_; }

    /// @copydoc EntityStore::get
    std::optional<std::string> get(const std::string& name) const override;
    /// @copydoc EntityStore::set
    void set(const std::string& name, const std::string& facts) override;
    /// @copydoc EntityStore::remove
    void remove(const std::string& name) override;
    /// @copydoc EntityStore::names
    std::vector<std::string> names() const override;
    /// Forgets every entity of this session (other sessions are untouched).
    void clear() override;

private:
    SqliteDatabase database_;
    std::string session_id_;
};

} // namespace braid::memory
