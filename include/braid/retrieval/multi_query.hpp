/// @file
/// @brief The multi-query retriever: a chat model rewrites the question several ways, each rewrite is
/// retrieved, and the union of the results is returned (LangChain's MultiQueryRetriever).
///
/// @code
/// braid::retrieval::Retriever retriever = braid::retrieval::multi_query_retriever(vector_retriever, model);
/// @endcode
/// The model's answer is parsed leniently: one query per line; blank lines dropped; list markers ("1.",
/// "2)", "-", "*", "•") and surrounding quotes removed; duplicates dropped. The union keeps the order of
/// first appearance (query 1's results, then query 2's new ones, ...) and drops documents equal to one
/// already taken (same id, text and metadata).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"
#include "braid/retrieval/retriever.hpp"

namespace braid::retrieval {

/// The default prompt (variable `{question}`), braid's own wording of LangChain's task: 3 rewordings of
/// the question, one per line, so that a search by similarity finds what one wording would miss.
inline constexpr std::string_view default_multi_query_prompt =
    "Write 3 different rewordings of the question below, each on its own line and nothing else. Vary the "
    "words and the angle, so that a search over documents by similarity finds passages that the original "
    "wording would miss.\n"
    "Question: {question}";

/// Options of multi_query_retriever.
struct MultiQueryOptions {
    /// The prompt (a braid::PromptTemplate text with the variable `{question}`).
    std::string prompt{default_multi_query_prompt};
    /// Also retrieve with the original question (first), as LangChain's include_original.
    bool include_original = false;
};

/// Splits a model's answer into queries (the lenient parsing of the file comment).
std::vector<std::string> parse_query_lines(std::string_view text);

/// A retriever that asks @p model for rewrites of the query, runs @p base on each (nested runs) and
/// returns the de-duplicated union. When the model gives no usable line, the original query is used.
/// @throws Error(errc::invalid_argument) if the prompt lacks `{question}` or has other variables;
///         Error(errc::template_error) if the prompt does not parse.
Retriever multi_query_retriever(Retriever base, Runnable<PromptValue, Message> model, MultiQueryOptions options = {});

} // namespace braid::retrieval
