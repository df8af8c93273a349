// Macros and call blocks: a macro is a callable that renders its body in a new scope under the scope
// it was defined in (seen at call time, as a Python closure is). Arguments bind as Jinja's Macro does:
// positional first, then by name, then defaults evaluated in the macro's scope; a missing argument is
// Undefined; extra ones go to `varargs` / `kwargs` when the body uses them, else they are a TypeError.
#include "engine/template/renderer.hpp"

namespace braid::jinja {

namespace {

Value invoke(Renderer& r, const Node& node, const std::string& name, const std::shared_ptr<Scope>& closure,
             Args& args) {
    Renderer::DepthGuard guard(r);
    auto frame = std::make_shared<Scope>();
    frame->parent = closure;
    const std::size_t count = node.params.size();
    auto& keyword = args.keyword;
    auto take_keyword = [&](std::string_view key, Value& out) {
        for (auto it = keyword.begin(); it != keyword.end(); ++it) {
            if (it->first == key) {
                out = std::move(it->second);
                keyword.erase(it);
                return true;
            }
        }
        return false;
    };

    std::vector<bool> provided(count, false);
    bool found_caller = false;
    for (std::size_t i = 0; i < count; ++i) {
        Value v;
        if (i < args.positional.size()) {
            v = args.positional[i];
            provided[i] = true;
        } else if (take_keyword(node.params[i].name, v)) {
            provided[i] = true;
        }
        if (node.params[i].name == "caller") found_caller = true;
        if (provided[i]) frame->set(node.params[i].name, std::move(v));
    }
    if (node.uses_caller && !found_caller) {
        Value caller;
        if (!take_keyword("caller", caller)) caller = Value::undefined("No caller defined");
        frame->set("caller", std::move(caller));
    }
    if (node.uses_kwargs) {
        Dict extra;
        for (auto& [k, v] : keyword) extra.items.emplace_back(Value::string(k), std::move(v));
        frame->set("kwargs", Value::dict(std::move(extra)));
    } else if (!keyword.empty()) {
        if (keyword.front().first == "caller")
            fail(FailureKind::type, "macro " + repr_string(name) +
                                        " was invoked with two values for the special caller argument. This is "
                                        "most likely a bug.");
        fail(FailureKind::type,
             "macro " + repr_string(name) + " takes no keyword argument " + repr_string(keyword.front().first));
    }
    if (node.uses_varargs) {
        std::vector<Value> extra;
        for (std::size_t i = count; i < args.positional.size(); ++i) extra.push_back(args.positional[i]);
        frame->set("varargs", Value::tuple(std::move(extra)));
    } else if (args.positional.size() > count) {
        fail(FailureKind::type,
             "macro " + repr_string(name) + " takes not more than " + std::to_string(count) + " argument(s)");
    }

    Renderer::ScopeGuard scope(r, frame);
    // Defaults are computed at call time, in the macro's scope (they may use earlier parameters).
    for (std::size_t i = 0; i < count; ++i) {
        if (provided[i]) continue;
        const Param& p = node.params[i];
        frame->set(p.name, p.default_value ? r.eval(*p.default_value)
                                           : Value::undefined("parameter " + repr_string(p.name) + " was not provided"));
    }
    std::string out;
    r.exec(node.body, out);
    return Value::string(std::move(out));
}

} // namespace

Value Renderer::make_macro(const Node& node) {
    const std::shared_ptr<Scope> closure = scope_;
    capture(closure);
    const Node* n = &node;
    return Value::function(
        node.text, [n, closure](Renderer& r, Args& args) { return invoke(r, *n, n->text, closure, args); },
        Function::Kind::macro);
}

Value Renderer::make_caller(const Node& node) {
    const std::shared_ptr<Scope> closure = scope_;
    capture(closure);
    const Node* n = &node;
    static const std::string name = "caller";
    return Value::function(
        name, [n, closure](Renderer& r, Args& args) { return invoke(r, *n, name, closure, args); },
        Function::Kind::macro);
}

std::string Renderer::render_in_scope(const Body& body, std::shared_ptr<Scope> closure) {
    auto frame = std::make_shared<Scope>();
    frame->parent = std::move(closure);
    ScopeGuard scope(*this, frame);
    std::string out;
    exec(body, out);
    return out;
}

} // namespace braid::jinja
