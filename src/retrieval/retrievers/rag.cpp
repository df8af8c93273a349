// RAG helpers (see rag.hpp).
#include "braid/retrieval/rag.hpp"

#include <algorithm>

#include "braid/error.hpp"
#include "braid/prompts/prompt_template.hpp"

namespace braid::retrieval {
namespace {

Value variables_of(const Document& document, std::size_t index) {
    Value variables = Value::object();
    if (document.metadata.is_object())
        for (const auto& [key, value] : document.metadata.items())
            variables[key] = value.is_string() ? value : Value(value.dump());
    variables["index"] = std::to_string(index);
    variables["page_content"] = document.page_content;
    variables["id"] = document.id;
    if (!variables.contains("source"))
        variables["source"] = "";
    return variables;
}

std::string format_with(const PromptTemplate& prompt, const Documents& documents, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < documents.size(); ++i) {
        if (i > 0)
            out += separator;
        prompt.format_to(out, variables_of(documents[i], i + 1));
    }
    return out;
}

class FormatDocuments final : public RunnableImpl<Documents, std::string> {
public:
    FormatDocuments(PromptTemplate prompt, std::string separator)
        : prompt_(std::move(prompt)), separator_(std::move(separator)) {}
    std::string invoke(const Documents& documents, const RunContext&) const override {
        return format_with(prompt_, documents, separator_);
    }
    std::string name() const override { return "FormatDocuments"; }

private:
    PromptTemplate prompt_;
    std::string separator_;
};

} // namespace

std::string format_documents(const Documents& documents, std::string_view document_template, std::string_view separator) {
    return format_with(PromptTemplate(document_template), documents, separator);
}

Runnable<Documents, std::string> format_documents_step(std::string document_template, std::string separator) {
    return make_runnable<FormatDocuments>(PromptTemplate(document_template), std::move(separator));
}

RetrieverTool retriever_tool(Retriever retriever, std::string name, std::string description,
                             std::string document_template) {
    if (name.empty() || name.size() > 64 ||
        !std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }))
        throw Error(errc::invalid_argument, "retriever_tool: the name '" + name +
                                                "' must be 1 to 64 letters, digits, '_' or '-'");
    if (description.empty())
        throw Error(errc::invalid_argument, "retriever_tool: the description of '" + name + "' is empty");
    RetrieverTool tool;
    tool.schema = Value{
        {"type", "function"},
        {"function",
         {{"name", name},
          {"description", description},
          {"parameters",
           {{"type", "object"},
            {"properties", {{"query", {{"type", "string"}, {"description", "query to look up in the retriever"}}}}},
            {"required", Value::array({"query"})}}}}}};
    PromptTemplate prompt(document_template);
    tool.run = [retriever = std::move(retriever), prompt = std::move(prompt), name](const Value& arguments) {
        if (!arguments.is_object() || !arguments.contains("query") || !arguments["query"].is_string())
            throw Error(errc::tool, "tool '" + name + "': the arguments must be an object with a string \"query\", got " +
                                        arguments.dump());
        return format_with(prompt, retriever.invoke(arguments["query"].get<std::string>()), "\n\n");
    };
    tool.name = std::move(name);
    tool.description = std::move(description);
    return tool;
}

void to_json(Value& json, const Citations& citations) {
    json = Value{{"numbers", citations.numbers}, {"documents", citations.documents}, {"unknown", citations.unknown}};
}

namespace {

/// Parses "1", "1, 3", "2-4" (digits, commas, hyphens, spaces); false for anything else.
bool parse_bracket(std::string_view inside, std::vector<std::size_t>& numbers) {
    std::vector<std::size_t> found;
    std::size_t i = 0;
    const auto skip_spaces = [&] {
        while (i < inside.size() && inside[i] == ' ')
            ++i;
    };
    const auto number = [&](std::size_t& value) {
        skip_spaces();
        const std::size_t begin = i;
        value = 0;
        while (i < inside.size() && inside[i] >= '0' && inside[i] <= '9' && i - begin < 6)
            value = value * 10 + static_cast<std::size_t>(inside[i++] - '0');
        skip_spaces();
        return i > begin;
    };
    while (true) {
        std::size_t first = 0;
        if (!number(first))
            return false;
        std::size_t last = first;
        if (i < inside.size() && inside[i] == '-') {
            ++i;
            if (!number(last) || last < first || last - first > 100)
                return false;
        }
        for (std::size_t n = first; n <= last; ++n)
            found.push_back(n);
        if (i == inside.size())
            break;
        if (inside[i] != ',')
            return false;
        ++i;
    }
    numbers.insert(numbers.end(), found.begin(), found.end());
    return true;
}

} // namespace

Citations parse_citations(std::string_view answer, const Documents& sources) {
    std::vector<std::size_t> numbers;
    for (std::size_t open = answer.find('['); open != std::string_view::npos; open = answer.find('[', open + 1)) {
        const std::size_t close = answer.find(']', open + 1);
        if (close == std::string_view::npos)
            break;
        parse_bracket(answer.substr(open + 1, close - open - 1), numbers);
    }
    Citations out;
    for (std::size_t n : numbers) {
        const bool known = n >= 1 && n <= sources.size();
        auto& list = known ? out.numbers : out.unknown;
        if (std::find(list.begin(), list.end(), n) != list.end())
            continue;
        list.push_back(n);
        if (known)
            out.documents.push_back(sources[n - 1]);
    }
    return out;
}

Value source_list(const Documents& sources) {
    Value out = Value::array();
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const Value& metadata = sources[i].metadata;
        Value source = metadata.is_object() && metadata.contains("source") ? metadata["source"] : Value();
        out.push_back(Value{{"index", i + 1}, {"id", sources[i].id}, {"source", source}});
    }
    return out;
}

} // namespace braid::retrieval
