// JSON Schema instance check with three outcomes (valid, invalid, cannot tell). The compiler uses it
// where a schema lists its values (enum/const under other keywords such as not, if, oneOf) and where it
// must prove two oneOf branches disjoint: a value is kept only when the check says "valid", so the
// grammar stays sound whenever the check cannot decide.
#include <algorithm>
#include <cmath>
#include <regex>

#include "braid/error.hpp"
#include "json_schema_detail.hpp"

namespace braid::engine::detail {

namespace {

using Tri = std::optional<bool>;
constexpr int max_check_depth = 48; // $ref chains and nesting; deeper is "cannot tell"

std::size_t utf8_code_points(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

bool is_json_integer(const Json& v) {
    if (v.is_number_integer()) return true;
    return v.is_number_float() && std::isfinite(v.get<double>()) && std::trunc(v.get<double>()) == v.get<double>();
}

bool has_type(const Json& v, const std::string& t) {
    if (t == "null") return v.is_null();
    if (t == "boolean") return v.is_boolean();
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "number") return v.is_number();
    if (t == "integer") return is_json_integer(v);
    return false;
}

bool ascii_only(const std::string& t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A regex search with ECMAScript semantics; std::regex knows bytes, not code points, so only ASCII
// texts and patterns are decided.
Tri regex_finds(const std::string& pattern, const std::string& text) {
    if (!ascii_only(pattern) || !ascii_only(text)) return std::nullopt;
    try {
        return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
        return std::nullopt;
    }
}

// Accumulates keyword outcomes: any "invalid" decides; otherwise any "cannot tell" wins.
struct Verdict {
    bool invalid = false;
    bool unknown = false;
    void add(Tri t) {
        if (!t) unknown = true;
        else if (!*t) invalid = true;
    }
    Tri result() const {
        if (invalid) return false;
        if (unknown) return std::nullopt;
        return true;
    }
};

Tri check(const Json& v, const Json& s, const Json& root, int depth);

Tri check_number_bound(const Json& v, const Json& s, const std::string& key, const Json& kv) {
    if (!v.is_number()) return true;
    if (kv.is_boolean()) return true; // draft 4 form: its bound keyword checks it
    if (!kv.is_number()) return std::nullopt;
    const double x = v.get<double>(), b = kv.get<double>();
    if (key == "minimum") return s.value("exclusiveMinimum", Json()) == Json(true) ? x > b : x >= b;
    if (key == "maximum") return s.value("exclusiveMaximum", Json()) == Json(true) ? x < b : x <= b;
    if (key == "exclusiveMinimum") return x > b;
    return x < b; // exclusiveMaximum
}

// Python's jsonschema: integers by remainder, floats by whether the quotient is whole.
Tri check_multiple_of(const Json& v, const Json& kv) {
    if (!v.is_number()) return true;
    if (!kv.is_number() || kv.get<double>() <= 0) return std::nullopt;
    if (v.is_number_integer() && kv.is_number_integer()) return v.get<std::int64_t>() % kv.get<std::int64_t>() == 0;
    const double q = v.get<double>() / kv.get<double>();
    if (!std::isfinite(q)) return std::nullopt;
    return std::trunc(q) == q;
}

Tri check_object(const Json& v, const Json& s, const std::string& key, const Json& kv, const Json& root, int depth) {
    if (!v.is_object()) return true;
    Verdict out;
    if (key == "properties") {
        if (!kv.is_object()) return std::nullopt;
        for (const auto& [pk, pv] : v.items())
            if (auto it = kv.find(pk); it != kv.end()) out.add(check(pv, *it, root, depth + 1));
    } else if (key == "patternProperties") {
        if (!kv.is_object()) return std::nullopt;
        for (const auto& [pk, pv] : v.items())
            for (const auto& [pat, ps] : kv.items()) {
                const Tri m = regex_finds(pat, pk);
                if (!m) out.add(std::nullopt);
                else if (*m) out.add(check(pv, ps, root, depth + 1));
            }
    } else if (key == "additionalProperties") {
        const Json* props = s.contains("properties") && s["properties"].is_object() ? &s["properties"] : nullptr;
        const Json* pats = s.contains("patternProperties") && s["patternProperties"].is_object() ? &s["patternProperties"] : nullptr;
        for (const auto& [pk, pv] : v.items()) {
            if (props && props->contains(pk)) continue;
            // Keys a pattern matches are not additional; a pattern std::regex cannot run leaves it open.
            bool matched = false, unknown = false;
            if (pats)
                for (const auto& [pat, ps] : pats->items()) {
                    const Tri m = regex_finds(pat, pk);
                    if (!m) unknown = true;
                    else if (*m) matched = true;
                }
            if (matched) continue;
            const Tri t = check(pv, kv, root, depth + 1);
            out.add(unknown && t != true ? std::nullopt : t);
        }
    } else if (key == "required") {
        if (!kv.is_array()) return std::nullopt;
        for (const auto& r : kv) out.add(r.is_string() ? Tri(v.contains(r.get<std::string>())) : std::nullopt);
    } else if (key == "minProperties" || key == "maxProperties") {
        if (!kv.is_number()) return std::nullopt;
        const double n = static_cast<double>(v.size());
        out.add(key == "minProperties" ? n >= kv.get<double>() : n <= kv.get<double>());
    } else if (key == "propertyNames") {
        for (const auto& [pk, pv] : v.items()) out.add(check(Json(pk), kv, root, depth + 1));
    } else if (key == "dependentRequired" || key == "dependentSchemas" || key == "dependencies") {
        if (!kv.is_object()) return std::nullopt;
        for (const auto& [trigger, dep] : kv.items()) {
            if (!v.contains(trigger)) continue;
            if (dep.is_array()) {
                for (const auto& r : dep) out.add(r.is_string() ? Tri(v.contains(r.get<std::string>())) : std::nullopt);
            } else {
                out.add(check(v, dep, root, depth + 1));
            }
        }
    } else {
        return std::nullopt; // unevaluatedProperties
    }
    return out.result();
}

Tri check_array(const Json& v, const Json& s, const std::string& key, const Json& kv, const Json& root, int depth) {
    if (!v.is_array()) return true;
    Verdict out;
    if (key == "items" || key == "prefixItems") {
        std::size_t from = 0;
        if (kv.is_array()) { // positional: items (draft 4-2019) or prefixItems
            for (std::size_t i = 0; i < kv.size() && i < v.size(); ++i) out.add(check(v[i], kv[i], root, depth + 1));
            return out.result();
        }
        if (key == "prefixItems") return std::nullopt;
        if (auto p = s.find("prefixItems"); p != s.end()) {
            if (!p->is_array()) return std::nullopt;
            from = p->size();
        }
        for (std::size_t i = from; i < v.size(); ++i) out.add(check(v[i], kv, root, depth + 1));
    } else if (key == "additionalItems") {
        auto items = s.find("items");
        if (items == s.end() || !items->is_array()) return true; // ignored unless items is positional
        for (std::size_t i = items->size(); i < v.size(); ++i) out.add(check(v[i], kv, root, depth + 1));
    } else if (key == "minItems" || key == "maxItems") {
        if (!kv.is_number()) return std::nullopt;
        const double n = static_cast<double>(v.size());
        out.add(key == "minItems" ? n >= kv.get<double>() : n <= kv.get<double>());
    } else if (key == "uniqueItems") {
        if (kv != Json(true)) return true;
        for (std::size_t i = 0; i < v.size(); ++i)
            for (std::size_t j = i + 1; j < v.size(); ++j)
                if (json_equal(v[i], v[j])) return false;
    } else if (key == "contains") {
        std::size_t found = 0;
        bool unknown = false;
        for (const auto& x : v) {
            const Tri t = check(x, kv, root, depth + 1);
            if (!t) unknown = true;
            else if (*t) ++found;
        }
        const double lo = s.contains("minContains") && s["minContains"].is_number() ? s["minContains"].get<double>() : 1;
        const double hi = s.contains("maxContains") && s["maxContains"].is_number() ? s["maxContains"].get<double>() : HUGE_VAL;
        if (unknown) return std::nullopt;
        out.add(static_cast<double>(found) >= lo && static_cast<double>(found) <= hi);
    } else if (key == "minContains" || key == "maxContains") {
        return true; // read by "contains"; alone they constrain nothing
    } else {
        return std::nullopt; // unevaluatedItems
    }
    return out.result();
}

Tri check_combinator(const Json& v, const Json& s, const std::string& key, const Json& kv, const Json& root, int depth) {
    if (key == "not") {
        const Tri t = check(v, kv, root, depth + 1);
        return t ? Tri(!*t) : std::nullopt;
    }
    if (key == "if") {
        const Tri cond = check(v, kv, root, depth + 1);
        if (!cond) return std::nullopt;
        const char* branch = *cond ? "then" : "else";
        return s.contains(branch) ? check(v, s[branch], root, depth + 1) : Tri(true);
    }
    if (!kv.is_array()) return std::nullopt;
    std::size_t yes = 0, unknown = 0;
    for (const auto& sub : kv) {
        const Tri t = check(v, sub, root, depth + 1);
        if (!t) ++unknown;
        else if (*t) ++yes;
    }
    const std::size_t no = kv.size() - yes - unknown;
    if (key == "allOf") return no > 0 ? Tri(false) : unknown > 0 ? std::nullopt : Tri(true);
    if (key == "anyOf") return yes > 0 ? Tri(true) : unknown > 0 ? std::nullopt : Tri(false);
    // oneOf
    if (yes > 1) return false;
    if (unknown > 0) return std::nullopt;
    return yes == 1;
}

Tri check_keyword(const Json& v, const Json& s, const std::string& key, const Json& kv, const Json& root, int depth) {
    if (key == "type") {
        std::vector<std::string> types;
        if (kv.is_string()) types.push_back(kv.get<std::string>());
        else if (kv.is_array())
            for (const auto& x : kv)
                if (x.is_string()) types.push_back(x.get<std::string>());
        if (auto n = s.find("nullable"); n != s.end() && *n == Json(true)) types.push_back("null");
        return std::any_of(types.begin(), types.end(), [&](const std::string& t) { return has_type(v, t); });
    }
    if (key == "nullable" || key == "then" || key == "else") return true; // read by type / if
    if (key == "enum") {
        if (!kv.is_array()) return std::nullopt;
        return std::any_of(kv.begin(), kv.end(), [&](const Json& e) { return json_equal(e, v); });
    }
    if (key == "const") return json_equal(kv, v);
    if (key == one_of_required_keyword) {
        if (!v.is_object()) return true;
        if (!kv.is_array()) return std::nullopt;
        std::size_t whole = 0;
        for (const auto& group : kv) {
            if (!group.is_array()) return std::nullopt;
            whole += std::all_of(group.begin(), group.end(),
                                 [&](const Json& k) { return k.is_string() && v.contains(k.get<std::string>()); });
        }
        return whole == 1;
    }
    if (key == not_in_keyword) {
        if (!v.is_string()) return true;
        if (!kv.is_array()) return std::nullopt;
        return std::none_of(kv.begin(), kv.end(), [&](const Json& e) { return e == v; });
    }
    if (key == "minLength" || key == "maxLength") {
        if (!v.is_string()) return true;
        if (!kv.is_number()) return std::nullopt;
        const double n = static_cast<double>(utf8_code_points(v.get<std::string>()));
        return key == "minLength" ? n >= kv.get<double>() : n <= kv.get<double>();
    }
    if (key == "pattern") {
        if (!v.is_string()) return true;
        if (!kv.is_string()) return std::nullopt;
        return regex_finds(kv.get<std::string>(), v.get<std::string>());
    }
    if (key == "format") return v.is_string() ? std::nullopt : Tri(true); // formats are not checked here
    if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" || key == "exclusiveMaximum")
        return check_number_bound(v, s, key, kv);
    if (key == "multipleOf") return check_multiple_of(v, kv);
    if (key == "$ref") {
        if (!kv.is_string()) return std::nullopt;
        try {
            std::string ptr;
            return check(v, resolve_ref(root, kv.get<std::string>(), "", ptr), root, depth + 1);
        } catch (const Error&) {
            return std::nullopt;
        }
    }
    static const char* const object_keys[] = {"properties", "patternProperties", "additionalProperties", "required",
                                               "minProperties", "maxProperties", "propertyNames", "dependentRequired",
                                               "dependentSchemas", "dependencies", "unevaluatedProperties"};
    static const char* const array_keys[] = {"items", "prefixItems", "additionalItems", "minItems", "maxItems",
                                             "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems"};
    for (const char* k : object_keys)
        if (key == k) return check_object(v, s, key, kv, root, depth);
    for (const char* k : array_keys)
        if (key == k) return check_array(v, s, key, kv, root, depth);
    if (key == "not" || key == "if" || key == "allOf" || key == "anyOf" || key == "oneOf")
        return check_combinator(v, s, key, kv, root, depth);
    return std::nullopt; // $dynamicRef, $recursiveRef
}

Tri check(const Json& v, const Json& s, const Json& root, int depth) {
    if (depth > max_check_depth) return std::nullopt;
    if (s.is_boolean()) return s.get<bool>();
    if (!s.is_object()) return std::nullopt;
    Verdict out;
    for (const auto& [key, kv] : s.items()) {
        if (is_annotation_keyword(key) || !is_constraint_keyword(key)) continue;
        out.add(check_keyword(v, s, key, kv, root, depth));
        if (out.invalid) break;
    }
    return out.result();
}

} // namespace

std::optional<bool> check_instance(const Json& value, const Json& schema, const Json& root, int depth) {
    return check(value, schema, root, depth);
}

bool value_satisfies(const Json& value, const Json& schema, const Json& root, int depth) {
    return check(value, schema, root, depth) == true;
}

} // namespace braid::engine::detail
