#include "engine/template/access.hpp"

#include <limits>

#include "engine/template/budget.hpp"
#include "engine/template/methods.hpp"
#include "engine/template/operators.hpp"
#include "engine/template/utf8.hpp"

namespace braid::jinja {

namespace {

// Every Python object has dunder attributes (__class__, __init__, ...); the sandbox refuses them all.
bool is_dunder(std::string_view name) {
    return name.size() > 4 && name.substr(0, 2) == "__" && name.substr(name.size() - 2) == "__";
}

Value missing_attribute(const Value& obj, std::string_view name) {
    return Value::undefined("'" + object_description(obj) + "' has no attribute " + repr_string(name));
}

Value missing_element(const Value& obj, const Value& key) {
    if (key.is_string()) return missing_attribute(obj, key.str());
    return Value::undefined(object_description(obj) + " has no element " + repr(key));
}

Value unsafe_attribute(const Value& obj, std::string_view name) {
    return Value::undefined("access to attribute " + repr_string(name) + " of '" + type_name(obj) +
                                "' object is unsafe.",
                            true);
}

// getattr(obj, name) alone, without the item fallback: methods, a few data attributes, namespace and
// loop attributes. Returns nullopt-like Undefined with `found` false when Python has no such attribute.
Value python_attribute(Renderer& r, const Value& obj, std::string_view name, bool& found) {
    found = true;
    if (obj.is_object()) {
        Value v = obj.obj().attribute(r, name);
        found = !v.is_undefined();
        return v;
    }
    if (obj.is_ns()) {
        if (Value* v = obj.ns_ref().find(name)) {
            if (!name.empty() && name.front() == '_') return unsafe_attribute(obj, name);
            return *v;
        }
        found = false;
        return {};
    }
    if (is_dunder(name)) return unsafe_attribute(obj, name);
    switch (method_kind(obj, name)) {
    case MethodKind::safe: return bound_method(obj, name);
    case MethodKind::unsafe: return unsafe_attribute(obj, name);
    case MethodKind::none: break;
    }
    if (obj.is_tuple() && std::string_view(obj.seq().type) == "_GroupTuple") {  // groupby's named tuples
        if (name == "grouper") return obj.items()[0];
        if (name == "list") return obj.items()[1];
    }
    if (obj.is_sequence() && obj.seq().kind == SeqKind::range) {
        const Sequence& s = obj.seq();
        if (name == "start") return Value::integer(s.range_start);
        if (name == "stop") return Value::integer(s.range_stop);
        if (name == "step") return Value::integer(s.range_step);
    }
    if (obj.is_number() && (name == "real" || name == "imag")) {
        if (name == "imag") return obj.is_float() ? Value::floating(0) : Value::integer(0);
        return obj.is_float() ? obj : Value::integer(obj.int_like());
    }
    found = false;
    return {};
}

// Python's index normalization: negative counts from the end; nullopt when out of range.
bool normalize_index(std::int64_t index, std::size_t size, std::size_t& out) {
    const auto n = static_cast<std::int64_t>(size);
    if (index < 0) index += n;
    if (index < 0 || index >= n) return false;
    out = static_cast<std::size_t>(index);
    return true;
}

} // namespace

std::vector<Value> characters(const std::string& s) {
    check_item_count(s.size());
    std::vector<Value> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        utf8::decode(s, i, n);
        out.push_back(Value::string(s.substr(i, n)));
        i += n;
    }
    return out;
}

Value get_attr(Renderer& r, const Value& obj, std::string_view name) {
    if (is_dunder(name)) return unsafe_attribute(obj, name);
    if (obj.is_undefined()) raise_undefined(obj);
    bool found = false;
    Value v = python_attribute(r, obj, name, found);
    if (found) return v;
    if (obj.is_dict()) {
        if (const Value* item = obj.dict().find(name)) return *item;
    }
    return missing_attribute(obj, name);
}

Value get_item(Renderer& r, const Value& obj, const Value& key) {
    if (obj.is_undefined()) raise_undefined(obj);
    switch (obj.type()) {
    case Value::Type::dict:
        if (const Value* item = obj.dict().find(key)) return *item;
        break;
    case Value::Type::sequence:
        if (obj.is_indexable() && key.is_integral()) {
            std::size_t i = 0;
            if (normalize_index(key.int_like(), obj.items().size(), i)) return obj.items()[i];
        }
        break;
    case Value::Type::string:
        if (key.is_integral()) {
            const auto offsets = utf8::offsets(obj.str());
            std::size_t i = 0;
            if (normalize_index(key.int_like(), offsets.size() - 1, i))
                return Value::string(obj.str().substr(offsets[i], offsets[i + 1] - offsets[i]), obj.is_safe());
        }
        break;
    default: break;
    }
    if (key.is_string()) {
        bool found = false;
        Value v = python_attribute(r, obj, key.str(), found);
        if (found) return v;
    }
    return missing_element(obj, key);
}

Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step) {
    if (obj.is_undefined()) raise_undefined(obj);
    const bool sliceable = obj.is_string() || obj.is_indexable();
    auto bound_ok = [](const Value& v) { return v.is_none() || v.is_integral(); };
    if (!sliceable || !bound_ok(start) || !bound_ok(stop) || !bound_ok(step))
        return Value::undefined(object_description(obj) + " has no element slice(" + repr(start) + ", " + repr(stop) +
                                ", " + repr(step) + ")");
    const std::int64_t st = step.is_none() ? 1 : step.int_like();
    if (st == 0) fail(FailureKind::value, "slice step cannot be zero");
    std::vector<std::size_t> offsets;
    std::int64_t n = 0;
    if (obj.is_string()) {
        offsets = utf8::offsets(obj.str());
        n = static_cast<std::int64_t>(offsets.size() - 1);
    } else {
        n = static_cast<std::int64_t>(obj.items().size());
    }
    // PySlice_AdjustIndices.
    auto adjust = [&](const Value& v, std::int64_t fallback) {
        if (v.is_none()) return fallback;
        std::int64_t i = v.int_like();
        if (i < 0) {
            i += n;
            if (i < 0) i = st < 0 ? -1 : 0;
        } else if (i >= n) {
            i = st < 0 ? n - 1 : n;
        }
        return i;
    };
    const std::int64_t lo = adjust(start, st < 0 ? n - 1 : 0);
    const std::int64_t hi = adjust(stop, st < 0 ? -1 : n);
    std::vector<std::int64_t> picks;
    for (std::int64_t i = lo; st > 0 ? i < hi : i > hi; i += st) {
        picks.push_back(i);
        if ((st > 0 && i > std::numeric_limits<std::int64_t>::max() - st) ||
            (st < 0 && i < std::numeric_limits<std::int64_t>::min() - st))
            break;
    }
    charge_steps(picks.size());
    if (obj.is_string()) {
        std::string out;
        const std::string& s = obj.str();
        if (st == 1 && !picks.empty()) {
            out = s.substr(offsets[static_cast<std::size_t>(lo)],
                           offsets[static_cast<std::size_t>(hi)] - offsets[static_cast<std::size_t>(lo)]);
        } else {
            for (auto i : picks) {
                const auto k = static_cast<std::size_t>(i);
                out.append(s, offsets[k], offsets[k + 1] - offsets[k]);
            }
        }
        return Value::string(std::move(out), obj.is_safe());
    }
    std::vector<Value> items;
    items.reserve(picks.size());
    for (auto i : picks) items.push_back(obj.items()[static_cast<std::size_t>(i)]);
    return obj.is_tuple() ? Value::tuple(std::move(items)) : Value::list(std::move(items));
}

Value iterable_items(const Value& v) {
    switch (v.type()) {
    case Value::Type::undefined: return Value::list({});
    case Value::Type::sequence: return v;
    case Value::Type::dict: {
        std::vector<Value> keys;
        keys.reserve(v.dict().items.size());
        for (const auto& [k, item] : v.dict().items) keys.push_back(k);
        return Value::list(std::move(keys));
    }
    case Value::Type::string: return Value::list(characters(v.str()));
    default: fail(FailureKind::type, "'" + type_name(v) + "' object is not iterable");
    }
}

std::size_t length(const Value& v) {
    switch (v.type()) {
    case Value::Type::undefined: return 0;
    case Value::Type::string: charge_steps(v.str().size() / 64); return utf8::length(v.str());
    case Value::Type::sequence:
        if (v.seq().kind == SeqKind::iterator) break;
        return v.items().size();
    case Value::Type::dict: return v.dict().items.size();
    default: break;
    }
    fail(FailureKind::type, "object of type '" + type_name(v) + "' has no len()");
}

} // namespace braid::jinja
