#include "braid/memory/sqlite_entity_store.hpp"

#include <chrono>
#include <utility>

#include "braid/error.hpp"
#include "memory/sqlite_connection.hpp"

namespace braid::memory {

namespace {

std::string where(const SqliteDatabase& database, const std::string& session_id) {
    return "the entities of session '" + session_id + "' in '" + database.path().string() + "'";
}

} // namespace

SqliteEntityStore::SqliteEntityStore(SqliteDatabase database, std::string session_id)
    : database_(std::move(database)), session_id_(std::move(session_id)) {
    if (session_id_.empty())
        throw Error(errc::invalid_argument, "SqliteEntityStore: the session id is empty (database '" +
                                                database_.path().string() + "')");
}

std::optional<std::string> SqliteEntityStore::get(const std::string& name) const {
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Statement select(connection, "SELECT facts FROM entities WHERE session_id = ?1 AND name = ?2",
                             "cannot read " + where(database_, session_id_));
    select.bind(1, session_id_);
    select.bind(2, name);
    if (!select.step())
        return std::nullopt;
    return std::string(select.column_text(0));
}

void SqliteEntityStore::set(const std::string& name, const std::string& facts) {
    if (name.empty())
        throw Error(errc::invalid_argument, "SqliteEntityStore: the entity name is empty (" +
                                                where(database_, session_id_) + ")");
    using namespace std::chrono;
    const std::int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Statement upsert(connection,
                             "INSERT INTO entities (session_id, name, facts, updated_at) VALUES (?1, ?2, ?3, ?4) "
                             "ON CONFLICT (session_id, name) DO UPDATE SET facts = excluded.facts, "
                             "updated_at = excluded.updated_at",
                             "cannot write " + where(database_, session_id_));
    upsert.bind(1, session_id_);
    upsert.bind(2, name);
    upsert.bind(3, facts);
    upsert.bind(4, now);
    upsert.step();
}

void SqliteEntityStore::remove(const std::string& name) {
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Statement erase(connection, "DELETE FROM entities WHERE session_id = ?1 AND name = ?2",
                            "cannot write " + where(database_, session_id_));
    erase.bind(1, session_id_);
    erase.bind(2, name);
    erase.step();
}

std::vector<std::string> SqliteEntityStore::names() const {
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Statement select(connection, "SELECT name FROM entities WHERE session_id = ?1 ORDER BY name",
                             "cannot read " + where(database_, session_id_));
    select.bind(1, session_id_);
    std::vector<std::string> names;
    while (select.step())
        names.emplace_back(select.column_text(0));
    return names;
}

void SqliteEntityStore::clear() {
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Statement erase(connection, "DELETE FROM entities WHERE session_id = ?1",
                            "cannot write " + where(database_, session_id_));
    erase.bind(1, session_id_);
    erase.step();
}

} // namespace braid::memory
