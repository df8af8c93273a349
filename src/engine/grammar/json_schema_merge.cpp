// JSON Schema helpers of the grammar compiler: keyword classes, value equality, $ref resolution and
// allOf merging.
#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "braid/error.hpp"
#include "json_schema_detail.hpp"

namespace braid::engine::detail {

namespace {

const std::set<std::string_view>& annotation_keywords() {
    static const std::set<std::string_view> k{
        "title",       "description", "examples",   "example",         "default",          "$schema",
        "$id",         "id",          "$comment",   "deprecated",      "readOnly",         "writeOnly",
        "contentEncoding", "contentMediaType", "contentSchema", "$anchor", "$dynamicAnchor", "$vocabulary",
        "definitions", "$defs",       "discriminator", "xml",          "externalDocs",     "$recursiveAnchor"};
    return k;
}

const std::set<std::string_view>& constraint_keywords() {
    static const std::set<std::string_view> k{
        "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
        "propertyNames", "minProperties", "maxProperties", "dependencies", "dependentRequired",
        "dependentSchemas", "unevaluatedProperties", "items", "prefixItems", "additionalItems", "minItems",
        "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems", "minLength",
        "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "$ref", "$dynamicRef",
        "$recursiveRef", "nullable", not_in_keyword, one_of_required_keyword};
    return k;
}

std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

const Json* find_anchor(const Json& node, const std::string& name, int depth) {
    if (depth > 64) return nullptr;
    if (node.is_object()) {
        auto a = node.find("$anchor");
        if (a != node.end() && a->is_string() && *a == name) return &node;
        auto id = node.find("$id");
        if (id != node.end() && id->is_string() && *id == "#" + name) return &node;
        for (const auto& [k, v] : node.items()) {
            if (k == "enum" || k == "const" || k == "default" || k == "examples") continue;
            if (const Json* f = find_anchor(v, name, depth + 1)) return f;
        }
    } else if (node.is_array()) {
        for (const auto& v : node)
            if (const Json* f = find_anchor(v, name, depth + 1)) return f;
    }
    return nullptr;
}

double number_of(const Json& v) { return v.get<double>(); }

std::vector<std::string> type_list(const Json& t) {
    std::vector<std::string> out;
    if (t.is_string()) out.push_back(t.get<std::string>());
    else if (t.is_array())
        for (const auto& x : t)
            if (x.is_string()) out.push_back(x.get<std::string>());
    return out;
}

} // namespace

bool json_equal(const Json& a, const Json& b) {
    if (a.is_number() && b.is_number()) return number_of(a) == number_of(b);
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!json_equal(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (const auto& [k, v] : a.items()) {
            auto f = b.find(k);
            if (f == b.end() || !json_equal(v, *f)) return false;
        }
        return true;
    }
    return a == b;
}

bool is_annotation_keyword(std::string_view key) { return annotation_keywords().count(key) != 0; }
bool is_constraint_keyword(std::string_view key) { return constraint_keywords().count(key) != 0; }

const Json& resolve_ref(const Json& root, const std::string& ref, const std::string& where, std::string& pointer) {
    if (ref.empty() || ref[0] != '#')
        throw Error(errc::unsupported, "unsupported keyword '$ref' at " + where + ": reference '" + ref +
                                           "' leaves the document (only '#...' references are supported)");
    const std::string frag = percent_decode(ref.substr(1));
    if (!frag.empty() && frag[0] != '/') {
        const Json* a = find_anchor(root, frag, 0);
        if (!a) throw Error(errc::invalid_argument, "$ref '" + ref + "' at " + where + ": no $anchor '" + frag + "'");
        pointer = "#" + frag;
        return *a;
    }
    const Json* node = &root;
    std::size_t i = 0;
    while (i < frag.size()) {
        std::size_t j = frag.find('/', i + 1);
        if (j == std::string::npos) j = frag.size();
        std::string token = frag.substr(i + 1, j - i - 1);
        std::string key;
        for (std::size_t k = 0; k < token.size(); ++k) {
            if (token[k] == '~' && k + 1 < token.size() && (token[k + 1] == '0' || token[k + 1] == '1')) {
                key.push_back(token[k + 1] == '0' ? '~' : '/');
                ++k;
            } else {
                key.push_back(token[k]);
            }
        }
        if (node->is_object() && node->contains(key)) {
            node = &(*node)[key];
        } else if (node->is_array() && !key.empty() && key.find_first_not_of("0123456789") == std::string::npos &&
                   key.size() < 10 && std::stoul(key) < node->size()) {
            node = &(*node)[std::stoul(key)];
        } else {
            throw Error(errc::invalid_argument, "$ref '" + ref + "' at " + where + " points nowhere (no '" + key + "')");
        }
        i = j;
    }
    pointer = frag;
    return *node;
}

// ---- allOf merge ----

namespace {

[[noreturn]] void cannot_merge(const std::string& key, const std::string& where) {
    throw Error(errc::unsupported, "unsupported keyword 'allOf' at " + where + ": cannot combine two '" + key + "'");
}

Json all_of(const Json& a, const Json& b) {
    if (a == Json(true) || (a.is_object() && a.empty())) return b;
    if (b == Json(true) || (b.is_object() && b.empty())) return a;
    if (a == b) return a;
    return Json{{"allOf", Json::array({a, b})}};
}

// What a side says about property @p key: its schema in properties, or additionalProperties, or true.
Json property_schema(const Json& s, const std::string& key) {
    if (auto p = s.find("properties"); p != s.end() && p->is_object() && p->contains(key)) return (*p)[key];
    if (auto a = s.find("additionalProperties"); a != s.end()) return *a;
    return true;
}

} // namespace

Json merge_schemas(const Json& a, const Json& b, const std::string& where) {
    if (a.is_boolean()) return a.get<bool>() ? b : a;
    if (b.is_boolean()) return b.get<bool>() ? a : b;
    if (!a.is_object() || !b.is_object())
        throw Error(errc::invalid_argument, "allOf at " + where + ": a branch is not a schema");
    Json out = a;
    bool props_done = false;
    for (const auto& [key, bv] : b.items()) {
        auto it = out.find(key);
        if (it == out.end()) {
            if (key == "properties" || key == "additionalProperties") continue; // merged below
            out[key] = bv;
            continue;
        }
        Json& av = *it;
        if (is_annotation_keyword(key) || !is_constraint_keyword(key)) continue;
        if (key == "type") {
            auto ta = type_list(av), tb = type_list(bv);
            Json t = Json::array();
            for (const auto& x : ta)
                for (const auto& y : tb) {
                    std::string m;
                    if (x == y) m = x;
                    else if ((x == "integer" && y == "number") || (x == "number" && y == "integer")) m = "integer";
                    if (!m.empty() && std::find(t.begin(), t.end(), Json(m)) == t.end()) t.push_back(m);
                }
            av = t;
        } else if (key == "required") {
            Json r = av.is_array() ? av : Json::array();
            if (bv.is_array())
                for (const auto& x : bv)
                    if (std::find(r.begin(), r.end(), x) == r.end()) r.push_back(x);
            av = r;
        } else if (key == "enum" || key == "const") {
            Json ea = key == "enum" ? av : Json::array({av});
            Json eb = key == "enum" ? bv : Json::array({bv});
            if (!ea.is_array() || !eb.is_array()) cannot_merge(key, where);
            Json e = Json::array();
            for (const auto& x : ea)
                for (const auto& y : eb)
                    if (json_equal(x, y)) e.push_back(x);
            if (key == "const" && e.size() == 1) av = e[0];
            else {
                out.erase(key);
                Json prev = out.contains("enum") ? out["enum"] : Json();
                out["enum"] = e;
            }
        } else if (key == "minimum" || key == "minLength" || key == "minItems" || key == "minProperties" ||
                   (key == "exclusiveMinimum" && av.is_number() && bv.is_number())) {
            if (!av.is_number() || !bv.is_number()) cannot_merge(key, where);
            av = number_of(av) >= number_of(bv) ? av : bv;
        } else if (key == "maximum" || key == "maxLength" || key == "maxItems" || key == "maxProperties" ||
                   (key == "exclusiveMaximum" && av.is_number() && bv.is_number())) {
            if (!av.is_number() || !bv.is_number()) cannot_merge(key, where);
            av = number_of(av) <= number_of(bv) ? av : bv;
        } else if (key == "items" && av.is_object() == bv.is_object() && !av.is_array()) {
            av = all_of(av, bv);
        } else if (key == "anyOf" || key == "oneOf") {
            if (!av.is_array() || !bv.is_array()) cannot_merge(key, where);
            if (av.size() * bv.size() > 64) cannot_merge(key, where);
            Json branches = Json::array();
            for (const auto& x : av)
                for (const auto& y : bv) branches.push_back(all_of(x, y));
            if (key == "oneOf") cannot_merge(key, where);
            av = branches;
        } else if (key == not_in_keyword && av.is_array() && bv.is_array()) {
            Json both = av;
            for (const auto& x : bv) both.push_back(x);
            av = both;
        } else if (key == "not") {
            av = Json{{"anyOf", Json::array({av, bv})}}; // not A and not B: not (A or B)
        } else if (key == "allOf") {
            Json all = av;
            for (const auto& x : bv) all.push_back(x);
            av = all;
        } else if (key == "properties" || key == "additionalProperties") {
            // below
        } else if (key == "uniqueItems") {
            av = av.is_boolean() && bv.is_boolean() ? Json(av.get<bool>() || bv.get<bool>()) : av;
        } else if (key == "nullable") {
            av = av.is_boolean() && bv.is_boolean() ? Json(av.get<bool>() && bv.get<bool>()) : Json(false);
        } else if (!json_equal(av, bv)) {
            cannot_merge(key, where);
        }
    }
    if (!props_done && (a.contains("properties") || b.contains("properties") || a.contains("additionalProperties") ||
                        b.contains("additionalProperties"))) {
        Json props = Json::object();
        auto add_keys = [&](const Json& s) {
            if (auto p = s.find("properties"); p != s.end() && p->is_object())
                for (const auto& [k, v] : p->items())
                    if (!props.contains(k)) props[k] = all_of(property_schema(a, k), property_schema(b, k));
        };
        add_keys(a);
        add_keys(b);
        out.erase("properties");
        out.erase("additionalProperties");
        if (!props.empty()) out["properties"] = props;
        Json addl = all_of(a.contains("additionalProperties") ? a["additionalProperties"] : Json(true),
                           b.contains("additionalProperties") ? b["additionalProperties"] : Json(true));
        if (addl != Json(true)) out["additionalProperties"] = addl;
    }
    return out;
}

} // namespace braid::engine::detail
