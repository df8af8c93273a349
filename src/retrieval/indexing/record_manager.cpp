// SQLiteRecordManager (see record_manager.hpp).
#include "braid/retrieval/record_manager.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>

#include "braid/error.hpp"
#include "retrieval/indexing/sqlite_db.hpp"

namespace braid::retrieval {

SQLiteRecordManager::SQLiteRecordManager(std::string name_space, const std::filesystem::path& path)
    : namespace_(std::move(name_space)) {
    if (namespace_.empty())
        throw Error(errc::invalid_argument, "SQLiteRecordManager: the namespace must not be empty");
    db_ = std::make_unique<detail::SqliteDb>(path, "SQLiteRecordManager");
    db_->exec(R"sql(
CREATE TABLE IF NOT EXISTS braid_records (
    namespace  TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    group_id   TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, key)
);
CREATE INDEX IF NOT EXISTS braid_records_by_time ON braid_records (namespace, updated_at);
CREATE INDEX IF NOT EXISTS braid_records_by_group ON braid_records (namespace, group_id, updated_at);
)sql");
}

SQLiteRecordManager::~SQLiteRecordManager() = default;

std::int64_t SQLiteRecordManager::get_time_locked() {
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    detail::SqliteStatement latest(*db_, "SELECT MAX(updated_at) FROM braid_records");
    std::int64_t stored = 0;
    if (latest.step() && !latest.is_null(0))
        stored = latest.integer(0);
    last_time_ = std::max({static_cast<std::int64_t>(now), stored + 1, last_time_ + 1});
    return last_time_;
}

std::int64_t SQLiteRecordManager::get_time() {
    std::lock_guard lock(db_->mutex());
    return get_time_locked();
}

void SQLiteRecordManager::update(std::span<const std::string> keys, std::span<const std::string> group_ids,
                                 std::optional<std::int64_t> time_at_least) {
    if (!group_ids.empty() && group_ids.size() != keys.size())
        throw Error(errc::invalid_argument, "SQLiteRecordManager::update: " + std::to_string(group_ids.size()) +
                                                " group ids for " + std::to_string(keys.size()) + " keys");
    std::lock_guard lock(db_->mutex());
    const std::int64_t now = get_time_locked();
    if (time_at_least && *time_at_least > now)
        throw Error(errc::invalid_argument, "SQLiteRecordManager::update: time_at_least (" +
                                                std::to_string(*time_at_least) + ") is later than the current time (" +
                                                std::to_string(now) + "): did the clock move backwards?");
    detail::SqliteTransaction transaction(*db_);
    detail::SqliteStatement put(*db_, "INSERT INTO braid_records (namespace, key, group_id, updated_at) "
                                      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (namespace, key) DO UPDATE SET "
                                      "group_id = COALESCE(excluded.group_id, group_id), updated_at = excluded.updated_at");
    for (std::size_t i = 0; i < keys.size(); ++i) {
        put.bind(1, namespace_);
        put.bind(2, keys[i]);
        if (group_ids.empty() || group_ids[i].empty())
            put.bind_null(3);
        else
            put.bind(3, group_ids[i]);
        put.bind(4, now);
        put.run();
        put.reset();
    }
    transaction.commit();
}

std::vector<bool> SQLiteRecordManager::exists(std::span<const std::string> keys) const {
    std::lock_guard lock(db_->mutex());
    detail::SqliteStatement find(*db_, "SELECT 1 FROM braid_records WHERE namespace = ?1 AND key = ?2");
    std::vector<bool> out;
    out.reserve(keys.size());
    for (const std::string& key : keys) {
        find.bind(1, namespace_);
        find.bind(2, key);
        out.push_back(find.step());
        find.reset();
    }
    return out;
}

std::vector<std::string> SQLiteRecordManager::list_keys(const ListKeysQuery& query) const {
    std::string sql = "SELECT key FROM braid_records WHERE namespace = ?1";
    if (query.before)
        sql += " AND updated_at < ?2";
    if (query.after)
        sql += " AND updated_at > ?3";
    if (query.group_ids) {
        sql += " AND group_id IN (";
        for (std::size_t i = 0; i < query.group_ids->size(); ++i)
            sql += (i ? ", ?" : "?") + std::to_string(5 + i);
        sql += ")";
    }
    sql += " ORDER BY updated_at, key";
    if (query.limit)
        sql += " LIMIT ?4";
    if (query.group_ids && query.group_ids->empty())
        return {};
    std::lock_guard lock(db_->mutex());
    detail::SqliteStatement list(*db_, sql.c_str());
    list.bind(1, namespace_);
    if (query.before)
        list.bind(2, *query.before);
    if (query.after)
        list.bind(3, *query.after);
    if (query.limit)
        list.bind(4, static_cast<std::int64_t>(*query.limit));
    if (query.group_ids)
        for (std::size_t i = 0; i < query.group_ids->size(); ++i)
            list.bind(static_cast<int>(5 + i), (*query.group_ids)[i]);
    std::vector<std::string> out;
    while (list.step())
        out.push_back(list.text(0));
    return out;
}

void SQLiteRecordManager::delete_keys(std::span<const std::string> keys) {
    std::lock_guard lock(db_->mutex());
    detail::SqliteTransaction transaction(*db_);
    detail::SqliteStatement erase(*db_, "DELETE FROM braid_records WHERE namespace = ?1 AND key = ?2");
    for (const std::string& key : keys) {
        erase.bind(1, namespace_);
        erase.bind(2, key);
        erase.run();
        erase.reset();
    }
    transaction.commit();
}

} // namespace braid::retrieval
