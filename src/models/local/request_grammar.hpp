// The grammar a LocalChatModel request is constrained by, from its GenerationOptions: an explicit GBNF
// grammar (extra.grammar), a response_format (json_object, json_schema or a bare schema), or the bound
// tools' calls in the tool-call family's syntax (lazy, triggered by the family's call marker, unless
// tool_choice forces a call).
#pragma once

#include <optional>
#include <string>

#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/model.hpp"
#include "braid/models/generation_options.hpp"
#include "braid/models/tool_call_format.hpp"

namespace braid::local_detail {

/// A grammar to compile (GBNF text and its start rule) and how its matcher behaves.
struct GrammarSpec {
    std::string gbnf;                        ///< The grammar text.
    std::string root = "root";               ///< Its start rule.
    engine::GrammarMatcherOptions matcher;   ///< Lazy triggers.
    /// The cache key: root and text.
    std::string key() const { return root + '\n' + gbnf; }
};

/// The schema a response_format asks for: `{"type": "json_object"}` (any object),
/// `{"type": "json_schema", "json_schema": {"schema": ...}}` (OpenAI's shape), or a bare JSON Schema;
/// nothing for null or `{"type": "text"}`. Throws Error(errc::invalid_argument) naming a malformed one.
std::optional<Value> response_schema(const Value& response_format);

/// The grammar for a request with @p options (merged) to a model whose answers look like @p syntax;
/// nothing when the output is free. Precedence: extra.grammar, then response_format, then bound tools.
/// Throws Error(errc::invalid_argument) for a malformed grammar source, Error(errc::unsupported) for a
/// schema keyword the compiler cannot enforce or a forced tool call in a family without a call
/// grammar (see docs/guides/local_models.md).
std::optional<GrammarSpec> request_grammar(const GenerationOptions& options, const ToolCallSyntax& syntax,
                                           const engine::Model& model);

} // namespace braid::local_detail
