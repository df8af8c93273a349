/// @file
/// @brief StrOutputParser: a model's answer as plain text, streamed chunk by chunk.
#pragma once

#include <braid/prompts/message.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace braid {

/// Returns the model's text unchanged. Streaming passes each chunk on as it arrives (nothing is
/// buffered); empty chunks are dropped. Stateless and thread-safe.
class StrOutputParser {
public:
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
