// Weighted reciprocal rank fusion (see ensemble.hpp).
#include "braid/retrieval/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "braid/error.hpp"

namespace braid::retrieval {
namespace {

std::string key_of(const Document& document, const std::string& id_key) {
    if (id_key.empty())
        return document.id.empty() ? "c:" + document.page_content : "i:" + document.id;
    if (document.metadata.is_object()) {
        const auto found = document.metadata.find(id_key);
        if (found != document.metadata.end())
            return "m:" + (found->is_string() ? found->get<std::string>() : found->dump());
    }
    return "c:" + document.page_content;
}

void check_options(const EnsembleOptions& options, std::size_t count, const char* who) {
    if (!options.weights.empty() && options.weights.size() != count)
        throw Error(errc::invalid_argument, std::string(who) + ": " + std::to_string(options.weights.size()) +
                                                " weights for " + std::to_string(count) + " retrievers");
    for (std::size_t i = 0; i < options.weights.size(); ++i)
        if (!(options.weights[i] >= 0) || !std::isfinite(options.weights[i]))
            throw Error(errc::invalid_argument, std::string(who) + ": weight " + std::to_string(i) +
                                                    " must be a finite number >= 0");
    if (!(options.c >= 0) || !std::isfinite(options.c))
        throw Error(errc::invalid_argument, std::string(who) + ": c must be a finite number >= 0");
}

} // namespace

std::vector<std::pair<Document, double>> reciprocal_rank_fusion(const std::vector<Documents>& rankings,
                                                                const EnsembleOptions& options) {
    check_options(options, rankings.size(), "reciprocal_rank_fusion");
    std::vector<std::pair<Document, double>> fused;
    std::unordered_map<std::string, std::size_t> position;
    for (std::size_t list = 0; list < rankings.size(); ++list) {
        const double weight =
            options.weights.empty() ? 1.0 / static_cast<double>(rankings.size()) : options.weights[list];
        for (std::size_t rank = 0; rank < rankings[list].size(); ++rank) {
            const Document& document = rankings[list][rank];
            const double score = weight / (static_cast<double>(rank + 1) + options.c);
            const auto [at, fresh] = position.emplace(key_of(document, options.id_key), fused.size());
            if (fresh)
                fused.emplace_back(document, score);
            else
                fused[at->second].second += score;
        }
    }
    std::stable_sort(fused.begin(), fused.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (options.k != 0 && fused.size() > options.k)
        fused.resize(options.k);
    return fused;
}

namespace {

class EnsembleRetriever final : public RetrieverImpl {
public:
    EnsembleRetriever(std::vector<Retriever> retrievers, EnsembleOptions options)
        : retrievers_(std::move(retrievers)), options_(std::move(options)) {}
    Documents invoke(const std::string& query, const RunContext& ctx) const override {
        std::vector<Documents> rankings;
        rankings.reserve(retrievers_.size());
        for (const Retriever& retriever : retrievers_)
            rankings.push_back(ctx.invoke(retriever, query));
        Documents out;
        for (auto& [document, score] : reciprocal_rank_fusion(rankings, options_))
            out.push_back(std::move(document));
        return out;
    }
    std::string name() const override { return "EnsembleRetriever"; }

private:
    std::vector<Retriever> retrievers_;
    EnsembleOptions options_;
};

} // namespace

Retriever ensemble_retriever(std::vector<Retriever> retrievers, EnsembleOptions options) {
    if (retrievers.empty())
        throw Error(errc::invalid_argument, "ensemble_retriever: no retrievers given");
    check_options(options, retrievers.size(), "ensemble_retriever");
    return make_runnable<EnsembleRetriever>(std::move(retrievers), std::move(options));
}

} // namespace braid::retrieval
