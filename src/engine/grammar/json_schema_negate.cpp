// The complement of a JSON Schema, written as a positive schema, for the forms where that is exact:
// what `not`, `if`/`else` and overlapping `oneOf` branches compile to. A keyword whose complement is
// not a schema the compiler enforces (pattern, format, multipleOf, contains, ...) makes the whole
// negation unavailable, and the caller refuses the keyword that needed it.
#include <algorithm>
#include <cmath>
#include <set>

#include "braid/error.hpp"
#include "json_schema_detail.hpp"

namespace braid::engine::detail {

namespace {

constexpr int max_negation_depth = 16; // nested not/$ref; deeper is "not available"

const char* const json_types[] = {"null", "boolean", "object", "array", "number", "string"};

// The type a keyword applies to (it constrains nothing for values of other types); "" for the rest.
std::string keyword_type(const std::string& key) {
    static const std::set<std::string> str{"minLength", "maxLength", "pattern", "format"};
    static const std::set<std::string> num{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"};
    static const std::set<std::string> arr{"items", "prefixItems", "additionalItems", "minItems", "maxItems",
                                           "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems"};
    static const std::set<std::string> obj{"properties", "patternProperties", "additionalProperties", "required",
                                           "minProperties", "maxProperties", "propertyNames", "dependencies",
                                           "dependentRequired", "dependentSchemas", "unevaluatedProperties"};
    if (str.count(key)) return "string";
    if (num.count(key)) return "number";
    if (arr.count(key)) return "array";
    if (obj.count(key)) return "object";
    return "";
}

Json of_type(const std::string& type, Json s) {
    s["type"] = type;
    return s;
}

// Every type but those @p s's "type" (and "nullable") names; "integer" alone removes all numbers
// (non-integral numbers are left out: narrower, still sound).
Json type_complement(const Json& s) {
    std::set<std::string> named;
    const Json& t = s["type"];
    if (t.is_string()) named.insert(t.get<std::string>());
    else if (t.is_array())
        for (const auto& x : t)
            if (x.is_string()) named.insert(x.get<std::string>());
    if (named.count("integer")) named.insert("number");
    if (auto n = s.find("nullable"); n != s.end() && *n == Json(true)) named.insert("null");
    Json out = Json::array();
    for (const char* x : json_types)
        if (!named.count(x)) out.push_back(x);
    return Json{{"type", out}};
}

// A count keyword's complement: min n → max n-1 (none when n is 0), max n → min n+1.
std::optional<Json> count_complement(const std::string& key, const Json& v, std::vector<Json>& alts) {
    constexpr double max_count = 1e15; // exact as an integer; larger counts are refused
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > max_count) return std::nullopt;
    const auto n = static_cast<std::uint64_t>(std::ceil(v.get<double>()));
    const std::string what = key.substr(3); // Length, Items, Properties
    const std::string type = what == "Length" ? "string" : what == "Items" ? "array" : "object";
    if (key.rfind("min", 0) == 0) {
        if (n > 0) alts.push_back(of_type(type, Json{{"max" + what, n - 1}}));
    } else {
        alts.push_back(of_type(type, Json{{"min" + what, static_cast<std::uint64_t>(std::floor(v.get<double>())) + 1}}));
    }
    return Json(true);
}

std::optional<Json> negate(const Json& s, const Json& root, int depth);

// Appends to @p alts the schemas whose union is the complement of keyword @p key of @p s (restricted
// to the keyword's type: values of other types are handled once by the caller). False: unavailable.
bool complement_keyword(const Json& s, const std::string& key, const Json& v, const Json& root, int depth,
                        std::vector<Json>& alts) {
    if (key == "minLength" || key == "maxLength" || key == "minItems" || key == "maxItems" ||
        key == "minProperties" || key == "maxProperties")
        return count_complement(key, v, alts).has_value();
    if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" || key == "exclusiveMaximum") {
        if (v.is_boolean()) return true; // draft 4 flag: read with its bound
        if (!v.is_number()) return false;
        const bool lower = key == "minimum" || key == "exclusiveMinimum";
        bool exclusive = key == "exclusiveMinimum" || key == "exclusiveMaximum";
        if (key == "minimum" && s.value("exclusiveMinimum", Json()) == Json(true)) exclusive = true;
        if (key == "maximum" && s.value("exclusiveMaximum", Json()) == Json(true)) exclusive = true;
        // x >= b fails exactly when x < b; x > b fails when x <= b.
        const std::string flipped = lower ? (exclusive ? "maximum" : "exclusiveMaximum") : (exclusive ? "minimum" : "exclusiveMinimum");
        alts.push_back(of_type("number", Json{{flipped, v}}));
        return true;
    }
    if (key == "required") {
        if (!v.is_array()) return false;
        for (const auto& k : v) {
            if (!k.is_string()) return false;
            alts.push_back(of_type("object", Json{{"properties", Json{{k.get<std::string>(), false}}}}));
        }
        return true;
    }
    if (key == "properties") {
        if (!v.is_object()) return false;
        for (const auto& [k, sub] : v.items()) {
            auto n = negate(sub, root, depth + 1);
            if (!n) return false;
            if (*n == Json(false)) continue; // a property schema that accepts everything
            alts.push_back(of_type("object", Json{{"required", Json::array({k})}, {"properties", Json{{k, *n}}}}));
        }
        return true;
    }
    if (key == "additionalProperties" || key == "items" || key == "additionalItems") return v == Json(true) || (v.is_object() && v.empty());
    if (key == "uniqueItems") return v == Json(false);
    return false; // pattern, format, multipleOf, contains, propertyNames, dependencies, ...
}

// The complement of enum/const values: the types they do not touch whole, for booleans and null the
// values left over, for strings "a string but these" (not_in_keyword). Unavailable when a value is a
// number, an array or an object.
bool complement_values(const Json& values, std::vector<Json>& alts) {
    std::set<std::string> touched;
    bool has_true = false, has_false = false;
    Json strings = Json::array();
    for (const auto& v : values) {
        if (v.is_null()) touched.insert("null");
        else if (v.is_boolean()) {
            touched.insert("boolean");
            (v.get<bool>() ? has_true : has_false) = true;
        } else if (v.is_string()) {
            touched.insert("string");
            strings.push_back(v);
        } else {
            return false;
        }
    }
    if (!strings.empty()) alts.push_back(Json{{"type", "string"}, {not_in_keyword, strings}});
    Json others = Json::array();
    for (const char* t : json_types)
        if (!touched.count(t)) others.push_back(t);
    alts.push_back(Json{{"type", others}});
    if (touched.count("boolean") && has_true != has_false) alts.push_back(Json{{"const", !has_true}});
    return true;
}

std::optional<Json> negate_object(const Json& s, const Json& root, int depth) {
    std::vector<Json> alts;
    for (const auto& [key, v] : s.items()) {
        if (is_annotation_keyword(key) || !is_constraint_keyword(key)) continue;
        if (key == "type") {
            alts.push_back(type_complement(s));
        } else if (key == "nullable" || key == "then" || key == "else" || key == "minContains" || key == "maxContains") {
            continue; // read with type / if / contains
        } else if (key == "enum" || key == "const") {
            if (!complement_values(key == "enum" ? v : Json::array({v}), alts)) return std::nullopt;
            if (key == "enum" && !v.is_array()) return std::nullopt;
        } else if (key == "not") {
            alts.push_back(v);
        } else if (key == "anyOf" || key == "allOf") {
            if (!v.is_array()) return std::nullopt;
            Json parts = Json::array();
            for (const auto& sub : v) {
                auto n = negate(sub, root, depth + 1);
                if (!n) return std::nullopt;
                parts.push_back(*n);
            }
            alts.push_back(key == "anyOf" ? Json{{"allOf", parts}} : Json{{"anyOf", parts}});
        } else if (key == "$ref") {
            if (!v.is_string()) return std::nullopt;
            std::string ptr;
            const Json* target = nullptr;
            try {
                target = &resolve_ref(root, v.get<std::string>(), "", ptr);
            } catch (const Error&) {
                return std::nullopt;
            }
            auto n = negate(*target, root, depth + 1);
            if (!n) return std::nullopt;
            alts.push_back(*n);
        } else if (!keyword_type(key).empty()) { // values of other types satisfy it: not in the complement
            if (!complement_keyword(s, key, v, root, depth, alts)) return std::nullopt;
        } else {
            return std::nullopt; // oneOf, if, $dynamicRef, ...
        }
    }
    // alts holds no value the schema accepts; values outside the union are valid for the schema.
    if (alts.empty()) return Json(false);
    if (alts.size() == 1) return alts[0];
    return Json{{"anyOf", alts}};
}

std::optional<Json> negate(const Json& s, const Json& root, int depth) {
    if (depth > max_negation_depth) return std::nullopt;
    if (s.is_boolean()) return Json(!s.get<bool>());
    if (!s.is_object()) return std::nullopt;
    return negate_object(s, root, depth);
}

} // namespace

std::optional<Json> negate_schema(const Json& schema, const Json& root) { return negate(schema, root, 0); }

} // namespace braid::engine::detail
