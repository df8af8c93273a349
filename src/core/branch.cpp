#include "braid/core/branch.hpp"
#include "braid/core/router.hpp"

#include <set>
#include <vector>

#include "braid/core/detail/snapshots.hpp"

namespace braid {

namespace {

// A Value condition seen as a bool one: no run of its own, only the answer's type is checked.
class BoolCondition final : public RunnableImpl<Value, bool> {
public:
    explicit BoolCondition(AnyRunnable condition)
        : RunnableImpl<Value, bool>(detail::ImplKind::transparent), condition_(std::move(condition)) {}

    bool invoke(const Value& input, const RunContext& ctx) const override {
        const Value answer = ctx.invoke(condition_, input);
        if (!answer.is_boolean())
            throw Error(errc::validation, "branch condition '" + condition_.name() + "' returned " +
                                              std::string(answer.type_name()) + ", not true or false");
        return answer.get<bool>();
    }
    std::string name() const override { return condition_.name(); }
    GraphPorts add_to_graph(Graph& graph) const override { return condition_.impl()->add_to_graph(graph); }

private:
    AnyRunnable condition_;
};

Runnable<Value, bool> bool_condition(const AnyRunnable& condition) {
    if (!condition)
        throw Error(errc::invalid_argument, "Branch: a condition is an empty Runnable handle");
    return Runnable<Value, bool>(std::make_shared<BoolCondition>(condition));
}

} // namespace

BranchCase::BranchCase(const AnyRunnable& when, AnyRunnable then)
    : condition(bool_condition(when)), runnable(std::move(then)) {}

} // namespace braid

namespace braid::detail {

BranchImpl::BranchImpl(std::vector<BranchCase> cases, AnyRunnable otherwise)
    : cases_(std::move(cases)), otherwise_(std::move(otherwise)) {
    if (cases_.empty())
        throw Error(errc::invalid_argument, "Branch: give at least one (condition, runnable) case");
    for (std::size_t i = 0; i < cases_.size(); ++i)
        if (!cases_[i].condition || !cases_[i].runnable)
            throw Error(errc::invalid_argument, "Branch: case " + std::to_string(i + 1) + " has an empty Runnable handle");
    if (!otherwise_)
        throw Error(errc::invalid_argument, "Branch: the default is an empty Runnable handle");
}

const AnyRunnable& BranchImpl::choose(const Value& input, const RunContext& ctx) const {
    for (const BranchCase& branch : cases_)
        if (ctx.invoke(branch.condition, input))
            return branch.runnable;
    return otherwise_;
}

Value BranchImpl::invoke(const Value& input, const RunContext& ctx) const { return ctx.invoke(choose(input, ctx), input); }

ChunkKind BranchImpl::chunk_kind() const {
    std::vector<const AnyRunnable*> choices{&otherwise_};
    for (const BranchCase& branch : cases_)
        choices.push_back(&branch.runnable);
    return chosen_kind(choices, [](const AnyRunnable* r) { return r->impl()->chunk_kind(); });
}

Stream<Value> BranchImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    Value whole = collect_input(input);
    Stream<Value> output = ctx.transform(choose(whole, ctx), Stream<Value>::single(whole));
    if (chunk_kind() == ChunkKind::snapshot)
        output = as_snapshots(std::move(output)); // another case gives snapshots: so do all
    while (auto chunk = output.next())
        co_yield std::move(*chunk);
}

GraphPorts BranchImpl::add_to_graph(Graph& graph) const {
    const int id = graph.add_node(name(), StreamMode::generate);
    GraphPorts ports{{id}, {}};
    auto add = [&](const AnyRunnable& runnable, const std::string& label) {
        GraphPorts part = runnable.impl()->add_to_graph(graph);
        if (part.entries.empty()) {
            ports.exits.push_back(id);
            return;
        }
        graph.connect({id}, part.entries, label);
        ports.exits.insert(ports.exits.end(), part.exits.begin(), part.exits.end());
    };
    for (std::size_t i = 0; i < cases_.size(); ++i)
        add(cases_[i].runnable, "case " + std::to_string(i + 1) + ": " + cases_[i].condition.name());
    add(otherwise_, "default");
    return ports;
}

// ---- Router -------------------------------------------------------------------------------------

RouterImpl::RouterImpl(std::string key, std::vector<Route> routes, AnyRunnable otherwise)
    : key_(std::move(key)), routes_(std::move(routes)), otherwise_(std::move(otherwise)) {
    if (key_.empty())
        throw Error(errc::invalid_argument, "Router: the routing key is empty");
    if (routes_.empty())
        throw Error(errc::invalid_argument, "Router: give at least one route");
    std::set<std::string> seen;
    for (const Route& route : routes_) {
        if (!seen.insert(route.value).second)
            throw Error(errc::invalid_argument, "Router: the route '" + route.value + "' is given twice");
        if (!route.runnable)
            throw Error(errc::invalid_argument, "Router: route '" + route.value + "' is an empty Runnable handle");
    }
}

const AnyRunnable& RouterImpl::choose(const Value& input) const {
    if (!input.is_object())
        throw Error(errc::validation,
                    "step '" + name() + "' expects an object input, got " + std::string(input.type_name()));
    auto found = input.find(key_);
    if (found != input.end()) {
        const std::string value = found->is_string() ? found->get<std::string>() : found->dump();
        for (const Route& route : routes_)
            if (route.value == value)
                return route.runnable;
    }
    if (otherwise_)
        return otherwise_;
    std::string routes;
    for (const Route& route : routes_)
        routes += (routes.empty() ? "'" : ", '") + route.value + "'";
    if (found == input.end())
        throw Error(errc::not_found, "step '" + name() + "': the input has no key '" + key_ + "' and there is no default route");
    throw Error(errc::not_found, "step '" + name() + "': no route for " + found->dump() + " (routes: " + routes +
                                     ") and no default route");
}

Value RouterImpl::invoke(const Value& input, const RunContext& ctx) const { return ctx.invoke(choose(input), input); }

ChunkKind RouterImpl::chunk_kind() const {
    std::vector<const AnyRunnable*> choices;
    for (const Route& route : routes_)
        choices.push_back(&route.runnable);
    if (otherwise_)
        choices.push_back(&otherwise_);
    return chosen_kind(choices, [](const AnyRunnable* r) { return r->impl()->chunk_kind(); });
}

Stream<Value> RouterImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    Value whole = collect_input(input);
    Stream<Value> output = ctx.transform(choose(whole), Stream<Value>::single(whole));
    if (chunk_kind() == ChunkKind::snapshot)
        output = as_snapshots(std::move(output)); // another route gives snapshots: so do all
    while (auto chunk = output.next())
        co_yield std::move(*chunk);
}

GraphPorts RouterImpl::add_to_graph(Graph& graph) const {
    const int id = graph.add_node(name(), StreamMode::generate);
    GraphPorts ports{{id}, {}};
    auto add = [&](const AnyRunnable& runnable, const std::string& label) {
        GraphPorts part = runnable.impl()->add_to_graph(graph);
        if (part.entries.empty()) {
            ports.exits.push_back(id);
            return;
        }
        graph.connect({id}, part.entries, label);
        ports.exits.insert(ports.exits.end(), part.exits.begin(), part.exits.end());
    };
    for (const Route& route : routes_)
        add(route.runnable, route.value);
    if (otherwise_)
        add(otherwise_, "default");
    return ports;
}

} // namespace braid::detail
