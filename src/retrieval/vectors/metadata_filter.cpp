// MetadataFilter: validation at parse time, then evaluation straight over the validated JSON.
#include "braid/retrieval/metadata_filter.hpp"

#include <string>
#include <string_view>

#include "braid/error.hpp"

namespace braid::retrieval {
namespace {

bool is_operator(std::string_view op) {
    return op == "$eq" || op == "$ne" || op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte" || op == "$in" ||
           op == "$nin";
}

void validate(const Value& filter, const std::string& where);

void validate_field(const std::string& field, const Value& condition) {
    if (!condition.is_object()) return; // plain value: equality
    if (condition.empty())
        throw Error(errc::invalid_argument, "metadata filter: field '" + field + "' has an empty operator object");
    for (const auto& [op, operand] : condition.items()) {
        if (!is_operator(op))
            throw Error(errc::invalid_argument,
                        "metadata filter: unknown operator '" + op + "' for field '" + field +
                            "' (expected $eq $ne $gt $gte $lt $lte $in $nin)");
        if ((op == "$in" || op == "$nin") && !operand.is_array())
            throw Error(errc::invalid_argument,
                        "metadata filter: operator '" + op + "' for field '" + field + "' needs an array");
        if ((op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") && !operand.is_number() && !operand.is_string())
            throw Error(errc::invalid_argument,
                        "metadata filter: operator '" + op + "' for field '" + field + "' needs a number or a string");
    }
}

void validate(const Value& filter, const std::string& where) {
    if (!filter.is_object())
        throw Error(errc::invalid_argument, "metadata filter" + where + ": expected an object, got " +
                                                std::string(filter.type_name()));
    for (const auto& [key, value] : filter.items()) {
        if (key == "$and" || key == "$or") {
            if (!value.is_array() || value.empty())
                throw Error(errc::invalid_argument,
                            "metadata filter" + where + ": operator '" + key + "' needs a non-empty array of filters");
            for (std::size_t i = 0; i < value.size(); ++i) validate(value[i], where + " in " + key + "[" + std::to_string(i) + "]");
        } else if (!key.empty() && key[0] == '$') {
            throw Error(errc::invalid_argument, "metadata filter" + where + ": unknown operator '" + key +
                                                    "' at the top level (expected $and, $or or a field name)");
        } else {
            validate_field(key, value);
        }
    }
}

bool ordered(const Value& a, const Value& b, std::string_view op) {
    int cmp = 0;
    if (a.is_number() && b.is_number()) {
        const double x = a.get<double>();
        const double y = b.get<double>();
        cmp = x < y ? -1 : (x > y ? 1 : 0);
        if (x != x || y != y) return false;
    } else if (a.is_string() && b.is_string()) {
        const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
        cmp = c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else {
        return false;
    }
    if (op == "$gt") return cmp > 0;
    if (op == "$gte") return cmp >= 0;
    if (op == "$lt") return cmp < 0;
    return cmp <= 0; // $lte
}

bool contains(const Value& array, const Value& value) {
    for (const auto& item : array)
        if (item == value) return true;
    return false;
}

bool field_matches(const Value* actual, const Value& condition) {
    if (!condition.is_object()) return actual != nullptr && *actual == condition;
    for (const auto& [op, operand] : condition.items()) {
        bool ok = false;
        if (op == "$ne") ok = actual == nullptr || *actual != operand;
        else if (op == "$nin") ok = actual == nullptr || !contains(operand, *actual);
        else if (actual == nullptr) ok = false;
        else if (op == "$eq") ok = *actual == operand;
        else if (op == "$in") ok = contains(operand, *actual);
        else ok = ordered(*actual, operand, op);
        if (!ok) return false;
    }
    return true;
}

bool evaluate(const Value& filter, const Value& metadata) {
    for (const auto& [key, value] : filter.items()) {
        if (key == "$and") {
            for (const auto& sub : value)
                if (!evaluate(sub, metadata)) return false;
        } else if (key == "$or") {
            bool any = false;
            for (const auto& sub : value)
                if (evaluate(sub, metadata)) { any = true; break; }
            if (!any) return false;
        } else {
            const Value* actual = nullptr;
            if (metadata.is_object()) {
                const auto it = metadata.find(key);
                if (it != metadata.end()) actual = &*it;
            }
            if (!field_matches(actual, value)) return false;
        }
    }
    return true;
}

} // namespace

MetadataFilter MetadataFilter::parse(const Value& json) {
    MetadataFilter filter;
    if (json.is_null()) return filter;
    validate(json, "");
    filter.json_ = json;
    return filter;
}

bool MetadataFilter::matches(const Value& metadata) const {
    if (empty()) return true;
    return evaluate(json_, metadata);
}

void to_json(Value& json, const MetadataFilter& filter) { json = filter.empty() ? Value::object() : filter.json(); }
void from_json(const Value& json, MetadataFilter& filter) { filter = MetadataFilter::parse(json); }

} // namespace braid::retrieval
