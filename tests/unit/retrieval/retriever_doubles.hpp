// Test doubles for the retriever tests: a scripted retriever (query → fixed documents), table
// embeddings (text → given vector) and an in-memory brute-force VectorStore (TestVectorStore, cosine).
// They are test doubles, not products: the real stores are in src/retrieval/vectors.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "braid/error.hpp"
#include "braid/models/embeddings.hpp"
#include "braid/retrieval/retriever.hpp"
#include "braid/retrieval/vector_store.hpp"

namespace retrieval_doubles {

using braid::retrieval::Document;
using braid::retrieval::Documents;

/// Returns the documents scripted for each query (none for others) and records the queries.
class ScriptedRetriever final : public braid::retrieval::RetrieverImpl {
public:
    explicit ScriptedRetriever(std::map<std::string, Documents> answers) : answers_(std::move(answers)) {}
    Documents invoke(const std::string& query, const braid::RunContext&) const override {
        const auto found = answers_.find(query);
        return found == answers_.end() ? Documents{} : found->second;
    }
    std::string name() const override { return "ScriptedRetriever"; }

private:
    std::map<std::string, Documents> answers_;
};

inline braid::retrieval::Retriever scripted(std::map<std::string, Documents> answers) {
    return braid::make_runnable<ScriptedRetriever>(std::move(answers));
}

/// Embeds each known text as the vector given for it; unknown texts fail.
class TableEmbeddings final : public braid::Embeddings {
public:
    explicit TableEmbeddings(std::map<std::string, std::vector<float>> table) : table_(std::move(table)) {}
    std::string name() const override { return "TableEmbeddings"; }
    std::size_t dimension() const override { return table_.begin()->second.size(); }
    std::vector<std::vector<float>> embed_documents(std::span<const std::string> texts,
                                                    const braid::RunControl& = braid::RunControl::none()) const override {
        std::vector<std::vector<float>> out;
        for (const std::string& text : texts) {
            const auto found = table_.find(text);
            if (found == table_.end())
                throw braid::Error(braid::errc::not_found, "TableEmbeddings: no vector for '" + text + "'");
            out.push_back(found->second);
        }
        return out;
    }

private:
    std::map<std::string, std::vector<float>> table_;
};

/// A brute-force cosine VectorStore kept in a std::map (ids in order): a test double for the interface.
class TestVectorStore final : public braid::retrieval::VectorStore {
public:
    explicit TestVectorStore(std::shared_ptr<const braid::Embeddings> embeddings, std::size_t dimension)
        : VectorStore(std::move(embeddings)), dimension_(dimension) {}
    std::vector<std::string> add(std::span<const Document> documents,
                                 std::span<const std::vector<float>> vectors) override {
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < documents.size(); ++i) {
            Document d = documents[i];
            if (d.id.empty())
                d.id = "auto-" + std::to_string(next_++);
            ids.push_back(d.id);
            rows_[d.id] = {d, normalized(vectors[i])};
        }
        return ids;
    }
    std::size_t remove(std::span<const std::string> ids) override {
        std::size_t n = 0;
        for (const auto& id : ids)
            n += rows_.erase(id);
        return n;
    }
    Documents get(std::span<const std::string> ids) const override {
        Documents out;
        for (const auto& id : ids)
            if (const auto found = rows_.find(id); found != rows_.end())
                out.push_back(found->second.first);
        return out;
    }
    std::size_t size() const override { return rows_.size(); }
    std::size_t dimension() const override { return dimension_; }
    braid::retrieval::Metric metric() const override { return braid::retrieval::Metric::cosine; }
    std::vector<braid::retrieval::ScoredDocument> similarity_search_by_vector(
        std::span<const float> query, const braid::retrieval::SearchOptions& options = {}) const override {
        const std::vector<float> q = normalized(std::vector<float>(query.begin(), query.end()));
        std::vector<braid::retrieval::ScoredDocument> all;
        for (const auto& [id, row] : rows_) {
            if (!options.filter.matches(row.first.metadata))
                continue;
            float dot = 0;
            for (std::size_t i = 0; i < q.size(); ++i)
                dot += q[i] * row.second[i];
            braid::retrieval::ScoredDocument s{row.first, dot,
                                               braid::retrieval::relevance_score(braid::retrieval::Metric::cosine, dot), {}};
            if (options.with_vectors)
                s.vector = row.second;
            if (!options.score_threshold || s.relevance_score >= *options.score_threshold)
                all.push_back(std::move(s));
        }
        std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
        if (all.size() > options.k)
            all.resize(options.k);
        return all;
    }
    void save(const std::filesystem::path&) const override {
        throw braid::Error(braid::errc::unsupported, "TestVectorStore: save");
    }

private:
    static std::vector<float> normalized(std::vector<float> v) {
        float n = 0;
        for (float x : v)
            n += x * x;
        if (n > 0)
            for (float& x : v)
                x /= std::sqrt(n);
        return v;
    }
    std::size_t dimension_;
    std::size_t next_ = 0;
    std::map<std::string, std::pair<Document, std::vector<float>>> rows_;
};

} // namespace retrieval_doubles
