/// @file
/// @brief Parsing a local model's answer into a Message (content, tool calls, reasoning), whole or
/// incrementally as tokens decode (ToolCallStreamParser).
///
/// @code
/// braid::ToolCallSyntax syntax = braid::detect_tool_call_format(template_text);
/// braid::Message m = braid::parse_tool_calls(answer, syntax);     // whole answer
///
/// braid::ToolCallStreamParser stream(syntax);                      // while decoding
/// for (const std::string& piece : pieces)
///     for (braid::MessageChunk& chunk : stream.feed(piece)) emit(chunk);
/// for (braid::MessageChunk& chunk : stream.finish()) emit(chunk);
/// @endcode
///
/// Rules both forms follow:
/// - content and reasoning are the answer's text outside call markers, with leading and trailing
///   whitespace removed; text between calls is kept (joined as written);
/// - every call has a non-empty id: the model's own when it writes one, else `make_id(index, name)`,
///   by default the family's style (`call_<index>`; 9 alphanumerics for Mistral Nemo);
/// - arguments are a JSON object; arguments the model wrote as a JSON string are decoded;
/// - malformed output (bad JSON inside a call marker, an unterminated call, an unknown tool when the
///   bound tools are given) is Error(errc::parse) naming the format and the byte offset, or — with
///   ToolCallParseOptions::malformed_as_content — the text from the malformed call's start on is
///   returned as content (earlier calls are kept).
/// - Adding up every chunk the stream parser returns for an answer (MessageChunk::operator+,
///   to_message()) gives exactly parse_tool_calls() of the whole answer, however the answer is split.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "braid/models/tool_call_format.hpp"
#include "braid/prompts/message.hpp"

namespace braid {

/// Options of parse_tool_calls() and ToolCallStreamParser.
struct ToolCallParseOptions {
    /// Malformed calls become content (from the call's start to the end of the answer) instead of an
    /// error. The stream parser then sends each call only once it is complete (a call that turns out
    /// malformed must become content, and sent chunks cannot be taken back).
    bool malformed_as_content = false;
    /// The bound tools, OpenAI-style (`[{"type": "function", "function": {"name": ...}}]`, or the flat
    /// `[{"name": ...}]`); null or empty: any name is accepted. A call of a tool not listed is
    /// malformed (see check_tool_names).
    Value tools = nullptr;
    /// With tools given: a call of an unknown tool is malformed. False: any name is accepted.
    bool check_tool_names = true;
    /// Makes the id of call number @p index (0-based in the answer) named @p name when the model wrote
    /// none; empty function: the family's style. Pass one that draws unique ids to keep ids unique
    /// across a conversation's turns. Must be deterministic per (index, name) for a whole parse and a
    /// stream parse to agree.
    std::function<std::string(std::size_t index, std::string_view name)> make_id;
};

/// The id a model family gives call number @p index named @p name when the model wrote none:
/// `call_<index>`, or for Mistral Nemo 9 alphanumeric characters derived from index and name.
std::string default_tool_call_id(ToolCallFormat format, std::size_t index, std::string_view name);

/// Parses a model's whole answer (the text generated after the generation prompt) into an assistant
/// Message: content, tool_calls and reasoning_content.
/// @throws Error(errc::parse) for malformed output (see ToolCallParseOptions::malformed_as_content);
///         Error(errc::invalid_argument) if options.tools is not an array of tool definitions.
Message parse_tool_calls(std::string_view answer, const ToolCallSyntax& syntax,
                         const ToolCallParseOptions& options = {});

/// Parses an answer piece by piece as it is generated. Content is sent as soon as it cannot be the
/// start of a call marker (only a possible marker prefix, and trailing whitespace, is held back);
/// reasoning likewise; a tool call is sent as a ToolCallChunk with its `index`: the name (and id) first,
/// then argument text as it arrives (ids a model writes after the arguments, as Mistral does, come with
/// the call's last piece). Not thread-safe: one parser per answer. Movable.
class ToolCallStreamParser {
public:
    /// A parser for one answer.
    /// @throws Error(errc::invalid_argument) if options.tools is not an array of tool definitions.
    explicit ToolCallStreamParser(ToolCallSyntax syntax, ToolCallParseOptions options = {});
    ~ToolCallStreamParser();
    /// Moves the parser and what it has read.
    ToolCallStreamParser(ToolCallStreamParser&&) noexcept;
    /// Moves the parser and what it has read.
    ToolCallStreamParser& operator=(ToolCallStreamParser&&) noexcept;

    /// Adds @p piece (any split of the text, even inside a UTF-8 character or a marker) and returns the
    /// chunks it completes (often none). Chunks carry role "assistant" on the first one.
    /// @throws Error(errc::parse) as soon as the text is known to be malformed (unless
    ///         malformed_as_content); the parser then stays failed and throws again.
    std::vector<MessageChunk> feed(std::string_view piece);

    /// Ends the answer: returns the held-back rest. Afterwards feed() and finish() throw
    /// Error(errc::invalid_argument).
    /// @throws Error(errc::parse) for an unterminated call (unless malformed_as_content).
    std::vector<MessageChunk> finish();

    /// All text fed so far.
    const std::string& text() const noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace braid
