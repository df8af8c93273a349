#include "engine/template/args.hpp"

namespace braid::jinja {

Binding::Binding(std::string_view function, const Args& args, std::initializer_list<std::string_view> names,
                 std::size_t required, bool varargs)
    : function_(function), names_(names), values_(names.size()), given_(names.size(), false) {
    const std::size_t n = names_.size();
    for (std::size_t i = 0; i < args.positional.size(); ++i) {
        if (i < n) {
            values_[i] = args.positional[i];
            given_[i] = true;
        } else if (varargs) {
            rest_.push_back(args.positional[i]);
        } else {
            fail(FailureKind::type, function_ + "() takes at most " + std::to_string(n) + " argument" +
                                        (n == 1 ? "" : "s") + " (" + std::to_string(args.positional.size()) +
                                        " given)");
        }
    }
    for (const auto& [key, value] : args.keyword) {
        std::size_t i = 0;
        while (i < n && names_[i] != key) ++i;
        if (i == n) fail(FailureKind::type, function_ + "() got an unexpected keyword argument '" + key + "'");
        if (given_[i]) fail(FailureKind::type, function_ + "() got multiple values for argument '" + key + "'");
        values_[i] = value;
        given_[i] = true;
    }
    for (std::size_t i = 0; i < required && i < n; ++i)
        if (!given_[i])
            fail(FailureKind::type,
                 function_ + "() missing required argument '" + std::string(names_[i]) + "'");
}

Value Binding::get_or(std::size_t i, Value fallback, bool none_is_missing) const {
    if (!given_[i] || (none_is_missing && values_[i].is_none())) return fallback;
    return values_[i];
}

std::int64_t Binding::integer(std::size_t i, std::int64_t fallback) const {
    if (!given_[i]) return fallback;
    const Value& v = values_[i];
    if (v.is_integral()) return v.int_like();
    fail(FailureKind::type, function_ + "(): '" + std::string(names_[i]) + "' must be an integer, not " +
                                type_name(v));
}

std::string Binding::string(std::size_t i, std::string fallback) const {
    if (!given_[i]) return fallback;
    const Value& v = values_[i];
    if (v.is_string()) return v.str();
    fail(FailureKind::type, function_ + "(): '" + std::string(names_[i]) + "' must be str, not " + type_name(v));
}

bool Binding::flag(std::size_t i, bool fallback) const { return given_[i] ? truthy(values_[i]) : fallback; }

void no_arguments(std::string_view function, const Args& args) {
    if (!args.positional.empty() || !args.keyword.empty())
        fail(FailureKind::type, std::string(function) + "() takes no arguments");
}

} // namespace braid::jinja
