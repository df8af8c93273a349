// VectorStoreRetriever (see vector_store_retriever.hpp).
#include "braid/retrieval/vector_store_retriever.hpp"

#include <string>

#include "braid/error.hpp"

namespace braid::retrieval {

std::string_view to_string(SearchType type) noexcept {
    switch (type) {
    case SearchType::similarity: return "similarity";
    case SearchType::mmr: return "mmr";
    case SearchType::similarity_score_threshold: return "similarity_score_threshold";
    }
    return "similarity";
}

SearchType search_type_from_string(std::string_view text) {
    for (SearchType type : {SearchType::similarity, SearchType::mmr, SearchType::similarity_score_threshold})
        if (text == to_string(type))
            return type;
    throw Error(errc::invalid_argument, "unknown search type '" + std::string(text) +
                                            "' (expected similarity, mmr or similarity_score_threshold)");
}

namespace {

class VectorStoreRetriever final : public RetrieverImpl {
public:
    VectorStoreRetriever(std::shared_ptr<const VectorStore> store, VectorStoreRetrieverOptions options)
        : store_(std::move(store)), options_(std::move(options)) {}

    Documents invoke(const std::string& query, const RunContext& ctx) const override {
        ctx.check();
        const std::vector<float> vector = store_->embeddings()->embed_query(query, ctx.run_control());
        std::vector<ScoredDocument> hits;
        if (options_.search_type == SearchType::mmr) {
            MmrOptions mmr;
            mmr.k = options_.k;
            mmr.fetch_k = options_.fetch_k;
            mmr.lambda_mult = options_.lambda_mult;
            mmr.filter = options_.filter;
            hits = store_->max_marginal_relevance_search_by_vector(vector, mmr);
        } else {
            SearchOptions search;
            search.k = options_.k;
            search.filter = options_.filter;
            if (options_.search_type == SearchType::similarity_score_threshold)
                search.score_threshold = options_.score_threshold;
            hits = store_->similarity_search_by_vector(vector, search);
        }
        Documents out;
        out.reserve(hits.size());
        for (ScoredDocument& hit : hits)
            out.push_back(std::move(hit.document));
        return out;
    }
    std::string name() const override { return "VectorStoreRetriever"; }

private:
    std::shared_ptr<const VectorStore> store_;
    VectorStoreRetrieverOptions options_;
};

} // namespace

Retriever vector_store_retriever(std::shared_ptr<const VectorStore> store, VectorStoreRetrieverOptions options) {
    const std::string who = "vector_store_retriever: ";
    if (!store)
        throw Error(errc::invalid_argument, who + "the store is null");
    if (!store->embeddings())
        throw Error(errc::invalid_argument, who + "the store has no embeddings model to embed queries with");
    if (options.k == 0)
        throw Error(errc::invalid_argument, who + "k must be at least 1");
    if (options.search_type == SearchType::mmr) {
        if (options.fetch_k < options.k)
            throw Error(errc::invalid_argument, who + "fetch_k (" + std::to_string(options.fetch_k) +
                                                    ") must be at least k (" + std::to_string(options.k) + ")");
        if (!(options.lambda_mult >= 0 && options.lambda_mult <= 1))
            throw Error(errc::invalid_argument, who + "lambda_mult must be in [0, 1]");
    }
    if (options.search_type == SearchType::similarity_score_threshold &&
        (!options.score_threshold || !(*options.score_threshold >= 0 && *options.score_threshold <= 1)))
        throw Error(errc::invalid_argument,
                    who + "similarity_score_threshold needs a score_threshold in [0, 1]");
    return make_runnable<VectorStoreRetriever>(std::move(store), std::move(options));
}

} // namespace braid::retrieval
