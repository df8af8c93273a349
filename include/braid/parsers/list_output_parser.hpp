/// @file
/// @brief ListOutputParser: a list of items from a model's answer (comma, line, numbered or bullet lists).
#pragma once

#include <braid/parsers/output_parser.hpp>
#include <braid/prompts/message.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace braid {

/// How a list is written in the model's answer.
enum class ListStyle {
    /// `red, green, blue`: items split on commas (not inside double quotes; `""` is a quote inside
    /// quotes), trimmed, empty items dropped. Newlines count as spaces.
    comma,
    /// One item per line, trimmed; blank lines dropped.
    newline,
    /// Lines such as `1. red` or `2) green`; other lines (an introduction) are ignored.
    numbered,
    /// Markdown bullets `- red`, `* green`, `+ blue` (any indentation); other lines are ignored.
    markdown,
};

/// Parses a list of strings from a model's answer. Streaming yields each item as soon as it is
/// complete (at its comma or the end of its line), the last one at the end. The parser is immutable
/// and thread-safe; each Stream belongs to one caller and holds only the item being read.
///
/// It is a runnable step, Runnable<Message, std::vector<std::string>> (named "ListOutputParser"): in a
/// streamed chain each chunk is the list of items completed by the model's latest chunks (the chunks
/// append up to the whole list).
class ListOutputParser : public Runnable<Message, std::vector<std::string>> {
public:
    /// The runnable's stream(input, config) and stream(input, on_chunk, config), next to the
    /// incremental stream() below.
    using Runnable<Message, std::vector<std::string>>::stream;

    /// Incremental parsing of one answer.
    class Stream {
    public:
        /// Starts a stream for lists written in @p style.
        explicit Stream(ListStyle style) : style_(style) {}
        /// Adds @p chunk; returns the items it completed (often none).
        std::vector<std::string> feed(std::string_view chunk);
        /// Adds the content of a streamed message chunk (see feed(std::string_view)).
        std::vector<std::string> feed(const MessageChunk& chunk) { return feed(chunk.content); }
        /// Ends the answer; returns the last item if there is one.
        std::vector<std::string> finish();

    private:
        void end_line(std::vector<std::string>& out);
        void end_field(std::vector<std::string>& out);

        ListStyle style_;
        std::string current_;     // the line or field being read
        bool quoted_ = false;     // inside "..." of a comma-separated field
        bool quote_seen_ = false; // a '"' inside quotes: a closing quote or the first of ""
        bool was_quoted_ = false; // the current field had quotes (keep it even if empty)
    };

    /// Creates a parser for lists in @p style.
    explicit ListOutputParser(ListStyle style = ListStyle::comma) : style_(style) {
        detail::bind_parser_step(*this, "ListOutputParser", ChunkKind::delta);
    }

    /// The items of @p text (the same as streaming it in any chunks).
    std::vector<std::string> parse(std::string_view text) const;

    /// Parses the text of a model's message (its content).
    std::vector<std::string> parse(const Message& message) const { return parse(message.content); }

    /// Starts incremental parsing of one answer.
    Stream stream() const { return Stream(style_); }

    /// Text for a prompt telling the model how to write the list.
    std::string format_instructions() const;

    /// The list style.
    ListStyle style() const noexcept { return style_; }

private:
    ListStyle style_;
};

} // namespace braid
