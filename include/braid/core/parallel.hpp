/// @file
/// @brief Parallel: run several runnables on the same input concurrently and gather an object
/// `{"key": output, ...}` (LangChain's RunnableParallel / a dict in a chain).
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/runnable.hpp"

namespace braid {

/// One named branch of a Parallel.
struct ParallelBranch {
    std::string key;     ///< Key of the branch's output in the result object.
    AnyRunnable runnable; ///< The branch (typed runnables convert through to_json / from_json).
};

namespace detail {

/// The implementation of Parallel (also used by Passthrough::assign).
class ParallelImpl final : public RunnableImpl<Value, Value> {
public:
    explicit ParallelImpl(std::vector<ParallelBranch> branches);

    Value invoke(const Value& input, const RunContext& ctx) const override;
    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override;
    StreamMode stream_mode() const override { return StreamMode::generate; }
    ChunkKind chunk_kind() const override;
    std::string name() const override;
    GraphPorts add_to_graph(Graph& graph) const override;

    /// The branches, in order.
    const std::vector<ParallelBranch>& branches() const noexcept { return branches_; }
    /// Streams the branches' chunks for one whole input, each as `{"key": chunk}`, as they come from the
    /// concurrently running branches; with @p snapshots, the whole object so far each time instead:
    /// @p base with the branches' outputs so far set in it.
    Stream<Value> stream_branches(Value input, const RunContext& ctx, bool snapshots, Value base) const;

private:
    std::vector<ParallelBranch> branches_;
    // How long the branches of an invoke took in all, lately (ns; -1 until measured): branches that
    // take less than waking a pool thread costs run one after the other on the caller's thread.
    mutable std::atomic<std::int64_t> typical_cost_ns_{-1};
};

} // namespace detail

/// Runs its branches concurrently (on the shared pool, at most RunConfig::max_concurrency at once) on the
/// same input and returns `{"key": output, ...}` in branch order. Branches that together take only a
/// few microseconds (less than handing work to another thread costs) run one after the other on the
/// calling thread instead; the Parallel measures this as it goes. The first failing branch's error
/// propagates (the others finish first). Streaming collects the input, then yields `{"key": chunk}`
/// objects as the branches produce them (they combine, with value_concat, into the invoke result) —
/// unless a branch streams snapshots (a JSON parser): then each chunk is the whole object so far.
class Parallel : public AnyRunnable {
public:
    /// A Parallel of @p branches: `Parallel({{"a", r1}, {"b", r2}})`.
    /// @throws Error(errc::invalid_argument) for no branch, an empty or duplicate key, or an empty runnable.
    Parallel(std::initializer_list<ParallelBranch> branches)
        : Parallel(std::vector<ParallelBranch>(branches)) {}
    /// A Parallel of @p branches (see the other constructor).
    explicit Parallel(std::vector<ParallelBranch> branches)
        : AnyRunnable(std::make_shared<detail::ParallelImpl>(std::move(branches))) {}
};

} // namespace braid
