/// @file
/// @brief Branch: (condition, runnable) pairs tried in order, plus a default (LangChain's RunnableBranch).
#pragma once

#include <concepts>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/core/lambda.hpp"
#include "braid/core/runnable.hpp"

namespace braid {

/// One case of a Branch: when `condition` is true for the input, `runnable` runs.
struct BranchCase {
    Runnable<Value, bool> condition; ///< The test (a nested run).
    AnyRunnable runnable;            ///< What runs when it holds.

    /// A case from a condition runnable.
    BranchCase(Runnable<Value, bool> when, AnyRunnable then) : condition(std::move(when)), runnable(std::move(then)) {}
    /// A case from a dynamic condition, whose output must be a JSON boolean (anything else fails at run
    /// time with Error(errc::validation) naming it). The condition's run is the one events show.
    /// @throws Error(errc::invalid_argument) if @p when is empty.
    BranchCase(const AnyRunnable& when, AnyRunnable then);
    /// A case from a predicate `bool(const Value&)`.
    template <class F>
        requires(std::is_invocable_r_v<bool, const std::decay_t<F>&, const Value&> &&
                 !std::is_convertible_v<F, Runnable<Value, bool>>)
    BranchCase(F&& when, AnyRunnable then)
        : condition(Lambda<Value, bool>(std::forward<F>(when), "condition")), runnable(std::move(then)) {}
};

namespace detail {

/// The implementation of Branch.
class BranchImpl final : public RunnableImpl<Value, Value> {
public:
    BranchImpl(std::vector<BranchCase> cases, AnyRunnable otherwise);

    Value invoke(const Value& input, const RunContext& ctx) const override;
    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override;
    StreamMode stream_mode() const override { return StreamMode::generate; }
    ChunkKind chunk_kind() const override;
    std::string name() const override { return "Branch"; }
    GraphPorts add_to_graph(Graph& graph) const override;

private:
    const AnyRunnable& choose(const Value& input, const RunContext& ctx) const;

    std::vector<BranchCase> cases_;
    AnyRunnable otherwise_;
};

} // namespace detail

/// Tests the conditions in order on the input and runs the runnable of the first that holds, else the
/// default. Conditions and the chosen runnable are nested runs. Streaming collects the input (the
/// conditions need all of it), then streams the chosen runnable's output.
class Branch : public AnyRunnable {
public:
    /// `Branch({{is_question, answer}, {[](const Value& v) { return v.is_string(); }, echo}}, fallback)`.
    /// @throws Error(errc::invalid_argument) for no case or an empty runnable.
    Branch(std::initializer_list<BranchCase> cases, AnyRunnable otherwise)
        : Branch(std::vector<BranchCase>(cases), std::move(otherwise)) {}
    /// See the other constructor.
    Branch(std::vector<BranchCase> cases, AnyRunnable otherwise)
        : AnyRunnable(std::make_shared<detail::BranchImpl>(std::move(cases), std::move(otherwise))) {}
};

} // namespace braid
