/// @file
/// @brief Internals of `a | b`: the typed sequence and the Value ↔ T conversion between steps.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "braid/core/runnable_impl.hpp"

namespace braid::detail {

/// How a chain of two steps streams: a transforming step keeps the mode of what precedes it.
constexpr StreamMode combine_modes(StreamMode before, StreamMode after) noexcept {
    return after == StreamMode::transform ? before : after;
}

/// `first | second`: one run whose nested runs are the steps (nested sequences are flattened into it).
template <class A, class B, class C>
class SequenceImpl final : public RunnableImpl<A, C> {
public:
    SequenceImpl(std::shared_ptr<const RunnableImpl<A, B>> first, std::shared_ptr<const RunnableImpl<B, C>> second)
        : RunnableImpl<A, C>(ImplKind::sequence), first_(std::move(first)), second_(std::move(second)) {}

    C invoke(const A& input, const RunContext& ctx) const override {
        return part(*second_, part(*first_, input, ctx), ctx);
    }

    Stream<chunk_t<C>> transform(Stream<chunk_t<A>> input, const RunContext& ctx) const override {
        return part_stream(*second_, part_stream(*first_, std::move(input), ctx), ctx);
    }

    StreamMode stream_mode() const override { return combine_modes(first_->stream_mode(), second_->stream_mode()); }

    ChunkKind chunk_kind() const override {
        const ChunkKind last = second_->chunk_kind();
        return last == ChunkKind::same_as_input ? first_->chunk_kind() : last;
    }

    std::string name() const override { return "Sequence"; }

    GraphPorts add_to_graph(Graph& graph) const override {
        GraphPorts a = first_->add_to_graph(graph);
        GraphPorts b = second_->add_to_graph(graph);
        if (a.entries.empty())
            return b;
        if (b.entries.empty())
            return a;
        graph.connect(a.exits, b.entries);
        return GraphPorts{std::move(a.entries), std::move(b.exits)};
    }

private:
    template <class I, class O>
    static O part(const RunnableImpl<I, O>& step, const I& input, const RunContext& ctx) {
        if (step.kind() == ImplKind::sequence)
            return step.invoke(input, ctx); // flattened: its steps are runs of this sequence
        return ctx.invoke(step, input);
    }
    template <class I, class O>
    static Stream<chunk_t<O>> part_stream(const RunnableImpl<I, O>& step, Stream<chunk_t<I>> input,
                                          const RunContext& ctx) {
        if (step.kind() == ImplKind::sequence)
            return step.transform(std::move(input), ctx);
        return ctx.transform(step, std::move(input));
    }

    std::shared_ptr<const RunnableImpl<A, B>> first_;
    std::shared_ptr<const RunnableImpl<B, C>> second_;
};

/// Error(errc::validation) for a Value that does not convert to the input type of @p step.
[[noreturn]] void throw_conversion_error(const std::string& step, const std::string& type, const Value& value,
                                         const std::exception& error);

/// Converts @p input (a Value, or a value converting to one) to T, for the step named @p next_step
/// (named in the error).
template <class T, class From>
T convert_value(const From& input, const std::string& next_step) {
    if constexpr (std::is_same_v<From, Value>) {
        try {
            return input.template get<T>();
        } catch (const nlohmann::json::exception& error) {
            throw_conversion_error(next_step, type_name<T>(), input, error);
        } catch (const Error& error) {
            // A from_json that reports a malformed value: in a chain, a Value of the wrong shape.
            if (error.kind() != errc::parse)
                throw;
            throw_conversion_error(next_step, type_name<T>(), input, error);
        }
    } else {
        try {
            return T(input);
        } catch (const nlohmann::json::exception& error) {
            throw Error(errc::validation, "cannot convert the " + type_name<From>() + " passed to step '" + next_step +
                                              "' to a Value: " + error.what());
        }
    }
}

/// Converts between a typed value and Value through nlohmann's to_json / from_json (ADL), chunk by chunk
/// when streaming (chunk_t<From> to chunk_t<To>). Not a run, not a graph node.
template <class From, class To>
class ConvertImpl final : public RunnableImpl<From, To> {
public:
    /// @p next_step names the step that receives the converted value (for error messages).
    explicit ConvertImpl(std::string next_step)
        : RunnableImpl<From, To>(ImplKind::transparent), next_step_(std::move(next_step)) {}

    To invoke(const From& input, const RunContext&) const override { return convert(input); }

    Stream<chunk_t<To>> transform(Stream<chunk_t<From>> input, const RunContext&) const override {
        return convert_all(this, std::move(input));
    }

    StreamMode stream_mode() const override { return StreamMode::transform; }
    ChunkKind chunk_kind() const override { return ChunkKind::same_as_input; }
    std::string name() const override { return "Convert"; }
    GraphPorts add_to_graph(Graph&) const override { return {}; }

    /// The conversion of a whole value.
    To convert(const From& input) const { return convert_value<To>(input, next_step_); }
    /// The conversion of a chunk.
    chunk_t<To> convert_chunk(const chunk_t<From>& chunk) const { return convert_value<chunk_t<To>>(chunk, next_step_); }

private:
    static Stream<chunk_t<To>> convert_all(const ConvertImpl* self, Stream<chunk_t<From>> input) {
        while (auto chunk = input.next())
            co_yield self->convert_chunk(*chunk);
    }

    std::string next_step_;
};

/// A typed step seen as Value → Value (AnyRunnable): converts its input with from_json and its output
/// (chunk by chunk) with to_json. No run of its own: the typed step is the run.
template <class I, class O>
class AdaptImpl final : public RunnableImpl<Value, Value> {
public:
    explicit AdaptImpl(std::shared_ptr<const RunnableImpl<I, O>> inner)
        : RunnableImpl<Value, Value>(ImplKind::transparent), inner_(std::move(inner)), name_(inner_->name()),
          in_(name_), out_(name_) {}

    Value invoke(const Value& input, const RunContext& ctx) const override {
        if constexpr (std::is_same_v<I, Value>)
            return out_.convert(ctx.invoke(*inner_, input));
        else if constexpr (std::is_same_v<O, Value>)
            return ctx.invoke(*inner_, in_.convert(input));
        else
            return out_.convert(ctx.invoke(*inner_, in_.convert(input)));
    }

    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override {
        return adapt_stream(this, std::move(input), ctx);
    }

    StreamMode stream_mode() const override { return inner_->stream_mode(); }
    ChunkKind chunk_kind() const override { return inner_->chunk_kind(); }
    std::string name() const override { return name_; }
    GraphPorts add_to_graph(Graph& graph) const override { return inner_->add_to_graph(graph); }
    std::shared_ptr<const ImplBase> adapted() const override { return inner_; }

private:
    static Stream<chunk_t<I>> inputs(const AdaptImpl* self, Stream<Value> input) {
        while (auto chunk = input.next()) {
            if constexpr (std::is_same_v<I, Value>)
                co_yield std::move(*chunk);
            else
                co_yield self->in_.convert_chunk(*chunk);
        }
    }
    static Stream<Value> adapt_stream(const AdaptImpl* self, Stream<Value> input, RunContext ctx) {
        const bool snapshots = input.snapshots();
        Stream<chunk_t<I>> converted = inputs(self, std::move(input));
        converted.set_snapshots(snapshots);
        Stream<chunk_t<O>> output = ctx.transform(*self->inner_, std::move(converted));
        while (auto chunk = output.next()) {
            if constexpr (std::is_same_v<O, Value>)
                co_yield std::move(*chunk);
            else
                co_yield self->out_.convert_chunk(*chunk);
        }
    }

    std::shared_ptr<const RunnableImpl<I, O>> inner_;
    std::string name_;
    ConvertImpl<Value, I> in_;
    ConvertImpl<O, Value> out_;
};

} // namespace braid::detail
