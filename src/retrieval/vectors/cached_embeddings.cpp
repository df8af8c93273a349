// CachedEmbeddings: vectors in SQLite keyed by (identity, kind, text hash), texts compared on hits.
#include "braid/retrieval/cached_embeddings.hpp"

#include <cstring>
#include <unordered_map>

#include "sqlite_util.hpp"

namespace braid::retrieval {

namespace {
std::string text_hash(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 15];
    return out;
}
} // namespace

CachedEmbeddings::CachedEmbeddings(std::shared_ptr<const Embeddings> inner, const std::filesystem::path& path, std::string identity)
    : inner_(std::move(inner)), identity_(std::move(identity)) {
    if (!inner_) throw Error(errc::invalid_argument, "CachedEmbeddings: the inner embeddings model is null");
    if (identity_.empty()) throw Error(errc::invalid_argument, "CachedEmbeddings: the model identity is empty");
    db_ = std::make_unique<detail::SqliteDb>(path, "CachedEmbeddings");
    db_->exec("CREATE TABLE IF NOT EXISTS braid_embedding_cache (identity TEXT NOT NULL, kind TEXT NOT NULL, hash TEXT NOT NULL, "
              "text TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (identity, kind, hash))");
}

CachedEmbeddings::~CachedEmbeddings() = default;

std::vector<std::vector<float>> CachedEmbeddings::lookup_or_embed(std::span<const std::string> texts, char kind,
                                                                  const RunControl& control) const {
    const std::size_t dim = inner_->dimension();
    const std::string kind_text(1, kind);
    std::vector<std::vector<float>> out(texts.size());
    std::vector<std::size_t> missing;
    {
        std::lock_guard lock(mutex_);
        detail::SqliteStmt st(*db_, "SELECT text, vector FROM braid_embedding_cache WHERE identity = ?1 AND kind = ?2 AND hash = ?3");
        for (std::size_t i = 0; i < texts.size(); ++i) {
            st.text(1, identity_);
            st.text(2, kind_text);
            st.text(3, text_hash(texts[i]));
            if (st.step() && st.column_text(0) == texts[i]) {
                const auto blob = st.column_blob(1);
                if (blob.size() == dim * sizeof(float)) {
                    out[i].resize(dim);
                    std::memcpy(out[i].data(), blob.data(), blob.size());
                }
            }
            st.reset();
            if (out[i].empty()) missing.push_back(i);
        }
    }
    hits_ += texts.size() - missing.size();
    if (missing.empty()) return out;
    // Identical texts within one call are embedded once.
    std::vector<std::string> unique;
    std::unordered_map<std::string_view, std::size_t> index;
    for (const std::size_t i : missing)
        if (index.emplace(texts[i], unique.size()).second) unique.push_back(texts[i]);
    misses_ += unique.size();
    std::vector<std::vector<float>> fresh;
    if (kind == 'q') fresh.push_back(inner_->embed_query(unique[0], control));
    else fresh = inner_->embed_documents(unique, control);
    if (fresh.size() != unique.size())
        throw Error(errc::internal, "CachedEmbeddings: the model '" + inner_->name() + "' returned " + std::to_string(fresh.size()) +
                                        " vectors for " + std::to_string(unique.size()) + " texts");
    for (const std::size_t i : missing) out[i] = fresh[index.at(texts[i])];
    std::lock_guard lock(mutex_);
    db_->exec("BEGIN IMMEDIATE");
    try {
        detail::SqliteStmt st(*db_, "INSERT OR REPLACE INTO braid_embedding_cache VALUES (?1, ?2, ?3, ?4, ?5)");
        for (std::size_t u = 0; u < unique.size(); ++u) {
            st.text(1, identity_);
            st.text(2, kind_text);
            st.text(3, text_hash(unique[u]));
            st.text(4, unique[u]);
            st.blob(5, fresh[u].data(), fresh[u].size() * sizeof(float));
            st.step();
            st.reset();
        }
        db_->exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db_->get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return out;
}

std::vector<std::vector<float>> CachedEmbeddings::embed_documents(std::span<const std::string> texts, const RunControl& control) const {
    return lookup_or_embed(texts, 'd', control);
}

std::vector<float> CachedEmbeddings::embed_query(std::string_view text, const RunControl& control) const {
    const std::string one[1] = {std::string(text)};
    return std::move(lookup_or_embed(one, 'q', control)[0]);
}

} // namespace braid::retrieval
