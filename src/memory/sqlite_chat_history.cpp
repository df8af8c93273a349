#include "braid/memory/sqlite_chat_history.hpp"

#include <chrono>
#include <string>
#include <utility>

#include "braid/error.hpp"
#include "memory/sqlite_connection.hpp"

namespace braid::memory {

namespace {

std::string where(const SqliteDatabase& database, const std::string& session_id) {
    return "session '" + session_id + "' of '" + database.path().string() + "'";
}

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

SqliteChatHistory::SqliteChatHistory(SqliteDatabase database, std::string session_id)
    : database_(std::move(database)), session_id_(std::move(session_id)) {
    if (session_id_.empty())
        throw Error(errc::invalid_argument, "SqliteChatHistory: the session id is empty (database '" +
                                                database_.path().string() + "')");
}

std::vector<Message> SqliteChatHistory::messages() const {
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Statement select(connection, "SELECT idx, body FROM messages WHERE session_id = ?1 ORDER BY idx",
                             "cannot read " + where(database_, session_id_));
    select.bind(1, session_id_);
    std::vector<Message> messages;
    while (select.step()) {
        const std::string_view body = select.column_text(1);
        try {
            messages.push_back(Value::parse(body.begin(), body.end()).get<Message>());
        } catch (const std::exception& e) {
            throw Error(errc::parse, where(database_, session_id_) + ", message " +
                                         std::to_string(select.column_int(0)) + ": not a valid message (" +
                                         e.what() + ")");
        }
    }
    return messages;
}

void SqliteChatHistory::add_messages(std::span<const Message> turn) {
    if (turn.empty())
        return;
    std::vector<std::string> bodies;
    bodies.reserve(turn.size());
    for (const Message& message : turn)
        bodies.push_back(Value(message).dump());
    const std::string what = "cannot append to " + where(database_, session_id_);

    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Transaction transaction(connection, what);
    detail::Statement next(connection, "SELECT COALESCE(MAX(idx) + 1, 0) FROM messages WHERE session_id = ?1", what);
    next.bind(1, session_id_);
    next.step();
    std::int64_t index = next.column_int(0);
    detail::Statement insert(connection,
                             "INSERT INTO messages (session_id, idx, role, body, created_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)",
                             what);
    const std::int64_t created_at = now_ms();
    for (std::size_t i = 0; i < turn.size(); ++i) {
        insert.reset();
        insert.bind(1, session_id_);
        insert.bind(2, index++);
        insert.bind(3, turn[i].role);
        insert.bind(4, bodies[i]);
        insert.bind(5, created_at);
        insert.step();
    }
    transaction.commit();
}

void SqliteChatHistory::clear() {
    const std::string what = "cannot clear " + where(database_, session_id_);
    detail::SqliteConnection& connection = *database_.connection_;
    const auto lock = connection.lock();
    detail::Transaction transaction(connection, what);
    detail::Statement erase(connection, "DELETE FROM messages WHERE session_id = ?1", what);
    erase.bind(1, session_id_);
    erase.step();
    transaction.commit();
}

} // namespace braid::memory
