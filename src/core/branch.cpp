#include "braid/core/branch.hpp"
#include "braid/core/router.hpp"

#include <set>

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

Stream<Value> BranchImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    Value whole = collect_input(input);
    Stream<Value> output = ctx.transform(choose(whole, ctx), Stream<Value>::single(whole));
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

Stream<Value> RouterImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    Value whole = collect_input(input);
    Stream<Value> output = ctx.transform(choose(whole), Stream<Value>::single(whole));
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
