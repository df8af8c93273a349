#include <braid/parsers/json_schema_validator.hpp>

#include <braid/error.hpp>

#include <cmath>
#include <map>
#include <regex>

namespace braid {

namespace {

// A std::regex search recurses per character in libstdc++: longer strings could exhaust the stack.
constexpr std::size_t max_pattern_subject = 20000;
// $ref chains that do not descend into the value (a schema referring to itself) stop here.
constexpr int max_schema_depth = 512;

const char* type_name(const Value& value) {
    switch (value.type()) {
    case Value::value_t::null: return "null";
    case Value::value_t::boolean: return "boolean";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float: return "number";
    case Value::value_t::string: return "string";
    case Value::value_t::array: return "array";
    case Value::value_t::object: return "object";
    default: return "binary";
    }
}

bool has_type(const Value& value, const std::string& type) {
    if (type == "integer") {
        if (value.is_number_integer()) return true;
        if (!value.is_number_float()) return false;
        const double d = value.get<double>();
        return std::isfinite(d) && std::floor(d) == d;
    }
    if (type == "number") return value.is_number();
    return type == type_name(value);
}

std::string short_dump(const Value& value) {
    std::string text = value.dump(-1, ' ', false, Value::error_handler_t::replace);
    if (text.size() > 60) {
        text.resize(57);
        text += "...";
    }
    return text;
}

std::string number_text(const Value& number) { return number.dump(); }

bool is_identifier(const std::string& key) {
    if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
    for (const char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

std::string member_path(const std::string& parent, const std::string& key) {
    if (is_identifier(key)) return parent + "." + key;
    return parent + "[" + Value(key).dump(-1, ' ', false, Value::error_handler_t::replace) + "]";
}

std::size_t code_points(const std::string& text) {
    std::size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    }
    return count;
}

std::string pointer_token(const std::string& key) {
    std::string out;
    for (const char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

} // namespace

struct detail::CompiledSchema {
    Value schema;
    std::map<const Value*, std::regex> patterns; // keyed by the pattern string's node in `schema`

    [[noreturn]] static void bad(const std::string& where, const std::string& what) {
        throw Error(errc::invalid_argument, "invalid JSON Schema at " + where + ": " + what);
    }

    const Value* resolve(const std::string& ref) const {
        if (ref.empty() || ref[0] != '#') return nullptr;
        try {
            const Value::json_pointer pointer(ref.substr(1));
            return schema.contains(pointer) ? &schema.at(pointer) : nullptr;
        } catch (const nlohmann::json::exception&) {
            return nullptr;
        }
    }

    const std::regex& regex_for(const std::string& where, const Value& pattern) {
        try {
            return patterns.emplace(&pattern, std::regex(pattern.get_ref<const std::string&>(),
                                                         std::regex::ECMAScript)).first->second;
        } catch (const std::regex_error& e) {
            bad(where, "pattern " + short_dump(pattern) + " does not compile (" + e.what() + ")");
        }
    }

    void check(const Value& node, const std::string& where, int depth) {
        if (depth > max_schema_depth) bad(where, "schema nested too deeply");
        if (node.is_boolean()) return;
        if (!node.is_object()) bad(where, "a schema must be an object or a boolean");
        auto need = [&](const char* key, bool ok, const char* what) {
            if (node.contains(key) && !ok) bad(where + "/" + key, what);
        };
        auto is_count = [&](const char* key) {
            const auto it = node.find(key);
            return it == node.end() || it->is_number_unsigned() ||
                   (it->is_number_integer() && it->get<std::int64_t>() >= 0);
        };
        auto sub = [&](const Value& child, const std::string& path) { check(child, path, depth + 1); };
        auto sub_array = [&](const char* key) {
            const auto it = node.find(key);
            if (it == node.end()) return;
            if (!it->is_array() || it->empty()) bad(where + "/" + key, "must be a non-empty array of schemas");
            for (std::size_t i = 0; i < it->size(); ++i) sub((*it)[i], where + "/" + key + "/" + std::to_string(i));
        };
        auto sub_map = [&](const char* key) {
            const auto it = node.find(key);
            if (it == node.end()) return;
            if (!it->is_object()) bad(where + "/" + key, "must be an object of schemas");
            for (auto member = it->begin(); member != it->end(); ++member) {
                sub(member.value(), where + "/" + key + "/" + pointer_token(member.key()));
            }
        };

        if (const auto type = node.find("type"); type != node.end()) {
            static const char* const known[] = {"null", "boolean", "integer", "number", "string", "array", "object"};
            auto known_type = [&](const Value& name) {
                if (!name.is_string()) return false;
                for (const char* k : known) if (name == k) return true;
                return false;
            };
            bool ok = type->is_array() ? !type->empty() : known_type(*type);
            if (type->is_array()) for (const auto& name : *type) ok = ok && known_type(name);
            if (!ok) bad(where + "/type", "must be a type name (null, boolean, integer, number, string, array, "
                                          "object) or a non-empty array of them");
        }
        need("enum", node.contains("enum") && node["enum"].is_array(), "must be an array");
        for (const char* key : {"minimum", "maximum", "multipleOf"}) need(key, node.contains(key) && node[key].is_number(), "must be a number");
        for (const char* key : {"exclusiveMinimum", "exclusiveMaximum"}) {
            need(key, node.contains(key) && (node[key].is_number() || node[key].is_boolean()), "must be a number");
        }
        if (node.contains("multipleOf") && !(node["multipleOf"].get<double>() > 0)) bad(where + "/multipleOf", "must be greater than 0");
        for (const char* key : {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}) {
            need(key, is_count(key), "must be a non-negative integer");
        }
        need("uniqueItems", node.contains("uniqueItems") && node["uniqueItems"].is_boolean(), "must be a boolean");
        if (const auto pattern = node.find("pattern"); pattern != node.end()) {
            if (!pattern->is_string()) bad(where + "/pattern", "must be a string");
            regex_for(where + "/pattern", *pattern);
        }
        if (const auto required = node.find("required"); required != node.end()) {
            bool ok = required->is_array();
            if (ok) for (const auto& name : *required) ok = ok && name.is_string();
            if (!ok) bad(where + "/required", "must be an array of property names");
        }
        sub_map("properties");
        sub_map("$defs");
        sub_map("definitions");
        if (const auto patterns_node = node.find("patternProperties"); patterns_node != node.end()) {
            sub_map("patternProperties");
            for (auto member = patterns_node->begin(); member != patterns_node->end(); ++member) {
                // The key is the pattern: compile it once, keyed by the member's schema node.
                try {
                    patterns.emplace(&member.value(), std::regex(member.key(), std::regex::ECMAScript));
                } catch (const std::regex_error& e) {
                    bad(where + "/patternProperties", "pattern " + short_dump(Value(member.key())) +
                                                          " does not compile (" + e.what() + ")");
                }
            }
        }
        for (const char* key : {"additionalProperties", "additionalItems", "not", "contains"}) {
            if (node.contains(key)) sub(node[key], where + "/" + key);
        }
        if (const auto items = node.find("items"); items != node.end()) {
            if (items->is_array()) {
                for (std::size_t i = 0; i < items->size(); ++i) sub((*items)[i], where + "/items/" + std::to_string(i));
            } else {
                sub(*items, where + "/items");
            }
        }
        sub_array("prefixItems");
        sub_array("allOf");
        sub_array("anyOf");
        sub_array("oneOf");
        if (const auto ref = node.find("$ref"); ref != node.end()) {
            if (!ref->is_string() || resolve(ref->get<std::string>()) == nullptr) {
                bad(where + "/$ref", "must be a local reference (\"#/$defs/name\") that exists in the schema");
            }
        }
    }
};

namespace {

class Run {
public:
    Run(const detail::CompiledSchema& compiled, std::vector<SchemaViolation>& out, std::size_t max)
        : compiled_(compiled), out_(out), max_(max) {}

    bool full() const { return out_.size() >= max_; }

    void add(const std::string& path, std::string message) {
        if (!full()) out_.push_back({path, std::move(message)});
    }

    // True if `value` satisfies `schema` (checked without recording anything).
    bool matches(const Value& schema, const Value& value, const std::string& path, int depth,
                 std::string* first_problem = nullptr) const {
        std::vector<SchemaViolation> local;
        Run run(compiled_, local, 1);
        run.check(schema, value, path, depth);
        if (!local.empty() && first_problem) *first_problem = local.front().to_string();
        return local.empty();
    }

    void check(const Value& schema, const Value& value, const std::string& path, int depth) {
        if (full()) return;
        if (depth > max_schema_depth) {
            add(path, "schema references nest too deeply (a $ref cycle?)");
            return;
        }
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) add(path, "no value is allowed here");
            return;
        }
        if (const auto ref = schema.find("$ref"); ref != schema.end()) {
            if (const Value* target = compiled_.resolve(ref->get<std::string>())) check(*target, value, path, depth + 1);
        }
        if (const auto type = schema.find("type"); type != schema.end()) {
            bool ok = false;
            std::string expected;
            if (type->is_array()) {
                for (const auto& name : *type) {
                    ok = ok || has_type(value, name.get<std::string>());
                    expected += (expected.empty() ? "" : " or ") + name.get<std::string>();
                }
            } else {
                expected = type->get<std::string>();
                ok = has_type(value, expected);
            }
            if (!ok) {
                add(path, "expected " + expected + ", got " + type_name(value));
                return; // the other keywords would only repeat the mismatch
            }
        }
        if (const auto options = schema.find("enum"); options != schema.end()) {
            bool found = false;
            for (const auto& option : *options) found = found || option == value;
            if (!found) add(path, "expected one of " + short_dump(*options) + ", got " + short_dump(value));
        }
        if (const auto constant = schema.find("const"); constant != schema.end() && *constant != value) {
            add(path, "expected " + short_dump(*constant) + ", got " + short_dump(value));
        }
        if (value.is_number()) check_number(schema, value, path);
        if (value.is_string()) check_string(schema, value.get_ref<const std::string&>(), path);
        if (value.is_array()) check_array(schema, value, path, depth);
        if (value.is_object()) check_object(schema, value, path, depth);
        check_combinators(schema, value, path, depth);
    }

private:
    void check_number(const Value& schema, const Value& value, const std::string& path) {
        const double v = value.get<double>();
        auto bound = [&](const char* key) -> const Value* {
            const auto it = schema.find(key);
            return it != schema.end() && it->is_number() ? &*it : nullptr;
        };
        const auto flag = [&](const char* key) {
            const auto it = schema.find(key);
            return it != schema.end() && it->is_boolean() && it->get<bool>();
        };
        if (const Value* m = bound("minimum")) {
            if (flag("exclusiveMinimum") ? !(v > m->get<double>()) : v < m->get<double>()) {
                add(path, std::string("must be ") + (flag("exclusiveMinimum") ? "> " : ">= ") + number_text(*m) +
                              ", got " + number_text(value));
            }
        }
        if (const Value* m = bound("maximum")) {
            if (flag("exclusiveMaximum") ? !(v < m->get<double>()) : v > m->get<double>()) {
                add(path, std::string("must be ") + (flag("exclusiveMaximum") ? "< " : "<= ") + number_text(*m) +
                              ", got " + number_text(value));
            }
        }
        if (const Value* m = bound("exclusiveMinimum"); m && !(v > m->get<double>())) {
            add(path, "must be > " + number_text(*m) + ", got " + number_text(value));
        }
        if (const Value* m = bound("exclusiveMaximum"); m && !(v < m->get<double>())) {
            add(path, "must be < " + number_text(*m) + ", got " + number_text(value));
        }
        if (const Value* m = bound("multipleOf")) {
            const double q = v / m->get<double>();
            if (!std::isfinite(q) || std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q))) {
                add(path, "must be a multiple of " + number_text(*m) + ", got " + number_text(value));
            }
        }
    }

    void check_string(const Value& schema, const std::string& text, const std::string& path) {
        const auto count = [&](const char* key) -> std::optional<std::uint64_t> {
            const auto it = schema.find(key);
            if (it == schema.end()) return std::nullopt;
            return it->get<std::uint64_t>();
        };
        const std::size_t length = code_points(text);
        if (auto n = count("minLength"); n && length < *n) {
            add(path, "must have at least " + std::to_string(*n) + " characters, got " + std::to_string(length));
        }
        if (auto n = count("maxLength"); n && length > *n) {
            add(path, "must have at most " + std::to_string(*n) + " characters, got " + std::to_string(length));
        }
        if (const auto pattern = schema.find("pattern"); pattern != schema.end()) {
            if (text.size() > max_pattern_subject) {
                add(path, "string of " + std::to_string(text.size()) + " bytes is too long to check against pattern " +
                              short_dump(*pattern) + " (limit " + std::to_string(max_pattern_subject) + ")");
            } else if (!std::regex_search(text, compiled_.patterns.at(&*pattern))) {
                add(path, "must match pattern " + short_dump(*pattern) + ", got " + short_dump(Value(text)));
            }
        }
    }

    void check_array(const Value& schema, const Value& array, const std::string& path, int depth) {
        const auto count = [&](const char* key) -> std::optional<std::uint64_t> {
            const auto it = schema.find(key);
            if (it == schema.end()) return std::nullopt;
            return it->get<std::uint64_t>();
        };
        if (auto n = count("minItems"); n && array.size() < *n) {
            add(path, "must have at least " + std::to_string(*n) + " items, got " + std::to_string(array.size()));
        }
        if (auto n = count("maxItems"); n && array.size() > *n) {
            add(path, "must have at most " + std::to_string(*n) + " items, got " + std::to_string(array.size()));
        }
        if (const auto unique = schema.find("uniqueItems"); unique != schema.end() && unique->get<bool>()) {
            for (std::size_t i = 0; i < array.size() && !full(); ++i) {
                for (std::size_t j = i + 1; j < array.size(); ++j) {
                    if (array[i] == array[j]) {
                        add(path, "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
                        break;
                    }
                }
            }
        }
        // Tuple form: prefixItems (2020-12) or items as an array (earlier drafts).
        const Value* tuple = nullptr;
        const Value* rest = nullptr;
        if (const auto prefix = schema.find("prefixItems"); prefix != schema.end()) {
            tuple = &*prefix;
            if (const auto items = schema.find("items"); items != schema.end()) rest = &*items;
        } else if (const auto items = schema.find("items"); items != schema.end()) {
            if (items->is_array()) {
                tuple = &*items;
                if (const auto more = schema.find("additionalItems"); more != schema.end()) rest = &*more;
            } else {
                rest = &*items;
            }
        }
        for (std::size_t i = 0; i < array.size() && !full(); ++i) {
            const std::string item_path = path + "[" + std::to_string(i) + "]";
            if (tuple && i < tuple->size()) {
                check((*tuple)[i], array[i], item_path, depth + 1);
            } else if (rest) {
                if (rest->is_boolean() && !rest->get<bool>()) {
                    add(item_path, "no item is allowed beyond the first " + std::to_string(tuple ? tuple->size() : 0));
                } else {
                    check(*rest, array[i], item_path, depth + 1);
                }
            }
        }
        if (const auto contains = schema.find("contains"); contains != schema.end()) {
            bool any = false;
            for (std::size_t i = 0; i < array.size() && !any; ++i) any = matches(*contains, array[i], path, depth + 1);
            if (!any) add(path, "must contain an item matching the 'contains' schema");
        }
    }

    void check_object(const Value& schema, const Value& object, const std::string& path, int depth) {
        if (const auto required = schema.find("required"); required != schema.end()) {
            for (const auto& name : *required) {
                if (!object.contains(name.get_ref<const std::string&>())) {
                    add(path, "missing required property " + short_dump(name));
                }
            }
        }
        const auto count = [&](const char* key) -> std::optional<std::uint64_t> {
            const auto it = schema.find(key);
            if (it == schema.end()) return std::nullopt;
            return it->get<std::uint64_t>();
        };
        if (auto n = count("minProperties"); n && object.size() < *n) {
            add(path, "must have at least " + std::to_string(*n) + " properties, got " + std::to_string(object.size()));
        }
        if (auto n = count("maxProperties"); n && object.size() > *n) {
            add(path, "must have at most " + std::to_string(*n) + " properties, got " + std::to_string(object.size()));
        }
        const auto properties = schema.find("properties");
        const auto pattern_properties = schema.find("patternProperties");
        const auto additional = schema.find("additionalProperties");
        for (auto member = object.begin(); member != object.end() && !full(); ++member) {
            const std::string member_at = member_path(path, member.key());
            bool known = false;
            if (properties != schema.end()) {
                if (const auto property = properties->find(member.key()); property != properties->end()) {
                    known = true;
                    check(*property, member.value(), member_at, depth + 1);
                }
            }
            if (pattern_properties != schema.end()) {
                for (auto pattern = pattern_properties->begin(); pattern != pattern_properties->end(); ++pattern) {
                    if (member.key().size() <= max_pattern_subject &&
                        std::regex_search(member.key(), compiled_.patterns.at(&pattern.value()))) {
                        known = true;
                        check(pattern.value(), member.value(), member_at, depth + 1);
                    }
                }
            }
            if (!known && additional != schema.end()) {
                if (additional->is_boolean() && !additional->get<bool>()) {
                    add(member_at, "property is not allowed (additionalProperties is false)");
                } else {
                    check(*additional, member.value(), member_at, depth + 1);
                }
            }
        }
    }

    void check_combinators(const Value& schema, const Value& value, const std::string& path, int depth) {
        if (const auto all = schema.find("allOf"); all != schema.end()) {
            for (const auto& part : *all) check(part, value, path, depth + 1);
        }
        if (const auto any = schema.find("anyOf"); any != schema.end()) {
            std::string first_problem;
            bool ok = false;
            for (const auto& part : *any) {
                std::string problem;
                if (matches(part, value, path, depth + 1, &problem)) {
                    ok = true;
                    break;
                }
                if (first_problem.empty()) first_problem = problem;
            }
            if (!ok) add(path, "matches none of the anyOf schemas (first: " + first_problem + ")");
        }
        if (const auto one = schema.find("oneOf"); one != schema.end()) {
            std::size_t matched = 0;
            std::string first_problem;
            for (const auto& part : *one) {
                std::string problem;
                if (matches(part, value, path, depth + 1, &problem)) {
                    ++matched;
                } else if (first_problem.empty()) {
                    first_problem = problem;
                }
            }
            if (matched == 0) add(path, "matches none of the oneOf schemas (first: " + first_problem + ")");
            if (matched > 1) add(path, "matches " + std::to_string(matched) + " of the oneOf schemas, expected exactly one");
        }
        if (const auto negated = schema.find("not"); negated != schema.end() && matches(*negated, value, path, depth + 1)) {
            add(path, "must not match the 'not' schema");
        }
    }

    const detail::CompiledSchema& compiled_;
    std::vector<SchemaViolation>& out_;
    std::size_t max_;
};

} // namespace

JsonSchemaValidator::JsonSchemaValidator(Value schema) {
    auto compiled = std::make_shared<detail::CompiledSchema>();
    compiled->schema = std::move(schema);
    compiled->check(compiled->schema, "#", 0);
    compiled_ = std::move(compiled);
}

std::vector<SchemaViolation> JsonSchemaValidator::violations(const Value& value, std::size_t max_violations) const {
    std::vector<SchemaViolation> out;
    if (max_violations == 0) return out;
    Run(*compiled_, out, max_violations).check(compiled_->schema, value, "$", 0);
    return out;
}

bool JsonSchemaValidator::is_valid(const Value& value) const { return violations(value, 1).empty(); }

void JsonSchemaValidator::validate(const Value& value) const {
    const auto found = violations(value);
    if (found.empty()) return;
    std::string message;
    for (const auto& violation : found) {
        message += (message.empty() ? "" : "; ") + violation.to_string();
    }
    if (found.size() == default_max_violations) message += "; ...";
    throw Error(errc::validation, message);
}

const Value& JsonSchemaValidator::schema() const noexcept { return compiled_->schema; }

} // namespace braid
