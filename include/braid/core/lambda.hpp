/// @file
/// @brief Lambda: a step from any callable, with optional streaming forms; and `runnable | callable`.
///
/// @code
/// braid::Lambda length([](const std::string& s) { return s.size(); });   // Runnable<std::string, size_t>
/// braid::Lambda shout([](const braid::Value& v) { return braid::Value(v.get<std::string>() + "!"); }, "shout");
/// // A step that calls another runnable as a nested run:
/// braid::Lambda twice([inner](const braid::Value& v, const braid::RunContext& ctx) {
///     return ctx.invoke(inner, ctx.invoke(inner, v));
/// });
/// // Streaming forms (StreamMode::transform / generate):
/// auto upper = braid::Lambda<std::string, std::string>::transformer(
///     [](braid::Stream<std::string> in, const braid::RunContext&) -> braid::Stream<std::string> {
///         for (std::string& chunk : in) co_yield to_upper(chunk);
///     });
/// auto words = braid::Lambda<std::string, std::string>::generator(
///     [](std::string text, const braid::RunContext&) -> braid::Stream<std::string> {
///         for (auto& w : split(text)) co_yield w + " ";
///     });
/// @endcode
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "braid/core/detail/callable_traits.hpp"
#include "braid/core/runnable.hpp"

namespace braid {

namespace detail {

/// The plain form: out = f(in) or f(in, ctx).
template <class In, class Out, class F>
class LambdaImpl final : public RunnableImpl<In, Out> {
public:
    LambdaImpl(F f, std::string name) : f_(std::move(f)), name_(std::move(name)) {}

    Out invoke(const In& input, const RunContext& ctx) const override {
        if constexpr (std::is_invocable_v<const F&, const In&, const RunContext&>)
            return f_(input, ctx);
        else
            return f_(input);
    }
    std::string name() const override { return name_; }

private:
    F f_;
    std::string name_;
};

/// The streaming forms: a transform (chunks in → chunks out) or a generator (one input → chunks out).
/// invoke() streams one input and combines the output chunks.
template <class In, class Out, class F, bool Transformer>
class StreamingLambdaImpl final : public RunnableImpl<In, Out> {
public:
    using InChunk = chunk_t<In>;
    using OutChunk = chunk_t<Out>;

    StreamingLambdaImpl(F f, std::string name) : f_(std::move(f)), name_(std::move(name)) {}

    Out invoke(const In& input, const RunContext& ctx) const override {
        Stream<OutChunk> output = transform(Stream<InChunk>::single(ChunkTraits<In>::to_chunk(input)), ctx);
        std::optional<OutChunk> total;
        while (auto chunk = output.next()) {
            if (!total) {
                total.emplace(std::move(*chunk));
            } else if constexpr (ConcatenableChunk<OutChunk>) {
                total.emplace(ChunkConcat<OutChunk>::concat(std::move(*total), *chunk));
            } else {
                throw Error(errc::unsupported, "streaming lambda '" + name_ + "' produced several chunks of type " +
                                                   type_name<OutChunk>() + ", which cannot be combined for invoke");
            }
        }
        if (!total)
            throw Error(errc::invalid_argument, "streaming lambda '" + name_ + "' produced no output");
        return ChunkTraits<Out>::from_chunk(std::move(*total));
    }

    Stream<OutChunk> transform(Stream<InChunk> input, const RunContext& ctx) const override {
        if constexpr (Transformer)
            return f_(std::move(input), ctx);
        else
            return generate(this, std::move(input), ctx);
    }

    StreamMode stream_mode() const override { return Transformer ? StreamMode::transform : StreamMode::generate; }
    // A transform maps its input chunks: snapshots in, snapshots out.
    ChunkKind chunk_kind() const override { return Transformer ? ChunkKind::same_as_input : ChunkKind::delta; }
    std::string name() const override { return name_; }

private:
    static Stream<OutChunk> generate(const StreamingLambdaImpl* self, Stream<InChunk> input, const RunContext& ctx) {
        Stream<OutChunk> output = self->f_(self->collect_input(input), ctx);
        while (auto chunk = output.next())
            co_yield std::move(*chunk);
    }

    F f_;
    std::string name_;
};

} // namespace detail

/// A step made from a callable `Out f(const In&)` or `Out f(const In&, const RunContext&)` (the second
/// form can start nested runs with ctx.invoke). In and Out are deduced from the callable's signature when
/// it has exactly one (not a generic lambda). It buffers when streamed (StreamMode::buffer); see
/// transformer() and generator() for the streaming forms. The callable is called from many threads.
template <class In, class Out>
class Lambda : public Runnable<In, Out> {
public:
    /// Wraps @p f, named @p name in events, errors and the graph.
    template <class F>
        requires(std::is_invocable_r_v<Out, const std::decay_t<F>&, const In&> ||
                 std::is_invocable_r_v<Out, const std::decay_t<F>&, const In&, const RunContext&>)
    explicit Lambda(F&& f, std::string name = "Lambda")
        : Runnable<In, Out>(std::make_shared<detail::LambdaImpl<In, Out, std::decay_t<F>>>(std::forward<F>(f),
                                                                                           std::move(name))) {}

    /// A streaming step from `Stream<chunk_t<Out>> f(Stream<chunk_t<In>> input, const RunContext& ctx)` (a
    /// coroutine; chunk_t<T> is T except for types that stream as another, such as Message): it sees the
    /// input chunks as they come (StreamMode::transform); when they are snapshots, its output chunks are
    /// taken as snapshots too. invoke() streams one input through it and combines the output chunks.
    template <class F>
        requires std::is_invocable_r_v<Stream<chunk_t<Out>>, const std::decay_t<F>&, Stream<chunk_t<In>>,
                                       const RunContext&>
    static Runnable<In, Out> transformer(F&& f, std::string name = "Lambda") {
        return Runnable<In, Out>(std::make_shared<detail::StreamingLambdaImpl<In, Out, std::decay_t<F>, true>>(
            std::forward<F>(f), std::move(name)));
    }

    /// A streaming step from `Stream<chunk_t<Out>> f(In input, const RunContext& ctx)` (a coroutine taking
    /// its input by value): it collects its input, then streams its output (StreamMode::generate).
    template <class F>
        requires std::is_invocable_r_v<Stream<chunk_t<Out>>, const std::decay_t<F>&, In, const RunContext&>
    static Runnable<In, Out> generator(F&& f, std::string name = "Lambda") {
        return Runnable<In, Out>(std::make_shared<detail::StreamingLambdaImpl<In, Out, std::decay_t<F>, false>>(
            std::forward<F>(f), std::move(name)));
    }
};

/// Deduces In and Out from a callable with one signature.
template <class F>
Lambda(F) -> Lambda<typename detail::callable_traits<F>::input, typename detail::callable_traits<F>::output>;
/// Deduces In and Out from a callable with one signature.
template <class F>
Lambda(F, std::string) -> Lambda<typename detail::callable_traits<F>::input, typename detail::callable_traits<F>::output>;

/// True for a callable usable as a step after a runnable producing B (not itself a Runnable).
template <class F, class B>
concept StepCallable = !requires { typename std::remove_cvref_t<F>::impl_type; } &&
                       (std::is_invocable_v<const std::decay_t<F>&, const B&> ||
                        std::is_invocable_v<const std::decay_t<F>&, const B&, const RunContext&>);

/// `runnable | callable`: the callable (taking the runnable's output) becomes a Lambda step.
template <class A, class B, class F>
    requires StepCallable<F, B>
auto operator|(const Runnable<A, B>& first, F&& f) {
    using R = std::conditional_t<std::is_invocable_v<const std::decay_t<F>&, const B&>,
                                 std::invoke_result<const std::decay_t<F>&, const B&>,
                                 std::invoke_result<const std::decay_t<F>&, const B&, const RunContext&>>;
    using Out = std::remove_cvref_t<typename R::type>;
    return first | Runnable<B, Out>(Lambda<B, Out>(std::forward<F>(f)));
}

} // namespace braid
