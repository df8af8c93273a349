#include "engine/template/operators.hpp"

#include <cmath>
#include <limits>

#include "engine/template/budget.hpp"
#include "engine/template/pyformat.hpp"

namespace braid::jinja {

namespace {

const char* symbol(BinaryOp op) {
    switch (op) {
    case BinaryOp::add: return "+";
    case BinaryOp::sub: return "-";
    case BinaryOp::mul: return "*";
    case BinaryOp::div: return "/";
    case BinaryOp::floordiv: return "//";
    case BinaryOp::mod: return "%";
    case BinaryOp::pow: return "** or pow()";
    }
    return "?";
}

[[noreturn]] void unsupported(BinaryOp op, const Value& a, const Value& b) {
    fail(FailureKind::type, std::string("unsupported operand type(s) for ") + symbol(op) + ": '" + type_name(a) +
                                "' and '" + type_name(b) + "'");
}

[[noreturn]] void overflow() {
    fail(FailureKind::overflow, "integer result does not fit in 64 bits (braid's integers are 64-bit)");
}

std::int64_t add_int(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) overflow();
    return r;
}

std::int64_t sub_int(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a, b, &r)) overflow();
    return r;
}

std::int64_t mul_int(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) overflow();
    return r;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    if (a == std::numeric_limits<std::int64_t>::min() && b == -1) overflow();
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::int64_t py_mod(std::int64_t a, std::int64_t b) {
    if (b == -1) return 0;
    std::int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

double float_mod(double a, double b) {
    double r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    if (r == 0) r = std::copysign(0.0, b);
    return r;
}

// Python's float //: the quotient of divmod(), rounded as CPython does.
double float_floordiv(double x, double y) {
    const double mod = std::fmod(x, y);
    double div = (x - mod) / y;
    if (mod != 0 && ((y < 0) != (mod < 0))) div -= 1.0;
    if (div == 0) return std::copysign(0.0, x / y);
    double q = std::floor(div);
    if (div - q > 0.5) q += 1.0;
    return q;
}

Value int_power(std::int64_t base, std::int64_t exp) {
    std::int64_t result = 1;
    while (exp > 0) {
        if (exp & 1) result = mul_int(result, base);
        exp >>= 1;
        if (exp > 0) base = mul_int(base, base);
    }
    return Value::integer(result);
}

// A sequence repeated n times (str * n, list * n).
Value repeat(const Value& seq, std::int64_t n) {
    if (n <= 0) {
        if (seq.is_string()) return Value::string("", seq.is_safe());
        return seq.is_tuple() ? Value::tuple({}) : Value::list({});
    }
    const auto count = static_cast<std::uint64_t>(n);
    if (seq.is_string()) {
        const std::string& s = seq.str();
        if (!s.empty() && count > std::numeric_limits<std::size_t>::max() / s.size()) check_string_size(SIZE_MAX);
        check_string_size(s.size() * count);
        charge_steps(s.size() * count / 64);
        std::string out;
        out.reserve(s.size() * count);
        for (std::uint64_t i = 0; i < count; ++i) out += s;
        return Value::string(std::move(out), seq.is_safe());
    }
    const auto& items = seq.items();
    if (!items.empty() && count > std::numeric_limits<std::size_t>::max() / items.size()) check_item_count(SIZE_MAX);
    check_item_count(items.size() * count);
    charge_steps(items.size() * count);
    std::vector<Value> out;
    out.reserve(items.size() * count);
    for (std::uint64_t i = 0; i < count; ++i) out.insert(out.end(), items.begin(), items.end());
    return seq.is_tuple() ? Value::tuple(std::move(out)) : Value::list(std::move(out));
}

bool is_repeatable(const Value& v) { return v.is_string() || v.is_list() || v.is_tuple(); }

Value add(const Value& a, const Value& b) {
    if (a.is_integral() && b.is_integral()) {
        return Value::integer(add_int(a.int_like(), b.int_like()));
    }
    if (a.is_number() && b.is_number()) return Value::floating(a.number() + b.number());
    if (a.is_string() && b.is_string()) return concat_strings(a, b);
    if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
        check_item_count(a.items().size() + b.items().size());
        charge_steps(a.items().size() + b.items().size());
        std::vector<Value> items;
        items.reserve(a.items().size() + b.items().size());
        items.insert(items.end(), a.items().begin(), a.items().end());
        items.insert(items.end(), b.items().begin(), b.items().end());
        return a.is_tuple() ? Value::tuple(std::move(items)) : Value::list(std::move(items));
    }
    if ((a.is_string() && !a.is_safe()) || a.is_list() || a.is_tuple())
        fail(FailureKind::type,
             "can only concatenate " + type_name(a) + " (not \"" + type_name(b) + "\") to " + type_name(a));
    unsupported(BinaryOp::add, a, b);
}

Value multiply(const Value& a, const Value& b) {
    if (a.is_integral() && b.is_integral()) {
        return Value::integer(mul_int(a.int_like(), b.int_like()));
    }
    if (a.is_number() && b.is_number()) return Value::floating(a.number() * b.number());
    if (is_repeatable(a) && b.is_integral()) return repeat(a, b.int_like());
    if (a.is_integral() && is_repeatable(b)) return repeat(b, a.int_like());
    if (is_repeatable(a)) fail(FailureKind::type, "can't multiply sequence by non-int of type '" + type_name(b) + "'");
    if (is_repeatable(b)) fail(FailureKind::type, "can't multiply sequence by non-int of type '" + type_name(a) + "'");
    unsupported(BinaryOp::mul, a, b);
}

Value arithmetic(BinaryOp op, const Value& a, const Value& b) {
    if (op == BinaryOp::add) return add(a, b);
    if (op == BinaryOp::mul) return multiply(a, b);
    if (op == BinaryOp::mod && a.is_string()) return Value::string(printf_format(a.str(), b, a.is_safe()), a.is_safe());
    if (!a.is_number() || !b.is_number()) unsupported(op, a, b);
    const bool ints = a.is_integral() && b.is_integral();
    switch (op) {
    case BinaryOp::sub: {
        if (ints) {
            return Value::integer(sub_int(a.int_like(), b.int_like()));
        }
        return Value::floating(a.number() - b.number());
    }
    case BinaryOp::div:
        if (b.number() == 0) fail(FailureKind::zero_division, ints ? "division by zero" : "float division by zero");
        return Value::floating(a.number() / b.number());
    case BinaryOp::floordiv:
        if (ints) {
            if (b.int_like() == 0) fail(FailureKind::zero_division, "integer division or modulo by zero");
            return Value::integer(floor_div(a.int_like(), b.int_like()));
        }
        if (b.number() == 0) fail(FailureKind::zero_division, "float floor division by zero");
        return Value::floating(float_floordiv(a.number(), b.number()));
    case BinaryOp::mod:
        if (ints) {
            if (b.int_like() == 0) fail(FailureKind::zero_division, "integer modulo by zero");
            return Value::integer(py_mod(a.int_like(), b.int_like()));
        }
        if (b.number() == 0) fail(FailureKind::zero_division, "float modulo");
        return Value::floating(float_mod(a.number(), b.number()));
    case BinaryOp::pow: {
        if (ints && b.int_like() >= 0) return int_power(a.int_like(), b.int_like());
        const double x = a.number();
        const double y = b.number();
        if (x == 0 && y < 0) fail(FailureKind::zero_division, "0.0 cannot be raised to a negative power");
        if (x < 0 && y != std::floor(y)) fail(FailureKind::value, "a complex result is not supported");
        return Value::floating(std::pow(x, y));
    }
    default: unsupported(op, a, b);
    }
}

bool sequence_less(const Value& a, const Value& b) {
    const auto& x = a.items();
    const auto& y = b.items();
    const std::size_t n = std::min(x.size(), y.size());
    for (std::size_t i = 0; i < n; ++i) {
        charge_steps(1);
        if (!equals(x[i], y[i])) return less(x[i], y[i]);
    }
    return x.size() < y.size();
}

[[noreturn]] void unorderable(const char* op, const Value& a, const Value& b) {
    fail(FailureKind::type, std::string("'") + op + "' not supported between instances of '" + type_name(a) +
                                "' and '" + type_name(b) + "'");
}

// a < b, with the operator's symbol for the error message.
bool ordered_less(const Value& a, const Value& b, const char* op, const Value& left, const Value& right) {
    if (a.is_undefined()) raise_undefined(a);
    if (b.is_undefined()) raise_undefined(b);
    if (a.is_number() && b.is_number()) {
        if (a.is_integral() && b.is_integral()) return a.int_like() < b.int_like();
        return a.number() < b.number();
    }
    if (a.is_string() && b.is_string()) return a.str() < b.str();
    if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) return sequence_less(a, b);
    unorderable(op, left, right);
}

} // namespace

void raise_undefined(const Value& v) {
    fail(v.undefined_is_unsafe() ? FailureKind::security : FailureKind::undefined, v.undefined_message());
}

Value concat_strings(const Value& a, const Value& b) {
    std::string left = a.str();
    std::string right = b.str();
    const bool safe = a.is_safe() || b.is_safe();
    if (safe && !a.is_safe()) left = html_escape(left);
    if (safe && !b.is_safe()) right = html_escape(right);
    check_string_size(left.size() + right.size());
    charge_steps((left.size() + right.size()) / 256);
    left += right;
    return Value::string(std::move(left), safe);
}

Value binary_op(BinaryOp op, const Value& a, const Value& b) {
    if (a.is_undefined()) raise_undefined(a);
    if (b.is_undefined()) raise_undefined(b);
    return arithmetic(op, a, b);
}

bool less(const Value& a, const Value& b) { return ordered_less(a, b, "<", a, b); }

bool compare(CompareOp op, const Value& a, const Value& b) {
    switch (op) {
    case CompareOp::eq: return equals(a, b);
    case CompareOp::ne: return !equals(a, b);
    case CompareOp::lt: return ordered_less(a, b, "<", a, b);
    case CompareOp::gt: return ordered_less(b, a, ">", a, b);
    case CompareOp::le:
        if (a.is_number() && b.is_number() && (std::isnan(a.number()) || std::isnan(b.number()))) return false;
        return !ordered_less(b, a, "<=", a, b);
    case CompareOp::ge:
        if (a.is_number() && b.is_number() && (std::isnan(a.number()) || std::isnan(b.number()))) return false;
        return !ordered_less(a, b, ">=", a, b);
    case CompareOp::in: return contains(b, a);
    case CompareOp::not_in: return !contains(b, a);
    }
    return false;
}

bool contains(const Value& container, const Value& item) {
    switch (container.type()) {
    case Value::Type::undefined: return false;  // iterating an Undefined yields nothing
    case Value::Type::string:
        if (!item.is_string())
            fail(FailureKind::type, "'in <string>' requires string as left operand, not " + type_name(item));
        charge_steps(container.str().size() / 64);
        return container.str().find(item.str()) != std::string::npos;
    case Value::Type::sequence:
        for (const auto& v : container.items()) {
            charge_steps(1);
            if (equals(v, item)) return true;
        }
        return false;
    case Value::Type::dict: charge_steps(container.dict().items.size()); return container.dict().find(item) != nullptr;
    default: fail(FailureKind::type, "argument of type '" + type_name(container) + "' is not iterable");
    }
}

Value negate(const Value& v) {
    if (v.is_undefined()) raise_undefined(v);
    if (v.is_integral()) {
        return Value::integer(sub_int(std::int64_t{0}, v.int_like()));
    }
    if (v.is_float()) return Value::floating(-v.as_float());
    fail(FailureKind::type, "bad operand type for unary -: '" + type_name(v) + "'");
}

Value positive(const Value& v) {
    if (v.is_undefined()) raise_undefined(v);
    if (v.is_integral()) return Value::integer(v.int_like());
    if (v.is_float()) return v;
    fail(FailureKind::type, "bad operand type for unary +: '" + type_name(v) + "'");
}

} // namespace braid::jinja
