// The renderer: executes the statements of a parsed template against a context and evaluates its
// expressions, with Jinja's scoping (a fresh scope per loop iteration, macro closures that see their
// defining scope at call time) and the budget that bounds a render. One Renderer serves one render on
// one thread; the parsed template it reads is shared and never changes.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/template/ast.hpp"
#include "engine/template/budget.hpp"
#include "engine/template/value.hpp"

namespace braid::jinja {

/// Variables of one scope. Names are views into the parsed template (or string literals), which
/// outlive every render.
struct Scope {
    std::shared_ptr<Scope> parent;
    std::vector<std::pair<std::string_view, Value>> vars;

    Value* find(std::string_view name);
    void set(std::string_view name, Value value);
};

class Renderer {
public:
    /// How a body ended: normally, or by `{% break %}` / `{% continue %}` (which unwind to the loop).
    enum class Flow { normal, break_, continue_ };

    Renderer(const Limits& limits, std::optional<std::chrono::system_clock::time_point> now);
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    /// Renders @p body with the variables of @p context (a dict value).
    std::string render(const Body& body, Value context);

    // ---- evaluation (expressions.cpp) ----
    Value eval(const Expr& e);
    /// Calls a callable value; an Undefined callee raises its error, a non-callable is a TypeError.
    Value call(const Value& callee, Args& args);
    /// The value of a variable: scopes innermost first, then the context, then the globals.
    Value lookup(std::string_view name);

    // ---- statements (renderer.cpp) ----
    Flow exec(const Body& body, std::string& out);
    /// Appends to an output buffer, within the output limit.
    void emit(std::string& out, std::string_view text);

    // ---- loops (loop.cpp) ----
    /// Renders a for loop over @p iterable at recursion depth @p depth0 (recursive loops call it again).
    void run_for(const Node& node, const Value& iterable, unsigned depth0, std::string& out);

    // ---- macros (macro.cpp) ----
    /// The callable for a `{% macro %}` defined in the current scope.
    Value make_macro(const Node& node);
    /// The `caller` of a `{% call %}` block, rendering its body in the current scope.
    Value make_caller(const Node& node);
    /// Renders @p body in a new scope whose parent is @p closure (a `{% generation %}` block).
    std::string render_in_scope(const Body& body, std::shared_ptr<Scope> closure);

    // ---- filters and tests by name (for map/select/selectattr) ----
    Value apply_filter(std::string_view name, const Value& subject, Args& args);
    bool apply_test(std::string_view name, const Value& subject, Args& args);

    /// A new namespace(), kept so that reference cycles through it are broken after the render.
    std::shared_ptr<Namespace> make_namespace();

    Budget& budget() noexcept { return budget_; }
    const std::optional<std::chrono::system_clock::time_point>& now() const noexcept { return now_; }

    /// Counts one level of recursion (statements, expressions, calls) for its lifetime.
    class DepthGuard {
    public:
        explicit DepthGuard(Renderer& r) : r_(r) {
            if (++r_.depth_ > r_.budget_.limits().max_depth) r_.too_deep();
        }
        ~DepthGuard() { --r_.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;

    private:
        Renderer& r_;
    };

    /// Makes @p scope current for its lifetime.
    class ScopeGuard {
    public:
        ScopeGuard(Renderer& r, std::shared_ptr<Scope> scope) : r_(r), saved_(std::move(r.scope_)) {
            r_.scope_ = std::move(scope);
        }
        ~ScopeGuard() { r_.scope_ = std::move(saved_); }
        ScopeGuard(const ScopeGuard&) = delete;
        ScopeGuard& operator=(const ScopeGuard&) = delete;

    private:
        Renderer& r_;
        std::shared_ptr<Scope> saved_;
    };

    const std::shared_ptr<Scope>& scope() const noexcept { return scope_; }
    /// A new scope under the current one.
    std::shared_ptr<Scope> child_scope();
    /// Keeps @p scope (captured by a macro or caller) so that cycles through it are broken afterwards.
    void capture(const std::shared_ptr<Scope>& scope);

    /// Assigns @p value to a target in the current scope (`set`, `for`, `with`).
    void assign(const Target& target, const Value& value);

private:
    Flow exec_node(const Node& n, std::string& out);
    Value eval_inner(const Expr& e);
    Value eval_call(const Expr& e);
    Value eval_filter(const Expr& e, const Value* subject);
    Value apply_filter_chain(const Expr& chain, Value subject);
    void collect_args(const Expr& e, std::size_t first, Args& args);
    [[noreturn]] void too_deep() const;

    Budget budget_;
    std::optional<std::chrono::system_clock::time_point> now_;
    Value context_;
    std::shared_ptr<Scope> scope_;
    unsigned depth_ = 0;
    std::vector<std::shared_ptr<Namespace>> namespaces_;
    std::vector<std::shared_ptr<Scope>> captured_;
};

} // namespace braid::jinja
