/// @file
/// @brief RecordManager: what the indexing API remembers about documents already written to a vector
/// store — a key (the hash of a document's content and metadata), a group id (its source) and when it was
/// last seen — and SQLiteRecordManager, which keeps that in a SQLite file (LangChain's SQLRecordManager).
///
/// @code
/// braid::retrieval::SQLiteRecordManager records("vectors/docs", "records.db");
/// auto result = braid::retrieval::index(docs, records, store, {.cleanup = Cleanup::incremental,
///                                                              .source_id_key = "source"});
/// @endcode
/// Times are microseconds since the Unix epoch, and get_time() never returns the same value twice for one
/// database (it is at least one more than any stored time), so "updated before this run began" is exact
/// even when two runs fall within the same clock tick.
///
/// Threads: SQLiteRecordManager is safe to use from many threads at once (one connection, locked).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace braid::retrieval {

namespace detail {
class SqliteDb;
} // namespace detail

/// Which keys list_keys returns.
struct ListKeysQuery {
    std::optional<std::int64_t> before;      ///< Only keys updated strictly before this time.
    std::optional<std::int64_t> after;       ///< Only keys updated strictly after this time.
    std::optional<std::vector<std::string>> group_ids; ///< Only keys of these groups.
    std::optional<std::size_t> limit;        ///< At most this many.
};

/// The records of one namespace (typically one per vector store + collection).
class RecordManager {
public:
    virtual ~RecordManager() = default;
    /// The current time (µs since the epoch), strictly greater than every time stored and returned.
    virtual std::int64_t get_time() = 0;
    /// Inserts or refreshes @p keys with updated_at = get_time() and their group ids (@p group_ids empty,
    /// or one per key; "" means no group: a recorded key then keeps the group it had).
    /// @throws Error(errc::invalid_argument) for a group-id count that differs from the key count, or when
    ///         @p time_at_least is later than the current time (a clock moved backwards).
    virtual void update(std::span<const std::string> keys, std::span<const std::string> group_ids,
                        std::optional<std::int64_t> time_at_least = std::nullopt) = 0;
    /// Whether each key is recorded.
    virtual std::vector<bool> exists(std::span<const std::string> keys) const = 0;
    /// Keys matching @p query, oldest first.
    virtual std::vector<std::string> list_keys(const ListKeysQuery& query = {}) const = 0;
    /// Forgets @p keys (absent ones are ignored).
    virtual void delete_keys(std::span<const std::string> keys) = 0;
};

/// A RecordManager in a SQLite file: table `braid_records(namespace, key, group_id, updated_at)`.
class SQLiteRecordManager final : public RecordManager {
public:
    /// Opens or creates @p path (":memory:" for a private in-memory database) for @p name_space.
    /// @throws Error(errc::invalid_argument) for an empty namespace; Error(errc::io) when the file cannot
    ///         be opened or is not a database.
    SQLiteRecordManager(std::string name_space, const std::filesystem::path& path);
    ~SQLiteRecordManager() override;
    SQLiteRecordManager(const SQLiteRecordManager&) = delete;            ///< Not copyable.
    SQLiteRecordManager& operator=(const SQLiteRecordManager&) = delete; ///< Not copyable.

    std::int64_t get_time() override;                                                   ///< See RecordManager.
    void update(std::span<const std::string> keys, std::span<const std::string> group_ids,
                std::optional<std::int64_t> time_at_least = std::nullopt) override;     ///< See RecordManager.
    std::vector<bool> exists(std::span<const std::string> keys) const override;       ///< See RecordManager.
    std::vector<std::string> list_keys(const ListKeysQuery& query = {}) const override; ///< See RecordManager.
    void delete_keys(std::span<const std::string> keys) override;                      ///< See RecordManager.

    /// The namespace.
    const std::string& name_space() const noexcept { return namespace_; }

private:
    std::int64_t get_time_locked();

    std::string namespace_;
    std::unique_ptr<detail::SqliteDb> db_;
    std::int64_t last_time_ = 0;
};

} // namespace braid::retrieval
