// JSON in and out: the render context (nlohmann JSON) becomes template values, and the `tojson`
// filter writes values as Python's json.dumps does (ensure_ascii, indent, separators, sort_keys).
#include <algorithm>
#include <cmath>

#include "engine/template/budget.hpp"
#include "engine/template/utf8.hpp"
#include "engine/template/value.hpp"

namespace braid::jinja {

namespace {

void append_hex(std::string& out, unsigned value) {
    static const char* hex = "0123456789abcdef";
    for (int i = 3; i >= 0; --i) out.push_back(hex[(value >> (4 * i)) & 0xF]);
}

void json_string(const std::string& s, bool ensure_ascii, std::string& out) {
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        char32_t cp = utf8::decode(s, i, n);
        if (cp == utf8::invalid) cp = 0xFFFD;  // Python strings are always valid text
        switch (cp) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (cp < 0x20 || (ensure_ascii && cp >= 0x7F)) {
                if (cp >= 0x10000) {
                    const char32_t v = cp - 0x10000;
                    out += "\\u";
                    append_hex(out, 0xD800 + (v >> 10));
                    out += "\\u";
                    append_hex(out, 0xDC00 + (v & 0x3FF));
                } else {
                    out += "\\u";
                    append_hex(out, cp);
                }
            } else {
                utf8::append(out, cp);
            }
        }
        i += n;
    }
    out.push_back('"');
}

std::string json_float(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
    return float_repr(d);
}

std::string json_key(const Value& k) {
    switch (k.type()) {
    case Value::Type::string: return k.str();
    case Value::Type::boolean: return k.as_bool() ? "true" : "false";
    case Value::Type::none: return "null";
    case Value::Type::integer: return std::to_string(k.as_int());
    case Value::Type::floating: return json_float(k.as_float());
    default: fail(FailureKind::type, "keys must be str, int, float, bool or None, not " + type_name(k));
    }
}

// sort_keys sorts the original keys, so they must be mutually comparable (all str, or all numbers).
void sort_entries(std::vector<std::pair<const Value*, const Value*>>& entries) {
    bool all_strings = true;
    bool all_numbers = true;
    for (const auto& e : entries) {
        all_strings = all_strings && e.first->is_string();
        all_numbers = all_numbers && e.first->is_number();
    }
    if (!all_strings && !all_numbers) {
        const Value* a = entries.front().first;
        const Value* b = a;
        for (const auto& e : entries)
            if (e.first->is_string() != a->is_string() || e.first->is_number() != a->is_number()) b = e.first;
        fail(FailureKind::type,
             "'<' not supported between instances of '" + type_name(*b) + "' and '" + type_name(*a) + "'");
    }
    std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
        return all_strings ? x.first->str() < y.first->str() : x.first->number() < y.first->number();
    });
}

void json_at(const Value& v, const JsonOptions& o, int level, std::string& out) {
    if (level > static_cast<int>(max_value_depth)) fail(FailureKind::limit, "value nested too deeply for JSON");
    charge_steps(1);
    check_string_size(out.size());
    auto newline = [&](int lvl) {
        out.push_back('\n');
        for (int i = 0; i < lvl; ++i) out += o.indent;
    };
    const char* item_sep = o.separators_set ? o.item_separator.c_str() : (o.indent_set ? "," : ", ");
    const char* key_sep = o.separators_set ? o.key_separator.c_str() : ": ";
    switch (v.type()) {
    case Value::Type::none: out += "null"; return;
    case Value::Type::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Value::Type::integer: out += std::to_string(v.as_int()); return;
    case Value::Type::floating: out += json_float(v.as_float()); return;
    case Value::Type::string: json_string(v.str(), o.ensure_ascii, out); return;
    case Value::Type::sequence: {
        if (!v.is_list() && !v.is_tuple()) break;
        if (v.items().empty()) {
            out += "[]";
            return;
        }
        out.push_back('[');
        if (o.indent_set) newline(level + 1);
        bool first = true;
        for (const auto& item : v.items()) {
            if (!first) {
                out += item_sep;
                if (o.indent_set) newline(level + 1);
            }
            first = false;
            json_at(item, o, level + 1, out);
        }
        if (o.indent_set) newline(level);
        out.push_back(']');
        return;
    }
    case Value::Type::dict: {
        if (v.dict().items.empty()) {
            out += "{}";
            return;
        }
        std::vector<std::pair<const Value*, const Value*>> entries;
        entries.reserve(v.dict().items.size());
        for (const auto& [k, item] : v.dict().items) entries.emplace_back(&k, &item);
        if (o.sort_keys) sort_entries(entries);
        out.push_back('{');
        if (o.indent_set) newline(level + 1);
        bool first = true;
        for (const auto& [k, item] : entries) {
            if (!first) {
                out += item_sep;
                if (o.indent_set) newline(level + 1);
            }
            first = false;
            json_string(json_key(*k), o.ensure_ascii, out);
            out += key_sep;
            json_at(*item, o, level + 1, out);
        }
        if (o.indent_set) newline(level);
        out.push_back('}');
        return;
    }
    default: break;
    }
    fail(FailureKind::type, "Object of type " + type_name(v) + " is not JSON serializable");
}

Value from_json_at(const nlohmann::ordered_json& j, unsigned depth) {
    if (depth > max_value_depth) fail(FailureKind::limit, "context value nested more than 256 levels deep");
    switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return Value::none();
    case nlohmann::ordered_json::value_t::boolean: return Value::boolean(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value::integer(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
        const auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT64_MAX)) return Value::floating(static_cast<double>(u));
        return Value::integer(static_cast<std::int64_t>(u));
    }
    case nlohmann::ordered_json::value_t::number_float: return Value::floating(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value::string(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        std::vector<Value> items;
        items.reserve(j.size());
        for (const auto& item : j) items.push_back(from_json_at(item, depth + 1));
        return Value::list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
        Dict d;
        d.items.reserve(j.size());
        for (auto it = j.begin(); it != j.end(); ++it)
            d.items.emplace_back(Value::string(it.key()), from_json_at(it.value(), depth + 1));
        return Value::dict(std::move(d));
    }
    default: return Value::none();  // binary and discarded values have no template meaning
    }
}

} // namespace

std::string to_json_text(const Value& v, const JsonOptions& options) {
    std::string out;
    json_at(v, options, 0, out);
    return out;
}

Value from_json(const nlohmann::ordered_json& j) { return from_json_at(j, 1); }

} // namespace braid::jinja
