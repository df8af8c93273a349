// Helpers of the vector-store tests: random vectors and a brute-force reference search.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "braid/retrieval/vector_store.hpp"

namespace vector_test {

inline std::vector<std::vector<float>> random_vectors(std::size_t n, std::size_t d, std::uint64_t seed, bool unit = true) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> dist;
    std::vector<std::vector<float>> out(n, std::vector<float>(d));
    for (auto& v : out) {
        double s = 0;
        for (float& x : v) {
            x = dist(rng);
            s += double(x) * x;
        }
        if (unit)
            for (float& x : v) x = static_cast<float>(x / std::sqrt(s));
    }
    return out;
}

inline std::vector<braid::retrieval::Document> numbered_docs(std::size_t n) {
    std::vector<braid::retrieval::Document> docs(n);
    for (std::size_t i = 0; i < n; ++i) {
        docs[i].id = "d" + std::to_string(i);
        docs[i].page_content = "document " + std::to_string(i);
        docs[i].metadata = braid::Value{{"i", i}, {"parity", i % 2 == 0 ? "even" : "odd"}};
    }
    return docs;
}

/// Score of a against b under the metric, in double precision (cosine normalizes both).
inline double reference_score(braid::retrieval::Metric metric, const std::vector<float>& a, const std::vector<float>& b) {
    double dot = 0, na = 0, nb = 0, l2 = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
        l2 += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    }
    if (metric == braid::retrieval::Metric::l2) return l2;
    if (metric == braid::retrieval::Metric::cosine) return (na == 0 || nb == 0) ? 0 : dot / std::sqrt(na * nb);
    return dot;
}

/// Indices of the k best base vectors for the query, best first.
inline std::vector<std::size_t> brute_force(braid::retrieval::Metric metric, const std::vector<std::vector<float>>& base,
                                            const std::vector<float>& query, std::size_t k) {
    std::vector<double> s(base.size());
    for (std::size_t i = 0; i < base.size(); ++i) s[i] = reference_score(metric, query, base[i]);
    std::vector<std::size_t> idx(base.size());
    std::iota(idx.begin(), idx.end(), 0);
    const bool lower = metric == braid::retrieval::Metric::l2;
    k = std::min(k, idx.size());
    std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                      [&](std::size_t a, std::size_t b) { return lower ? s[a] < s[b] : s[a] > s[b]; });
    idx.resize(k);
    return idx;
}

inline std::vector<std::string> ids_of(const std::vector<braid::retrieval::ScoredDocument>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.document.id);
    return out;
}

inline std::vector<std::string> expected_ids(const std::vector<std::size_t>& idx) {
    std::vector<std::string> out;
    for (const auto i : idx) out.push_back("d" + std::to_string(i));
    return out;
}

/// Fraction of the expected ids found in the results.
inline double recall(const std::vector<std::string>& got, const std::vector<std::string>& expected) {
    std::size_t hit = 0;
    for (const auto& e : expected)
        if (std::find(got.begin(), got.end(), e) != got.end()) ++hit;
    return expected.empty() ? 1.0 : double(hit) / double(expected.size());
}

/// Search options without designated initializers (GCC 12 warns about the omitted members).
inline braid::retrieval::SearchOptions top(std::size_t k, braid::retrieval::MetadataFilter filter = {}) {
    braid::retrieval::SearchOptions o;
    o.k = k;
    o.filter = std::move(filter);
    return o;
}
inline braid::retrieval::MmrOptions mmr(std::size_t k, std::size_t fetch_k = 20, float lambda = 0.5F,
                                        braid::retrieval::MetadataFilter filter = {}) {
    braid::retrieval::MmrOptions o;
    o.k = k;
    o.fetch_k = fetch_k;
    o.lambda_mult = lambda;
    o.filter = std::move(filter);
    return o;
}

} // namespace vector_test
