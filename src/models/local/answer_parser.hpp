// The seam where a local model's raw answer text becomes MessageChunks: plain content, or the
// tool-call family's incremental parser (braid/models/tool_call_parser.hpp: content, reasoning_content
// and tool-call chunks). LocalChatModel only feeds text in and forwards what comes out.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "braid/models/generation_options.hpp"
#include "braid/models/tool_call_format.hpp"
#include "braid/prompts/message.hpp"

namespace braid::local_detail {

/// Turns streamed answer text into chunks. One per request; not thread-safe.
class AnswerParser {
public:
    virtual ~AnswerParser() = default;
    /// The chunks @p text (the next piece of the answer, whole UTF-8 characters) completes; may hold
    /// text back (e.g. what could start a tool call) until more arrives.
    virtual std::vector<MessageChunk> push(std::string_view text) = 0;
    /// The chunks still held back, at the end of the answer. Throws Error(errc::parse) for an answer
    /// that its format cannot parse.
    virtual std::vector<MessageChunk> finish() = 0;
};

/// Whether @p options bind tools the model may call (tools given and tool_choice is not "none").
bool tools_bound(const GenerationOptions& options);

/// The parser for an answer generated with @p options by a model whose answers look like @p syntax:
/// the tool-call stream parser when tools are bound (checking names against them) or the model thinks
/// (`<think>` splitting), plain content otherwise. @p malformed_as_content: malformed calls become
/// content instead of Error(errc::parse).
std::unique_ptr<AnswerParser> make_answer_parser(const GenerationOptions& options, const ToolCallSyntax& syntax,
                                                 bool malformed_as_content);

} // namespace braid::local_detail
