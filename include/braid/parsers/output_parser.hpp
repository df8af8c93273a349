/// @file
/// @brief Output parsers as runnable steps: a model's Message in, the parsed value out, transforming the
/// stream of MessageChunks incrementally (OutputParserBase, and the step every parser is a handle to).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/prompts/message.hpp"

namespace braid {

/// What the step of every output parser offers besides parsing: the text that tells a model how to
/// answer. Found behind any runnable with `find_impl<OutputParserBase>(runnable)`.
class OutputParserBase {
public:
    virtual ~OutputParserBase() = default;
    /// Text for a prompt telling the model how to answer ("" when the parser needs none).
    virtual std::string format_instructions() const = 0;
};

namespace detail {

/// The step of an output parser P (whose output type is Out): invoke() is P::parse(message); streaming
/// (StreamMode::transform) feeds each MessageChunk to P's incremental parser and yields what it gives,
/// as it gives it. It holds a copy of the parser whose own runnable handle is empty, so that the step
/// does not refer to itself.
template <class P, class Out>
class ParserStep final : public RunnableImpl<Message, Out>, public OutputParserBase {
public:
    ParserStep(P parser, std::string name, ChunkKind kind) : parser_(std::move(parser)), name_(std::move(name)), kind_(kind) {}

    Out invoke(const Message& input, const RunContext&) const override { return parser_.parse(input); }
    Stream<Out> transform(Stream<MessageChunk> input, const RunContext&) const override {
        return parse_stream(this, std::move(input));
    }
    StreamMode stream_mode() const override { return StreamMode::transform; }
    ChunkKind chunk_kind() const override { return kind_; }
    std::string name() const override { return name_; }

    std::string format_instructions() const override {
        if constexpr (requires(const P& p) { p.format_instructions(); })
            return parser_.format_instructions();
        else
            return {};
    }

private:
    // A parser's incremental form gives either an optional value or a list of completed items.
    template <class R>
    static bool has_output(const R& result) {
        if constexpr (requires { result.has_value(); })
            return result.has_value();
        else
            return !result.empty();
    }
    template <class R>
    static Out output_of(R&& result) {
        if constexpr (requires { result.has_value(); })
            return Out(std::move(*result));
        else
            return Out(std::move(result));
    }

    static Stream<Out> parse_stream(const ParserStep* self, Stream<MessageChunk> input) {
        auto parser = self->parser_.stream();
        while (auto chunk = input.next()) {
            auto result = parser.feed(*chunk);
            if (has_output(result))
                co_yield output_of(std::move(result));
        }
        auto last = parser.finish();
        if (has_output(last))
            co_yield output_of(std::move(last));
    }

    P parser_;
    std::string name_;
    ChunkKind kind_;
};

/// Points @p parser's runnable handle (its Runnable base) at a new ParserStep parsing with a copy of
/// it, named @p name, whose stream chunks are of @p kind: what every constructor of a parser does last.
template <class P>
void bind_parser_step(P& parser, std::string name, ChunkKind kind) {
    using Out = typename P::output_type;
    Runnable<Message, Out>& handle = parser;
    handle = Runnable<Message, Out>(); // the copy below must not hold the previous step
    handle = Runnable<Message, Out>(std::make_shared<const ParserStep<P, Out>>(parser, std::move(name), kind));
}

} // namespace detail

} // namespace braid
