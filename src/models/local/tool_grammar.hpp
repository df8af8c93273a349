// The grammar of a tool call in each family's syntax, for the tools a request binds: a JSON object
// with "name" and the arguments (hermes, llama3, mistral_nemo, generic), a recipient line and JSON
// arguments (functionary_v3_2, glm4), or XML parameters (qwen3_coder). Several calls in one answer are
// allowed with extra.parallel_tool_calls true (one by default, as llama.cpp's server does). Forced by
// tool_choice the grammar holds from the first token; otherwise it is lazy and starts at the family's
// call marker (for the families without one, at a bound tool's name on its own line).
#pragma once

#include <optional>

#include "braid/engine/model.hpp"
#include "braid/models/generation_options.hpp"
#include "braid/models/tool_call_format.hpp"
#include "models/local/request_grammar.hpp"

namespace braid::local_detail {

/// The tool-call grammar of a request with @p options (merged), or nothing when no tools are bound.
/// Throws Error(errc::invalid_argument) for a tool without a name, a tool_choice naming no bound tool
/// or a parallel_tool_calls that is not a boolean; Error(errc::unsupported) for a parameters schema
/// the JSON Schema compiler cannot enforce.
std::optional<GrammarSpec> tool_grammar(const GenerationOptions& options, const ToolCallSyntax& syntax,
                                        const engine::Model& model);

} // namespace braid::local_detail
