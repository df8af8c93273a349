// MultiQueryRetriever (see multi_query.hpp).
#include "braid/retrieval/multi_query.hpp"

#include <algorithm>
#include <unordered_set>

#include "braid/error.hpp"
#include "braid/prompts/prompt_template.hpp"

namespace braid::retrieval {
namespace {

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return s;
}

std::string_view strip_marker(std::string_view line) {
    if (line.starts_with("\xE2\x80\xA2")) // •
        return trim(line.substr(3));
    if (!line.empty() && (line[0] == '-' || line[0] == '*'))
        return trim(line.substr(1));
    std::size_t digits = 0;
    while (digits < line.size() && digits < 3 && line[digits] >= '0' && line[digits] <= '9')
        ++digits;
    if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')') &&
        (digits + 1 == line.size() || line[digits + 1] == ' ' || line[digits + 1] == '\t'))
        return trim(line.substr(digits + 1));
    return line;
}

std::string_view strip_quotes(std::string_view line) {
    if (line.size() >= 2 && ((line.front() == '"' && line.back() == '"') || (line.front() == '\'' && line.back() == '\'')))
        return trim(line.substr(1, line.size() - 2));
    if (line.size() >= 6 && line.starts_with("\xE2\x80\x9C") && line.ends_with("\xE2\x80\x9D")) // “ ”
        return trim(line.substr(3, line.size() - 6));
    return line;
}

std::string document_key(const Document& d) {
    return d.id + '\x1f' + d.page_content + '\x1f' + d.metadata.dump();
}

class MultiQueryRetriever final : public RetrieverImpl {
public:
    MultiQueryRetriever(Retriever base, Runnable<PromptValue, Message> model, PromptTemplate prompt, bool original)
        : base_(std::move(base)), model_(std::move(model)), prompt_(std::move(prompt)), original_(original) {}

    Documents invoke(const std::string& query, const RunContext& ctx) const override {
        const Message answer = ctx.invoke(model_, prompt_.format_prompt(Value{{"question", query}}));
        std::vector<std::string> queries = parse_query_lines(answer.content);
        if (original_ && std::find(queries.begin(), queries.end(), query) == queries.end())
            queries.insert(queries.begin(), query);
        if (queries.empty())
            queries.push_back(query);
        Documents out;
        std::unordered_set<std::string> seen;
        for (const std::string& q : queries)
            for (Document& d : ctx.invoke(base_, q))
                if (seen.insert(document_key(d)).second)
                    out.push_back(std::move(d));
        return out;
    }
    std::string name() const override { return "MultiQueryRetriever"; }

private:
    Retriever base_;
    Runnable<PromptValue, Message> model_;
    PromptTemplate prompt_;
    bool original_;
};

} // namespace

std::vector<std::string> parse_query_lines(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        line = strip_quotes(strip_marker(line));
        if (!line.empty() && std::find(out.begin(), out.end(), line) == out.end())
            out.emplace_back(line);
    }
    return out;
}

Retriever multi_query_retriever(Retriever base, Runnable<PromptValue, Message> model, MultiQueryOptions options) {
    PromptTemplate prompt(options.prompt);
    const auto& variables = prompt.input_variables();
    if (variables != std::vector<std::string>{"question"})
        throw Error(errc::invalid_argument,
                    "multi_query_retriever: the prompt must use exactly the variable {question}, it uses " +
                        Value(variables).dump());
    return make_runnable<MultiQueryRetriever>(std::move(base), std::move(model), std::move(prompt),
                                              options.include_original);
}

} // namespace braid::retrieval
