// Expressions: literals, names, containers, attribute/item access, slicing, calls (methods of
// built-in values called directly), filters, tests, boolean logic, arithmetic, comparison chains.
#include "engine/template/access.hpp"
#include "engine/template/builtins.hpp"
#include "engine/template/methods.hpp"
#include "engine/template/operators.hpp"
#include "engine/template/renderer.hpp"

namespace braid::jinja {

Value Renderer::eval(const Expr& e) {
    DepthGuard guard(*this);
    budget_.steps(1);
    try {
        return eval_inner(e);
    } catch (Failure& f) {
        // The innermost expression that failed names the location.
        if (f.offset == static_cast<std::size_t>(-1)) f.offset = e.offset;
        throw;
    }
}

Value Renderer::lookup(std::string_view name) {
    for (Scope* s = scope_.get(); s; s = s->parent.get())
        if (Value* v = s->find(name)) return *v;
    if (context_.is_dict())
        if (const Value* v = context_.dict().find(name)) return *v;
    if (const Value* g = find_global(name)) return *g;
    return Value::undefined(repr_string(name) + " is undefined");
}

Value Renderer::call(const Value& callee, Args& args) {
    switch (callee.type()) {
    case Value::Type::undefined: raise_undefined(callee);
    case Value::Type::function: return callee.fn().call(*this, args);
    case Value::Type::object:
        if (callee.obj().callable()) return callee.obj().call(*this, args);
        break;
    default: break;
    }
    fail(FailureKind::type, "'" + type_name(callee) + "' object is not callable");
}

void Renderer::collect_args(const Expr& e, std::size_t first, Args& args) {
    for (std::size_t i = first; i < e.args.size(); ++i) args.positional.push_back(eval(*e.args[i]));
    if (e.dyn_args) {
        const Value extra = iterable_items(eval(*e.dyn_args));
        args.positional.insert(args.positional.end(), extra.items().begin(), extra.items().end());
    }
    for (const auto& [name, value] : e.kwargs) args.keyword.emplace_back(name, eval(*value));
    if (e.dyn_kwargs) {
        const Value extra = eval(*e.dyn_kwargs);
        if (!extra.is_dict())
            fail(FailureKind::type, "argument after ** must be a mapping, not " + type_name(extra));
        for (const auto& [k, v] : extra.dict().items) {
            if (!k.is_string()) fail(FailureKind::type, "keywords must be strings");
            for (const auto& [name, value] : args.keyword)
                if (name == k.str()) fail(FailureKind::type, "got multiple values for keyword argument '" + name + "'");
            args.keyword.emplace_back(k.str(), v);
        }
    }
}

Value Renderer::eval_call(const Expr& e) {
    const Expr& callee = *e.args[0];
    if (callee.kind == ExprKind::getattr) {
        // obj.method(...): call the method of a built-in value without building a bound method first.
        const Value obj = eval(*callee.args[0]);
        if (!obj.is_undefined() && method_kind(obj, callee.name) != MethodKind::none) {
            Args args;
            collect_args(e, 1, args);
            return call_method(*this, obj, callee.name, args);
        }
        const Value fn = get_attr(*this, obj, callee.name);
        Args args;
        collect_args(e, 1, args);
        return call(fn, args);
    }
    const Value fn = eval(callee);
    Args args;
    collect_args(e, 1, args);
    return call(fn, args);
}

// @p subject, when given, replaces args[0] (filter and set blocks apply a chain to their body).
Value Renderer::eval_filter(const Expr& e, const Value* subject) {
    if (!subject && !e.args[0]) fail(FailureKind::runtime, "filter without a value");
    const Value value = subject ? *subject : eval(*e.args[0]);
    Args args;
    collect_args(e, 1, args);
    return e.filter(*this, value, args);
}

Value Renderer::apply_filter_chain(const Expr& chain, Value subject) {
    DepthGuard guard(*this);
    if (!chain.args[0]) return eval_filter(chain, &subject);
    const Value inner = apply_filter_chain(*chain.args[0], std::move(subject));
    return eval_filter(chain, &inner);
}

Value Renderer::apply_filter(std::string_view name, const Value& subject, Args& args) {
    const FilterFn f = find_filter(name);
    if (!f) fail(FailureKind::runtime, "No filter named " + repr_string(name) + ".");
    return f(*this, subject, args);
}

bool Renderer::apply_test(std::string_view name, const Value& subject, Args& args) {
    const TestFn t = find_test(name);
    if (!t) fail(FailureKind::runtime, "No test named " + repr_string(name) + ".");
    return t(*this, subject, args);
}

Value Renderer::eval_inner(const Expr& e) {
    switch (e.kind) {
    case ExprKind::constant: return e.constant;
    case ExprKind::name: return lookup(e.name);
    case ExprKind::list:
    case ExprKind::tuple: {
        std::vector<Value> items;
        items.reserve(e.args.size());
        for (const auto& a : e.args) items.push_back(eval(*a));
        return e.kind == ExprKind::list ? Value::list(std::move(items)) : Value::tuple(std::move(items));
    }
    case ExprKind::dict: {
        Dict d;
        for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
            Value key = eval(*e.args[i]);
            Value value = eval(*e.args[i + 1]);
            if (key.is_sequence() && !key.is_tuple()) fail(FailureKind::type, "unhashable type: '" + type_name(key) + "'");
            if (key.is_dict() || key.is_ns()) fail(FailureKind::type, "unhashable type: '" + type_name(key) + "'");
            bool replaced = false;
            for (auto& [k, v] : d.items)
                if (equals(k, key)) v = value, replaced = true;
            if (!replaced) d.items.emplace_back(std::move(key), std::move(value));
        }
        return Value::dict(std::move(d));
    }
    case ExprKind::getattr: return get_attr(*this, eval(*e.args[0]), e.name);
    case ExprKind::getitem: {
        const Value obj = eval(*e.args[0]);
        return get_item(*this, obj, eval(*e.args[1]));
    }
    case ExprKind::slice: {
        const Value obj = eval(*e.args[0]);
        const Value start = e.args[1] ? eval(*e.args[1]) : Value::none();
        const Value stop = e.args[2] ? eval(*e.args[2]) : Value::none();
        const Value step = e.args[3] ? eval(*e.args[3]) : Value::none();
        return slice(obj, start, stop, step);
    }
    case ExprKind::call: return eval_call(e);
    case ExprKind::filter: return eval_filter(e, nullptr);
    case ExprKind::test: {
        const Value subject = eval(*e.args[0]);
        Args args;
        collect_args(e, 1, args);
        return Value::boolean(e.test(*this, subject, args));
    }
    case ExprKind::not_: return Value::boolean(!truthy(eval(*e.args[0])));
    case ExprKind::neg: return negate(eval(*e.args[0]));
    case ExprKind::pos: return positive(eval(*e.args[0]));
    case ExprKind::binary: {
        const Value a = eval(*e.args[0]);
        return binary_op(e.op, a, eval(*e.args[1]));
    }
    case ExprKind::compare: {
        Value left = eval(*e.args[0]);
        for (std::size_t i = 0; i < e.compare_ops.size(); ++i) {
            Value right = eval(*e.args[i + 1]);
            if (!compare(e.compare_ops[i], left, right)) return Value::boolean(false);
            left = std::move(right);
        }
        return Value::boolean(true);
    }
    case ExprKind::and_: {
        Value left = eval(*e.args[0]);
        if (!truthy(left)) return left;
        return eval(*e.args[1]);
    }
    case ExprKind::or_: {
        Value left = eval(*e.args[0]);
        if (truthy(left)) return left;
        return eval(*e.args[1]);
    }
    case ExprKind::concat: {
        std::string out;
        for (const auto& a : e.args) {
            const Value v = eval(*a);
            if (v.is_string()) {
                budget_.check_string(out.size() + v.str().size());
                out += v.str();
            } else {
                const std::string s = to_str(v);
                budget_.check_string(out.size() + s.size());
                out += s;
            }
        }
        return Value::string(std::move(out));
    }
    case ExprKind::cond:
        if (truthy(eval(*e.args[0]))) return eval(*e.args[1]);
        if (e.args[2]) return eval(*e.args[2]);
        return Value::undefined("the inline if-expression evaluated to false and no else section was defined.");
    }
    return {};
}

} // namespace braid::jinja
