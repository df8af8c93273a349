// Contextual compression: the retriever, the embeddings filter and the LLM extractor (see compression.hpp).
#include "braid/retrieval/compression.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "braid/error.hpp"
#include "braid/prompts/prompt_template.hpp"

namespace braid::retrieval {
namespace {

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size())
        throw Error(errc::invalid_argument, "embeddings_filter: the embeddings returned vectors of dimensions " +
                                                std::to_string(a.size()) + " and " + std::to_string(b.size()));
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    return na == 0 || nb == 0 ? 0.0 : dot / std::sqrt(na * nb);
}

class EmbeddingsFilter final : public DocumentCompressor {
public:
    EmbeddingsFilter(std::shared_ptr<const Embeddings> embeddings, EmbeddingsFilterOptions options)
        : embeddings_(std::move(embeddings)), options_(options) {}

    Documents compress(const Documents& documents, const std::string& query, const RunContext& ctx) const override {
        if (documents.empty())
            return {};
        const RunControl control = ctx.run_control();
        std::vector<std::string> texts;
        texts.reserve(documents.size());
        for (const Document& d : documents)
            texts.push_back(d.page_content);
        const auto vectors = embeddings_->embed_documents(texts, control);
        if (vectors.size() != documents.size())
            throw Error(errc::internal, "embeddings_filter: the embeddings returned " + std::to_string(vectors.size()) +
                                            " vectors for " + std::to_string(documents.size()) + " texts");
        const std::vector<float> q = embeddings_->embed_query(query, control);
        std::vector<double> similarity(documents.size());
        for (std::size_t i = 0; i < documents.size(); ++i)
            similarity[i] = cosine(q, vectors[i]);
        std::vector<std::size_t> order(documents.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return similarity[a] > similarity[b]; });
        if (options_.k && order.size() > *options_.k)
            order.resize(*options_.k);
        Documents out;
        for (std::size_t i : order)
            if (!options_.similarity_threshold || similarity[i] > *options_.similarity_threshold)
                out.push_back(documents[i]);
        return out;
    }
    std::string name() const override { return "EmbeddingsFilter"; }

private:
    std::shared_ptr<const Embeddings> embeddings_;
    EmbeddingsFilterOptions options_;
};

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return s;
}

class LlmExtractor final : public DocumentCompressor {
public:
    LlmExtractor(Runnable<PromptValue, Message> model, PromptTemplate prompt)
        : model_(std::move(model)), prompt_(std::move(prompt)) {}

    Documents compress(const Documents& documents, const std::string& query, const RunContext& ctx) const override {
        Documents out;
        for (const Document& d : documents) {
            const Message answer =
                ctx.invoke(model_, prompt_.format_prompt(Value{{"question", query}, {"context", d.page_content}}));
            const std::string_view text = trim(answer.content);
            if (text.empty() || text == no_output_marker)
                continue;
            Document kept = d;
            kept.page_content = std::string(text);
            out.push_back(std::move(kept));
        }
        return out;
    }
    std::string name() const override { return "LLMExtractor"; }

private:
    Runnable<PromptValue, Message> model_;
    PromptTemplate prompt_;
};

class CompressionRetriever final : public RetrieverImpl {
public:
    CompressionRetriever(Retriever base, std::shared_ptr<const DocumentCompressor> compressor)
        : base_(std::move(base)), compressor_(std::move(compressor)) {}
    Documents invoke(const std::string& query, const RunContext& ctx) const override {
        const Documents found = ctx.invoke(base_, query);
        if (found.empty())
            return {};
        return compressor_->compress(found, query, ctx);
    }
    std::string name() const override { return "ContextualCompressionRetriever"; }

private:
    Retriever base_;
    std::shared_ptr<const DocumentCompressor> compressor_;
};

} // namespace

std::shared_ptr<const DocumentCompressor> embeddings_filter(std::shared_ptr<const Embeddings> embeddings,
                                                            EmbeddingsFilterOptions options) {
    if (!embeddings)
        throw Error(errc::invalid_argument, "embeddings_filter: the embeddings model is null");
    if (!options.similarity_threshold && !options.k)
        throw Error(errc::invalid_argument, "embeddings_filter: set similarity_threshold or k (both are unset)");
    if (options.k && *options.k == 0)
        throw Error(errc::invalid_argument, "embeddings_filter: k must be at least 1");
    return std::make_shared<EmbeddingsFilter>(std::move(embeddings), options);
}

std::shared_ptr<const DocumentCompressor> llm_extractor(Runnable<PromptValue, Message> model, std::string_view prompt) {
    PromptTemplate parsed(prompt);
    std::vector<std::string> variables = parsed.input_variables();
    std::sort(variables.begin(), variables.end());
    if (variables != std::vector<std::string>{"context", "question"})
        throw Error(errc::invalid_argument,
                    "llm_extractor: the prompt must use exactly the variables {question} and {context}, it uses " +
                        Value(parsed.input_variables()).dump());
    return std::make_shared<LlmExtractor>(std::move(model), std::move(parsed));
}

Retriever contextual_compression_retriever(Retriever base, std::shared_ptr<const DocumentCompressor> compressor) {
    if (!compressor)
        throw Error(errc::invalid_argument, "contextual_compression_retriever: the compressor is null");
    return make_runnable<CompressionRetriever>(std::move(base), std::move(compressor));
}

} // namespace braid::retrieval
