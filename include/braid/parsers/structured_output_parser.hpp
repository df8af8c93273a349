/// @file
/// @brief StructuredOutputParser: JSON from a model's answer, validated against a JSON Schema.
#pragma once

#include <braid/parsers/detail/value.hpp>
#include <braid/parsers/json_output_parser.hpp>
#include <braid/parsers/json_schema_validator.hpp>
#include <braid/parsers/output_parser.hpp>
#include <braid/prompts/message.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace braid {

/// Parses the JSON in a model's answer like JsonOutputParser, then checks it against a JSON Schema
/// with JsonSchemaValidator. A value that breaks the schema is a braid::Error(errc::validation)
/// naming each failing path (`$.items[2].name: expected string, got number`); text without valid
/// JSON is a braid::Error(errc::parse).
///
/// Streaming yields the same partial values as JsonOutputParser (partial values are not validated:
/// they are incomplete by nature); the final value is validated at finish().
/// Immutable and thread-safe; each Stream belongs to one caller.
///
/// It is a runnable step, Runnable<Message, Value> (named "StructuredOutputParser"), streaming partial
/// values as snapshots like JsonOutputParser; a stream ends with the schema error if the final value
/// breaks the schema.
class StructuredOutputParser : public Runnable<Message, Value> {
public:
    /// The runnable's stream(input, config) and stream(input, on_chunk, config), next to the
    /// incremental stream() below.
    using Runnable<Message, Value>::stream;

    /// Incremental parsing of one answer.
    class Stream {
    public:
        /// Starts a stream checking against @p validator.
        Stream(JsonSchemaValidator validator, JsonOutputOptions options)
            : validator_(std::move(validator)), json_(options) {}
        /// Adds @p chunk; returns the partial value when it changed (not validated yet).
        std::optional<Value> feed(std::string_view chunk) { return json_.feed(chunk); }
        /// Adds the content of a streamed message chunk (see feed(std::string_view)).
        std::optional<Value> feed(const MessageChunk& chunk) { return feed(chunk.content); }
        /// Ends the answer and validates it; returns the final value if it was not the last one
        /// feed() returned. Throws braid::Error(errc::parse or errc::validation).
        std::optional<Value> finish();
        /// The validated value, after finish().
        const Value& result() const { return json_.result(); }

    private:
        JsonSchemaValidator validator_;
        JsonOutputParser::Stream json_;
    };

    /// Creates a parser for answers matching @p schema (throws braid::Error(errc::invalid_argument)
    /// for a malformed schema, see JsonSchemaValidator).
    explicit StructuredOutputParser(Value schema, JsonOutputOptions options = {})
        : validator_(std::move(schema)), options_(options) {
        detail::bind_parser_step(*this, "StructuredOutputParser", ChunkKind::snapshot);
    }

    /// Parses and validates the JSON in @p text.
    Value parse(std::string_view text) const;

    /// Parses the text of a model's message (its content).
    Value parse(const Message& message) const { return parse(message.content); }

    /// Starts incremental parsing of one answer.
    Stream stream() const { return Stream(validator_, options_); }

    /// Text for a prompt telling the model to answer with JSON matching the schema (the schema is
    /// included, pretty-printed).
    std::string format_instructions() const;

    /// The validator (reusable elsewhere, e.g. for tool arguments).
    const JsonSchemaValidator& validator() const noexcept { return validator_; }

private:
    JsonSchemaValidator validator_;
    JsonOutputOptions options_;
};

} // namespace braid
