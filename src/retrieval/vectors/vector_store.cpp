// VectorStore: the members shared by every store (text searches, MMR, batches) and the metric helpers.
#include "braid/retrieval/vector_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "braid/error.hpp"

namespace braid::retrieval {

std::string_view to_string(Metric metric) noexcept {
    switch (metric) {
    case Metric::cosine: return "cosine";
    case Metric::inner_product: return "ip";
    case Metric::l2: return "l2";
    }
    return "unknown";
}

Metric metric_from_string(std::string_view text) {
    if (text == "cosine" || text == "cos") return Metric::cosine;
    if (text == "ip" || text == "inner_product" || text == "dot") return Metric::inner_product;
    if (text == "l2" || text == "euclidean") return Metric::l2;
    throw Error(errc::invalid_argument,
                "unknown vector metric '" + std::string(text) + "' (expected cosine, ip or l2)");
}

float relevance_score(Metric metric, float score) noexcept {
    float r = 0;
    if (metric == Metric::l2) r = 1.0F - std::sqrt(std::max(score, 0.0F)) / std::sqrt(2.0F);
    else r = (1.0F + score) / 2.0F;
    if (!(r >= 0.0F)) return 0.0F; // also NaN
    return std::min(r, 1.0F);
}

bool better_score(Metric metric, float a, float b) noexcept { return metric == Metric::l2 ? a < b : a > b; }

namespace {

double cosine(std::span<const float> a, std::span<const float> b) {
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    if (na == 0 || nb == 0) return 0; // LangChain maps the NaN of a zero vector to 0
    return dot / (std::sqrt(na) * std::sqrt(nb));
}

} // namespace

std::vector<std::size_t> maximal_marginal_relevance(std::span<const float> query,
                                                    std::span<const std::vector<float>> candidates, std::size_t k,
                                                    float lambda_mult) {
    if (!(lambda_mult >= 0.0F && lambda_mult <= 1.0F))
        throw Error(errc::invalid_argument, "MMR: lambda_mult must be in [0, 1], got " + std::to_string(lambda_mult));
    for (std::size_t i = 0; i < candidates.size(); ++i)
        if (candidates[i].size() != query.size())
            throw Error(errc::invalid_argument, "MMR: candidate " + std::to_string(i) + " has " +
                                                    std::to_string(candidates[i].size()) + " values, the query " +
                                                    std::to_string(query.size()));
    const std::size_t n = std::min(k, candidates.size());
    std::vector<std::size_t> picked;
    if (n == 0) return picked;
    std::vector<double> to_query(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) to_query[i] = cosine(query, candidates[i]);
    picked.push_back(static_cast<std::size_t>(std::max_element(to_query.begin(), to_query.end()) - to_query.begin()));
    // max_to_picked[i]: the largest cosine of candidate i to any picked one, updated as each is picked.
    std::vector<double> max_to_picked(candidates.size(), -std::numeric_limits<double>::infinity());
    std::vector<bool> taken(candidates.size(), false);
    taken[picked[0]] = true;
    while (picked.size() < n) {
        const auto& last = candidates[picked.back()];
        double best = -std::numeric_limits<double>::infinity();
        std::size_t best_i = candidates.size();
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            max_to_picked[i] = std::max(max_to_picked[i], cosine(candidates[i], last));
            if (taken[i]) continue;
            const double score = lambda_mult * to_query[i] - (1.0 - lambda_mult) * max_to_picked[i];
            if (score > best || best_i == candidates.size()) {
                best = score;
                best_i = i;
            }
        }
        taken[best_i] = true;
        picked.push_back(best_i);
    }
    return picked;
}

const Embeddings& VectorStore::require_embeddings(std::string_view what) const {
    if (!embeddings_)
        throw Error(errc::invalid_argument,
                    std::string(what) + " needs an embeddings model, and this vector store was created without one");
    return *embeddings_;
}

std::vector<std::string> VectorStore::add_documents(std::span<const Document> documents, const RunControl& control) {
    const Embeddings& model = require_embeddings("add_documents");
    std::vector<std::string> texts;
    texts.reserve(documents.size());
    for (const auto& doc : documents) texts.push_back(doc.page_content);
    const auto vectors = model.embed_documents(texts, control);
    if (vectors.size() != documents.size())
        throw Error(errc::internal, "add_documents: the embeddings model '" + model.name() + "' returned " +
                                        std::to_string(vectors.size()) + " vectors for " +
                                        std::to_string(documents.size()) + " texts");
    return add(documents, vectors);
}

std::vector<std::vector<ScoredDocument>> VectorStore::search_batch(std::span<const std::vector<float>> queries,
                                                                   const SearchOptions& options) const {
    std::vector<std::vector<ScoredDocument>> out;
    out.reserve(queries.size());
    for (const auto& q : queries) out.push_back(similarity_search_by_vector(q, options));
    return out;
}

std::vector<ScoredDocument> VectorStore::similarity_search(std::string_view text, const SearchOptions& options) const {
    const auto query = require_embeddings("similarity_search").embed_query(text);
    return similarity_search_by_vector(query, options);
}

std::vector<ScoredDocument> VectorStore::max_marginal_relevance_search_by_vector(std::span<const float> query,
                                                                                 const MmrOptions& options) const {
    if (!(options.lambda_mult >= 0.0F && options.lambda_mult <= 1.0F))
        throw Error(errc::invalid_argument,
                    "MMR: lambda_mult must be in [0, 1], got " + std::to_string(options.lambda_mult));
    SearchOptions search;
    search.k = std::max(options.fetch_k, options.k);
    search.filter = options.filter;
    search.with_vectors = true;
    auto candidates = similarity_search_by_vector(query, search);
    std::vector<std::vector<float>> vectors;
    vectors.reserve(candidates.size());
    for (auto& c : candidates) vectors.push_back(c.vector);
    const auto order = maximal_marginal_relevance(query, vectors, options.k, options.lambda_mult);
    std::vector<ScoredDocument> out;
    out.reserve(order.size());
    for (const std::size_t i : order) out.push_back(std::move(candidates[i]));
    return out;
}

std::vector<ScoredDocument> VectorStore::max_marginal_relevance_search(std::string_view text,
                                                                       const MmrOptions& options) const {
    const auto query = require_embeddings("max_marginal_relevance_search").embed_query(text);
    return max_marginal_relevance_search_by_vector(query, options);
}

} // namespace braid::retrieval
