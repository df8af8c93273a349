/// @file
/// @brief XmlOutputParser: XML in a model's answer, turned into JSON.
#pragma once

#include <braid/parsers/detail/value.hpp>
#include <braid/parsers/output_parser.hpp>
#include <braid/prompts/message.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace braid {

namespace detail {
struct XmlState; // the element tree being read (src/parsers/xml_output_parser.cpp)
} // namespace detail

/// Parses the first XML element in a model's answer (prose around it, a ```xml fence, an `<?xml?>`
/// declaration, comments and a doctype are skipped) into JSON with this mapping:
/// - the result is an object with one member, the root tag: `<a>…</a>` → `{"a": …}`;
/// - an element with neither child elements nor attributes → its text, trimmed (`""` when empty);
/// - otherwise → an object: each child tag → its value, a tag that occurs more than once → an array
///   of the values in document order; attributes → `"@name"`; non-blank text between the children →
///   `"#text"` (its trimmed pieces joined by one space).
///
/// For example `<movies><movie year="1999">Matrix</movie><movie>Heat</movie><n>2</n></movies>` →
/// `{"movies": {"movie": [{"@year": "1999", "#text": "Matrix"}, "Heat"], "n": "2"}}`. Values stay
/// strings: XML has no types. Entities (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`, `&#N;`, `&#xH;`) are
/// decoded; an unknown entity or a stray ampersand is kept as written, and a `<` that cannot start a tag
/// ("1 < 2") is text, as models often write them. CDATA sections are text.
///
/// Errors are braid::Error(errc::parse) naming line and column: a closing tag that does not match
/// the open element, output that ends inside an element or a tag, no element at all, nesting deeper
/// than max_depth. Text after the root element is ignored.
///
/// Streaming yields a new partial value each time an element closes: the closed elements mapped as
/// above, inside the still open ones. Immutable and thread-safe; each Stream belongs to one caller.
///
/// It is a runnable step, Runnable<Message, Value> (named "XmlOutputParser"), streaming those partial
/// values as snapshots (each replaces the previous one).
class XmlOutputParser : public Runnable<Message, Value> {
public:
    /// The runnable's stream(input, config) and stream(input, on_chunk, config), next to the
    /// incremental stream() below.
    using Runnable<Message, Value>::stream;

    /// Deepest element nesting accepted.
    static constexpr std::size_t max_depth = 256;

    /// Incremental parsing of one answer.
    class Stream {
    public:
        /// Starts a stream.
        Stream();
        /// Frees the stream's state.
        ~Stream();
        /// Moves a stream.
        Stream(Stream&&) noexcept;
        /// Moves a stream.
        Stream& operator=(Stream&&) noexcept;

        /// Adds @p chunk; returns the partial value when an element closed. Throws
        /// braid::Error(errc::parse) on a mismatched closing tag or too deep nesting.
        std::optional<Value> feed(std::string_view chunk);
        /// Adds the content of a streamed message chunk (see feed(std::string_view)).
        std::optional<Value> feed(const MessageChunk& chunk) { return feed(chunk.content); }
        /// Ends the answer; returns the final value if feed() did not already return it. Throws
        /// braid::Error(errc::parse) if no element was found or one is unclosed.
        std::optional<Value> finish();
        /// The final value, after finish().
        const Value& result() const;

    private:
        std::unique_ptr<detail::XmlState> state_;
    };

    /// Creates a parser; @p tags are the element names format_instructions() suggests.
    explicit XmlOutputParser(std::vector<std::string> tags = {}) : tags_(std::move(tags)) {
        detail::bind_parser_step(*this, "XmlOutputParser", ChunkKind::snapshot);
    }

    /// Parses the XML in @p text.
    Value parse(std::string_view text) const;

    /// Parses the text of a model's message (its content).
    Value parse(const Message& message) const { return parse(message.content); }

    /// Starts incremental parsing of one answer.
    Stream stream() const { return Stream(); }

    /// Text for a prompt asking for an XML answer (naming the tags, when given).
    std::string format_instructions() const;

private:
    std::vector<std::string> tags_;
};

} // namespace braid
