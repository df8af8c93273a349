/// @file
/// @brief JsonOutputParser: finds the JSON in a model's answer and parses it, whole or while it streams.
#pragma once

#include <braid/parsers/detail/value.hpp>
#include <braid/parsers/output_parser.hpp>
#include <braid/parsers/partial_json.hpp>
#include <braid/prompts/message.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace braid {

/// Options of JsonOutputParser.
struct JsonOutputOptions {
    /// When true, output that ends inside the JSON (a truncated answer) yields the partial value
    /// instead of an error.
    bool allow_partial = false;
    /// Deepest nesting accepted.
    std::size_t max_depth = PartialJsonParser::default_max_depth;
};

/// Parses the JSON value in a model's text answer.
///
/// Where the JSON is looked for, in order of appearance in the text:
/// - a fenced block: three backticks, an optional info string (`json`), a newline, then the value;
/// - otherwise the first `{` or `[` in the surrounding prose;
/// - a bare scalar (`42`, `"text"`, `true`) only when it is the whole answer (apart from spaces).
///
/// If a candidate turns out not to be JSON (prose such as "[see below]"), the search goes on after it
/// (at most max_attempts candidates, which keeps the work linear in the text). Text after the value
/// (the closing fence, an explanation) is ignored. When nothing parses, the error is
/// braid::Error(errc::parse) naming the line, column and what was expected, e.g.
/// `invalid JSON at line 3, column 9: expected ',' or '}' after an object member, got 'x'`.
///
/// stream() parses incrementally (one pass, no re-parsing) and yields partial values as they grow
/// (see PartialJsonParser), only when they changed. The parser itself is immutable and thread-safe;
/// each Stream belongs to one caller.
///
/// It is a runnable step, Runnable<Message, Value> (named "JsonOutputParser"): in a streamed chain
/// (`prompt | model | JsonOutputParser()`) each chunk is the partial value so far, a snapshot that
/// replaces the previous one (ChunkKind::snapshot: a step that buffers after it gets the final value).
class JsonOutputParser : public Runnable<Message, Value> {
public:
    /// The runnable's stream(input, config) and stream(input, on_chunk, config), next to the
    /// incremental stream() below.
    using Runnable<Message, Value>::stream;

    /// Candidates tried before giving up.
    static constexpr unsigned max_attempts = 32;

    /// Incremental parsing of one answer, fed chunk by chunk.
    class Stream {
    public:
        /// Starts a stream with @p options.
        explicit Stream(JsonOutputOptions options = {});

        /// Adds @p chunk. Returns the partial value when it changed (only objects and arrays are shown
        /// partially; a scalar appears once complete). Throws braid::Error(errc::parse) once no
        /// candidate is left.
        std::optional<Value> feed(std::string_view chunk);
        /// Adds the content of a streamed message chunk (see feed(std::string_view)).
        std::optional<Value> feed(const MessageChunk& chunk) { return feed(chunk.content); }

        /// Ends the answer. Returns the final value if it differs from the last value feed() returned.
        /// Throws braid::Error(errc::parse) if no JSON value was found or it is truncated (unless
        /// allow_partial).
        std::optional<Value> finish();

        /// The final value, after finish().
        const Value& result() const;

    private:
        enum class Mode { start, prose, fence_info, value, trailing, done };
        void advance();
        void start_candidate(std::size_t at, std::size_t restart_at, bool whole);
        void candidate_failed(const std::string& message, std::size_t offset);
        std::optional<Value> take_partial();

        JsonOutputOptions options_;
        std::string text_;
        std::size_t pos_ = 0;
        Mode mode_ = Mode::start;
        unsigned backticks_ = 0;
        std::size_t candidate_start_ = 0;
        std::size_t restart_at_ = 0;
        bool whole_ = false;
        unsigned attempts_ = 0;
        std::optional<std::string> first_error_;
        PartialJsonParser json_;
        bool emitted_any_ = false;
        bool unshown_ = false; // the value changed since feed() last returned it
        bool finished_ = false;
        Value result_;
    };

    /// Creates a parser with @p options.
    explicit JsonOutputParser(JsonOutputOptions options = {}) : options_(options) {
        detail::bind_parser_step(*this, "JsonOutputParser", ChunkKind::snapshot);
    }

    /// Parses the JSON in @p text (the same result as streaming it in any chunks).
    Value parse(std::string_view text) const;

    /// Parses the text of a model's message (its content).
    Value parse(const Message& message) const { return parse(message.content); }

    /// Starts incremental parsing of one answer.
    Stream stream() const { return Stream(options_); }

    /// Text for a prompt asking the model to answer with JSON only.
    static std::string format_instructions();

private:
    JsonOutputOptions options_;
};

} // namespace braid
