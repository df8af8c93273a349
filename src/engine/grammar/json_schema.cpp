// JSON Schema → GBNF: the compiler proper (types, objects, arrays, strings, numbers, combinators).
#include "braid/engine/json_schema.hpp"

#include <chrono>
#include <ctime>
#include <cmath>
#include <charconv>
#include <cstdio>
#include <deque>
#include <functional>
#include <regex>
#include <set>

#include "braid/error.hpp"
#include "braid/run_control.hpp"
#include "json_schema_detail.hpp"

namespace braid::engine {

using detail::Json;

namespace {

const char* const all_types[] = {"null", "boolean", "object", "array", "number", "string"};
constexpr std::size_t max_visit_depth = 400;   // nesting of subschemas (a deeper schema is an error)
constexpr std::size_t max_object_states = 4096; // rules of one object's property state machine

std::string child(const std::string& ptr, const std::string& key) {
    std::string k;
    for (char c : key) {
        if (c == '~') k += "~0";
        else if (c == '/') k += "~1";
        else k.push_back(c);
    }
    return ptr + "/" + k;
}

// CPU time of this thread: the compile budget counts work done, not time waiting for a busy machine.
std::int64_t thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

std::string shown(const std::string& ptr) { return ptr.empty() ? "/" : ptr; }

class Compiler {
public:
    Compiler(const Json& root, const JsonSchemaOptions& options)
        : root_(root), opt_(options), start_ns_(thread_cpu_ns()) {}

    std::string compile() {
        b_.define("char", detail::json_char_rule_body());
        const std::string root = b_.reserve("root");
        auto e = visit(root_, "", "root");
        if (!e) throw Error(errc::invalid_argument, "the schema accepts no value");
        b_.define(root, *e);
        return b_.text(root);
    }

private:
    const Json& root_;
    JsonSchemaOptions opt_;
    detail::GbnfBuilder b_;
    std::int64_t start_ns_;
    std::map<std::string, std::string> ref_rules_;
    std::set<std::string> ref_in_progress_, ref_used_recursively_;
    std::size_t depth_ = 0;

    // ---- shared pieces ----
    std::string ws() {
        if (opt_.whitespace == JsonWhitespace::compact) return "";
        if (!b_.has("ws")) b_.define("ws", "[ \\t\\n\\r]{0,20}");
        return "ws ";
    }
    std::string sep() {
        if (opt_.whitespace == JsonWhitespace::compact) return "\" \"? ";
        return ws();
    }
    // Between items / between a key and its value.
    std::string comma() { return ws() + "\",\" " + sep(); }
    std::string colon() { return ws() + "\":\" " + sep(); }
    std::string string_rule() {
        if (!b_.has("string")) b_.define("string", "\"\\\"\" char* \"\\\"\"");
        return "string";
    }
    std::string number_rule() {
        if (!b_.has("number"))
            b_.define("number", "\"-\"? (\"0\" | [1-9] [0-9]*) (\".\" [0-9]+)? ([eE] [-+]? [0-9]+)?");
        return "number";
    }
    std::string integer_rule() {
        if (!b_.has("integer")) b_.define("integer", "\"-\"? (\"0\" | [1-9] [0-9]*)");
        return "integer";
    }
    std::string value_rule() {
        if (b_.has("value")) return "value";
        b_.reserve("value");
        b_.reserve("object");
        b_.reserve("array");
        const std::string s = string_rule(), n = number_rule();
        b_.define("value", "object | array | " + s + " | " + n + " | \"true\" | \"false\" | \"null\"");
        b_.define("object", "\"{\" " + ws() + "(" + s + " " + colon() + "value (" + comma() + s + " " + colon() +
                                "value)*)? " + ws() + "\"}\"");
        b_.define("array", "\"[\" " + ws() + "(value (" + comma() + "value)*)? " + ws() + "\"]\"");
        return "value";
    }

    void check_budget() {
        if (b_.size() > opt_.max_grammar_bytes)
            throw Error(errc::unsupported, "the schema's grammar is larger than " +
                                               std::to_string(opt_.max_grammar_bytes) + " bytes");
        if (opt_.max_compile_ms != 0 && thread_cpu_ns() - start_ns_ > std::int64_t{opt_.max_compile_ms} * 1000000)
            throw Error(errc::timeout, "compiling the schema took longer than " + std::to_string(opt_.max_compile_ms) + " ms");
    }

    void unsupported(const std::string& key, const std::string& ptr, const std::string& detail = {}) {
        std::string msg = "unsupported keyword '" + key + "' at " + shown(ptr) + (detail.empty() ? "" : ": " + detail);
        if (!opt_.ignore_unsupported) throw Error(errc::unsupported, msg);
        log(LogLevel::warning, "json_schema", msg + " (ignored)");
    }

    [[noreturn]] static void bad(const std::string& key, const std::string& ptr, const std::string& what) {
        throw Error(errc::invalid_argument, "keyword '" + key + "' at " + shown(ptr) + " " + what);
    }

    static std::optional<std::size_t> count_keyword(const Json& s, const char* key, const std::string& ptr) {
        auto it = s.find(key);
        if (it == s.end()) return std::nullopt;
        if (!it->is_number() || it->get<double>() < 0 || std::floor(it->get<double>()) != it->get<double>())
            bad(key, ptr, "must be a non-negative integer");
        if (it->get<double>() > 1e9) bad(key, ptr, "is too large");
        return static_cast<std::size_t>(it->get<double>());
    }

    static std::string alternation(const std::vector<std::string>& alts) {
        std::string out;
        for (std::size_t i = 0; i < alts.size(); ++i) out += (i ? " | " : "") + alts[i];
        return out;
    }

    std::string literal(const Json& v) {
        if (v.is_string()) return detail::gbnf_literal("\"" + detail::json_escape(v.get<std::string>()) + "\"");
        if (v.is_object()) {
            std::string out = "\"{\" " + ws();
            bool first = true;
            for (const auto& [k, x] : v.items()) {
                if (!first) out += comma();
                first = false;
                out += detail::gbnf_literal("\"" + detail::json_escape(k) + "\"") + " " + colon() + literal(x) + " ";
            }
            return out + ws() + "\"}\"";
        }
        if (v.is_array()) {
            std::string out = "\"[\" " + ws();
            for (std::size_t i = 0; i < v.size(); ++i) out += (i ? comma() : "") + literal(v[i]) + " ";
            return out + ws() + "\"]\"";
        }
        return detail::gbnf_literal(to_python_json(v));
    }

    // ---- the visit ----

    std::optional<std::string> visit(const Json& s, const std::string& ptr, const std::string& hint) {
        check_budget();
        if (++depth_ > max_visit_depth) throw Error(errc::unsupported, "schema nested too deeply at " + shown(ptr));
        struct Leave {
            std::size_t& d;
            ~Leave() { --d; }
        } leave{depth_};
        if (s.is_boolean()) return s.get<bool>() ? std::optional<std::string>(value_rule()) : std::nullopt;
        if (!s.is_object()) throw Error(errc::invalid_argument, "schema at " + shown(ptr) + " is not an object or a boolean");

        for (const char* k : {"$dynamicRef", "$recursiveRef"})
            if (s.contains(k)) unsupported(k, ptr);
        // A schema that lists its values keeps those every other keyword accepts (checked here, so
        // not/if/oneOf beside an enum need no grammar of their own).
        if (s.contains("enum") || s.contains("const")) return enum_expr(s, ptr, hint);
        if (s.contains("not")) return visit(without_not(s, ptr), ptr, hint);
        if (s.contains("if")) return visit(without_if(s, ptr), ptr, hint);
        for (const char* k : {"dependentRequired", "dependentSchemas", "dependencies"})
            if (s.contains(k)) return visit(without_dependencies(s, ptr), ptr, hint);

        if (auto r = s.find("$ref"); r != s.end()) {
            if (!r->is_string()) bad("$ref", ptr, "must be a string");
            bool rest = false;
            for (const auto& [k, v] : s.items())
                if (k != "$ref" && detail::is_constraint_keyword(k)) rest = true;
            if (!rest) return ref_rule(r->get<std::string>(), ptr);
            std::string target_ptr;
            const Json& target = detail::resolve_ref(root_, r->get<std::string>(), shown(ptr), target_ptr);
            Json siblings = s;
            siblings.erase("$ref");
            return visit(detail::merge_schemas(siblings, deref(target, ptr, 0), shown(ptr)), ptr, hint);
        }
        if (auto a = s.find("allOf"); a != s.end()) {
            if (!a->is_array() || a->empty()) bad("allOf", ptr, "must be a non-empty array");
            Json merged = s;
            merged.erase("allOf");
            for (std::size_t i = 0; i < a->size(); ++i)
                merged = detail::merge_schemas(merged, deref((*a)[i], ptr, 0), shown(child(ptr, "allOf")));
            return visit(merged, ptr, hint);
        }
        for (const char* comb : {"anyOf", "oneOf"}) {
            auto a = s.find(comb);
            if (a == s.end()) continue;
            if (!a->is_array() || a->empty()) bad(comb, ptr, "must be a non-empty array");
            Json rest = s;
            rest.erase(comb);
            if (std::string(comb) == "oneOf" && a->size() > 1)
                if (auto groups = required_groups(*a)) {
                    // Non-objects satisfy every branch: only objects with exactly one set present.
                    rest[detail::one_of_required_keyword] = *groups;
                    return visit(detail::merge_schemas(rest, Json{{"type", "object"}}, shown(ptr)), ptr, hint);
                }
            bool has_rest = false;
            for (const auto& [k, v] : rest.items())
                if (detail::is_constraint_keyword(k)) has_rest = true;
            std::vector<Json> branches;
            for (std::size_t i = 0; i < a->size(); ++i) {
                const Json& br = (*a)[i];
                branches.push_back(has_rest ? detail::merge_schemas(rest, deref(br, ptr, 0), shown(child(ptr, comb)))
                                            : br);
            }
            if (std::string(comb) == "oneOf" && !disjoint(branches)) {
                if (auto per_type = one_of_by_type(branches, ptr, hint)) return per_type->empty() ? std::nullopt : std::optional<std::string>(*per_type);
                if (auto by_negation = one_of_by_negation(branches, ptr, hint)) return *by_negation;
                unsupported("oneOf", ptr, "branches that are not provably disjoint (compiled as anyOf only with ignore_unsupported)");
            }
            std::vector<std::string> alts;
            for (std::size_t i = 0; i < branches.size(); ++i) {
                const std::string bp = child(child(ptr, comb), std::to_string(i));
                if (auto e = visit(branches[i], has_rest ? ptr : bp, hint)) alts.push_back(*e);
            }
            if (alts.empty()) return std::nullopt;
            return b_.rule(hint, alternation(alts));
        }
        return typed(s, ptr, hint);
    }

    // ---- keywords rewritten as allOf/anyOf of schemas the compiler enforces ----

    // @p s with @p extra added to its allOf.
    static Json with_all_of(Json s, Json extra) {
        if (!s.contains("allOf") || !s["allOf"].is_array()) s["allOf"] = Json::array();
        s["allOf"].push_back(std::move(extra));
        return s;
    }

    // `not X`: the complement of X where it is a schema (detail::negate_schema), else an error.
    Json without_not(const Json& s, const std::string& ptr) {
        Json rest = s;
        rest.erase("not");
        auto n = detail::negate_schema(s["not"], root_);
        if (!n) {
            unsupported("not", ptr, "its complement is not a schema braid enforces (type, enum/const of null "
                                    "and booleans, bounds, lengths, counts, required, properties, not, anyOf, allOf)");
            return rest;
        }
        return with_all_of(std::move(rest), std::move(*n));
    }

    // `if`/`then`/`else`: (if and then) or (not if and else); the two branches never overlap.
    Json without_if(const Json& s, const std::string& ptr) {
        Json rest = s;
        for (const char* k : {"if", "then", "else"}) rest.erase(k);
        const Json then_s = s.contains("then") ? s["then"] : Json(true);
        const Json else_s = s.contains("else") ? s["else"] : Json(true);
        if (then_s == Json(true) && else_s == Json(true)) return rest;
        auto n = detail::negate_schema(s["if"], root_);
        if (!n) {
            unsupported("if", ptr, "the complement of its condition is not a schema braid enforces");
            return rest;
        }
        Json branches = Json::array();
        branches.push_back(Json{{"allOf", Json::array({s["if"], then_s})}});
        branches.push_back(Json{{"allOf", Json::array({*n, else_s})}});
        return with_all_of(std::move(rest), Json{{"anyOf", branches}});
    }

    // dependentRequired / dependentSchemas / dependencies: per trigger property, "absent" or "present
    // and the dependency holds" (the second branch only for objects, so the two never overlap).
    Json without_dependencies(const Json& s, const std::string& ptr) {
        Json rest = s;
        for (const char* key : {"dependentRequired", "dependentSchemas", "dependencies"}) {
            auto d = s.find(key);
            if (d == s.end()) continue;
            rest.erase(key);
            if (!d->is_object()) bad(key, ptr, "must be an object");
            for (const auto& [trigger, dep] : d->items()) {
                Json present{{"type", "object"}, {"required", Json::array({trigger})}};
                if (dep.is_array()) {
                    for (const auto& r : dep) {
                        if (!r.is_string()) bad(key, ptr, "must list property names");
                        if (std::find(present["required"].begin(), present["required"].end(), r) == present["required"].end())
                            present["required"].push_back(r);
                    }
                } else if (std::string(key) == "dependentRequired") {
                    bad(key, ptr, "must map properties to arrays of names");
                } else if (dep.is_object() || dep.is_boolean()) {
                    present = Json{{"allOf", Json::array({present, dep})}};
                } else {
                    bad(key, ptr, "must map properties to schemas or arrays of names");
                }
                Json absent{{"properties", Json{{trigger, false}}}};
                rest = with_all_of(std::move(rest), Json{{"anyOf", Json::array({absent, present})}});
            }
        }
        return rest;
    }

    // @p s with a top-level $ref replaced by its target (for merging).
    Json deref(const Json& s, const std::string& ptr, int depth) {
        if (depth > 32) throw Error(errc::unsupported, "unsupported keyword '$ref' at " + shown(ptr) + ": references nest too deeply");
        if (!s.is_object() || !s.contains("$ref") || !s["$ref"].is_string()) return s;
        std::string target_ptr;
        const Json& target = detail::resolve_ref(root_, s["$ref"].get<std::string>(), shown(ptr), target_ptr);
        Json rest = s;
        rest.erase("$ref");
        Json t = deref(target, ptr, depth + 1);
        return detail::merge_schemas(rest, t, shown(ptr));
    }

    std::optional<std::string> ref_rule(const std::string& ref, const std::string& ptr) {
        std::string target_ptr;
        const Json& target = detail::resolve_ref(root_, ref, shown(ptr), target_ptr);
        if (auto it = ref_rules_.find(target_ptr); it != ref_rules_.end()) {
            if (ref_in_progress_.count(target_ptr)) ref_used_recursively_.insert(target_ptr);
            if (it->second.empty()) return std::nullopt;
            return it->second;
        }
        std::string hint = target_ptr.substr(target_ptr.find_last_of('/') + 1);
        const std::string name = b_.reserve(hint.empty() ? "ref" : hint);
        ref_rules_[target_ptr] = name;
        ref_in_progress_.insert(target_ptr);
        auto e = visit(target, target_ptr, name);
        ref_in_progress_.erase(target_ptr);
        if (!e) {
            if (ref_used_recursively_.count(target_ptr))
                throw Error(errc::unsupported, "schema at " + shown(target_ptr) + " accepts no value but refers to itself");
            ref_rules_[target_ptr] = "";
            return std::nullopt;
        }
        b_.define(name, *e);
        return name;
    }

    // ---- oneOf disjointness ----

    static std::set<std::string> types_of(const Json& s) {
        std::set<std::string> out;
        if (!s.is_object()) return {std::begin(all_types), std::end(all_types)};
        if (auto t = s.find("type"); t != s.end()) {
            auto add = [&](const std::string& x) { out.insert(x == "integer" ? "number" : x); };
            if (t->is_string()) add(t->get<std::string>());
            else if (t->is_array())
                for (const auto& x : *t)
                    if (x.is_string()) add(x.get<std::string>());
            if (auto n = s.find("nullable"); n != s.end() && *n == Json(true)) out.insert("null");
            return out;
        }
        if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
            for (const auto& v : *e) out.insert(v.is_number() ? "number" : v.type_name());
            return out;
        }
        if (auto c = s.find("const"); c != s.end()) return {c->is_number() ? "number" : c->type_name()};
        return {std::begin(all_types), std::end(all_types)};
    }

    // The `required` lists of oneOf branches that say nothing else (but type object), as a JSON array
    // of arrays; nothing when a branch says more.
    std::optional<Json> required_groups(const Json& branches) {
        Json groups = Json::array();
        for (const auto& raw : branches) {
            const Json br = deref(raw, "", 0);
            if (!br.is_object()) return std::nullopt;
            auto req = br.find("required");
            if (req == br.end() || !req->is_array()) return std::nullopt;
            for (const auto& [k, v] : br.items()) {
                if (k == "required" || !detail::is_constraint_keyword(k)) continue;
                if (k == "type" && v == Json("object")) continue;
                return std::nullopt;
            }
            for (const auto& name : *req)
                if (!name.is_string()) return std::nullopt;
            groups.push_back(*req);
        }
        return groups;
    }

    // The values a schema lists (enum/const), if it does.
    static std::optional<std::vector<Json>> listed_values(const Json& s) {
        if (!s.is_object()) return std::nullopt;
        if (s.contains("const")) return std::vector<Json>{s["const"]};
        if (s.contains("enum") && s["enum"].is_array()) return std::vector<Json>(s["enum"].begin(), s["enum"].end());
        return std::nullopt;
    }

    // The schema an object schema gives property @p key (its properties entry, else additionalProperties).
    static Json property_of(const Json& s, const std::string& key) {
        if (auto p = s.find("properties"); p != s.end() && p->is_object() && p->contains(key)) return (*p)[key];
        if (s.contains("patternProperties")) return true;
        if (auto a = s.find("additionalProperties"); a != s.end()) return *a;
        return true;
    }

    // Whether no instance can be valid for two object schemas at once: a key one requires and the other
    // forbids, or a key both require with disjoint schemas (a discriminator).
    bool objects_disjoint(const Json& a, const Json& b, int depth) {
        auto required = [](const Json& s) {
            std::vector<std::string> out;
            if (s.is_object() && s.contains("required") && s["required"].is_array())
                for (const auto& r : s["required"])
                    if (r.is_string()) out.push_back(r.get<std::string>());
            return out;
        };
        const auto ra = required(a), rb = required(b);
        for (const auto& k : ra)
            if (property_of(b, k) == Json(false)) return true;
        for (const auto& k : rb)
            if (property_of(a, k) == Json(false)) return true;
        for (const auto& k : ra) {
            if (std::find(rb.begin(), rb.end(), k) == rb.end()) continue;
            if (pair_disjoint(flattened(property_of(a, k)), flattened(property_of(b, k)), depth + 1)) return true;
        }
        return false;
    }

    // @p s with its $ref and allOf merged in (a merged property is an allOf of both sides' schemas);
    // @p s itself where they cannot be merged.
    Json flattened(const Json& s) {
        try {
            Json out = deref(s, "", 0);
            if (!out.is_object() || !out.contains("allOf") || !out["allOf"].is_array()) return out;
            Json merged = out;
            merged.erase("allOf");
            for (const auto& part : out["allOf"]) merged = detail::merge_schemas(merged, flattened(part), "");
            return merged;
        } catch (const Error&) {
            return s;
        }
    }

    // Whether no value satisfies both @p a and @p b (false when it cannot tell).
    bool pair_disjoint(const Json& a, const Json& b, int depth) {
        if (depth > 8) return false;
        if (a == Json(false) || b == Json(false)) return true;
        const auto ta = types_of(a), tb = types_of(b);
        std::vector<std::string> common;
        std::set_intersection(ta.begin(), ta.end(), tb.begin(), tb.end(), std::back_inserter(common));
        if (common.empty()) return true;
        // Listed values that the other side certainly rejects.
        auto all_rejected = [&](const Json& listing, const Json& other) {
            auto vals = listed_values(listing);
            if (!vals) return false;
            for (const auto& v : *vals)
                if (detail::check_instance(v, other, root_) != false) return false;
            return true;
        };
        if (all_rejected(a, b) || all_rejected(b, a)) return true;
        return common.size() == 1 && common[0] == "object" && objects_disjoint(a, b, depth);
    }

    bool disjoint(const std::vector<Json>& branches) {
        std::vector<Json> resolved;
        for (const auto& br : branches) resolved.push_back(flattened(br));
        for (std::size_t i = 0; i < resolved.size(); ++i)
            for (std::size_t j = i + 1; j < resolved.size(); ++j)
                if (!pair_disjoint(resolved[i], resolved[j], 0)) return false;
        return true;
    }

    // oneOf as anyOf of "this branch and no other" (each other branch negated); nothing when a branch
    // has no complement braid enforces.
    std::optional<std::optional<std::string>> one_of_by_negation(const std::vector<Json>& branches, const std::string& ptr,
                                                                 const std::string& hint) {
        constexpr std::size_t max_branches = 8; // each branch carries the complements of all others
        if (branches.size() > max_branches) return std::nullopt;
        std::vector<Json> negated;
        for (const auto& br : branches) {
            auto n = detail::negate_schema(br, root_);
            if (!n) return std::nullopt;
            negated.push_back(*n);
        }
        std::vector<std::string> alts;
        try {
            for (std::size_t i = 0; i < branches.size(); ++i) {
                Json parts = Json::array({branches[i]});
                for (std::size_t j = 0; j < branches.size(); ++j)
                    if (j != i) parts.push_back(negated[j]);
                if (auto e = visit(Json{{"allOf", parts}}, ptr, hint)) alts.push_back(*e);
            }
        } catch (const Error& e) {
            if (e.kind() != errc::unsupported) throw;
            return std::nullopt;
        }
        // Nothing left may be the narrowing of "not integer" (no numbers at all): refuse rather than
        // call the schema empty.
        if (alts.empty()) return std::nullopt;
        return std::optional<std::string>(b_.rule(hint, alternation(alts)));
    }

    // Whether @p s (restricted to type @p t) accepts every value of that type.
    static bool accepts_all_of_type(const Json& s, const std::string& t) {
        static const std::map<std::string, std::set<std::string>> own{
            {"string", {"minLength", "maxLength", "pattern", "format"}},
            {"number", {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}},
            {"object", {"properties", "required", "additionalProperties", "patternProperties", "propertyNames",
                        "minProperties", "maxProperties", "dependencies", "dependentRequired", "dependentSchemas",
                        "unevaluatedProperties"}},
            {"array", {"items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains",
                       "minContains", "maxContains", "unevaluatedItems"}}};
        if (s.is_boolean()) return s.get<bool>();
        if (!s.is_object()) return false;
        std::set<std::string> others;
        for (const auto& [type, keys] : own)
            if (type != t) others.insert(keys.begin(), keys.end());
        for (const auto& [k, v] : s.items()) {
            if (!detail::is_constraint_keyword(k) || others.count(k)) continue;
            if (k == "type") {
                auto ts = types_of(s);
                if (!ts.count(t) || (t == "number" && v.dump().find("\"number\"") == std::string::npos)) return false;
                continue;
            }
            return false;
        }
        return true;
    }

    // oneOf whose branches overlap, decided type by type: a type that two branches accept entirely has
    // no valid value; a type one branch accepts entirely and no other touches is allowed whole; a type
    // only constrained branches accept needs them disjoint. Nothing when that does not decide it; "" when
    // no value is valid.
    std::optional<std::string> one_of_by_type(const std::vector<Json>& branches, const std::string& ptr,
                                              const std::string& hint) {
        std::vector<std::string> alts;
        try {
            for (const char* t : all_types) {
                std::vector<Json> constrained;
                int whole = 0;
                for (const auto& br : branches) {
                    Json rb = detail::merge_schemas(deref(br, ptr, 0), Json{{"type", t}}, shown(ptr));
                    if (rb.is_boolean() ? !rb.get<bool>() : types_of(rb).empty()) continue;
                    if (rb.contains("type") && rb["type"].is_array() && rb["type"].empty()) continue;
                    if (accepts_all_of_type(rb, t)) ++whole;
                    else constrained.push_back(rb);
                }
                if (whole >= 2) continue;
                if (whole == 1 && !constrained.empty()) return std::nullopt;
                if (whole == 1) {
                    if (auto e = visit(Json{{"type", t}}, ptr, hint)) alts.push_back(*e);
                    continue;
                }
                if (constrained.size() > 1 && !disjoint(constrained)) return std::nullopt;
                for (const auto& rb : constrained)
                    if (auto e = visit(rb, ptr, hint)) alts.push_back(*e);
            }
        } catch (const Error& e) {
            if (e.kind() != errc::unsupported) throw;
            return std::nullopt;
        }
        if (alts.empty()) return std::string();
        return b_.rule(hint, alternation(alts));
    }

    // ---- enum / const ----

    std::optional<std::string> enum_expr(const Json& s, const std::string& ptr, const std::string& hint) {
        std::vector<Json> values;
        if (auto e = s.find("enum"); e != s.end()) {
            if (!e->is_array()) bad("enum", ptr, "must be an array");
            values.assign(e->begin(), e->end());
        }
        if (auto c = s.find("const"); c != s.end()) {
            if (s.contains("enum")) {
                std::vector<Json> kept;
                for (const auto& v : values)
                    if (detail::value_satisfies(v, Json{{"const", *c}}, root_)) kept.push_back(v);
                values = kept;
            } else {
                values = {*c};
            }
        }
        Json rest = s;
        rest.erase("enum");
        rest.erase("const");
        std::vector<std::string> alts;
        std::set<std::string> seen;
        for (const auto& v : values) {
            if (!detail::value_satisfies(v, rest, root_)) continue;
            std::string l = literal(v);
            if (seen.insert(l).second) alts.push_back(l);
        }
        if (alts.empty()) return std::nullopt;
        return b_.rule(hint, alternation(alts));
    }

    // ---- types ----

    std::optional<std::string> typed(const Json& s, const std::string& ptr, const std::string& hint) {
        std::set<std::string> types;
        if (auto t = s.find("type"); t != s.end()) {
            auto add = [&](const Json& x) {
                if (!x.is_string()) bad("type", ptr, "must name types");
                const std::string n = x.get<std::string>();
                if (n != "integer" && std::find(std::begin(all_types), std::end(all_types), n) == std::end(all_types))
                    bad("type", ptr, "names an unknown type '" + n + "'");
                types.insert(n);
            };
            if (t->is_array())
                for (const auto& x : *t) add(x);
            else add(*t);
        } else {
            types.insert(std::begin(all_types), std::end(all_types));
        }
        if (auto n = s.find("nullable"); n != s.end() && *n == Json(true)) types.insert("null");
        std::vector<std::string> alts;
        auto push = [&](std::optional<std::string> e) {
            if (e) alts.push_back(*e);
        };
        if (types.count("object")) push(object_expr(s, ptr, hint));
        if (types.count("array")) push(array_expr(s, ptr, hint));
        if (types.count("string")) push(string_expr(s, ptr, hint));
        if (types.count("number")) push(number_expr(s, ptr, false));
        else if (types.count("integer")) push(number_expr(s, ptr, true));
        if (types.count("boolean")) alts.push_back("\"true\" | \"false\"");
        if (types.count("null")) alts.push_back("\"null\"");
        if (alts.empty()) return std::nullopt;
        if (alts.size() == 1 && alts[0].find(' ') == std::string::npos) return alts[0];
        return b_.rule(hint, alternation(alts));
    }

    // ---- strings ----

    std::optional<std::string> string_expr(const Json& s, const std::string& ptr, const std::string& hint) {
        const auto min = count_keyword(s, "minLength", ptr).value_or(0);
        const auto max = count_keyword(s, "maxLength", ptr);
        if (max && *max < min) return std::nullopt;
        if (auto x = s.find(detail::not_in_keyword); x != s.end()) {
            // A string other than the listed ones (from `not` over string values).
            std::vector<std::string> excluded;
            if (!x->is_array()) bad(detail::not_in_keyword, ptr, "must be an array of strings");
            for (const auto& v : *x) {
                if (!v.is_string()) bad(detail::not_in_keyword, ptr, "must be an array of strings");
                excluded.push_back(v.get<std::string>());
            }
            if (min == 0 && !max && !s.contains("pattern") && !s.contains("format")) return other_key(excluded, hint);
            unsupported("not", ptr, "excluded string values together with minLength, maxLength, pattern or format");
        }
        std::optional<detail::RegexContent> content;
        if (auto p = s.find("pattern"); p != s.end()) {
            if (!p->is_string()) bad("pattern", ptr, "must be a string");
            try {
                content = detail::regex_content(b_, p->get<std::string>(), hint + "-pattern", "char");
            } catch (const Error& e) {
                if (e.kind() != errc::unsupported) throw Error(e.kind(), std::string(e.what()) + " (at " + shown(ptr) + ")");
                unsupported("pattern", ptr, e.what());
            }
        }
        if (auto f = s.find("format"); f != s.end() && f->is_string()) {
            auto fc = detail::format_content(b_, f->get<std::string>());
            if (fc && content) unsupported("format", ptr, "together with 'pattern'");
            else if (fc) content = fc;
            else if (detail::is_checked_format(f->get<std::string>()))
                unsupported("format", ptr, "format '" + f->get<std::string>() + "' is not enforced");
            else log(LogLevel::info, "json_schema", "format '" + f->get<std::string>() + "' at " + shown(ptr) + " is not enforced (an annotation)");
        }
        if (content && content->repeated_class && !s.contains("format") && (min > 0 || max)) {
            // ^C{a,b}$ with lengths: C{max(a, min), min(b, max)}.
            const std::size_t lo = std::max(min, content->min_length);
            std::optional<std::size_t> hi = max;
            if (content->max_length) hi = hi ? std::min(*hi, *content->max_length) : content->max_length;
            if (hi && *hi < lo) return std::nullopt;
            const std::string c = b_.rule(hint + "-char", detail::json_char_expr(*content->repeated_class));
            std::string rep = hi ? c + "{" + std::to_string(lo) + "," + std::to_string(*hi) + "}" : c + "{" + std::to_string(lo) + ",}";
            if (hi && *hi == 0) rep = "";
            return b_.rule(hint + "-string", "\"\\\"\" " + rep + (rep.empty() ? "" : " ") + "\"\\\"\"");
        }
        if (content) {
            const bool implied = content->min_length >= min && (!max || (content->max_length && *content->max_length <= *max));
            if (!implied && (min > 0 || max)) unsupported(min > 0 ? "minLength" : "maxLength", ptr, "together with 'pattern' or 'format'");
            return b_.rule(hint + "-string", "\"\\\"\" " + content->expr + " \"\\\"\"");
        }
        if (min == 0 && !max) return string_rule();
        std::string rep;
        if (!max) rep = min == 1 ? "char+" : "char{" + std::to_string(min) + ",}";
        else if (min == *max) rep = "char{" + std::to_string(min) + "}";
        else rep = "char{" + std::to_string(min) + "," + std::to_string(*max) + "}";
        if (max && *max == 0) rep = "";
        return b_.rule(hint + "-string", "\"\\\"\" " + rep + (rep.empty() ? "" : " ") + "\"\\\"\"");
    }

    // ---- numbers ----

    struct Bound {
        double value;
        bool exclusive;
    };

    std::optional<std::string> number_expr(const Json& s, const std::string& ptr, bool integer) {
        std::optional<Bound> lo, hi;
        auto tighten = [&](std::optional<Bound>& b, double v, bool ex, bool lower) {
            if (!b || (lower ? (v > b->value || (v == b->value && ex)) : (v < b->value || (v == b->value && ex))))
                b = Bound{v, ex};
        };
        auto num = [&](const char* k) -> std::optional<double> {
            auto it = s.find(k);
            if (it == s.end() || it->is_boolean()) return std::nullopt;
            if (!it->is_number()) bad(k, ptr, "must be a number");
            return it->get<double>();
        };
        const bool ex_min4 = s.value("exclusiveMinimum", Json()) == Json(true);
        const bool ex_max4 = s.value("exclusiveMaximum", Json()) == Json(true);
        if (auto v = num("minimum")) tighten(lo, *v, ex_min4, true);
        if (auto v = num("maximum")) tighten(hi, *v, ex_max4, false);
        if (auto v = num("exclusiveMinimum")) tighten(lo, *v, true, true);
        if (auto v = num("exclusiveMaximum")) tighten(hi, *v, true, false);
        std::optional<std::size_t> decimals; // multipleOf 10^-k: at most k digits after the point
        if (auto m = num("multipleOf")) {
            if (*m <= 0) bad("multipleOf", ptr, "must be positive");
            const double q = 1.0 / *m;
            int k = -1;
            for (int i = 0; i <= 9 && k < 0; ++i)
                if (std::fabs(*m - std::pow(10.0, -i)) <= 1e-12 * std::pow(10.0, -i)) k = i;
            if (k == 0 || (integer && std::floor(q) == q)) integer = true; // every integer is a multiple of 1, 0.5, 0.25...
            else if (k > 0) decimals = static_cast<std::size_t>(k);
            else unsupported("multipleOf", ptr, "multipleOf " + std::to_string(*m) + " (only 1, 10^-k and divisors of 1 for integers are enforced)");
        }
        constexpr double limit = 9e15; // exact in a double and in int64
        for (auto* b : {&lo, &hi})
            if (*b && std::fabs((*b)->value) > limit) {
                unsupported(b == &lo ? "minimum" : "maximum", ptr, "a bound beyond ±9e15");
                b->reset();
            }
        if (integer) {
            std::optional<std::int64_t> l, h;
            if (lo) l = static_cast<std::int64_t>(lo->exclusive ? std::floor(lo->value) + 1 : std::ceil(lo->value));
            if (hi) h = static_cast<std::int64_t>(hi->exclusive ? std::ceil(hi->value) - 1 : std::floor(hi->value));
            if (!l && !h) return integer_rule();
            std::string e = detail::integer_range_expr(l, h);
            if (e.empty()) return std::nullopt;
            return b_.rule("integer-range", e);
        }
        if (!lo && !hi && !decimals) return number_rule();
        return number_range(lo, hi, decimals, ptr);
    }

    // A bound's magnitude as decimal digits: integer part, fraction digits (no trailing zeros).
    struct Dec {
        std::uint64_t i = 0;
        std::string f;
        bool ex = false;
    };

    std::optional<Dec> decimal_of(double v, bool ex) {
        std::string t = to_python_json(Json(std::fabs(v)));
        if (t.find_first_of("eE") != std::string::npos) return std::nullopt;
        const auto dot = t.find('.');
        Dec d;
        d.i = std::stoull(t.substr(0, dot));
        if (dot != std::string::npos) d.f = t.substr(dot + 1);
        while (!d.f.empty() && d.f.back() == '0') d.f.pop_back();
        d.ex = ex;
        return d;
    }

    // Fraction digits (after the '.') compared with the digits F of a bound. r: digits still allowed
    // (nothing: unbounded). Each returns alternatives (empty: none).
    static std::string any_digits(std::optional<std::size_t> r) {
        if (!r) return "[0-9]*";
        if (*r == 0) return "\"\"";
        return "[0-9]{0," + std::to_string(*r) + "}";
    }
    static std::optional<std::size_t> dec(std::optional<std::size_t> r) { return r ? std::optional<std::size_t>(*r - 1) : r; }
    static std::string digit_range(char lo, char hi) {
        return lo == hi ? std::string("\"") + lo + "\"" : std::string("[") + lo + "-" + hi + "]";
    }
    std::string nonzero_digits(std::optional<std::size_t> r) { // 1..r digits, not all zero
        if (!r) return "[0-9]* [1-9] [0-9]*";
        std::vector<std::string> by_first;
        for (std::size_t i = 0; i < *r; ++i)
            by_first.push_back((i ? "\"" + std::string(i, '0') + "\" " : "") + "[1-9]" +
                               (*r - 1 - i ? " [0-9]{0," + std::to_string(*r - 1 - i) + "}" : ""));
        return b_.rule("nonzero-fraction", alternation(by_first));
    }
    // kind: 'g' (>=), 'G' (>), 'l' (<=), 'L' (<).
    std::optional<std::string> frac_cmp(const std::string& f, std::size_t i, std::optional<std::size_t> r, char kind) {
        std::vector<std::string> alts;
        if (i == f.size()) {
            if (kind == 'g') return any_digits(r);
            if (kind == 'G') {
                if (r && *r == 0) return std::nullopt;
                return nonzero_digits(r);
            }
            if (kind == 'l') return r ? (*r == 0 ? std::string("\"\"") : "\"0\"{0," + std::to_string(*r) + "}") : "\"0\"*";
            return std::nullopt;
        }
        const bool lower = kind == 'l' || kind == 'L';
        if (i > 0 && lower) alts.push_back("\"\""); // shorter with an equal prefix: smaller
        if (!r || *r > 0) {
            const char d = f[i];
            if (!lower && d < '9') alts.push_back(digit_range(static_cast<char>(d + 1), '9') + " " + any_digits(dec(r)));
            if (lower && d > '0') alts.push_back(digit_range('0', static_cast<char>(d - 1)) + " " + any_digits(dec(r)));
            if (auto rest = frac_cmp(f, i + 1, dec(r), kind)) alts.push_back(digit_range(d, d) + " " + *rest);
        }
        if (alts.empty()) return std::nullopt;
        return b_.rule("fraction", alternation(alts));
    }
    // The fraction part (with its '.', possibly absent) of a number whose integer part equals a bound's.
    std::optional<std::string> fraction(const Dec& b, bool lower_bound, std::optional<std::size_t> r) {
        const char kind = lower_bound ? (b.ex ? 'G' : 'g') : (b.ex ? 'L' : 'l');
        auto c = frac_cmp(b.f, 0, r, kind);
        const bool may_omit = lower_bound ? (b.f.empty() && !b.ex) : true; // no fraction = .0
        if (lower_bound && b.f.empty() && !b.ex) return "(\".\" " + any_digits(r) + ")?";
        if (!c) return may_omit && !lower_bound && !(b.f.empty() && b.ex) ? std::optional<std::string>("\"\"") : std::nullopt;
        if (r && *r == 0) return may_omit ? std::optional<std::string>("\"\"") : std::nullopt;
        return may_omit && !(b.f.empty() && b.ex) ? "(\".\" " + *c + ")?" : "\".\" " + *c;
    }

    // Numbers (without exponent) in the range; magnitudes m.f handled per sign.
    std::optional<std::string> number_range(std::optional<Bound> lo, std::optional<Bound> hi,
                                            std::optional<std::size_t> decimals, const std::string& ptr) {
        const std::optional<std::size_t> r = decimals;
        const std::string any_frac = decimals && *decimals == 0 ? "" : "(\".\" [0-9]" + (r ? "{1," + std::to_string(*r) + "}" : std::string("+")) + ")?";
        // Magnitudes in [l, h] (h absent: unbounded).
        auto magnitude = [&](const Dec& l, const std::optional<Dec>& h) -> std::vector<std::string> {
            std::vector<std::string> alts;
            if (h && (h->i < l.i)) return alts;
            if (!h || h->i > l.i + 1) {
                std::optional<std::uint64_t> top;
                if (h) top = h->i - 1;
                alts.push_back(detail::natural_range_expr(l.i + 1, top) + (any_frac.empty() ? "" : " " + any_frac));
            }
            if (!h || h->i > l.i) {
                if (auto f = fraction(l, true, r)) alts.push_back(detail::natural_range_expr(l.i, l.i) + " " + *f);
                if (h)
                    if (auto f = fraction(*h, false, r)) alts.push_back(detail::natural_range_expr(h->i, h->i) + " " + *f);
            } else { // same integer part
                const bool lower_trivial = l.f.empty() && !l.ex;
                const bool upper_trivial_zero = h->f.empty() && !h->ex; // fraction must be zero
                if (lower_trivial) {
                    if (auto f = fraction(*h, false, r)) alts.push_back(detail::natural_range_expr(l.i, l.i) + " " + *f);
                } else if (upper_trivial_zero) {
                    // .0 only, which is above l only when l = I exactly and inclusive: handled above.
                } else {
                    unsupported("minimum", ptr, "a lower and an upper bound with the same integer part");
                }
            }
            return alts;
        };
        std::optional<Dec> dlo, dhi;
        if (lo) dlo = decimal_of(lo->value, lo->exclusive);
        if (hi) dhi = decimal_of(hi->value, hi->exclusive);
        if ((lo && !dlo) || (hi && !dhi)) {
            unsupported(lo && !dlo ? "minimum" : "maximum", ptr, "a bound written with an exponent");
            return number_rule();
        }
        std::vector<std::string> alts;
        // x >= 0, written without '-'.
        if (!hi || hi->value >= 0) {
            Dec l;
            if (lo && lo->value >= 0) l = *dlo;
            for (auto& a : magnitude(l, hi ? dhi : std::nullopt)) alts.push_back(a);
        }
        // x < 0: '-' and a magnitude > 0 with |hi| <= m <= |lo|.
        if (!lo || lo->value < 0) {
            Dec l;
            l.ex = true;
            if (hi && hi->value < 0) l = *dhi;
            std::optional<Dec> h;
            if (lo) h = *dlo;
            for (auto& a : magnitude(l, h)) alts.push_back("\"-\" " + a);
        }
        if (alts.empty()) return std::nullopt;
        return b_.rule("number-range", alternation(alts));
    }

    // ---- arrays ----

    std::optional<std::string> array_expr(const Json& s, const std::string& ptr, const std::string& hint) {
        for (const char* k : {"contains", "unevaluatedItems"})
            if (s.contains(k)) unsupported(k, ptr);
        if (auto u = s.find("uniqueItems"); u != s.end() && *u == Json(true)) unsupported("uniqueItems", ptr);
        const auto min = count_keyword(s, "minItems", ptr).value_or(0);
        const auto max = count_keyword(s, "maxItems", ptr);
        if (max && *max < min) return std::nullopt;
        std::vector<std::pair<const Json*, std::string>> prefix;
        const Json* rest = nullptr;
        std::string rest_ptr;
        static const Json any = true;
        auto items = s.find("items");
        if (auto p = s.find("prefixItems"); p != s.end()) {
            if (!p->is_array()) bad("prefixItems", ptr, "must be an array");
            for (std::size_t i = 0; i < p->size(); ++i) prefix.emplace_back(&(*p)[i], child(child(ptr, "prefixItems"), std::to_string(i)));
            rest = items != s.end() ? &*items : &any;
            rest_ptr = child(ptr, "items");
        } else if (items != s.end() && items->is_array()) {
            for (std::size_t i = 0; i < items->size(); ++i) prefix.emplace_back(&(*items)[i], child(child(ptr, "items"), std::to_string(i)));
            auto ai = s.find("additionalItems");
            rest = ai != s.end() ? &*ai : &any;
            rest_ptr = child(ptr, "additionalItems");
        } else {
            rest = items != s.end() ? &*items : &any;
            rest_ptr = child(ptr, "items");
        }
        std::vector<std::optional<std::string>> pe;
        for (std::size_t i = 0; i < prefix.size(); ++i) pe.push_back(visit(*prefix[i].first, prefix[i].second, hint + "-item"));
        std::optional<std::string> re = visit(*rest, rest_ptr, hint + "-item");
        // Items beyond what the prefix and the rest allow make the list stop there.
        std::size_t limit = max ? *max : SIZE_MAX;
        for (std::size_t i = 0; i < pe.size() && i < limit; ++i)
            if (!pe[i]) limit = i;
        if (!re) limit = std::min(limit, pe.size());
        if (limit < min) return std::nullopt;
        const std::string comma_sep = comma();
        const std::size_t np = pe.size();
        // after(i): what may follow once i >= 1 items are written.
        std::function<std::string(std::size_t)> after = [&](std::size_t i) -> std::string {
            if (i >= limit) return "";
            if (i < np) {
                std::string more = after(i + 1);
                std::string next = comma_sep + *pe[i] + (more.empty() ? "" : " " + more);
                return i >= min ? "(" + next + ")?" : next;
            }
            const std::size_t need = min > i ? min - i : 0;
            const std::string item = b_.rule(hint + "-next", comma_sep + *re);
            if (limit == SIZE_MAX)
                return need == 0 ? item + "*" : need == 1 ? item + "+" : item + "{" + std::to_string(need) + ",}";
            return item + "{" + std::to_string(need) + "," + std::to_string(limit - i) + "}";
        };
        std::string body = "\"[\" " + ws();
        if (limit > 0) {
            std::string more = after(1);
            std::string items_expr = (np > 0 ? *pe[0] : *re) + (more.empty() ? "" : " " + more);
            body += min == 0 ? "(" + items_expr + ")? " : items_expr + " ";
        }
        body += ws() + "\"]\"";
        return b_.rule(hint + "-array", body);
    }

    // ---- objects ----

    struct Prop {
        std::string name;
        std::string kv; // rule: key ":" value
        bool required = false;
    };

    // A key string that is none of @p names (JSON-encoded; escapes only once the key differs from all).
    std::string other_key(const std::vector<std::string>& names, const std::string& hint) {
        struct TrieNode {
            std::map<std::uint32_t, std::size_t> kids;
            bool terminal = false;
        };
        std::vector<TrieNode> trie(1);
        for (const auto& n : names) {
            std::size_t at = 0;
            for (std::size_t i = 0; i < n.size();) {
                const auto c0 = static_cast<unsigned char>(n[i]);
                const int len = c0 < 0x80 ? 1 : c0 < 0xE0 ? 2 : c0 < 0xF0 ? 3 : 4;
                std::uint32_t cp = len == 1 ? c0 : (c0 & (0x7F >> len));
                for (int k = 1; k < len && i + k < n.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(n[i + k]) & 0x3F);
                i += static_cast<std::size_t>(len);
                auto it = trie[at].kids.find(cp);
                if (it == trie[at].kids.end()) {
                    trie.push_back({});
                    it = trie[at].kids.emplace(cp, trie.size() - 1).first;
                }
                at = it->second;
            }
            trie[at].terminal = true;
        }
        const std::string rest = "char* \"\\\"\"";
        std::vector<std::string> names_of(trie.size());
        for (std::size_t i = 0; i < trie.size(); ++i) names_of[i] = b_.reserve(hint + "-other-key");
        for (std::size_t i = 0; i < trie.size(); ++i) {
            std::vector<std::string> alts;
            // Leaving the trie: any character but the children (escaped where JSON needs it; a child
            // written as an escape, e.g. \u0062 for 'b', is not allowed while in the trie).
            detail::CharSet excluded;
            for (const auto& [c, k] : trie[i].kids) {
                excluded.add(c, c);
                if (c >= 0x20 && c != '"' && c != '\\') {
                    std::string u;
                    if (c < 0x80) u.push_back(static_cast<char>(c));
                    else {
                        detail::CharSet one;
                        one.add(c, c);
                        alts.push_back(detail::json_char_expr(one) + " " + names_of[k]);
                        continue;
                    }
                    alts.push_back(detail::gbnf_literal(u) + " " + names_of[k]);
                }
            }
            detail::CharSet deviate = excluded.complement();
            if (!deviate.empty()) alts.push_back(detail::json_char_expr(deviate) + " " + rest);
            if (!trie[i].terminal) alts.push_back("\"\\\"\"");
            b_.define(names_of[i], alternation(alts));
        }
        return b_.rule(hint + "-key", "\"\\\"\" " + names_of[0]);
    }

    std::optional<std::string> object_expr(const Json& s, const std::string& ptr, const std::string& hint) {
        if (s.contains("propertyNames")) unsupported("propertyNames", ptr);
        std::vector<Prop> props;
        std::vector<std::string> names;
        std::set<std::string> required;
        std::vector<std::string> required_order;
        if (auto r = s.find("required"); r != s.end()) {
            if (!r->is_array()) bad("required", ptr, "must be an array");
            for (const auto& x : *r) {
                if (!x.is_string()) bad("required", ptr, "must hold strings");
                if (required.insert(x.get<std::string>()).second) required_order.push_back(x.get<std::string>());
            }
        }
        Json additional = opt_.additional_properties_default;
        if (auto a = s.find("additionalProperties"); a != s.end()) additional = *a;
        else if (auto u = s.find("unevaluatedProperties"); u != s.end()) additional = *u;
        const std::string colon_sep = colon();
        // patternProperties: enforced where additionalProperties is false and one schema serves every
        // pattern (a key then needs no other schema than that one); declared names that match a pattern
        // get its schema merged in (checked with std::regex at compile time).
        std::vector<std::string> patterns;
        Json pattern_schema;
        if (auto pp = s.find("patternProperties"); pp != s.end()) {
            if (!pp->is_object()) bad("patternProperties", ptr, "must be an object");
            bool all_true = true, same = true;
            for (const auto& [pat, sch] : pp->items()) {
                all_true = all_true && (sch == Json(true) || sch == Json::object());
                if (!patterns.empty() && sch != pattern_schema) same = false;
                patterns.push_back(pat);
                pattern_schema = sch;
            }
            if (all_true && additional != Json(false)) {
                patterns.clear(); // keys matching a pattern may hold anything, as any other key may
            } else if (!same) {
                unsupported("patternProperties", ptr, "patterns with different schemas");
                patterns.clear();
            } else if (additional != Json(false)) {
                // Keys matching no pattern would need the regex's complement: extra keys are limited to
                // the patterns' keys (narrowing, sound).
                log(LogLevel::info, "json_schema", "patternProperties at " + shown(ptr) +
                                                       ": other additional keys are left out (narrowing)");
            }
        }
        auto matches_pattern = [&](const std::string& name) {
            for (const auto& pat : patterns) {
                const bool ascii = std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }) &&
                                   std::all_of(pat.begin(), pat.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
                try {
                    if (!ascii) throw std::regex_error(std::regex_constants::error_collate);
                    if (std::regex_search(name, std::regex(pat, std::regex::ECMAScript))) return true;
                } catch (const std::regex_error&) {
                    unsupported("patternProperties", ptr, "pattern '" + pat + "' cannot be checked against property '" + name + "'");
                }
            }
            return false;
        };
        auto add_prop = [&](const std::string& name, const Json& declared, const std::string& pptr) -> bool {
            Json schema = declared;
            if (!patterns.empty() && matches_pattern(name)) schema = detail::merge_schemas(declared, pattern_schema, shown(pptr));
            auto v = visit(schema, pptr, hint + "-" + name);
            const bool req = required.count(name) != 0;
            names.push_back(name);
            if (!v) return !req;
            const std::string key = detail::gbnf_literal("\"" + detail::json_escape(name) + "\"");
            props.push_back({name, b_.rule(hint + "-" + name + "-kv", key + " " + colon_sep + *v), req});
            return true;
        };
        if (auto p = s.find("properties"); p != s.end()) {
            if (!p->is_object()) bad("properties", ptr, "must be an object");
            for (const auto& [name, schema] : p->items())
                if (!add_prop(name, schema, child(child(ptr, "properties"), name))) return std::nullopt;
        }
        for (const auto& r : required_order)
            if (std::find(names.begin(), names.end(), r) == names.end()) {
                const bool by_pattern = !patterns.empty() && matches_pattern(r);
                if (!add_prop(r, by_pattern ? Json(true) : additional, child(ptr, "additionalProperties"))) return std::nullopt;
            }
        // Exactly-one-of property sets: their names are tracked like declared properties.
        std::vector<std::vector<std::string>> groups;
        if (auto g = s.find(detail::one_of_required_keyword); g != s.end()) {
            for (const auto& group : *g) {
                groups.emplace_back();
                for (const auto& name : group) {
                    const std::string k = name.get<std::string>();
                    groups.back().push_back(k);
                    if (std::find(names.begin(), names.end(), k) == names.end()) {
                        const bool by_pattern = !patterns.empty() && matches_pattern(k);
                        add_prop(k, by_pattern ? Json(true) : additional, child(ptr, "additionalProperties"));
                    }
                }
            }
        }
        std::optional<std::string> extra;
        if (!patterns.empty()) {
            // Keys of the patterns (none of them a declared name, whose schemas were merged above, so a
            // declared name written in a pattern's key would skip nothing; it is excluded regardless).
            for (const auto& n : names)
                if (matches_pattern(n))
                    unsupported("patternProperties", ptr, "a pattern that matches declared property '" + n + "'");
            std::vector<std::string> keys;
            for (std::size_t i = 0; i < patterns.size(); ++i) {
                try {
                    keys.push_back("\"\\\"\" " +
                                   detail::regex_content(b_, patterns[i], hint + "-key-pattern", "char").expr + " \"\\\"\"");
                } catch (const Error& e) {
                    if (e.kind() != errc::unsupported && e.kind() != errc::parse) throw;
                    unsupported("patternProperties", ptr, e.what());
                }
            }
            auto pv = visit(pattern_schema, child(ptr, "patternProperties"), hint + "-pattern-value");
            if (pv && !keys.empty())
                extra = b_.rule(hint + "-pattern-kv", "(" + alternation(keys) + ") " + colon_sep + *pv);
        } else if (auto av = visit(additional, child(ptr, "additionalProperties"), hint + "-additional")) {
            extra = b_.rule(hint + "-additional-kv", other_key(names, hint) + " " + colon_sep + *av);
        }
        const auto minp = count_keyword(s, "minProperties", ptr).value_or(0);
        const auto maxp = count_keyword(s, "maxProperties", ptr);
        // Each set as a mask over props (a name without a value schema can never be present).
        std::vector<std::uint64_t> group_masks;
        for (const auto& group : groups) {
            std::uint64_t m = 0;
            bool possible = true;
            for (const auto& k : group) {
                auto it = std::find_if(props.begin(), props.end(), [&](const Prop& pr) { return pr.name == k; });
                if (it == props.end() || it - props.begin() >= 63) possible = false;
                else m |= std::uint64_t{1} << (it - props.begin());
            }
            if (possible) group_masks.push_back(m);
        }
        if (!groups.empty() && group_masks.empty()) return std::nullopt;
        return object_machine(props, extra, minp, maxp, hint, ptr, groups.empty() ? nullptr : &group_masks);
    }

    // The property state machine: one rule per (properties used or next position, count) state.
    std::optional<std::string> object_machine(const std::vector<Prop>& props, const std::optional<std::string>& extra,
                                              std::size_t minp, std::optional<std::size_t> maxp,
                                              const std::string& hint, const std::string& ptr,
                                              const std::vector<std::uint64_t>* one_of_sets = nullptr) {
        const std::size_t n = props.size();
        const bool any_order = opt_.property_order == JsonPropertyOrder::any && n <= opt_.max_any_order_properties && n < 63;
        if (one_of_sets && !any_order)
            unsupported("oneOf", ptr, "required sets over an object compiled in schema order (the state does not "
                                      "record which properties are present)");
        // Exactly one of the sets wholly present (where the state records presence).
        auto one_set_present = [&](std::uint64_t mask) {
            if (!one_of_sets || !any_order) return true;
            std::size_t whole = 0;
            for (std::uint64_t g : *one_of_sets) whole += (mask & g) == g;
            return whole == 1;
        };
        const std::size_t cap = std::max(minp, maxp.value_or(0));
        const std::size_t per = cap + 1;
        const double states = (any_order ? std::pow(2.0, static_cast<double>(n)) : static_cast<double>(n + 1)) * static_cast<double>(per);
        if (states > static_cast<double>(max_object_states))
            unsupported(maxp ? "maxProperties" : "minProperties", ptr, "too many states for this object");
        using Key = std::pair<std::uint64_t, std::size_t>; // (mask or position, count)
        std::map<Key, std::optional<std::string>> memo;
        const std::string comma_sep = comma();
        std::function<std::optional<std::string>(Key)> after;
        auto first_required_from = [&](std::size_t pos) {
            for (std::size_t j = pos; j < n; ++j)
                if (props[j].required) return j;
            return n;
        };
        auto can_close = [&](Key st) {
            if (st.second < minp) return false;
            if (any_order) {
                for (std::size_t j = 0; j < n; ++j)
                    if (props[j].required && !(st.first >> j & 1)) return false;
                return one_set_present(st.first);
            }
            return first_required_from(st.first) == n;
        };
        // Alternatives "kv after(next)" from state st.
        auto choices = [&](Key st) {
            std::vector<std::string> alts;
            if (maxp && st.second >= *maxp) return alts;
            const std::size_t count = std::min(st.second + 1, cap);
            if (any_order) {
                for (std::size_t j = 0; j < n; ++j) {
                    if (st.first >> j & 1) continue;
                    if (auto a = after(Key{st.first | (std::uint64_t{1} << j), count})) alts.push_back(props[j].kv + " " + *a);
                }
            } else {
                const std::size_t last = std::min(first_required_from(st.first), n - (n > 0 ? 1 : 0));
                for (std::size_t j = st.first; j < n && j <= last; ++j)
                    if (auto a = after(Key{j + 1, count})) alts.push_back(props[j].kv + " " + *a);
            }
            if (extra)
                if (auto a = after(Key{st.first, count})) alts.push_back(*extra + " " + *a);
            return alts;
        };
        after = [&](Key st) -> std::optional<std::string> {
            if (auto it = memo.find(st); it != memo.end()) return it->second;
            const std::string name = b_.reserve(hint + "-rest");
            memo[st] = name; // a state reached again (extras keep the state) refers to itself
            std::vector<std::string> alts;
            if (can_close(st)) alts.push_back(ws() + "\"}\"");
            auto c = choices(st);
            if (!c.empty()) alts.push_back(comma_sep + "(" + alternation(c) + ")");
            if (alts.empty()) {
                memo[st] = std::nullopt;
                return std::nullopt;
            }
            b_.define(name, alternation(alts));
            check_budget();
            return name;
        };
        Key start{0, 0};
        std::vector<std::string> alts;
        if (can_close(start)) alts.push_back("\"}\"");
        auto c = choices(start);
        for (auto& x : c) alts.push_back(x);
        if (alts.empty()) return std::nullopt;
        return b_.rule(hint + "-object", "\"{\" " + ws() + "(" + alternation(alts) + ")");
    }
};

// Python's float repr (the shortest text that reads back the same double).
std::string python_float(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    const std::size_t epos = sci.find('e');
    std::string mant = sci.substr(0, epos);
    const int exp10 = std::stoi(sci.substr(epos + 1));
    bool neg = false;
    if (mant[0] == '-') {
        neg = true;
        mant.erase(0, 1);
    }
    std::string digits;
    for (char c : mant)
        if (c != '.') digits.push_back(c);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    const int decpt = exp10 + 1; // value = 0.digits × 10^decpt
    std::string out = neg ? "-" : "";
    if (decpt > 16 || decpt < -3) {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char e[16];
        std::snprintf(e, sizeof e, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
        out += e;
    } else if (decpt <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
        out += digits + std::string(static_cast<std::size_t>(decpt) - digits.size(), '0') + ".0";
    } else {
        out += digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
    }
    return out;
}

void python_dump(const Json& v, std::string& out) {
    switch (v.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::number_integer: out += std::to_string(v.get<std::int64_t>()); break;
    case Json::value_t::number_unsigned: out += std::to_string(v.get<std::uint64_t>()); break;
    case Json::value_t::number_float: out += python_float(v.get<double>()); break;
    case Json::value_t::string: out += "\"" + detail::json_escape(v.get_ref<const std::string&>()) + "\""; break;
    case Json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& x : v) {
            if (!first) out += ", ";
            first = false;
            python_dump(x, out);
        }
        out += ']';
        break;
    }
    case Json::value_t::object: {
        out += '{';
        bool first = true;
        for (const auto& [k, x] : v.items()) {
            if (!first) out += ", ";
            first = false;
            out += "\"" + detail::json_escape(k) + "\": ";
            python_dump(x, out);
        }
        out += '}';
        break;
    }
    default: throw Error(errc::invalid_argument, "to_python_json: a value JSON cannot write (binary or discarded)");
    }
}

} // namespace

std::string to_python_json(const nlohmann::ordered_json& value) {
    std::string out;
    python_dump(value, out);
    return out;
}

std::string json_schema_to_gbnf(const nlohmann::ordered_json& schema, const JsonSchemaOptions& options) {
    return Compiler(schema, options).compile();
}

std::shared_ptr<const Grammar> json_schema_grammar(const nlohmann::ordered_json& schema, const JsonSchemaOptions& options) {
    return Grammar::from_gbnf(json_schema_to_gbnf(schema, options));
}

} // namespace braid::engine
