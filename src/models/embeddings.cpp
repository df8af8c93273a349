#include "braid/models/embeddings.hpp"

#include "braid/error.hpp"

namespace braid {

std::vector<float> Embeddings::embed_query(std::string_view text, const RunControl& control) const {
    const std::string one[] = {std::string(text)};
    std::vector<std::vector<float>> vectors = embed_documents(one, control);
    if (vectors.size() != 1)
        throw Error(errc::internal, name() + ": embed_documents gave " + std::to_string(vectors.size()) + " vectors for one text");
    return std::move(vectors.front());
}

Value Embeddings::invoke(const Value& input, const RunContext& ctx) const {
    const RunControl control = ctx.run_control();
    if (input.is_string())
        return Value(embed_query(input.get_ref<const std::string&>(), control));
    if (!input.is_array())
        throw Error(errc::invalid_argument, name() + ": expected a string or an array of strings, got " + std::string(input.type_name()));
    std::vector<std::string> texts;
    texts.reserve(input.size());
    for (std::size_t i = 0; i < input.size(); ++i) {
        if (!input[i].is_string())
            throw Error(errc::invalid_argument, name() + ": item " + std::to_string(i) + " of the input is " +
                                                    std::string(input[i].type_name()) + ", not a string");
        texts.push_back(input[i].get<std::string>());
    }
    return Value(embed_documents(texts, control));
}

namespace {

std::shared_ptr<const Embeddings> require(std::shared_ptr<const Embeddings> embeddings, const char* what) {
    if (!embeddings)
        throw Error(errc::invalid_argument, std::string(what) + ": no embeddings model (null)");
    return embeddings;
}

class QueryStep final : public RunnableImpl<std::string, std::vector<float>> {
public:
    explicit QueryStep(std::shared_ptr<const Embeddings> e) : embeddings_(std::move(e)) {}
    std::string name() const override { return embeddings_->name(); }
    std::vector<float> invoke(const std::string& text, const RunContext& ctx) const override {
        return embeddings_->embed_query(text, ctx.run_control());
    }

private:
    std::shared_ptr<const Embeddings> embeddings_;
};

class DocumentsStep final : public RunnableImpl<std::vector<std::string>, std::vector<std::vector<float>>> {
public:
    explicit DocumentsStep(std::shared_ptr<const Embeddings> e) : embeddings_(std::move(e)) {}
    std::string name() const override { return embeddings_->name(); }
    std::vector<std::vector<float>> invoke(const std::vector<std::string>& texts, const RunContext& ctx) const override {
        return embeddings_->embed_documents(texts, ctx.run_control());
    }

private:
    std::shared_ptr<const Embeddings> embeddings_;
};

} // namespace

Runnable<std::string, std::vector<float>> query_embedder(std::shared_ptr<const Embeddings> embeddings) {
    return make_runnable(std::make_shared<QueryStep>(require(std::move(embeddings), "query_embedder")));
}

Runnable<std::vector<std::string>, std::vector<std::vector<float>>> document_embedder(std::shared_ptr<const Embeddings> embeddings) {
    return make_runnable(std::make_shared<DocumentsStep>(require(std::move(embeddings), "document_embedder")));
}

} // namespace braid
