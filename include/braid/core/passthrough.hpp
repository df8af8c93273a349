/// @file
/// @brief Passthrough: the identity step, and Passthrough::assign (add computed keys to an object).
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/parallel.hpp"
#include "braid/core/runnable.hpp"

namespace braid {

namespace detail {

/// The identity, chunk by chunk.
template <class T>
class PassthroughImpl final : public RunnableImpl<T, T> {
public:
    T invoke(const T& input, const RunContext&) const override { return input; }
    Stream<chunk_t<T>> transform(Stream<chunk_t<T>> input, const RunContext&) const override { return input; }
    StreamMode stream_mode() const override { return StreamMode::transform; }
    ChunkKind chunk_kind() const override { return ChunkKind::same_as_input; }
    std::string name() const override { return "Passthrough"; }
};

/// assign: the input object plus the outputs of a Parallel.
class AssignImpl final : public RunnableImpl<Value, Value> {
public:
    explicit AssignImpl(std::vector<ParallelBranch> branches);

    Value invoke(const Value& input, const RunContext& ctx) const override;
    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override;
    StreamMode stream_mode() const override { return StreamMode::transform; }
    ChunkKind chunk_kind() const override;
    std::string name() const override;
    GraphPorts add_to_graph(Graph& graph) const override;

private:
    ParallelImpl parallel_;
};

} // namespace detail

/// The identity on Values: passes its input (and, streaming, each chunk) through unchanged.
class Passthrough : public AnyRunnable {
public:
    /// The identity.
    Passthrough() : AnyRunnable(std::make_shared<detail::PassthroughImpl<Value>>()) {}

    /// A step taking an object and returning it with the keys of @p branches added (computed
    /// concurrently from the input, like Parallel; a computed key replaces an input key of the same name):
    /// `Passthrough::assign({{"length", length_of_question}})`. Streaming yields the input chunks as they
    /// come, then `{"key": chunk}` objects from the branches.
    /// @throws Error(errc::invalid_argument) as Parallel does; at run time Error(errc::validation) when
    /// the input is not an object.
    static AnyRunnable assign(std::vector<ParallelBranch> branches) {
        return AnyRunnable(std::make_shared<detail::AssignImpl>(std::move(branches)));
    }
};

/// The identity on T (a typed Passthrough).
template <class T>
Runnable<T, T> passthrough() {
    return Runnable<T, T>(std::make_shared<detail::PassthroughImpl<T>>());
}

} // namespace braid
