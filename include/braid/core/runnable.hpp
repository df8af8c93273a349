/// @file
/// @brief Runnable<In, Out>: the cheap, copyable, thread-safe handle to a step; invoke / batch / stream /
/// events; with_retry / with_fallbacks / with_config / bind / get_graph; and the typed `operator|`.
///
/// @code
/// braid::Runnable<braid::Value, std::string> chain = prompt | model | parser;   // checked at compile time
/// std::string answer = chain.invoke({{"question", "Why is the sky blue?"}});
/// for (std::string& chunk : chain.stream({{"question", "..."}})) std::cout << chunk;
/// @endcode
/// To write a new kind of step, see braid/core/runnable_impl.hpp (RunnableImpl) and make_runnable below.
#pragma once

#include <concepts>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/core/callbacks.hpp"
#include "braid/core/config.hpp"
#include "braid/core/detail/binding.hpp"
#include "braid/core/detail/event_collector.hpp"
#include "braid/core/detail/sequence.hpp"
#include "braid/core/detail/thread_pool.hpp"
#include "braid/core/fallbacks.hpp"
#include "braid/core/graph.hpp"
#include "braid/core/result.hpp"
#include "braid/core/retry.hpp"
#include "braid/core/runnable_impl.hpp"
#include "braid/core/stream.hpp"
#include "braid/core/value.hpp"
#include "braid/error.hpp"

namespace braid {

namespace detail {
template <class T>
concept FromJson = std::default_initializable<T> && requires(const Value& v, T& out) { nlohmann::from_json(v, out); };
} // namespace detail

/// True when T, and its stream chunks (chunk_t<T>), convert to a Value (nlohmann `to_json`, found by
/// ADL, or a built-in JSON type).
template <class T>
concept ToValue = std::is_constructible_v<Value, const T&> && std::is_constructible_v<Value, const chunk_t<T>&>;

/// True when a Value converts to T and to its stream chunks (nlohmann `from_json`, found by ADL, or a
/// built-in JSON type).
template <class T>
concept FromValue = detail::FromJson<T> && detail::FromJson<chunk_t<T>>;

namespace detail {
/// Error(errc::invalid_argument) for an empty Runnable handle.
[[noreturn]] void throw_empty_runnable(const char* operation);
} // namespace detail

/// A handle to a step In → Out: cheap to copy (one shared_ptr), immutable, safe to use from many threads.
///
/// Every composition (`a | b`, Parallel, Branch, with_retry ...) is again a Runnable. A stream yields
/// chunks of type chunk_t<Out>: Out itself, except for types that stream as another (a Message streams
/// as MessageChunk); pieces combine with ChunkConcat (see braid/core/chunk.hpp).
template <class In, class Out>
class Runnable {
public:
    /// The input type.
    using input_type = In;
    /// The output type.
    using output_type = Out;
    /// The type of the chunks stream() yields.
    using chunk_type = chunk_t<Out>;
    /// The implementation interface.
    using impl_type = RunnableImpl<In, Out>;

    /// An empty handle: using it throws Error(errc::invalid_argument). Assign a real one before use.
    Runnable() = default;

    /// A handle to @p impl. @throws Error(errc::invalid_argument) if @p impl is null.
    explicit Runnable(std::shared_ptr<const impl_type> impl) : impl_(std::move(impl)) {
        if (!impl_)
            detail::throw_empty_runnable("Runnable construction");
    }

    /// Converts a typed runnable to a Value-based one (AnyRunnable), through to_json / from_json:
    /// what maps such as Parallel and Router hold.
    template <class I2, class O2>
        requires(std::same_as<In, Value> && std::same_as<Out, Value> &&
                 !(std::same_as<I2, Value> && std::same_as<O2, Value>) && (std::same_as<I2, Value> || FromValue<I2>) &&
                 (std::same_as<O2, Value> || ToValue<O2>))
    Runnable(const Runnable<I2, O2>& typed); // NOLINT(google-explicit-constructor): typed steps go in maps

    /// The output for @p input, with no particular config.
    Out invoke(const In& input) const { return invoke(input, default_run_config()); }

    /// The output for @p input under @p config (cancellation, deadline, callbacks, ...).
    Out invoke(const In& input, const RunConfig& config) const {
        const impl_type& step = checked("invoke");
        validate_config(config);
        const RunContext root(config);
        return root.invoke(step, input);
    }

    /// The outputs for @p inputs, in order, run concurrently on the shared pool (at most
    /// config.max_concurrency at once). Each item is a separate top-level run.
    /// @throws the first failure (the other items still running finish first; no new item starts).
    std::vector<Out> batch(const std::vector<In>& inputs, const RunConfig& config = default_run_config()) const {
        const impl_type& step = checked("batch");
        validate_config(config);
        std::vector<std::optional<Out>> outputs(inputs.size());
        detail::parallel_for(inputs.size(), width(config), [&](std::size_t i) {
            const RunContext root(config);
            outputs[i].emplace(root.invoke(step, inputs[i]));
        });
        std::vector<Out> result;
        result.reserve(outputs.size());
        for (auto& output : outputs)
            result.push_back(std::move(*output));
        return result;
    }

    /// Like batch, but every item runs and reports its own value or error (LangChain's
    /// `return_exceptions=True`).
    std::vector<Result<Out>> batch_results(const std::vector<In>& inputs,
                                           const RunConfig& config = default_run_config()) const {
        const impl_type& step = checked("batch_results");
        validate_config(config);
        std::vector<std::optional<Result<Out>>> outputs(inputs.size());
        detail::parallel_for(inputs.size(), width(config), [&](std::size_t i) {
            try {
                const RunContext root(config);
                outputs[i].emplace(Result<Out>::success(root.invoke(step, inputs[i])));
            } catch (...) {
                outputs[i].emplace(Result<Out>::failure(std::current_exception()));
            }
        });
        std::vector<Result<Out>> result;
        result.reserve(outputs.size());
        for (auto& output : outputs)
            result.push_back(std::move(*output));
        return result;
    }

    /// The output of @p input as a stream of chunks: they flow through every step that can transform
    /// (see StreamMode). The stream owns copies of the input, the config and the runnable. Cancellation
    /// and the deadline are checked between chunks; errors are thrown from the stream. Its snapshots()
    /// says whether each chunk is the whole output so far (a JSON parser's partial values) or a piece.
    Stream<chunk_type> stream(In input, RunConfig config = {}) const {
        const impl_type& step = checked("stream");
        Stream<chunk_type> output = stream_of(impl_, std::move(input), std::move(config));
        output.set_snapshots(snapshot_output(step.chunk_kind(), false));
        return output;
    }

    /// Streams @p input, calling @p on_chunk(const chunk_type&) for each chunk as it comes, then returns.
    template <class F>
        requires std::invocable<F&, const chunk_t<Out>&>
    void stream(const In& input, F&& on_chunk, const RunConfig& config = default_run_config()) const {
        Stream<chunk_type> chunks = stream(input, config);
        while (auto chunk = chunks.next())
            on_chunk(static_cast<const chunk_type&>(*chunk));
    }

    /// The events of every run nested in this one (start, chunk, end, error with run ids and parent ids),
    /// as the stream of @p input progresses. A failure is reported as error events, then thrown.
    Stream<Event> events(In input, RunConfig config = {}) const {
        checked("events");
        return events_of(impl_, std::move(input), std::move(config));
    }

    /// This step retried under @p policy (see RetryPolicy).
    Runnable with_retry(RetryPolicy policy = {}) const {
        return Runnable(std::make_shared<detail::RetryImpl<In, Out>>(checked_impl("with_retry"), std::move(policy)));
    }

    /// This step retried up to @p max_attempts times in all, waiting per @p backoff, for failures accepted
    /// by @p retry_if (empty = every failure but cancellation and timeout).
    Runnable with_retry(int max_attempts, Backoff backoff = {}, ErrorPredicate retry_if = {}) const {
        return with_retry(RetryPolicy{max_attempts, backoff, std::move(retry_if)});
    }

    /// This step, then each of @p fallbacks in turn when the previous failed with an error accepted by
    /// @p handles (empty = every failure but cancellation and timeout). When all fail, the first error
    /// propagates.
    Runnable with_fallbacks(const std::vector<Runnable>& fallbacks, ErrorPredicate handles = {}) const {
        std::vector<std::shared_ptr<const impl_type>> steps{checked_impl("with_fallbacks")};
        for (const Runnable& fallback : fallbacks)
            steps.push_back(fallback.impl_);
        return Runnable(std::make_shared<detail::FallbacksImpl<In, Out>>(std::move(steps), std::move(handles)));
    }

    /// This step, falling back only for braid::Error of the listed kinds.
    Runnable with_fallbacks(const std::vector<Runnable>& fallbacks, std::vector<errc> only_for) const {
        return with_fallbacks(fallbacks, errors_of_kind(std::move(only_for)));
    }

    /// This step run under @p config merged into the caller's (see merge_configs): tags, metadata,
    /// callbacks, limits, a deadline, configurable; its run_name names this step's run.
    Runnable with_config(RunConfig config) const {
        return Runnable(std::make_shared<detail::WithConfigImpl<In, Out>>(checked_impl("with_config"), std::move(config)));
    }

    /// This step with @p kwargs (an object) merged into RunContext::configurable() of its run and nested
    /// runs: how a model gets e.g. `{"temperature": 0, "stop": ["\n"]}`. Bound keys win over the
    /// caller's configurable; nested binds win over outer ones.
    Runnable bind(Value kwargs) const {
        return Runnable(std::make_shared<detail::BindImpl<In, Out>>(checked_impl("bind"), std::move(kwargs)));
    }

    /// The composition's graph: Input → steps → Output, with each node's StreamMode.
    Graph get_graph() const {
        const impl_type& step = checked("get_graph");
        Graph graph;
        const int input = graph.add_node("Input", StreamMode::transform, true);
        GraphPorts ports = step.add_to_graph(graph);
        const int output = graph.add_node("Output", StreamMode::transform, true);
        if (ports.entries.empty()) {
            graph.add_edge(input, output);
        } else {
            graph.connect({input}, ports.entries);
            graph.connect(ports.exits, {output});
        }
        return graph;
    }

    /// The step's name.
    std::string name() const { return checked("name").name(); }

    /// The implementation (null for an empty handle).
    const std::shared_ptr<const impl_type>& impl() const noexcept { return impl_; }

    /// True unless the handle is empty.
    explicit operator bool() const noexcept { return static_cast<bool>(impl_); }

private:
    const impl_type& checked(const char* operation) const {
        if (!impl_)
            detail::throw_empty_runnable(operation);
        return *impl_;
    }
    const std::shared_ptr<const impl_type>& checked_impl(const char* operation) const {
        checked(operation);
        return impl_;
    }
    static int width(const RunConfig& config) {
        return config.max_concurrency.value_or(detail::default_concurrency());
    }

    static Stream<chunk_type> stream_of(std::shared_ptr<const impl_type> impl, In input, RunConfig config) {
        validate_config(config);
        const RunContext root(config);
        Stream<chunk_type> output = root.transform(*impl, single_chunk(std::move(input)));
        while (auto chunk = output.next())
            co_yield std::move(*chunk);
    }

    static Stream<chunk_t<In>> single_chunk(In input) {
        return Stream<chunk_t<In>>::single(ChunkTraits<In>::to_chunk(std::move(input)));
    }

    static Stream<Event> events_of(std::shared_ptr<const impl_type> impl, In input, RunConfig config) {
        auto collector = std::make_shared<detail::EventCollector>();
        config.callbacks.push_back(collector);
        std::exception_ptr failure;
        try {
            validate_config(config);
            const RunContext root(config);
            Stream<chunk_type> output = root.transform(*impl, single_chunk(std::move(input)));
            while (output.next()) {
                for (Event& event : collector->drain())
                    co_yield std::move(event);
            }
        } catch (...) {
            failure = std::current_exception();
        }
        for (Event& event : collector->drain())
            co_yield std::move(event);
        if (failure)
            std::rethrow_exception(failure);
    }

    std::shared_ptr<const impl_type> impl_;
};

/// The type-erased runnable: Value in, Value out (maps, the C ABI, bindings).
using AnyRunnable = Runnable<Value, Value>;

/// The implementation behind @p runnable as a T (a dynamic_cast: T may be an interface the
/// implementation also derives from), looking through the conversion of a typed step to AnyRunnable;
/// null when it is something else. Wrappers that change behaviour (with_config, bind, with_retry ...)
/// are not looked through.
template <class T, class In, class Out>
std::shared_ptr<const T> find_impl(const Runnable<In, Out>& runnable) {
    std::shared_ptr<const detail::ImplBase> impl = runnable.impl();
    while (impl) {
        if (auto found = std::dynamic_pointer_cast<const T>(impl))
            return found;
        impl = impl->adapted();
    }
    return nullptr;
}

/// Wraps an implementation in a handle: `make_runnable(std::make_shared<MyStep>(...))`.
/// In and Out come from the implementation's RunnableImpl base.
/// @throws Error(errc::invalid_argument) if @p impl is null.
template <class Impl>
    requires requires { typename Impl::input_type; typename Impl::output_type; } &&
             std::derived_from<Impl, RunnableImpl<typename Impl::input_type, typename Impl::output_type>>
Runnable<typename Impl::input_type, typename Impl::output_type> make_runnable(std::shared_ptr<Impl> impl) {
    using Base = RunnableImpl<typename Impl::input_type, typename Impl::output_type>;
    return Runnable<typename Impl::input_type, typename Impl::output_type>(
        std::shared_ptr<const Base>(std::move(impl)));
}

/// Builds @p Impl in place and wraps it: `make_runnable<MyStep>(args...)`.
template <class Impl, class... Args>
    requires std::constructible_from<Impl, Args...>
auto make_runnable(Args&&... args) {
    return make_runnable(std::make_shared<Impl>(std::forward<Args>(args)...));
}

// ---- operator| ------------------------------------------------------------------------------------

/// `first | second`: the output of @p first feeds @p second. A sequence is one run whose nested runs are
/// the steps; streaming flows through every step that can transform.
template <class A, class B, class C>
Runnable<A, C> operator|(const Runnable<A, B>& first, const Runnable<B, C>& second) {
    if (!first || !second)
        detail::throw_empty_runnable("operator|");
    return Runnable<A, C>(std::make_shared<detail::SequenceImpl<A, B, C>>(first.impl(), second.impl()));
}

/// `typed | dynamic`: a typed output B feeds a Value step, converted with to_json.
template <class A, class B, class C>
    requires(!std::same_as<B, Value> && ToValue<B>)
Runnable<A, C> operator|(const Runnable<A, B>& first, const Runnable<Value, C>& second) {
    if (!first || !second)
        detail::throw_empty_runnable("operator|");
    auto convert = std::make_shared<detail::ConvertImpl<B, Value>>(second.name());
    auto head = std::make_shared<detail::SequenceImpl<A, B, Value>>(first.impl(), std::move(convert));
    return Runnable<A, C>(std::make_shared<detail::SequenceImpl<A, Value, C>>(std::move(head), second.impl()));
}

/// `dynamic | typed`: a Value output feeds a step taking B, converted with from_json; a Value of the
/// wrong shape fails at run time with Error(errc::validation) naming the step.
template <class A, class B, class C>
    requires(!std::same_as<B, Value> && FromValue<B>)
Runnable<A, C> operator|(const Runnable<A, Value>& first, const Runnable<B, C>& second) {
    if (!first || !second)
        detail::throw_empty_runnable("operator|");
    auto convert = std::make_shared<detail::ConvertImpl<Value, B>>(second.name());
    auto head = std::make_shared<detail::SequenceImpl<A, Value, B>>(first.impl(), std::move(convert));
    return Runnable<A, C>(std::make_shared<detail::SequenceImpl<A, B, C>>(std::move(head), second.impl()));
}

/// Mismatched types: the output type B of the left step is not the input type B2 of the right step, and
/// neither side is a Value that could convert. Fix it by making the types agree, by inserting a Lambda
/// that converts B to B2, or by giving the types to_json / from_json so a Value step can sit between.
template <class A, class B, class B2, class C>
    requires(!std::same_as<B, B2> && !(std::same_as<B2, Value> && ToValue<B>) &&
             !(std::same_as<B, Value> && FromValue<B2>))
Runnable<A, C> operator|(const Runnable<A, B>& first, const Runnable<B2, C>& second) = delete;

// ---- out-of-line members ---------------------------------------------------------------------------

template <class In, class Out>
template <class I2, class O2>
    requires(std::same_as<In, Value> && std::same_as<Out, Value> &&
             !(std::same_as<I2, Value> && std::same_as<O2, Value>) && (std::same_as<I2, Value> || FromValue<I2>) &&
             (std::same_as<O2, Value> || ToValue<O2>))
Runnable<In, Out>::Runnable(const Runnable<I2, O2>& typed) {
    if (!typed)
        detail::throw_empty_runnable("conversion to AnyRunnable");
    impl_ = std::make_shared<detail::AdaptImpl<I2, O2>>(typed.impl());
}

template <class In, class Out>
Out RunContext::invoke(const Runnable<In, Out>& step, const std::type_identity_t<In>& input) const {
    if (!step)
        detail::throw_empty_runnable("RunContext::invoke");
    return invoke(*step.impl(), input);
}

template <class In, class Out>
Stream<chunk_t<Out>> RunContext::transform(const Runnable<In, Out>& step, Stream<chunk_t<In>> input) const {
    if (!step)
        detail::throw_empty_runnable("RunContext::transform");
    return transform(*step.impl(), std::move(input));
}

} // namespace braid
