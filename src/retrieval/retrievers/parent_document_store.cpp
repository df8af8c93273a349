// InMemoryDocumentStore and SQLiteDocumentStore (see parent_document_store.hpp).
#include "braid/retrieval/parent_document_store.hpp"

#include <mutex>

#include "braid/error.hpp"
#include "retrieval/indexing/sqlite_db.hpp"

namespace braid::retrieval {

void InMemoryDocumentStore::set(std::span<const std::pair<std::string, Document>> entries) {
    std::unique_lock lock(mutex_);
    for (const auto& [key, document] : entries)
        documents_.insert_or_assign(key, document);
}

std::vector<std::optional<Document>> InMemoryDocumentStore::get(std::span<const std::string> keys) const {
    std::shared_lock lock(mutex_);
    std::vector<std::optional<Document>> out;
    out.reserve(keys.size());
    for (const std::string& key : keys) {
        const auto found = documents_.find(key);
        out.push_back(found == documents_.end() ? std::nullopt : std::optional<Document>(found->second));
    }
    return out;
}

void InMemoryDocumentStore::remove(std::span<const std::string> keys) {
    std::unique_lock lock(mutex_);
    for (const std::string& key : keys)
        documents_.erase(key);
}

std::vector<std::string> InMemoryDocumentStore::keys() const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    for (const auto& entry : documents_)
        out.push_back(entry.first);
    return out;
}

SQLiteDocumentStore::SQLiteDocumentStore(const std::filesystem::path& path)
    : db_(std::make_unique<detail::SqliteDb>(path, "SQLiteDocumentStore")) {
    db_->exec("CREATE TABLE IF NOT EXISTS braid_documents (key TEXT PRIMARY KEY, body TEXT NOT NULL)");
}

SQLiteDocumentStore::~SQLiteDocumentStore() = default;

void SQLiteDocumentStore::set(std::span<const std::pair<std::string, Document>> entries) {
    std::lock_guard lock(db_->mutex());
    detail::SqliteTransaction transaction(*db_);
    detail::SqliteStatement put(*db_, "INSERT OR REPLACE INTO braid_documents (key, body) VALUES (?1, ?2)");
    for (const auto& [key, document] : entries) {
        put.bind(1, key);
        put.bind(2, Value(document).dump());
        put.run();
        put.reset();
    }
    transaction.commit();
}

std::vector<std::optional<Document>> SQLiteDocumentStore::get(std::span<const std::string> keys) const {
    std::lock_guard lock(db_->mutex());
    detail::SqliteStatement query(*db_, "SELECT body FROM braid_documents WHERE key = ?1");
    std::vector<std::optional<Document>> out;
    out.reserve(keys.size());
    for (const std::string& key : keys) {
        query.bind(1, key);
        if (query.step()) {
            try {
                out.emplace_back(Value::parse(query.text(0)).get<Document>());
            } catch (const std::exception& e) {
                throw Error(errc::parse, "SQLiteDocumentStore: the document stored under '" + key +
                                             "' is not a document: " + e.what());
            }
        } else {
            out.emplace_back(std::nullopt);
        }
        query.reset();
    }
    return out;
}

void SQLiteDocumentStore::remove(std::span<const std::string> keys) {
    std::lock_guard lock(db_->mutex());
    detail::SqliteTransaction transaction(*db_);
    detail::SqliteStatement erase(*db_, "DELETE FROM braid_documents WHERE key = ?1");
    for (const std::string& key : keys) {
        erase.bind(1, key);
        erase.run();
        erase.reset();
    }
    transaction.commit();
}

std::vector<std::string> SQLiteDocumentStore::keys() const {
    std::lock_guard lock(db_->mutex());
    detail::SqliteStatement all(*db_, "SELECT key FROM braid_documents ORDER BY key");
    std::vector<std::string> out;
    while (all.step())
        out.push_back(all.text(0));
    return out;
}

} // namespace braid::retrieval
