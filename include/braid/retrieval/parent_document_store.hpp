/// @file
/// @brief DocumentStore: a key → Document store (LangChain's docstore / BaseStore[str, Document]) where the
/// parent document retriever keeps whole documents; an in-memory one and a SQLite one.
///
/// @code
/// auto docs = std::make_shared<braid::retrieval::SQLiteDocumentStore>("parents.db");
/// docs->set({{"p1", Document{"whole text", {}, "p1"}}});
/// auto found = docs->get({"p1", "nope"});    // [Document, nullopt]
/// @endcode
/// Threads: both stores are safe to use from many threads at once.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "braid/retrieval/document.hpp"

namespace braid::retrieval {

namespace detail {
class SqliteDb;
} // namespace detail

/// A key → Document store.
class DocumentStore {
public:
    virtual ~DocumentStore() = default;
    /// Stores each document under its key (replacing what was there).
    virtual void set(std::span<const std::pair<std::string, Document>> entries) = 0;
    /// The document of each key, nullopt where absent.
    virtual std::vector<std::optional<Document>> get(std::span<const std::string> keys) const = 0;
    /// Deletes these keys (absent ones are ignored).
    virtual void remove(std::span<const std::string> keys) = 0;
    /// Every key, sorted.
    virtual std::vector<std::string> keys() const = 0;
};

/// A DocumentStore in memory (LangChain's InMemoryStore).
class InMemoryDocumentStore final : public DocumentStore {
public:
    void set(std::span<const std::pair<std::string, Document>> entries) override;                 ///< See DocumentStore.
    std::vector<std::optional<Document>> get(std::span<const std::string> keys) const override;  ///< See DocumentStore.
    void remove(std::span<const std::string> keys) override;                                      ///< See DocumentStore.
    std::vector<std::string> keys() const override;                                               ///< See DocumentStore.

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, Document> documents_;
};

/// A DocumentStore in a SQLite file (table `braid_documents(key, body)`, body the document's JSON), so
/// parents survive a restart.
class SQLiteDocumentStore final : public DocumentStore {
public:
    /// Opens or creates @p path (":memory:" for a private in-memory database).
    /// @throws Error(errc::io) when it cannot be opened or is not a database.
    explicit SQLiteDocumentStore(const std::filesystem::path& path);
    ~SQLiteDocumentStore() override;
    /// See DocumentStore.
    void set(std::span<const std::pair<std::string, Document>> entries) override;
    /// See DocumentStore. @throws Error(errc::parse) naming the key of a stored body that is not a document.
    std::vector<std::optional<Document>> get(std::span<const std::string> keys) const override;
    /// See DocumentStore.
    void remove(std::span<const std::string> keys) override;
    /// See DocumentStore.
    std::vector<std::string> keys() const override;

private:
    std::unique_ptr<detail::SqliteDb> db_;
};

} // namespace braid::retrieval
