/// @file
/// @brief Router: choose the runnable by the value of one key of the input object.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/runnable.hpp"

namespace braid {

/// One route: inputs whose routing key equals `value` go to `runnable`.
struct Route {
    std::string value;    ///< The routing key's value (a string; other JSON values are matched by dump()).
    AnyRunnable runnable; ///< Where those inputs go.
};

namespace detail {

/// The implementation of Router.
class RouterImpl final : public RunnableImpl<Value, Value> {
public:
    RouterImpl(std::string key, std::vector<Route> routes, AnyRunnable otherwise);

    Value invoke(const Value& input, const RunContext& ctx) const override;
    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override;
    StreamMode stream_mode() const override { return StreamMode::generate; }
    ChunkKind chunk_kind() const override;
    std::string name() const override { return "Router(" + key_ + ")"; }
    GraphPorts add_to_graph(Graph& graph) const override;

private:
    const AnyRunnable& choose(const Value& input) const;

    std::string key_;
    std::vector<Route> routes_;
    AnyRunnable otherwise_;
};

} // namespace detail

/// Routes an object input by `input[key]` to the matching route's runnable (which gets the whole input),
/// else to the default. Without a default, an unknown or missing value fails with Error(errc::not_found)
/// listing the routes; a non-object input fails with Error(errc::validation).
class Router : public AnyRunnable {
public:
    /// `Router("topic", {{"math", math_chain}, {"code", code_chain}}, general_chain)`; the default may be
    /// an empty AnyRunnable (no default).
    /// @throws Error(errc::invalid_argument) for an empty key, no route, a duplicate route value, or an
    /// empty route runnable.
    Router(std::string key, std::initializer_list<Route> routes, AnyRunnable otherwise = {})
        : Router(std::move(key), std::vector<Route>(routes), std::move(otherwise)) {}
    /// See the other constructor.
    Router(std::string key, std::vector<Route> routes, AnyRunnable otherwise = {})
        : AnyRunnable(std::make_shared<detail::RouterImpl>(std::move(key), std::move(routes), std::move(otherwise))) {}
};

} // namespace braid
