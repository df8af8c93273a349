/// @file
/// @brief THE EXTENSION POINT: RunnableImpl<In, Out> (what a step does) and RunContext (what a step
/// gets from the run: config, cancellation, callbacks, nested runs).
///
/// To write your own step, derive from RunnableImpl<In, Out>, implement invoke() and name(), optionally
/// transform() (with stream_mode()), and wrap it with make_runnable() (braid/core/runnable.hpp):
/// @code
/// // A step that upper-cases text, and streams: every input chunk gives an output chunk at once.
/// class Upper final : public braid::RunnableImpl<std::string, std::string> {
/// public:
///     std::string invoke(const std::string& text, const braid::RunContext&) const override {
///         std::string out = text;
///         for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
///         return out;
///     }
///     // Optional: without it the step collects its whole input first (StreamMode::buffer).
///     braid::Stream<std::string> transform(braid::Stream<std::string> input,
///                                          const braid::RunContext& ctx) const override {
///         for (std::string& chunk : input) co_yield invoke(chunk, ctx);
///     }
///     braid::StreamMode stream_mode() const override { return braid::StreamMode::transform; }
///     // Each output chunk is its input chunk transformed: snapshots in give snapshots out.
///     braid::ChunkKind chunk_kind() const override { return braid::ChunkKind::same_as_input; }
///     std::string name() const override { return "Upper"; }
/// };
/// braid::Runnable<std::string, std::string> upper = braid::make_runnable(std::make_shared<Upper>());
/// @endcode
/// Rules for implementations:
/// - They are immutable after construction and invoked from many threads at once: invoke() and
///   transform() are const and must not modify shared state without synchronisation.
/// - To run another runnable inside a step, call `ctx.invoke(other, input)` (or `ctx.transform` /
///   `ctx.stream`): it becomes a nested run (its events get this run as parent; cancellation, deadline,
///   recursion limit and callbacks apply). Calling `other.invoke(input)` instead starts an unrelated run.
/// - A `const RunContext&` passed to transform() stays valid as long as the returned stream is alive, so a
///   transform coroutine may keep it; its input stream is taken by value for the same reason. Never take
///   other references into a coroutine.
/// - Long loops (token generation) should call `ctx.check()` so cancellation and deadlines work inside.
/// - Fail with braid::Error naming what was wrong; nlohmann::json exceptions escaping a step are turned
///   into Error(errc::validation) naming the step.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "braid/core/callbacks.hpp"
#include "braid/core/chunk.hpp"
#include "braid/core/config.hpp"
#include "braid/core/detail/type_name.hpp"
#include "braid/core/graph.hpp"
#include "braid/core/stream.hpp"
#include "braid/core/value.hpp"
#include "braid/error.hpp"
#include "braid/run_control.hpp"

namespace braid {

template <class In, class Out>
class RunnableImpl;
template <class In, class Out>
class Runnable;

namespace detail {

/// What every implementation is, whatever its types: a named, polymorphic object (so that find_impl can
/// look for a kind of step behind any runnable).
class ImplBase {
public:
    virtual ~ImplBase() = default;
    /// The step's name, used for events, errors and the graph.
    virtual std::string name() const = 0;
    /// For a step that only converts the types of another (a typed step seen as AnyRunnable): that step.
    /// Null for every other step.
    virtual std::shared_ptr<const ImplBase> adapted() const { return nullptr; }
};

/// How the run machinery treats an implementation (set by braid's own composites only).
enum class ImplKind : std::uint8_t {
    step,        ///< An ordinary step: one run per invocation.
    sequence,    ///< A sequence: one run, but nested sequences are flattened into it.
    transparent, ///< A binding (with_config, bind, a type conversion): no run of its own.
};

/// A step's value as an event payload: Value(x) when T converts to JSON, else null.
template <class T>
Value to_event_value(const T& value) noexcept {
    if constexpr (std::is_constructible_v<Value, const T&>) {
        try {
            return Value(value);
        } catch (...) {
            return Value();
        }
    } else {
        (void)value;
        return Value();
    }
}

/// Turns an nlohmann::json exception escaping @p step into Error(errc::validation) naming it.
[[noreturn]] void throw_value_error(std::string_view step, const std::exception& error);
/// Error(errc::invalid_argument) for a recursion limit exceeded at @p step.
[[noreturn]] void throw_recursion_limit(std::string_view step, int limit);

} // namespace detail

/// What a step receives from the run it belongs to: the config (tags, metadata, callbacks, cancellation,
/// deadline, configurable), its run id, its depth, and the way to start nested runs.
///
/// A small value (a few pointers and ids): copying it is cheap and does not allocate unless callbacks are
/// attached. It refers to a RunConfig owned by the caller of the run, which outlives the run.
class RunContext {
public:
    /// A top-level context for @p config (no run yet: the first step invoked through it starts one,
    /// named config.run_name when set). @p config must outlive the context and every nested run.
    explicit RunContext(const RunConfig& config) noexcept
        : config_(&config), configurable_(&config.configurable), pending_name_(config.run_name) {}

    /// The run's config.
    const RunConfig& config() const noexcept { return *config_; }
    /// The run-time settings in force for this step: config().configurable plus what bind() added.
    const Value& configurable() const noexcept { return *configurable_; }
    /// This run's id (zero when no callback is attached: ids are only made for callbacks).
    RunId run_id() const noexcept { return run_id_; }
    /// The enclosing run's id (zero at top level or without callbacks).
    RunId parent_run_id() const noexcept { return parent_id_; }
    /// The run's name (empty when no callback is attached).
    std::string_view run_name() const noexcept { return name_; }
    /// Nesting depth of this run (1 for the top-level step, 0 for a context that started no run).
    int depth() const noexcept { return depth_; }
    /// True when callback handlers are attached (events are being produced).
    bool has_callbacks() const noexcept { return !config_->callbacks.empty(); }

    /// Throws Error(errc::cancelled) / Error(errc::timeout) if the run must stop (see check_interrupt).
    void check() const { check_interrupt(*config_, name_); }

    /// This run's cancellation token and deadline as a RunControl, for the engine: a step that runs a
    /// model passes it to Context::decode / engine::generate, so cancelling the run or passing its
    /// deadline stops the model between graph steps, not only between runnable steps.
    RunControl run_control() const {
        RunControl control;
        control.cancellation = config_->cancellation;
        control.deadline = config_->deadline;
        return control;
    }

    /// Runs @p step on @p input as a nested run of this one and returns its output.
    template <class In, class Out>
    Out invoke(const RunnableImpl<In, Out>& step, const std::type_identity_t<In>& input) const;
    /// Runs @p step on @p input as a nested run of this one and returns its output.
    template <class In, class Out>
    Out invoke(const Runnable<In, Out>& step, const std::type_identity_t<In>& input) const;

    /// Streams @p input through @p step as a nested run: its output chunks, as they come, marked as
    /// snapshots or pieces (Stream::snapshots()) from the step's chunk_kind().
    /// The returned stream refers to @p step and to this context's config: keep them alive while using it.
    template <class In, class Out>
    Stream<chunk_t<Out>> transform(const RunnableImpl<In, Out>& step, Stream<chunk_t<In>> input) const;
    /// Streams @p input through @p step as a nested run (see the other overload).
    template <class In, class Out>
    Stream<chunk_t<Out>> transform(const Runnable<In, Out>& step, Stream<chunk_t<In>> input) const;
    /// Streams the output of @p step for one whole @p input, as a nested run.
    template <class In, class Out>
    Stream<chunk_t<Out>> stream(const Runnable<In, Out>& step, std::type_identity_t<In> input) const {
        return transform(step, Stream<chunk_t<In>>::single(ChunkTraits<In>::to_chunk(std::move(input))));
    }

    /// A context for the same run with @p config (which must outlive it) in force for nested runs:
    /// what with_config-style wrappers use. Its run_name names the next run started through it.
    RunContext with_config(const RunConfig& config) const noexcept {
        RunContext copy = *this;
        copy.config_ = &config;
        copy.configurable_ = &config.configurable;
        copy.pending_name_ = config.run_name;
        return copy;
    }

    /// A context for the same run whose configurable() is @p configurable (which must outlive it).
    RunContext with_configurable(const Value& configurable) const noexcept {
        RunContext copy = *this;
        copy.configurable_ = &configurable;
        return copy;
    }

    /// The RunInfo callbacks receive for this run (meaningful only when has_callbacks()).
    RunInfo info() const noexcept {
        return RunInfo{run_id_, parent_id_, name_, config_->tags, config_->metadata, depth_};
    }

    /// Sends on_start / on_chunk / on_end / on_error of this run to every handler (no-op without any).
    void emit_start(const Value& input) const;
    /// See emit_start.
    void emit_chunk(const Value& chunk) const;
    /// See emit_start.
    void emit_end(const Value& output) const;
    /// See emit_start.
    void emit_error(const std::exception_ptr& error) const;

    /// The context of a new run nested in this one, for a step named by @p name_of() (only called when
    /// callbacks are attached or for an error). Checks cancellation, deadline and the recursion limit.
    template <class NameOf>
    RunContext child(const NameOf& name_of) const {
        if (config_->cancellation.cancelled() || (config_->deadline && RunClock::now() >= *config_->deadline))
            detail::throw_interrupted(*config_, std::string(name_of()));
        const int limit = config_->effective_recursion_limit();
        if (depth_ + 1 > limit)
            detail::throw_recursion_limit(name_of(), limit);
        RunContext next = *this;
        next.depth_ = depth_ + 1;
        next.pending_name_ = {};
        if (has_callbacks()) {
            next.parent_id_ = run_id_;
            next.run_id_ = RunId::generate();
            next.name_ = pending_name_.empty() ? std::string(name_of()) : std::string(pending_name_);
        }
        return next;
    }

private:
    const RunConfig* config_;
    const Value* configurable_;
    RunId run_id_;
    RunId parent_id_;
    std::string name_;
    std::string_view pending_name_;
    int depth_ = 0;
};

/// The implementation of a runnable step, In → Out. See the file comment for how to write one.
///
/// Streams carry chunks of type chunk_t<In> in and chunk_t<Out> out: In and Out themselves, except for
/// types that stream as another (a Message streams as MessageChunk; see ChunkTraits).
///
/// Shared (through Runnable handles) and invoked from many threads at once: immutable after
/// construction.
template <class In, class Out>
class RunnableImpl : public detail::ImplBase {
public:
    /// The input type.
    using input_type = In;
    /// The output type.
    using output_type = Out;
    /// The type of the input chunks when streamed.
    using input_chunk = chunk_t<In>;
    /// The type of the output chunks when streamed.
    using output_chunk = chunk_t<Out>;

    /// Computes the output for one whole input. Required.
    virtual Out invoke(const In& input, const RunContext& ctx) const = 0;

    /// Turns a stream of input chunks into a stream of output chunks. Optional: the default collects the
    /// input (see collect_input), calls invoke() and yields its output as one chunk. Override it to
    /// stream, and override stream_mode() (and chunk_kind() for snapshots) to say how. @p ctx stays valid
    /// while the returned stream is alive.
    virtual Stream<output_chunk> transform(Stream<input_chunk> input, const RunContext& ctx) const {
        return buffer_then_invoke(this, std::move(input), ctx);
    }

    /// How transform() streams (shown by get_graph()): StreamMode::buffer unless overridden.
    virtual StreamMode stream_mode() const { return StreamMode::buffer; }

    /// How transform()'s output chunks relate to the whole output: ChunkKind::delta (pieces) unless
    /// overridden. The run machinery marks the streams between steps with it (Stream::snapshots()).
    virtual ChunkKind chunk_kind() const { return ChunkKind::delta; }

    /// Adds this step to @p graph and returns its entry and exit nodes. The default adds one node
    /// (name(), stream_mode()); composites add their parts.
    virtual GraphPorts add_to_graph(Graph& graph) const {
        const int id = graph.add_node(name(), stream_mode());
        return GraphPorts{{id}, {id}};
    }

    /// How the run machinery treats this implementation (braid's composites set it).
    detail::ImplKind kind() const noexcept { return kind_; }

    /// Collects a whole input from @p input for a step that cannot transform: what the default
    /// transform() does before invoke(). Generate-mode steps use it too. Chunks are combined with
    /// ChunkConcat, or, when the stream carries snapshots, the last one is kept; then converted with
    /// ChunkTraits<In>::from_chunk.
    /// @throws Error(errc::invalid_argument) if the stream is empty; Error(errc::unsupported) if it has
    /// several chunks of a type that cannot be combined.
    In collect_input(Stream<input_chunk>& input) const {
        const bool snapshots = input.snapshots();
        std::optional<input_chunk> whole;
        while (auto chunk = input.next()) {
            if (!whole || snapshots) {
                whole.emplace(std::move(*chunk));
            } else if constexpr (ConcatenableChunk<input_chunk>) {
                whole.emplace(ChunkConcat<input_chunk>::concat(std::move(*whole), *chunk));
            } else {
                throw Error(errc::unsupported, "step '" + name() + "' cannot stream and received several chunks of type " +
                                                   detail::type_name<input_chunk>() +
                                                   ", which cannot be combined (define operator+ or specialize "
                                                   "braid::ChunkConcat)");
            }
        }
        if (!whole)
            throw Error(errc::invalid_argument, "step '" + name() + "' received an empty input stream");
        return ChunkTraits<In>::from_chunk(std::move(*whole));
    }

protected:
    /// An ordinary step.
    RunnableImpl() = default;
    /// For braid's composites (sequence, bindings).
    explicit RunnableImpl(detail::ImplKind kind) noexcept : kind_(kind) {}

private:
    static Stream<output_chunk> buffer_then_invoke(const RunnableImpl* self, Stream<input_chunk> input,
                                                   const RunContext& ctx) {
        In whole = self->collect_input(input);
        co_yield ChunkTraits<Out>::to_chunk(self->invoke(whole, ctx));
    }

    detail::ImplKind kind_ = detail::ImplKind::step;
};

namespace detail {

/// The whole output that the combined chunks @p total of a stream stand for, as an event payload (the
/// chunk itself when it does not convert).
template <class Out>
Value output_event_value(chunk_t<Out> total) noexcept {
    if constexpr (!std::is_same_v<chunk_t<Out>, Out>) {
        try {
            return to_event_value(ChunkTraits<Out>::from_chunk(total));
        } catch (...) {
            return to_event_value(total);
        }
    } else {
        return to_event_value(total);
    }
}

template <class In, class Out>
Stream<chunk_t<Out>> traced_transform(const RunnableImpl<In, Out>* step, Stream<chunk_t<In>> input, RunContext parent,
                                      bool snapshots) {
    using Chunk = chunk_t<Out>;
    const RunContext ctx = parent.child([step] { return step->name(); });
    if (!ctx.has_callbacks()) {
        try {
            Stream<Chunk> output = step->transform(std::move(input), ctx);
            while (auto chunk = output.next()) {
                ctx.check();
                co_yield std::move(*chunk);
            }
        } catch (const nlohmann::json::exception& error) {
            throw_value_error(step->name(), error);
        }
        co_return;
    }
    std::exception_ptr failure;
    std::optional<Chunk> total;
    try {
        ctx.emit_start(Value());
        Stream<Chunk> output = step->transform(std::move(input), ctx);
        while (auto chunk = output.next()) {
            ctx.check();
            ctx.emit_chunk(to_event_value(*chunk));
            if constexpr (ConcatenableChunk<Chunk>) {
                if (total && !snapshots)
                    total.emplace(ChunkConcat<Chunk>::concat(std::move(*total), *chunk));
                else
                    total.emplace(*chunk);
            } else {
                total.emplace(*chunk);
            }
            co_yield std::move(*chunk);
        }
    } catch (const nlohmann::json::exception& error) {
        try {
            throw_value_error(step->name(), error);
        } catch (...) {
            failure = std::current_exception();
        }
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        ctx.emit_error(failure);
        std::rethrow_exception(failure);
    }
    ctx.emit_end(total ? output_event_value<Out>(std::move(*total)) : Value());
}

} // namespace detail

template <class In, class Out>
Out RunContext::invoke(const RunnableImpl<In, Out>& step, const std::type_identity_t<In>& input) const {
    if (step.kind() == detail::ImplKind::transparent)
        return step.invoke(input, *this);
    const RunContext ctx = child([&step] { return step.name(); });
    if (!ctx.has_callbacks()) {
        try {
            return step.invoke(input, ctx);
        } catch (const nlohmann::json::exception& error) {
            detail::throw_value_error(step.name(), error);
        }
    }
    ctx.emit_start(detail::to_event_value(input));
    std::exception_ptr failure;
    try {
        Out output = step.invoke(input, ctx);
        ctx.emit_end(detail::to_event_value(output));
        return output;
    } catch (const nlohmann::json::exception& error) {
        try {
            detail::throw_value_error(step.name(), error);
        } catch (...) {
            failure = std::current_exception();
        }
    } catch (...) {
        failure = std::current_exception();
    }
    ctx.emit_error(failure);
    std::rethrow_exception(failure);
}

template <class In, class Out>
Stream<chunk_t<Out>> RunContext::transform(const RunnableImpl<In, Out>& step, Stream<chunk_t<In>> input) const {
    const bool snapshots = snapshot_output(step.chunk_kind(), input.snapshots());
    Stream<chunk_t<Out>> output = step.kind() == detail::ImplKind::transparent
                                      ? step.transform(std::move(input), *this)
                                      : detail::traced_transform(&step, std::move(input), *this, snapshots);
    output.set_snapshots(snapshots);
    return output;
}

} // namespace braid
