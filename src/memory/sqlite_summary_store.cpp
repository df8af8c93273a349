#include "braid/memory/sqlite_summary_store.hpp"

#include <chrono>
#include <utility>

#include "braid/error.hpp"
#include "memory/sqlite_connection.hpp"

namespace braid::memory {

namespace {

std::string where(const SqliteDatabase& database, const std::string& session_id) {
    return "the summary of session '" + session_id + "' in '" + database.path().string() + "'";
}

} // namespace

SqliteSummaryStore::SqliteSummaryStore(SqliteDatabase database, std::string session_id)
    : database_(std::move(database)), session_id_(std::move(session_id)) {
    if (session_id_.empty())
        throw Error(errc::invalid_argument, "SqliteSummaryStore: the session id is empty (database '" +
                                                database_.path().string() + "')");
}

SummaryState SqliteSummaryStore::load() const {
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Statement select(connection, "SELECT summary, covered FROM summaries WHERE session_id = ?1",
                             "cannot read " + where(database_, session_id_));
    select.bind(1, session_id_);
    SummaryState state;
    if (select.step()) {
        const std::int64_t covered = select.column_int(1);
        if (covered < 0)
            throw Error(errc::parse, where(database_, session_id_) + ": the stored message count " +
                                         std::to_string(covered) + " is negative");
        state.summary = std::string(select.column_text(0));
        state.covered = static_cast<std::size_t>(covered);
    }
    return state;
}

void SqliteSummaryStore::save(const SummaryState& state) {
    using namespace std::chrono;
    const std::int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    // One statement is one implicit transaction: summary and count change together.
    detail::Statement upsert(connection,
                             "INSERT INTO summaries (session_id, summary, covered, updated_at) VALUES (?1, ?2, ?3, ?4) "
                             "ON CONFLICT (session_id) DO UPDATE SET summary = excluded.summary, "
                             "covered = excluded.covered, updated_at = excluded.updated_at",
                             "cannot write " + where(database_, session_id_));
    upsert.bind(1, session_id_);
    upsert.bind(2, state.summary);
    upsert.bind(3, static_cast<std::int64_t>(state.covered));
    upsert.bind(4, now);
    upsert.step();
}

} // namespace braid::memory
