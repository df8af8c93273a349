/// @file
/// @brief StrOutputParser: a model's answer as plain text, streamed chunk by chunk.
#pragma once

#include <braid/parsers/output_parser.hpp>
#include <braid/prompts/message.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace braid {

/// Returns the model's text unchanged. Streaming passes each chunk on as it arrives (nothing is
/// buffered); empty chunks are dropped. Stateless and thread-safe.
///
/// It is a runnable step, Runnable<Message, std::string> (named "StrOutputParser"), that transforms a
/// model's stream of MessageChunks into text pieces as they come: `prompt | model | StrOutputParser()`.
class StrOutputParser : public Runnable<Message, std::string> {
public:
    /// The parser (and its step).
    StrOutputParser() { detail::bind_parser_step(*this, "StrOutputParser", ChunkKind::delta); }

    /// The runnable's stream(input, config) and stream(input, on_chunk, config), next to the
    /// incremental stream() below.
    using Runnable<Message, std::string>::stream;

    /// Incremental form: one per answer.
    class Stream {
    public:
        /// Returns @p chunk as is, or nothing for an empty chunk.
        std::optional<std::string> feed(std::string_view chunk) {
            if (chunk.empty()) {
                return std::nullopt;
            }
            return std::string(chunk);
        }
        /// Adds the content of a streamed message chunk (see feed(std::string_view)).
        std::optional<std::string> feed(const MessageChunk& chunk) { return feed(chunk.content); }
        /// Nothing is held back, so the end adds nothing.
        std::optional<std::string> finish() { return std::nullopt; }
    };

    /// Returns @p text.
    std::string parse(std::string_view text) const { return std::string(text); }

    /// Parses the text of a model's message (its content).
    std::string parse(const Message& message) const { return parse(message.content); }

    /// Starts incremental parsing of one answer.
    Stream stream() const { return {}; }
};

} // namespace braid
