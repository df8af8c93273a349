// The seam where a local model's raw answer text becomes MessageChunks. The tool-call formats
// (src/models/tool_formats/: Hermes, Llama 3.x, Mistral, ... and `<think>` splitting) replace
// make_answer_parser's plain parser; LocalChatModel only feeds text in and forwards what comes out.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "braid/models/generation_options.hpp"
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

/// The parser for an answer generated with @p options through the chat template @p template_source.
/// Today: every piece of text is content (no tool-call parsing yet).
std::unique_ptr<AnswerParser> make_answer_parser(const GenerationOptions& options, std::string_view template_source);

} // namespace braid::local_detail
