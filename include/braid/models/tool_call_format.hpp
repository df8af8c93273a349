/// @file
/// @brief How local model families write tool calls and thinking (ToolCallFormat, ToolCallSyntax),
/// detected from a chat template or chosen by name, and how a conversation with tool calls and tool
/// results is prepared for each family's template.
///
/// Every family's chat template teaches its model one way to call tools; the answer the model writes
/// must be read the same way. The facts per family (markers, ids, the role of tool results) live in
/// `src/models/tool_formats/`, one file per family; parsing is in braid/models/tool_call_parser.hpp.
///
/// @code
/// braid::ToolCallSyntax syntax = braid::detect_tool_call_format(template_text);  // e.g. hermes + thinking
/// syntax.format = braid::tool_call_format_from_name("llama3");                    // or force a family
/// braid::Message answer = braid::parse_tool_calls(raw_text, syntax);
/// @endcode
///
/// Everything here is pure text processing: thread-safe, no engine needed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "braid/prompts/message.hpp"

namespace braid {

/// A model family's way of writing tool calls in its answer.
enum class ToolCallFormat {
    /// Any model: a JSON object `{"name": ..., "arguments"|"parameters": {...}}` (or an array of them) as
    /// the whole answer, or inside a ```json fence anywhere in the text; other JSON stays content.
    generic,
    /// Hermes 2 Pro, Qwen 2.5, Qwen 3, QwQ: `<tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>`.
    hermes,
    /// Llama 3.1 / 3.2: the answer is a bare `{"name": ..., "parameters": {...}}` (several may follow each
    /// other, separated by `;` or whitespace), or `<|python_tag|>` followed by such JSON, by a built-in
    /// tool call `brave_search.call(query="...")`, or by Python code (a call of tool `python`).
    llama3,
    /// Mistral Nemo: `[TOOL_CALLS][{"name": ..., "arguments": {...}, "id": "a1B2c3D4e"}]`; ids are
    /// 9 alphanumeric characters.
    mistral_nemo,
    /// Functionary v3.2: segments `>>>recipient\n...`; recipient `all` is text, any other is a tool
    /// with JSON arguments (`python` may take plain code). The generation prompt ends with the first `>>>`.
    functionary_v3_2,
    /// ChatGLM3 / GLM-4: the answer starts with the function name on its own line, then the JSON
    /// arguments (`get_weather\n{"city": "Paris"}`); further calls follow `<|assistant|>`. Tool results
    /// go back as the `observation` role.
    glm4,
    /// Qwen3-Coder, Qwen 3.5: XML inside `<tool_call>`: `<function=name>` then one
    /// `<parameter=key>\nvalue\n</parameter>` per argument, `</function>`. Values are text, typed by the
    /// bound tools' JSON Schemas (number, integer, boolean, object, array; string otherwise); without a
    /// schema, a value that is a JSON object or array is read as JSON and anything else is a string.
    qwen3_coder,
};

/// The stable name of @p format ("generic", "hermes", "llama3", "mistral_nemo", "functionary_v3_2", "glm4",
/// "qwen3_coder").
std::string_view to_string(ToolCallFormat format) noexcept;

/// Every known format name, in declaration order.
std::vector<std::string_view> tool_call_format_names();

/// The format called @p name: a name of to_string(), or an alias ("qwen", "qwen2.5", "qwen3", "qwq",
/// "hermes2pro", "llama3.1", "llama3.2", "mistral", "nemo", "functionary", "chatglm3", "glm-4", "json",
/// "qwen3-coder", "qwen3.5").
/// Case-insensitive.
/// @throws Error(errc::invalid_argument) for any other name, listing the known names.
ToolCallFormat tool_call_format_from_name(std::string_view name);

/// What a model's answer looks like: its tool-call format and whether it thinks first.
struct ToolCallSyntax {
    ToolCallFormat format = ToolCallFormat::generic; ///< How calls are written.
    /// The answer may start with `<think>…</think>` (DeepSeek R1, Qwen 3, QwQ): that text becomes the
    /// message's reasoning_content.
    bool thinking = false;
    /// The generation prompt already opened `<think>` (QwQ, newer R1 templates): the answer starts inside
    /// the thinking block and the first `</think>` closes it. Implies thinking.
    bool thinking_started = false;

    /// Member-wise equality.
    friend bool operator==(const ToolCallSyntax&, const ToolCallSyntax&) = default;
};

/// Detects the syntax from a chat template's source (`tokenizer.chat_template`): the family from the
/// markers its template teaches (`<tool_call>`, `[TOOL_CALLS]`, `>>>`/recipient, `<|python_tag|>` or
/// Llama's `"parameters"` instruction, GLM's `[gMASK]<sop>`), generic otherwise; thinking from `<think>`,
/// thinking_started when the generation prompt opens `<think>` without closing it. Never throws.
ToolCallSyntax detect_tool_call_format(std::string_view template_text) noexcept;

/// Prepares messages for the chat template of @p format: the JSON array to pass as the template's
/// `messages` variable. Message::to_json already gives what most templates expect; per family:
/// - functionary_v3_2: tool-call arguments as JSON text (its template concatenates them);
/// - glm4: an assistant message per call with `metadata` = the function name and `content` = the JSON
///   arguments, tool results as role `observation`, and @p tools (OpenAI-style definitions) put into a
///   system message's `tools` key (the template reads them there, not from the `tools` variable);
/// - the other families: Message::to_json as it is (Llama 3's template maps `tool` to `ipython` itself).
/// @throws Error(errc::invalid_argument) if @p tools is neither null nor an array.
Value prepare_template_messages(ToolCallFormat format, const Messages& messages, const Value& tools = nullptr);

} // namespace braid
