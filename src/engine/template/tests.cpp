// The built-in tests (`x is defined`, `x is string`, `x is divisibleby 3`, ...), as Jinja 3.1 defines
// them on Python's object model.
#include "engine/template/args.hpp"
#include "engine/template/builtins.hpp"
#include "engine/template/operators.hpp"
#include "engine/template/pystring.hpp"

namespace braid::jinja {

namespace {

const Value& one(std::string_view test, const Args& a) {
    if (a.positional.size() != 1 || !a.keyword.empty())
        fail(FailureKind::type, "test '" + std::string(test) + "' takes exactly one argument");
    return a.positional[0];
}

bool t_defined(Renderer&, const Value& v, Args& a) { return no_arguments("defined", a), !v.is_undefined(); }
bool t_undefined(Renderer&, const Value& v, Args& a) { return no_arguments("undefined", a), v.is_undefined(); }
bool t_none(Renderer&, const Value& v, Args& a) { return no_arguments("none", a), v.is_none(); }
bool t_boolean(Renderer&, const Value& v, Args& a) { return no_arguments("boolean", a), v.is_bool(); }
bool t_false(Renderer&, const Value& v, Args& a) { return no_arguments("false", a), v.is_bool() && !v.as_bool(); }
bool t_true(Renderer&, const Value& v, Args& a) { return no_arguments("true", a), v.is_bool() && v.as_bool(); }
bool t_integer(Renderer&, const Value& v, Args& a) { return no_arguments("integer", a), v.is_int(); }
bool t_float(Renderer&, const Value& v, Args& a) { return no_arguments("float", a), v.is_float(); }
bool t_number(Renderer&, const Value& v, Args& a) { return no_arguments("number", a), v.is_number(); }
bool t_string(Renderer&, const Value& v, Args& a) { return no_arguments("string", a), v.is_string(); }
bool t_mapping(Renderer&, const Value& v, Args& a) { return no_arguments("mapping", a), v.is_dict(); }
bool t_escaped(Renderer&, const Value& v, Args& a) { return no_arguments("escaped", a), v.is_safe(); }

// iter() works on strings, sequences, dicts, Undefined (which iterates as empty) and loop objects.
bool t_iterable(Renderer&, const Value& v, Args& a) {
    no_arguments("iterable", a);
    return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_dict() ||
           (v.is_object() && v.obj().type_name() == "LoopContext");
}

// len() and __getitem__: strings, lists, tuples, ranges, dicts, and Undefined (which has both).
bool t_sequence(Renderer&, const Value& v, Args& a) {
    no_arguments("sequence", a);
    return v.is_undefined() || v.is_string() || v.is_indexable() || v.is_dict();
}

bool t_callable(Renderer&, const Value& v, Args& a) {
    no_arguments("callable", a);
    return v.is_function() || v.is_undefined() || (v.is_object() && v.obj().callable());
}

bool t_sameas(Renderer&, const Value& v, Args& a) {
    const Value& other = one("sameas", a);
    if (v.type() != other.type()) return false;
    switch (v.type()) {
    case Value::Type::none:
    case Value::Type::undefined: return true;
    case Value::Type::boolean: return v.as_bool() == other.as_bool();
    case Value::Type::integer: return v.as_int() == other.as_int();  // small ints are one object in CPython
    case Value::Type::floating: return false;
    default: return v.identity() == other.identity();
    }
}

bool remainder_is(const Value& v, const Value& divisor, std::int64_t expected) {
    const Value r = binary_op(BinaryOp::mod, v, divisor);
    return equals(r, Value::integer(expected));
}

bool t_odd(Renderer&, const Value& v, Args& a) { return no_arguments("odd", a), remainder_is(v, Value::integer(2), 1); }
bool t_even(Renderer&, const Value& v, Args& a) { return no_arguments("even", a), remainder_is(v, Value::integer(2), 0); }
bool t_divisibleby(Renderer&, const Value& v, Args& a) { return remainder_is(v, one("divisibleby", a), 0); }

bool t_lower(Renderer&, const Value& v, Args& a) { return no_arguments("lower", a), pystr::is_lower(to_str(v)); }
bool t_upper(Renderer&, const Value& v, Args& a) { return no_arguments("upper", a), pystr::is_upper(to_str(v)); }

bool t_in(Renderer&, const Value& v, Args& a) { return contains(one("in", a), v); }
bool t_eq(Renderer&, const Value& v, Args& a) { return compare(CompareOp::eq, v, one("eq", a)); }
bool t_ne(Renderer&, const Value& v, Args& a) { return compare(CompareOp::ne, v, one("ne", a)); }
bool t_lt(Renderer&, const Value& v, Args& a) { return compare(CompareOp::lt, v, one("lt", a)); }
bool t_le(Renderer&, const Value& v, Args& a) { return compare(CompareOp::le, v, one("le", a)); }
bool t_gt(Renderer&, const Value& v, Args& a) { return compare(CompareOp::gt, v, one("gt", a)); }
bool t_ge(Renderer&, const Value& v, Args& a) { return compare(CompareOp::ge, v, one("ge", a)); }

bool t_filter(Renderer&, const Value& v, Args& a) {
    no_arguments("filter", a);
    return v.is_string() && find_filter(v.str()) != nullptr;
}

bool t_test(Renderer&, const Value& v, Args& a) {
    no_arguments("test", a);
    return v.is_string() && find_test(v.str()) != nullptr;
}

struct TestEntry {
    std::string_view name;
    TestFn fn;
};

const TestEntry tests[] = {
    {"!=", t_ne},
    {"<", t_lt},
    {"<=", t_le},
    {"==", t_eq},
    {">", t_gt},
    {">=", t_ge},
    {"boolean", t_boolean},
    {"callable", t_callable},
    {"defined", t_defined},
    {"divisibleby", t_divisibleby},
    {"eq", t_eq},
    {"equalto", t_eq},
    {"escaped", t_escaped},
    {"even", t_even},
    {"false", t_false},
    {"filter", t_filter},
    {"float", t_float},
    {"ge", t_ge},
    {"greaterthan", t_gt},
    {"gt", t_gt},
    {"in", t_in},
    {"integer", t_integer},
    {"iterable", t_iterable},
    {"le", t_le},
    {"lessthan", t_lt},
    {"lower", t_lower},
    {"lt", t_lt},
    {"mapping", t_mapping},
    {"ne", t_ne},
    {"none", t_none},
    {"number", t_number},
    {"odd", t_odd},
    {"sameas", t_sameas},
    {"sequence", t_sequence},
    {"string", t_string},
    {"test", t_test},
    {"true", t_true},
    {"undefined", t_undefined},
    {"upper", t_upper},
};

} // namespace

TestFn find_test(std::string_view name) {
    for (const auto& t : tests)
        if (t.name == name) return t.fn;
    return nullptr;
}

} // namespace braid::jinja
