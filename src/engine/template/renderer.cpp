// Statements: text, output, if, set (also block sets), macro definitions, call and filter blocks,
// with, generation, break/continue; plus scopes, assignment and the end-of-render cleanup.
#include "engine/template/renderer.hpp"

#include "engine/template/access.hpp"
#include "engine/template/builtins.hpp"
#include "engine/template/operators.hpp"

namespace braid::jinja {

Value* Scope::find(std::string_view name) {
    for (auto& [k, v] : vars)
        if (k == name) return &v;
    return nullptr;
}

void Scope::set(std::string_view name, Value value) {
    if (Value* slot = find(name)) {
        *slot = std::move(value);
        return;
    }
    vars.emplace_back(name, std::move(value));
}

Renderer::Renderer(const Limits& limits, std::optional<std::chrono::system_clock::time_point> now)
    : budget_(limits), now_(now) {}

Renderer::~Renderer() {
    // Macros keep their defining scope and namespaces can hold anything, themselves included: empty
    // them all so that every reference cycle built during the render is broken.
    for (auto& s : captured_) {
        s->vars.clear();
        s->parent.reset();
    }
    for (auto& n : namespaces_) n->attrs.clear();
}

void Renderer::too_deep() const {
    fail(FailureKind::limit, "template nested more than " + std::to_string(budget_.limits().max_depth) +
                                 " levels deep while rendering (runaway recursion?)");
}

std::shared_ptr<Scope> Renderer::child_scope() {
    auto s = std::make_shared<Scope>();
    s->parent = scope_;
    return s;
}

void Renderer::capture(const std::shared_ptr<Scope>& scope) {
    // A scope is captured once per macro definition; don't keep duplicates of the same one.
    if (!captured_.empty() && captured_.back() == scope) return;
    captured_.push_back(scope);
}

std::shared_ptr<Namespace> Renderer::make_namespace() {
    budget_.allocate(sizeof(Namespace) + 64);
    auto n = std::make_shared<Namespace>();
    namespaces_.push_back(n);
    return n;
}

std::string Renderer::render(const Body& body, Value context) {
    BudgetScope budget_scope(budget_);
    context_ = std::move(context);
    scope_ = std::make_shared<Scope>();
    capture(scope_);
    std::string out;
    exec(body, out);
    return out;
}

void Renderer::emit(std::string& out, std::string_view text) {
    budget_.check_string(out.size() + text.size());
    out.append(text);
}

Renderer::Flow Renderer::exec(const Body& body, std::string& out) {
    DepthGuard guard(*this);
    for (const Node& n : body) {
        budget_.steps(1);
        Flow flow;
        try {
            flow = exec_node(n, out);
        } catch (Failure& f) {
            if (f.offset == static_cast<std::size_t>(-1)) f.offset = n.offset;
            throw;
        }
        if (flow != Flow::normal) return flow;
    }
    return Flow::normal;
}

void Renderer::assign(const Target& target, const Value& value) {
    if (target.tuple) {
        const Value items = iterable_items(value);
        const auto& list = items.items();
        if (list.size() < target.items.size())
            fail(FailureKind::value, "not enough values to unpack (expected " + std::to_string(target.items.size()) +
                                         ", got " + std::to_string(list.size()) + ")");
        if (list.size() > target.items.size())
            fail(FailureKind::value,
                 "too many values to unpack (expected " + std::to_string(target.items.size()) + ")");
        for (std::size_t i = 0; i < list.size(); ++i) assign(target.items[i], list[i]);
        return;
    }
    if (!target.attr.empty()) {
        const Value ns = lookup(target.name);
        if (!ns.is_ns()) fail(FailureKind::runtime, "cannot assign attribute on non-namespace object");
        ns.ns_ref().set(target.attr, value);
        return;
    }
    scope_->set(target.name, value);
}

Renderer::Flow Renderer::exec_node(const Node& n, std::string& out) {
    switch (n.kind) {
    case NodeKind::text: emit(out, n.text); return Flow::normal;
    case NodeKind::output: {
        const Value v = eval(*n.expr);
        if (v.is_string()) {
            emit(out, v.str());
        } else {
            emit(out, to_str(v));
        }
        return Flow::normal;
    }
    case NodeKind::if_:
        for (const auto& [cond, body] : n.branches)
            if (truthy(eval(*cond))) return exec(body, out);
        return exec(n.else_body, out);
    case NodeKind::for_: run_for(n, eval(*n.expr), 0, out); return Flow::normal;
    case NodeKind::set: assign(n.target, eval(*n.expr)); return Flow::normal;
    case NodeKind::set_block: {
        std::string buffer;
        Flow flow;
        {
            ScopeGuard inner(*this, child_scope());
            flow = exec(n.body, buffer);
        }
        Value v = Value::string(std::move(buffer));
        if (n.expr) v = apply_filter_chain(*n.expr, std::move(v));
        assign(n.target, v);
        return flow;
    }
    case NodeKind::macro: scope_->set(n.text, make_macro(n)); return Flow::normal;
    case NodeKind::call_block: {
        const Expr& call_expr = *n.expr;
        const Value callee = eval(*call_expr.args[0]);
        Args args;
        collect_args(call_expr, 1, args);
        args.keyword.emplace_back("caller", make_caller(n));
        const Value result = call(callee, args);
        emit(out, to_str(result));
        return Flow::normal;
    }
    case NodeKind::filter_block: {
        std::string buffer;
        Flow flow;
        {
            ScopeGuard inner(*this, child_scope());
            flow = exec(n.body, buffer);
        }
        const Value result = apply_filter_chain(*n.expr, Value::string(std::move(buffer)));
        emit(out, to_str(result));
        return flow;
    }
    case NodeKind::break_: return Flow::break_;
    case NodeKind::continue_: return Flow::continue_;
    case NodeKind::with: {
        // The values are computed in the enclosing scope, then bound in the new one.
        std::vector<Value> values;
        values.reserve(n.assignments.size());
        for (const auto& [target, expr] : n.assignments) values.push_back(eval(*expr));
        ScopeGuard inner(*this, child_scope());
        for (std::size_t i = 0; i < values.size(); ++i) assign(n.assignments[i].first, values[i]);
        return exec(n.body, out);
    }
    case NodeKind::scope: emit(out, render_in_scope(n.body, scope_)); return Flow::normal;
    }
    return Flow::normal;
}

} // namespace braid::jinja
