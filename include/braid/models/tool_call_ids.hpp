/// @file
/// @brief Tool-call ids that stay unique across the turns of a conversation (and across answers of one
/// process), in the style each model family expects.
///
/// A model that does not write ids itself gets them from braid. `call_0`, `call_1` per answer would
/// repeat on the next turn (two turns that each call a tool would both answer `call_0`, and the tool
/// results could no longer be told apart), so every answer draws its own random suffix, as OpenAI's
/// `call_…` ids do. Ids a model writes itself (Mistral's 9-character ids) are kept by the parser.
///
/// @code
/// braid::ToolCallParseOptions options;
/// options.make_id = braid::unique_tool_call_ids(braid::ToolCallFormat::hermes);
/// braid::Message m = braid::parse_tool_calls(answer, syntax, options);  // ids like call_4fQ9x…
/// @endcode
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "braid/models/tool_call_format.hpp"

namespace braid {

/// Makes the ids of one answer's calls (use one per answer, as ToolCallParseOptions::make_id).
using ToolCallIdMaker = std::function<std::string(std::size_t index, std::string_view name)>;

/// A maker of ids for one answer: the same (index) always gives the same id, so a whole parse and a
/// stream parse of that answer agree; two makers (two answers, two turns) give different ids. Ids are
/// `call_` and 24 random letters and digits, or for Mistral Nemo 9 letters and digits (its template
/// refuses any other length). The randomness comes from a per-process seed and a counter: thread-safe.
ToolCallIdMaker unique_tool_call_ids(ToolCallFormat format);

} // namespace braid
