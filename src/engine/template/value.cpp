#include "engine/template/value.hpp"

#include <algorithm>

#include "engine/template/budget.hpp"

namespace braid::jinja {

const char* python_name(FailureKind kind) noexcept {
    switch (kind) {
    case FailureKind::syntax: return "TemplateSyntaxError";
    case FailureKind::raised: return "TemplateError";
    case FailureKind::type: return "TypeError";
    case FailureKind::undefined: return "UndefinedError";
    case FailureKind::security: return "SecurityError";
    case FailureKind::runtime: return "TemplateRuntimeError";
    case FailureKind::value: return "ValueError";
    case FailureKind::zero_division: return "ZeroDivisionError";
    case FailureKind::overflow: return "OverflowError";
    case FailureKind::index: return "IndexError";
    case FailureKind::key: return "KeyError";
    case FailureKind::assertion: return "AssertionError";
    case FailureKind::limit: return "LimitError";
    }
    return "Error";
}

void fail(FailureKind kind, std::string message) { throw Failure{kind, std::move(message)}; }

const Value* Dict::find(const Value& key) const {
    if (key.is_string()) return find(std::string_view(key.str()));
    for (const auto& [k, v] : items)
        if (equals(k, key)) return &v;
    return nullptr;
}

const Value* Dict::find(std::string_view key) const {
    for (const auto& [k, v] : items)
        if (k.is_string() && k.str() == key) return &v;
    return nullptr;
}

Value* Namespace::find(std::string_view name) {
    for (auto& [k, v] : attrs)
        if (k == name) return &v;
    return nullptr;
}

void Namespace::set(std::string_view name, Value value) {
    if (Value* slot = find(name)) {
        *slot = std::move(value);
        return;
    }
    attrs.emplace_back(std::string(name), std::move(value));
}

Value Object::call(Renderer&, Args&) { fail(FailureKind::type, "'" + type_name() + "' object is not callable"); }

std::string Object::repr() const { return "<" + type_name() + " object>"; }

Value Value::undefined(std::string message, bool unsafe) {
    return Value(Undefined{std::make_shared<const std::string>(std::move(message)), unsafe});
}

Value Value::string(std::string s, bool safe) {
    check_string_size(s.size());
    charge_bytes(s.size() + sizeof(Str));
    return Value(std::make_shared<const Str>(Str{std::move(s), safe}));
}

Value Value::list(std::vector<Value> items) {
    Sequence s;
    s.items = std::move(items);
    return sequence(std::move(s));
}

Value Value::tuple(std::vector<Value> items) {
    Sequence s;
    s.items = std::move(items);
    s.kind = SeqKind::tuple;
    s.type = "tuple";
    return sequence(std::move(s));
}

Value Value::sequence(Sequence s) {
    check_item_count(s.items.size());
    charge_bytes(s.items.size() * sizeof(Value) + sizeof(Sequence));
    unsigned deepest = 0;
    for (const auto& item : s.items) deepest = std::max(deepest, item.depth());
    if (deepest + 1 > max_value_depth) fail(FailureKind::limit, "values nested more than 256 levels deep");
    s.depth = deepest + 1;
    return Value(std::make_shared<const Sequence>(std::move(s)));
}

Value Value::dict(Dict d) {
    check_item_count(d.items.size());
    charge_bytes(d.items.size() * 2 * sizeof(Value) + sizeof(Dict));
    unsigned deepest = 0;
    for (const auto& [k, v] : d.items) deepest = std::max({deepest, k.depth(), v.depth()});
    if (deepest + 1 > max_value_depth) fail(FailureKind::limit, "values nested more than 256 levels deep");
    d.depth = deepest + 1;
    return Value(std::make_shared<const Dict>(std::move(d)));
}

Value Value::function(std::string name, std::function<Value(Renderer&, Args&)> call, Function::Kind kind,
                      std::string owner) {
    return Value(std::make_shared<const Function>(Function{std::move(name), kind, std::move(owner), std::move(call)}));
}

const std::string& Value::undefined_message() const {
    static const std::string generic = "value is undefined";
    const auto& u = std::get<Undefined>(data_);
    return u.message ? *u.message : generic;
}

const void* Value::identity() const noexcept {
    switch (type()) {
    case Type::string: return std::get<std::shared_ptr<const Str>>(data_).get();
    case Type::sequence: return std::get<std::shared_ptr<const Sequence>>(data_).get();
    case Type::dict: return std::get<std::shared_ptr<const Dict>>(data_).get();
    case Type::function: return std::get<std::shared_ptr<const Function>>(data_).get();
    case Type::ns: return std::get<std::shared_ptr<Namespace>>(data_).get();
    case Type::object: return std::get<std::shared_ptr<Object>>(data_).get();
    default: return nullptr;
    }
}

unsigned Value::depth() const noexcept {
    switch (type()) {
    case Type::sequence: return seq().depth;
    case Type::dict: return dict().depth;
    default: return 0;
    }
}

std::string type_name(const Value& v) {
    switch (v.type()) {
    case Value::Type::undefined: return "Undefined";
    case Value::Type::none: return "NoneType";
    case Value::Type::boolean: return "bool";
    case Value::Type::integer: return "int";
    case Value::Type::floating: return "float";
    case Value::Type::string: return v.is_safe() ? "Markup" : "str";
    case Value::Type::sequence: return v.seq().type;
    case Value::Type::dict: return "dict";
    case Value::Type::function:
        return v.fn().kind == Function::Kind::macro ? "Macro"
               : v.fn().kind == Function::Kind::method ? "builtin_function_or_method"
                                                         : "function";
    case Value::Type::ns: return "Namespace";
    case Value::Type::object: return v.obj().type_name();
    }
    return "object";
}

std::string object_description(const Value& v) {
    if (v.is_none()) return "None";
    return type_name(v) + " object";
}

bool truthy(const Value& v) {
    switch (v.type()) {
    case Value::Type::undefined:
    case Value::Type::none: return false;
    case Value::Type::boolean: return v.as_bool();
    case Value::Type::integer: return v.as_int() != 0;
    case Value::Type::floating: return v.as_float() != 0.0;
    case Value::Type::string: return !v.str().empty();
    case Value::Type::sequence:
        // A generator object is always true in Python, whatever it would yield.
        return v.seq().kind == SeqKind::iterator || !v.items().empty();
    case Value::Type::dict: return !v.dict().items.empty();
    case Value::Type::function:
    case Value::Type::ns:
    case Value::Type::object: return true;
    }
    return false;
}

namespace {

bool equals_at(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return a.number() == b.number();
        return a.int_like() == b.int_like();
    }
    if (a.type() != b.type()) return false;
    switch (a.type()) {
    case Value::Type::undefined:
    case Value::Type::none: return true;
    case Value::Type::string:
        charge_steps(a.str().size() / 64);
        return a.str() == b.str();
    case Value::Type::sequence: {
        const auto& sa = a.seq();
        const auto& sb = b.seq();
        // Lists equal lists and tuples tuples; iterators compare by identity.
        if (sa.kind == SeqKind::iterator || sb.kind == SeqKind::iterator) return a.identity() == b.identity();
        if (sa.kind != sb.kind || sa.items.size() != sb.items.size()) return false;
        charge_steps(sa.items.size());
        for (std::size_t i = 0; i < sa.items.size(); ++i)
            if (!equals_at(sa.items[i], sb.items[i])) return false;
        return true;
    }
    case Value::Type::dict: {
        const auto& da = a.dict().items;
        if (da.size() != b.dict().items.size()) return false;
        charge_steps(da.size() * da.size() / 4 + 1);
        for (const auto& [k, v] : da) {
            const Value* other = b.dict().find(k);
            if (!other || !equals_at(v, *other)) return false;
        }
        return true;
    }
    default: return a.identity() == b.identity();
    }
}

} // namespace

bool equals(const Value& a, const Value& b) { return equals_at(a, b); }

} // namespace braid::jinja
