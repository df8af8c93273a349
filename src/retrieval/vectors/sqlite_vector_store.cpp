// SqliteVectorStore: rows in SQLite, searches on an ExactVectorStore loaded at open.
#include "braid/retrieval/sqlite_vector_store.hpp"

#include <cmath>
#include <cstring>
#include <optional>

#include "sqlite_util.hpp"
#include "store_common.hpp"

namespace braid::retrieval {

namespace {
constexpr std::string_view store_name = "SqliteVectorStore";
constexpr int schema_version = 1;
constexpr const char* model_key = "embedding_model";

std::string meta_value(detail::SqliteDb& db, const char* key) {
    detail::SqliteStmt st(db, "SELECT value FROM braid_meta WHERE key = ?1");
    st.text(1, key);
    if (!st.step()) throw Error(errc::parse, "SqliteVectorStore: the database has no '" + std::string(key) + "' in braid_meta");
    return st.column_text(0);
}

std::optional<std::string> optional_meta_value(detail::SqliteDb& db, const char* key) {
    detail::SqliteStmt st(db, "SELECT value FROM braid_meta WHERE key = ?1");
    st.text(1, key);
    if (!st.step()) return std::nullopt;
    return st.column_text(0);
}

void set_meta_value(detail::SqliteDb& db, const char* key, const std::string& value) {
    detail::SqliteStmt st(db, "INSERT OR REPLACE INTO braid_meta (key, value) VALUES (?1, ?2)");
    st.text(1, key);
    st.text(2, value);
    st.step();
}

// Compares the file's embedding model with the caller's; adopts the caller's when the file has none.
void check_model_identity(detail::SqliteDb& db, std::string& identity, const std::filesystem::path& path) {
    const auto recorded = optional_meta_value(db, model_key);
    if (identity.empty()) {
        identity = recorded.value_or("");
        return;
    }
    if (!recorded) {
        set_meta_value(db, model_key, identity);
        return;
    }
    if (*recorded != identity)
        throw Error(errc::invalid_argument, "SqliteVectorStore: '" + path.string() + "' was built with embedding model '" +
                                                *recorded + "', not '" + identity +
                                                "' (vectors of different models cannot be compared)");
}

std::size_t parse_size(const std::string& text, const char* what) {
    try {
        std::size_t used = 0;
        const unsigned long long v = std::stoull(text, &used);
        if (used == text.size()) return static_cast<std::size_t>(v);
    } catch (const std::exception&) {
    }
    throw Error(errc::parse, "SqliteVectorStore: braid_meta's " + std::string(what) + " is not a number: '" + text + "'");
}
} // namespace

SqliteVectorStore::SqliteVectorStore(SqliteVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings)
    : VectorStore(std::move(embeddings)), options_(std::move(options)) {
    db_ = std::make_unique<detail::SqliteDb>(options_.path, store_name);
    auto& db = *db_;
    bool exists = false;
    {
        detail::SqliteStmt st(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'braid_meta'");
        exists = st.step();
    }
    if (exists) {
        const std::size_t version = parse_size(meta_value(db, "schema_version"), "schema_version");
        if (version != schema_version)
            throw Error(errc::invalid_argument, "SqliteVectorStore: '" + options_.path.string() + "' has schema version " +
                                                    std::to_string(version) + "; this braid reads version " +
                                                    std::to_string(schema_version));
        const std::size_t dim = parse_size(meta_value(db, "dimension"), "dimension");
        const Metric metric = metric_from_string(meta_value(db, "metric"));
        if (options_.dimension == 0) options_.dimension = dim;
        if (options_.dimension != dim)
            throw Error(errc::invalid_argument, "SqliteVectorStore: '" + options_.path.string() + "' holds vectors of dimension " +
                                                    std::to_string(dim) + ", not " + std::to_string(options_.dimension));
        if (metric != options_.metric)
            throw Error(errc::invalid_argument, "SqliteVectorStore: '" + options_.path.string() + "' uses metric " +
                                                    std::string(to_string(metric)) + ", not " + std::string(to_string(options_.metric)));
        check_model_identity(db, options_.model_identity, options_.path);
    } else {
        if (options_.dimension == 0 && this->embeddings()) options_.dimension = this->embeddings()->dimension();
        if (options_.dimension == 0)
            throw Error(errc::invalid_argument, "SqliteVectorStore: a new database needs a dimension or an embeddings model");
        db.exec("BEGIN");
        db.exec("CREATE TABLE braid_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        db.exec("CREATE TABLE braid_vectors (id TEXT PRIMARY KEY, content TEXT NOT NULL, metadata TEXT NOT NULL, vector BLOB NOT NULL)");
        db.exec("INSERT INTO braid_meta VALUES ('schema_version', '" + std::to_string(schema_version) + "'), ('dimension', '" +
                std::to_string(options_.dimension) + "'), ('metric', '" + std::string(to_string(options_.metric)) + "')");
        if (!options_.model_identity.empty()) set_meta_value(db, model_key, options_.model_identity);
        db.exec("COMMIT");
    }
    ExactVectorStoreOptions exact;
    exact.dimension = options_.dimension;
    exact.metric = options_.metric;
    exact.threads = options_.threads;
    memory_ = std::make_unique<ExactVectorStore>(exact, this->embeddings()); // checks the model's dimension
    // Load every row.
    Documents docs;
    std::vector<std::vector<float>> vectors;
    detail::SqliteStmt st(db, "SELECT id, content, metadata, vector FROM braid_vectors ORDER BY rowid");
    while (st.step()) {
        Document d;
        d.id = st.column_text(0);
        d.page_content = st.column_text(1);
        const std::string where = "SqliteVectorStore: row '" + d.id + "' of '" + options_.path.string() + "'";
        try {
            d.metadata = Value::parse(st.column_text(2));
        } catch (const std::exception&) {
            throw Error(errc::parse, where + " has metadata that is not JSON");
        }
        if (!d.metadata.is_object()) throw Error(errc::parse, where + " has metadata that is not an object");
        const auto blob = st.column_blob(3);
        if (!st.column_is_blob(3) || blob.size() != options_.dimension * sizeof(float))
            throw Error(errc::parse, where + " has a vector of " + std::to_string(blob.size()) + " bytes, expected " +
                                         std::to_string(options_.dimension * sizeof(float)));
        std::vector<float> v(options_.dimension);
        std::memcpy(v.data(), blob.data(), blob.size());
        for (const float x : v)
            if (!std::isfinite(x)) throw Error(errc::parse, where + " has a non-finite vector value");
        docs.push_back(std::move(d));
        vectors.push_back(std::move(v));
    }
    memory_->add(docs, vectors);
}

SqliteVectorStore::~SqliteVectorStore() = default;

std::unique_ptr<SqliteVectorStore> SqliteVectorStore::load(const std::filesystem::path& path,
                                                           std::shared_ptr<const Embeddings> embeddings) {
    if (!std::filesystem::exists(path)) throw Error(errc::io, "SqliteVectorStore: '" + path.string() + "' does not exist");
    // Read the metric first: the options must match the file.
    Metric metric = Metric::cosine;
    {
        detail::SqliteDb db(path, store_name);
        detail::SqliteStmt st(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'braid_meta'");
        if (!st.step()) throw Error(errc::parse, "SqliteVectorStore: '" + path.string() + "' is not a braid vector database");
        metric = metric_from_string(meta_value(db, "metric"));
    }
    SqliteVectorStoreOptions options;
    options.path = path;
    options.metric = metric;
    return std::make_unique<SqliteVectorStore>(options, std::move(embeddings));
}

std::vector<std::string> SqliteVectorStore::add(std::span<const Document> documents,
                                                std::span<const std::vector<float>> vectors) {
    const auto ids = detail::check_add(documents, vectors, options_.dimension, store_name);
    std::lock_guard lock(write_mutex_);
    auto& db = *db_;
    db.exec("BEGIN IMMEDIATE");
    try {
        detail::SqliteStmt st(db, "INSERT OR REPLACE INTO braid_vectors (id, content, metadata, vector) VALUES (?1, ?2, ?3, ?4)");
        for (std::size_t i = 0; i < documents.size(); ++i) {
            st.text(1, ids[i]);
            st.text(2, documents[i].page_content);
            st.text(3, documents[i].metadata.dump());
            st.blob(4, vectors[i].data(), vectors[i].size() * sizeof(float));
            st.step();
            st.reset();
        }
        db.exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    std::vector<Document> with_ids(documents.begin(), documents.end());
    for (std::size_t i = 0; i < with_ids.size(); ++i) with_ids[i].id = ids[i];
    memory_->add(with_ids, vectors);
    return ids;
}

std::size_t SqliteVectorStore::remove(std::span<const std::string> ids) {
    std::lock_guard lock(write_mutex_);
    auto& db = *db_;
    db.exec("BEGIN IMMEDIATE");
    try {
        detail::SqliteStmt st(db, "DELETE FROM braid_vectors WHERE id = ?1");
        for (const auto& id : ids) {
            st.text(1, id);
            st.step();
            st.reset();
        }
        db.exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return memory_->remove(ids);
}

std::vector<std::string> SqliteVectorStore::ids() const {
    std::lock_guard lock(write_mutex_);
    std::vector<std::string> out;
    detail::SqliteStmt st(*db_, "SELECT id FROM braid_vectors ORDER BY rowid");
    while (st.step()) out.push_back(st.column_text(0));
    return out;
}

Documents SqliteVectorStore::get(std::span<const std::string> ids) const { return memory_->get(ids); }
std::size_t SqliteVectorStore::size() const { return memory_->size(); }
std::size_t SqliteVectorStore::dimension() const { return options_.dimension; }
Metric SqliteVectorStore::metric() const { return options_.metric; }

std::vector<ScoredDocument> SqliteVectorStore::similarity_search_by_vector(std::span<const float> query,
                                                                           const SearchOptions& options) const {
    return memory_->similarity_search_by_vector(query, options);
}

std::vector<std::vector<ScoredDocument>> SqliteVectorStore::search_batch(std::span<const std::vector<float>> queries,
                                                                         const SearchOptions& options) const {
    return memory_->search_batch(queries, options);
}

void SqliteVectorStore::save(const std::filesystem::path& path) const {
    std::lock_guard lock(write_mutex_);
    std::error_code ec;
    std::filesystem::remove(path, ec);
    detail::SqliteStmt st(*db_, "VACUUM INTO ?1");
    st.text(1, path.string());
    st.step();
}

} // namespace braid::retrieval
