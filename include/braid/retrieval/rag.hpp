/// @file
/// @brief Helpers for RAG chains: documents → prompt text with numbered sources (format_documents), a
/// retriever as a tool for agents (retriever_tool), and citations (which numbered sources an answer cites).
///
/// @code
/// using namespace braid::retrieval;
/// Documents docs = retriever.invoke(question);
/// std::string context = format_documents(docs);        // "[1] (manual.md) Swords need oil.\n\n[2] ..."
/// // ... the model answers "Oil them weekly [1]."
/// Citations cited = parse_citations(answer, docs);     // cited.documents = {docs[0]}
/// @endcode
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/core/value.hpp"
#include "braid/retrieval/retriever.hpp"

namespace braid::retrieval {

/// The default template of one document: its number, its source (metadata "source", or "" when absent)
/// and its text.
inline constexpr std::string_view default_document_template = "[{index}] ({source}) {page_content}";

/// Formats @p documents for a prompt: each through @p document_template (a braid::PromptTemplate text;
/// variables: `index` (1-based), `page_content`, `id`, `source`, and every top-level metadata field),
/// joined by @p separator.
/// @throws Error naming a variable the template uses that a document does not have.
std::string format_documents(const Documents& documents, std::string_view document_template = default_document_template,
                             std::string_view separator = "\n\n");

/// format_documents as a step (Documents → text), e.g. `retriever | format_documents_step()`.
Runnable<Documents, std::string> format_documents_step(std::string document_template = std::string(default_document_template),
                                                       std::string separator = "\n\n");

/// A retriever as a tool an agent can call.
struct RetrieverTool {
    std::string name;        ///< The tool's name (letters, digits, '_' and '-').
    std::string description; ///< What it finds, for the model.
    /// OpenAI's tool form: `{"type": "function", "function": {"name", "description", "parameters":
    /// {"type": "object", "properties": {"query": {"type": "string", ...}}, "required": ["query"]}}}`.
    Value schema;
    /// Runs the retriever on `arguments["query"]` and returns the formatted documents.
    /// @throws Error(errc::tool) when the arguments are not an object with a string "query".
    std::function<std::string(const Value& arguments)> run;
};

/// Wraps @p retriever as a tool (LangChain's create_retriever_tool); results are formatted with
/// format_documents(@p document_template).
/// @throws Error(errc::invalid_argument) for an empty or malformed name or an empty description.
RetrieverTool retriever_tool(Retriever retriever, std::string name, std::string description,
                             std::string document_template = std::string(default_document_template));

/// What an answer cites.
struct Citations {
    std::vector<std::size_t> numbers;  ///< Cited source numbers (1-based, each once, in order of first citation).
    Documents documents;               ///< The cited documents, in the same order.
    std::vector<std::size_t> unknown;  ///< Numbers cited that match no source (0 or > count), each once.
    /// Member-wise equality.
    friend bool operator==(const Citations&, const Citations&) = default;
};

/// Writes `{"numbers": [...], "documents": [...], "unknown": [...]}`.
void to_json(Value& json, const Citations& citations);

/// Finds `[n]`-style citations in @p answer — `[1]`, `[1, 3]`, `[2-4]` (a range), `[1][2]` — and maps them
/// to @p sources (numbered from 1 as format_documents numbers them). Brackets holding anything else
/// (`[note]`, `[1a]`) are not citations.
Citations parse_citations(std::string_view answer, const Documents& sources);

/// The sources given to a model, for showing under an answer: `[{"index": 1, "id": …, "source": …}, …]`
/// ("source" from metadata, null when absent).
Value source_list(const Documents& sources);

} // namespace braid::retrieval
