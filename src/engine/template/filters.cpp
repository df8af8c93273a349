// The built-in filters (Jinja 3.1's, with transformers' `tojson` = json.dumps). Lazy ones (map,
// select, reject, unique, batch, reverse, items) return iterator values, as Jinja's generators are:
// truthy, without len(), consumed with `| list` or a loop.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <utility>

#include "engine/template/access.hpp"
#include "engine/template/args.hpp"
#include "engine/template/budget.hpp"
#include "engine/template/builtins.hpp"
#include "engine/template/operators.hpp"
#include "engine/template/pyformat.hpp"
#include "engine/template/pystring.hpp"
#include "engine/template/renderer.hpp"
#include "engine/template/utf8.hpp"

namespace braid::jinja {

namespace {

// ---- helpers ----

// Jinja's soft_str: strings (Markup included) as they are, anything else through str().
Value soft_str(const Value& v) { return v.is_string() ? v : Value::string(to_str(v)); }

Value iterator(std::vector<Value> items, const char* type) {
    Sequence s;
    s.items = std::move(items);
    s.kind = SeqKind::iterator;
    s.type = type;
    return Value::sequence(std::move(s));
}

// Jinja's _prepare_attribute_parts: "a.b.0" → "a", "b", 0.
std::vector<Value> attribute_parts(const Value& attribute) {
    std::vector<Value> parts;
    if (attribute.is_none() || attribute.is_undefined()) return parts;
    if (!attribute.is_string()) {
        parts.push_back(attribute);
        return parts;
    }
    const std::string dot = ".";
    for (auto& part : pystr::split(attribute.str(), &dot, -1)) {
        const bool digits = !part.empty() && part.size() < 19 && std::all_of(part.begin(), part.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        parts.push_back(digits ? Value::integer(std::stoll(part)) : Value::string(part));
    }
    return parts;
}

// make_attrgetter: item lookups along the parts (environment.getitem, so keys win over methods).
Value attribute_of(Renderer& r, Value item, const std::vector<Value>& parts, const Value* fallback = nullptr) {
    for (const auto& part : parts) {
        item = get_item(r, item, part);
        if (fallback && item.is_undefined()) item = *fallback;
    }
    return item;
}

Value ignore_case(const Value& v) { return v.is_string() ? Value::string(pystr::lower(v.str())) : v; }

// A stable merge sort whose comparison may fail (Python's sorted() with a key); never reads out of
// bounds whatever the comparison answers.
void stable_sort(std::vector<std::size_t>& order, const std::function<bool(std::size_t, std::size_t)>& less_than) {
    std::vector<std::size_t> buffer(order.size());
    for (std::size_t width = 1; width < order.size(); width *= 2) {
        for (std::size_t lo = 0; lo < order.size(); lo += 2 * width) {
            const std::size_t mid = std::min(lo + width, order.size());
            const std::size_t hi = std::min(lo + 2 * width, order.size());
            std::size_t a = lo;
            std::size_t b = mid;
            std::size_t k = lo;
            while (a < mid && b < hi) buffer[k++] = less_than(order[b], order[a]) ? order[b++] : order[a++];
            while (a < mid) buffer[k++] = order[a++];
            while (b < hi) buffer[k++] = order[b++];
        }
        order.swap(buffer);
    }
}

std::vector<Value> sorted(const std::vector<Value>& items, const std::vector<Value>& keys, bool reverse) {
    std::vector<std::size_t> order(items.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    charge_steps(items.size() * (1 + static_cast<std::size_t>(std::log2(items.size() + 1))));
    stable_sort(order, [&](std::size_t a, std::size_t b) { return reverse ? less(keys[b], keys[a]) : less(keys[a], keys[b]); });
    std::vector<Value> out;
    out.reserve(items.size());
    for (auto i : order) out.push_back(items[i]);
    return out;
}

void require_hashable(const Value& v) {
    if (v.is_list() || v.is_dict() || (v.is_sequence() && v.seq().kind == SeqKind::view))
        fail(FailureKind::type, "unhashable type: '" + type_name(v) + "'");
}

// ---- string filters ----

Value f_upper(Renderer&, const Value& v, Args& a) {
    no_arguments("upper", a);
    const Value s = soft_str(v);
    return Value::string(pystr::upper(s.str()), s.is_safe());
}

Value f_lower(Renderer&, const Value& v, Args& a) {
    no_arguments("lower", a);
    const Value s = soft_str(v);
    return Value::string(pystr::lower(s.str()), s.is_safe());
}

Value f_capitalize(Renderer&, const Value& v, Args& a) {
    no_arguments("capitalize", a);
    const Value s = soft_str(v);
    return Value::string(pystr::capitalize(s.str()), s.is_safe());
}

// Jinja's title: each piece after a run of `-`, whitespace, `(`, `{`, `[` or `<` gets an upper-case
// first character and a lower-case rest.
Value f_title(Renderer&, const Value& v, Args& a) {
    no_arguments("title", a);
    const Value s = soft_str(v);
    std::string out;
    bool word_start = true;
    const std::string& text = s.str();
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = 0;
        const char32_t cp = utf8::decode(text, i, n);
        const bool separator = cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<' ||
                               (cp != utf8::invalid && utf8::is_space(cp));
        if (cp == utf8::invalid) {
            out.push_back(text[i]);
        } else if (separator) {
            utf8::append(out, cp);
        } else {
            utf8::append(out, word_start ? utf8::to_upper(cp) : utf8::to_lower(cp));
        }
        word_start = separator;
        i += n;
    }
    return Value::string(std::move(out), s.is_safe());
}

Value f_trim(Renderer&, const Value& v, Args& a) {
    Binding b("trim", a, {"chars"});
    const Value s = soft_str(v);
    const std::string* chars = nullptr;
    if (b.has(0) && !b.get(0).is_none()) {
        if (!b.get(0).is_string()) fail(FailureKind::type, "strip arg must be None or str");
        chars = &b.get(0).str();
    }
    return Value::string(pystr::strip(s.str(), chars, true, true), s.is_safe());
}

Value f_replace(Renderer&, const Value& v, Args& a) {
    Binding b("replace", a, {"old", "new", "count"}, 2);
    const std::int64_t count = b.get(2).is_none() || !b.has(2) ? -1 : b.integer(2, -1);
    return Value::string(pystr::replace(to_str(v), to_str(b.get(0)), to_str(b.get(1)), count));
}

Value f_center(Renderer&, const Value& v, Args& a) {
    Binding b("center", a, {"width"});
    return Value::string(pystr::pad(to_str(v), b.integer(0, 80), " ", 0));
}

Value f_indent(Renderer&, const Value& v, Args& a) {
    Binding b("indent", a, {"width", "first", "blank"});
    std::string indention;
    if (b.has(0) && b.get(0).is_string()) {
        indention = b.get(0).str();
    } else {
        const std::int64_t width = b.integer(0, 4);
        check_string_size(static_cast<std::size_t>(std::max<std::int64_t>(width, 0)));
        indention.assign(static_cast<std::size_t>(std::max<std::int64_t>(width, 0)), ' ');
    }
    const bool first = b.flag(1, false);
    const bool blank = b.flag(2, false);
    const Value s = soft_str(v);
    const auto lines = pystr::splitlines(s.str() + "\n", false);
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) out += "\n";
        if (i > 0 && (blank || !lines[i].empty())) out += indention;
        out += lines[i];
        check_string_size(out.size());
    }
    if (first) out = indention + out;
    return Value::string(std::move(out), s.is_safe());
}

Value f_truncate(Renderer&, const Value& v, Args& a) {
    Binding b("truncate", a, {"length", "killwords", "end", "leeway"});
    const std::string s = to_str(v);
    const std::int64_t length = b.integer(0, 255);
    const bool killwords = b.flag(1, false);
    const std::string end = b.string(2, "...");
    const std::int64_t leeway = b.get(3).is_none() || !b.has(3) ? 5 : b.integer(3, 5);
    const auto end_len = static_cast<std::int64_t>(utf8::length(end));
    if (length < end_len)
        fail(FailureKind::assertion, "expected length >= " + std::to_string(end_len) + ", got " + std::to_string(length));
    if (leeway < 0) fail(FailureKind::assertion, "expected leeway >= 0, got " + std::to_string(leeway));
    const auto offsets = utf8::offsets(s);
    const auto n = static_cast<std::int64_t>(offsets.size() - 1);
    if (n <= length + leeway) return v.is_string() ? v : Value::string(s);
    const std::string head = s.substr(0, offsets[static_cast<std::size_t>(length - end_len)]);
    if (killwords) return Value::string(head + end);
    const std::string space = " ";
    return Value::string(pystr::rsplit(head, &space, 1).front() + end);
}

Value f_wordcount(Renderer&, const Value& v, Args& a) {
    no_arguments("wordcount", a);
    const std::string s = to_str(v);
    std::int64_t count = 0;
    bool in_word = false;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        const char32_t cp = utf8::decode(s, i, n);
        const bool word = cp != utf8::invalid && (utf8::is_alpha(cp) || utf8::is_digit(cp) || cp == '_');
        if (word && !in_word) ++count;
        in_word = word;
        i += n;
    }
    return Value::integer(count);
}

// markupsafe's striptags: comments and tags removed, entities unescaped, whitespace collapsed.
Value f_striptags(Renderer&, const Value& v, Args& a) {
    no_arguments("striptags", a);
    const std::string s = to_str(v);
    std::string text;
    for (std::size_t i = 0; i < s.size();) {
        if (s.compare(i, 4, "<!--") == 0) {
            const std::size_t end = s.find("-->", i + 4);
            if (end == std::string::npos) {
                text.append(s, i, std::string::npos);
                break;
            }
            i = end + 3;
        } else if (s[i] == '<') {
            const std::size_t end = s.find('>', i + 1);
            if (end == std::string::npos) {
                text.append(s, i, std::string::npos);
                break;
            }
            i = end + 1;
        } else {
            text.push_back(s[i++]);
        }
    }
    std::string unescaped;
    static const std::pair<const char*, const char*> entities[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#34;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}};
    for (std::size_t i = 0; i < text.size();) {
        bool matched = false;
        if (text[i] == '&') {
            for (const auto& [entity, ch] : entities) {
                const std::size_t len = std::char_traits<char>::length(entity);
                if (text.compare(i, len, entity) == 0) {
                    unescaped += ch;
                    i += len;
                    matched = true;
                    break;
                }
            }
        }
        if (!matched) unescaped.push_back(text[i++]);
    }
    std::string out;
    for (const auto& word : pystr::split(unescaped, nullptr, -1)) {
        if (!out.empty()) out.push_back(' ');
        out += word;
    }
    return Value::string(std::move(out));
}

Value f_format(Renderer&, const Value& v, Args& a) {
    if (!a.positional.empty() && !a.keyword.empty())
        fail(FailureKind::runtime, "can't handle positional and keyword arguments at the same time");
    const Value s = soft_str(v);
    Value args;
    if (!a.keyword.empty()) {
        Dict d;
        for (auto& [k, val] : a.keyword) d.items.emplace_back(Value::string(k), val);
        args = Value::dict(std::move(d));
    } else {
        args = Value::tuple(a.positional);
    }
    return Value::string(printf_format(s.str(), args, s.is_safe()), s.is_safe());
}

Value f_string(Renderer&, const Value& v, Args& a) {
    no_arguments("string", a);
    return soft_str(v);
}

Value f_safe(Renderer&, const Value& v, Args& a) {
    no_arguments("safe", a);
    return Value::string(to_str(v), true);
}

Value f_escape(Renderer&, const Value& v, Args& a) {
    no_arguments("escape", a);
    if (v.is_safe()) return v;
    return Value::string(html_escape(to_str(v)), true);
}

Value f_forceescape(Renderer&, const Value& v, Args& a) {
    no_arguments("forceescape", a);
    return Value::string(html_escape(to_str(v)), true);
}

// transformers' tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).
Value f_tojson(Renderer&, const Value& v, Args& a) {
    Binding b("tojson", a, {"ensure_ascii", "indent", "separators", "sort_keys"});
    JsonOptions o;
    o.ensure_ascii = b.flag(0, false);
    if (b.has(1) && !b.get(1).is_none()) {
        const Value& indent = b.get(1);
        o.indent_set = true;
        if (indent.is_string()) {
            o.indent = indent.str();
        } else if (indent.is_integral()) {
            const std::int64_t n = indent.int_like();
            check_string_size(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
            o.indent.assign(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)), ' ');
        } else {
            fail(FailureKind::type, "indent must be an int or a str, not " + type_name(indent));
        }
    }
    if (b.has(2) && !b.get(2).is_none()) {
        const Value& sep = b.get(2);
        if (!sep.is_indexable() || sep.items().size() != 2 || !sep.items()[0].is_string() || !sep.items()[1].is_string())
            fail(FailureKind::type, "separators must be a (item_separator, key_separator) pair of strings");
        o.separators_set = true;
        o.item_separator = sep.items()[0].str();
        o.key_separator = sep.items()[1].str();
    }
    o.sort_keys = b.flag(3, false);
    return Value::string(to_json_text(v, o));
}

// ---- sequence filters ----

Value f_length(Renderer&, const Value& v, Args& a) {
    no_arguments("length", a);
    return Value::integer(static_cast<std::int64_t>(length(v)));
}

Value f_list(Renderer&, const Value& v, Args& a) {
    no_arguments("list", a);
    return Value::list(iterable_items(v).items());
}

Value f_first(Renderer&, const Value& v, Args& a) {
    no_arguments("first", a);
    const Value items = iterable_items(v);
    if (items.items().empty()) return Value::undefined("No first item, sequence was empty.");
    return items.items().front();
}

Value f_last(Renderer&, const Value& v, Args& a) {
    no_arguments("last", a);
    if (v.is_sequence() && v.seq().kind == SeqKind::iterator)
        fail(FailureKind::type, "'" + type_name(v) + "' object is not reversible");
    const Value items = iterable_items(v);
    if (items.items().empty()) return Value::undefined("No last item, sequence was empty.");
    return items.items().back();
}

Value f_reverse(Renderer&, const Value& v, Args& a) {
    no_arguments("reverse", a);
    if (v.is_string()) return slice(v, Value::none(), Value::none(), Value::integer(-1));
    const Value items = iterable_items(v);
    std::vector<Value> out(items.items().rbegin(), items.items().rend());
    if (v.is_list()) return iterator(std::move(out), "list_reverseiterator");
    if (v.is_dict()) return iterator(std::move(out), "dict_reversekeyiterator");
    if (v.is_sequence() && (v.seq().kind == SeqKind::iterator || v.seq().kind == SeqKind::view)) return Value::list(std::move(out));
    return iterator(std::move(out), "reversed");
}

Value f_join(Renderer& r, const Value& v, Args& a) {
    Binding b("join", a, {"d", "attribute"});
    const std::string sep = b.has(0) ? to_str(b.get(0)) : "";
    const std::vector<Value> parts = attribute_parts(b.get_or(1, Value::none()));
    const Value items = iterable_items(v);
    std::string out;
    bool first = true;
    for (const auto& item : items.items()) {
        if (!first) out += sep;
        first = false;
        out += to_str(parts.empty() ? item : attribute_of(r, item, parts));
        check_string_size(out.size());
    }
    return Value::string(std::move(out));
}

Value f_items(Renderer&, const Value& v, Args& a) {
    no_arguments("items", a);
    if (v.is_undefined()) return iterator({}, "generator");
    if (!v.is_dict()) fail(FailureKind::type, "Can only get item pairs from a mapping.");
    std::vector<Value> pairs;
    pairs.reserve(v.dict().items.size());
    for (const auto& [k, item] : v.dict().items) pairs.push_back(Value::tuple({k, item}));
    return iterator(std::move(pairs), "generator");
}

Value f_dictsort(Renderer&, const Value& v, Args& a) {
    Binding b("dictsort", a, {"case_sensitive", "by", "reverse"});
    if (v.is_undefined()) raise_undefined(v);
    if (!v.is_dict()) fail(FailureKind::undefined, "'" + object_description(v) + "' has no attribute 'items'");
    const bool case_sensitive = b.flag(0, false);
    const std::string by = b.string(1, "key");
    if (by != "key" && by != "value") fail(FailureKind::runtime, "You can only sort by either \"key\" or \"value\"");
    std::vector<Value> pairs;
    std::vector<Value> keys;
    for (const auto& [k, item] : v.dict().items) {
        pairs.push_back(Value::tuple({k, item}));
        const Value& key = by == "key" ? k : item;
        keys.push_back(case_sensitive ? key : ignore_case(key));
    }
    return Value::list(sorted(pairs, keys, b.flag(2, false)));
}

Value f_sort(Renderer& r, const Value& v, Args& a) {
    Binding b("sort", a, {"reverse", "case_sensitive", "attribute"});
    const bool case_sensitive = b.flag(1, false);
    // make_multi_attrgetter: the key is the list of the comma-separated attributes.
    std::vector<std::vector<Value>> attributes;
    const Value attribute = b.get_or(2, Value::none());
    if (attribute.is_string()) {
        const std::string comma = ",";
        for (auto& part : pystr::split(attribute.str(), &comma, -1))
            attributes.push_back(attribute_parts(Value::string(part)));
    } else {
        attributes.push_back(attribute_parts(attribute));
    }
    const Value items = iterable_items(v);
    std::vector<Value> keys;
    keys.reserve(items.items().size());
    for (const auto& item : items.items()) {
        std::vector<Value> key;
        for (const auto& parts : attributes) {
            const Value k = attribute_of(r, item, parts);
            key.push_back(case_sensitive ? k : ignore_case(k));
        }
        keys.push_back(Value::list(std::move(key)));
    }
    return Value::list(sorted(items.items(), keys, b.flag(0, false)));
}

Value f_unique(Renderer& r, const Value& v, Args& a) {
    Binding b("unique", a, {"case_sensitive", "attribute"});
    const bool case_sensitive = b.flag(0, false);
    const std::vector<Value> parts = attribute_parts(b.get_or(1, Value::none()));
    const Value items = iterable_items(v);
    std::vector<Value> seen;
    std::vector<Value> out;
    for (const auto& item : items.items()) {
        Value key = attribute_of(r, item, parts);
        if (!case_sensitive) key = ignore_case(key);
        require_hashable(key);
        charge_steps(seen.size() + 1);
        if (std::none_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); })) {
            seen.push_back(key);
            out.push_back(item);
        }
    }
    return iterator(std::move(out), "generator");
}

Value min_or_max(Renderer& r, const Value& v, Args& a, bool max) {
    Binding b(max ? "max" : "min", a, {"case_sensitive", "attribute"});
    const bool case_sensitive = b.flag(0, false);
    const std::vector<Value> parts = attribute_parts(b.get_or(1, Value::none()));
    const Value items = iterable_items(v);
    if (items.items().empty()) return Value::undefined("No aggregated item, sequence was empty.");
    std::size_t best = 0;
    Value best_key;
    for (std::size_t i = 0; i < items.items().size(); ++i) {
        charge_steps(1);
        Value key = attribute_of(r, items.items()[i], parts);
        if (!case_sensitive) key = ignore_case(key);
        if (i == 0 || (max ? less(best_key, key) : less(key, best_key))) {
            best = i;
            best_key = key;
        }
    }
    return items.items()[best];
}

Value f_min(Renderer& r, const Value& v, Args& a) { return min_or_max(r, v, a, false); }
Value f_max(Renderer& r, const Value& v, Args& a) { return min_or_max(r, v, a, true); }

Value f_sum(Renderer& r, const Value& v, Args& a) {
    Binding b("sum", a, {"attribute", "start"});
    const std::vector<Value> parts = attribute_parts(b.get_or(0, Value::none()));
    Value total = b.get_or(1, Value::integer(0));
    const Value items = iterable_items(v);
    if (total.is_string()) fail(FailureKind::type, "sum() can't sum strings [use ''.join(seq) instead]");
    for (const auto& item : items.items()) {
        charge_steps(1);
        total = binary_op(BinaryOp::add, total, parts.empty() ? item : attribute_of(r, item, parts));
    }
    return total;
}

Value f_map(Renderer& r, const Value& v, Args& a) {
    if (!truthy(v)) return iterator({}, "generator");
    const Value items = iterable_items(v);
    std::vector<Value> out;
    out.reserve(items.items().size());
    if (a.positional.empty()) {
        Value attribute;
        Value fallback;
        bool has_attribute = false;
        bool has_default = false;
        for (const auto& [k, val] : a.keyword) {
            if (k == "attribute") {
                attribute = val;
                has_attribute = true;
            } else if (k == "default") {
                fallback = val;
                has_default = true;
            } else {
                fail(FailureKind::runtime, "Unexpected keyword argument " + repr_string(k));
            }
        }
        if (!has_attribute) fail(FailureKind::runtime, "map requires a filter argument");
        const std::vector<Value> parts = attribute_parts(attribute);
        const bool use_default = has_default && !fallback.is_none();
        for (const auto& item : items.items()) {
            charge_steps(1);
            out.push_back(attribute_of(r, item, parts, use_default ? &fallback : nullptr));
        }
        return iterator(std::move(out), "generator");
    }
    if (!a.positional[0].is_string()) fail(FailureKind::runtime, "map requires a filter name");
    const std::string name = a.positional[0].str();
    Args rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.keyword = a.keyword;
    for (const auto& item : items.items()) {
        charge_steps(1);
        Args call = rest;
        out.push_back(r.apply_filter(name, item, call));
    }
    return iterator(std::move(out), "generator");
}

Value select_or_reject(Renderer& r, const Value& v, Args& a, bool select, bool by_attribute) {
    if (!truthy(v)) return iterator({}, "generator");
    const Value items = iterable_items(v);
    std::size_t off = 0;
    std::vector<Value> parts;
    if (by_attribute) {
        if (a.positional.empty()) fail(FailureKind::runtime, "Missing parameter for attribute name");
        parts = attribute_parts(a.positional[0]);
        off = 1;
    }
    const bool has_test = a.positional.size() > off;
    std::string test;
    if (has_test) {
        if (!a.positional[off].is_string()) fail(FailureKind::runtime, "the test name must be a string");
        test = a.positional[off].str();
    }
    Args rest;
    if (has_test) rest.positional.assign(a.positional.begin() + static_cast<std::ptrdiff_t>(off + 1), a.positional.end());
    rest.keyword = a.keyword;
    std::vector<Value> out;
    for (const auto& item : items.items()) {
        charge_steps(1);
        const Value subject = by_attribute ? attribute_of(r, item, parts) : item;
        bool ok = false;
        if (has_test) {
            Args call = rest;
            ok = r.apply_test(test, subject, call);
        } else {
            ok = truthy(subject);
        }
        if (ok == select) out.push_back(item);
    }
    return iterator(std::move(out), "generator");
}

Value f_select(Renderer& r, const Value& v, Args& a) { return select_or_reject(r, v, a, true, false); }
Value f_reject(Renderer& r, const Value& v, Args& a) { return select_or_reject(r, v, a, false, false); }
Value f_selectattr(Renderer& r, const Value& v, Args& a) { return select_or_reject(r, v, a, true, true); }
Value f_rejectattr(Renderer& r, const Value& v, Args& a) { return select_or_reject(r, v, a, false, true); }

Value f_batch(Renderer&, const Value& v, Args& a) {
    Binding b("batch", a, {"linecount", "fill_with"}, 1);
    const std::int64_t count = b.integer(0, 1);
    if (count <= 0) fail(FailureKind::value, "batch size must be positive");
    const Value items = iterable_items(v);
    std::vector<Value> out;
    std::vector<Value> current;
    for (const auto& item : items.items()) {
        if (static_cast<std::int64_t>(current.size()) == count) {
            out.push_back(Value::list(std::move(current)));
            current.clear();
        }
        current.push_back(item);
    }
    if (!current.empty()) {
        if (b.has(1) && !b.get(1).is_none())
            while (static_cast<std::int64_t>(current.size()) < count) current.push_back(b.get(1));
        out.push_back(Value::list(std::move(current)));
    }
    return iterator(std::move(out), "generator");
}

Value f_slice(Renderer&, const Value& v, Args& a) {
    Binding b("slice", a, {"slices", "fill_with"}, 1);
    const std::int64_t slices = b.integer(0, 1);
    if (slices <= 0) fail(FailureKind::zero_division, "integer division or modulo by zero");
    check_item_count(static_cast<std::size_t>(std::min<std::int64_t>(slices, INT32_MAX)));
    const Value items = iterable_items(v);
    const auto& seq = items.items();
    const auto n = static_cast<std::int64_t>(seq.size());
    const std::int64_t per = n / slices;
    const std::int64_t extra = n % slices;
    std::int64_t offset = 0;
    std::vector<Value> out;
    for (std::int64_t k = 0; k < slices; ++k) {
        charge_steps(1);
        const std::int64_t start = offset + k * per;
        if (k < extra) ++offset;
        const std::int64_t end = offset + (k + 1) * per;
        std::vector<Value> part(seq.begin() + start, seq.begin() + end);
        if (b.has(1) && !b.get(1).is_none() && k >= extra) part.push_back(b.get(1));
        out.push_back(Value::list(std::move(part)));
    }
    return iterator(std::move(out), "generator");
}

Value f_groupby(Renderer& r, const Value& v, Args& a) {
    Binding b("groupby", a, {"attribute", "default", "case_sensitive"}, 1);
    const std::vector<Value> parts = attribute_parts(b.get(0));
    const Value fallback = b.get_or(1, Value::none());
    const Value* fb = fallback.is_none() ? nullptr : &fallback;
    const bool case_sensitive = b.flag(2, false);
    const Value items = iterable_items(v);
    std::vector<Value> keys;
    for (const auto& item : items.items()) {
        const Value k = attribute_of(r, item, parts, fb);
        keys.push_back(case_sensitive ? k : ignore_case(k));
    }
    // Sort by key, then group runs of equal keys (itertools.groupby over sorted()).
    std::vector<std::size_t> order(items.items().size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    stable_sort(order, [&](std::size_t x, std::size_t y) { return less(keys[x], keys[y]); });
    std::vector<Value> groups;
    std::size_t i = 0;
    while (i < order.size()) {
        std::size_t j = i;
        std::vector<Value> members;
        while (j < order.size() && equals(keys[order[j]], keys[order[i]])) members.push_back(items.items()[order[j++]]);
        const Value grouper = case_sensitive ? keys[order[i]] : attribute_of(r, members.front(), parts, fb);
        Sequence group;
        group.items = {grouper, Value::list(std::move(members))};
        group.kind = SeqKind::tuple;
        group.type = "_GroupTuple";
        groups.push_back(Value::sequence(std::move(group)));
        i = j;
    }
    return Value::list(std::move(groups));
}

// ---- numbers ----

// Python int(str, base): optional sign, underscores between digits, a prefix matching the base.
bool parse_int(std::string s, std::int64_t base, std::int64_t& out) {
    s = pystr::strip(s, nullptr, true, true);
    bool negative = false;
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    auto prefix_base = [&](char c) { c = static_cast<char>(c | 0x20); return c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0; };
    if (i + 1 < s.size() && s[i] == '0' && prefix_base(s[i + 1]) != 0 && (base == 0 || base == prefix_base(s[i + 1]))) {
        base = prefix_base(s[i + 1]);
        i += 2;
        if (i < s.size() && s[i] == '_') ++i;
    } else if (base == 0) {
        base = 10;
        if (s.size() - i > 1 && s[i] == '0' && s.find_first_not_of("0_", i) != std::string::npos) return false;
    }
    if (base < 2 || base > 36 || i >= s.size()) return false;
    std::uint64_t value = 0;
    bool digit_before = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '_') {
            if (!digit_before || i + 1 >= s.size() || s[i + 1] == '_') return false;
            continue;
        }
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') d = (c | 0x20) - 'a' + 10;
        if (d < 0 || d >= base) return false;
        if (__builtin_mul_overflow(value, static_cast<std::uint64_t>(base), &value) ||
            __builtin_add_overflow(value, static_cast<std::uint64_t>(d), &value) ||
            value > static_cast<std::uint64_t>(INT64_MAX) + 1)
            fail(FailureKind::overflow, "integer too large");
        digit_before = true;
    }
    if (!negative && value > static_cast<std::uint64_t>(INT64_MAX)) fail(FailureKind::overflow, "integer too large");
    out = negative ? static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(value)) : static_cast<std::int64_t>(value);
    return true;
}

// Python float(str): decimal or exponent notation, inf/nan, surrounding whitespace.
bool parse_float(const std::string& text, double& out) {
    std::string s = pystr::strip(text, nullptr, true, true);
    std::string cleaned;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i - 1])) ||
                !std::isdigit(static_cast<unsigned char>(s[i + 1])))
                return false;
            continue;
        }
        cleaned.push_back(s[i]);
    }
    if (cleaned.empty() || cleaned.find_first_of("xXpP") != std::string::npos) return false;
    char* end = nullptr;
    out = std::strtod(cleaned.c_str(), &end);
    return end == cleaned.c_str() + cleaned.size();
}

Value f_int(Renderer&, const Value& v, Args& a) {
    Binding b("int", a, {"default", "base"});
    const Value fallback = b.get_or(0, Value::integer(0));
    const std::int64_t base = b.integer(1, 10);
    if (v.is_undefined()) raise_undefined(v);
    std::int64_t out = 0;
    if (v.is_string()) {
        if (parse_int(v.str(), base, out)) return Value::integer(out);
        double d = 0;
        if (parse_float(v.str(), d) && std::isfinite(d) && std::fabs(d) < 9.2e18)
            return Value::integer(static_cast<std::int64_t>(d));
        return fallback;
    }
    if (v.is_integral()) return Value::integer(v.int_like());
    if (v.is_float()) {
        if (!std::isfinite(v.as_float()) || std::fabs(v.as_float()) >= 9.2e18) return fallback;
        return Value::integer(static_cast<std::int64_t>(v.as_float()));
    }
    return fallback;
}

Value f_float(Renderer&, const Value& v, Args& a) {
    Binding b("float", a, {"default"});
    const Value fallback = b.get_or(0, Value::floating(0.0));
    if (v.is_undefined()) raise_undefined(v);
    if (v.is_number()) return Value::floating(v.number());
    double d = 0;
    if (v.is_string() && parse_float(v.str(), d)) return Value::floating(d);
    return fallback;
}

Value f_abs(Renderer&, const Value& v, Args& a) {
    no_arguments("abs", a);
    if (v.is_undefined()) raise_undefined(v);
    if (v.is_integral()) {
        if (v.int_like() == INT64_MIN) fail(FailureKind::overflow, "integer result does not fit in 64 bits");
        return Value::integer(std::llabs(v.int_like()));
    }
    if (v.is_float()) return Value::floating(std::fabs(v.as_float()));
    fail(FailureKind::type, "bad operand type for abs(): '" + type_name(v) + "'");
}

// Python round(x, n): exact decimal rounding of the binary value, ties to even.
double round_half_even(double x, std::int64_t precision) {
    if (!std::isfinite(x)) return x;
    if (precision >= 0) {
        char buf[400];
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::min<std::int64_t>(precision, 300)), x);
        return std::strtod(buf, nullptr);
    }
    const double scale = std::pow(10.0, static_cast<double>(-precision));
    if (!std::isfinite(scale)) return 0.0 * x;
    return std::nearbyint(x / scale) * scale;
}

Value f_round(Renderer&, const Value& v, Args& a) {
    Binding b("round", a, {"precision", "method"});
    const std::int64_t precision = b.integer(0, 0);
    const std::string method = b.string(1, "common");
    if (method != "common" && method != "ceil" && method != "floor")
        fail(FailureKind::runtime, "method must be common, ceil or floor");
    if (v.is_undefined()) raise_undefined(v);
    if (!v.is_number()) fail(FailureKind::type, "type " + type_name(v) + " doesn't define __round__ method");
    if (method == "common") {
        if (v.is_integral()) {
            if (precision >= 0) return Value::integer(v.int_like());
            return Value::integer(static_cast<std::int64_t>(round_half_even(static_cast<double>(v.int_like()), precision)));
        }
        return Value::floating(round_half_even(v.as_float(), precision));
    }
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double scaled = v.number() * scale;
    return Value::floating((method == "ceil" ? std::ceil(scaled) : std::floor(scaled)) / scale);
}

// ---- others ----

Value f_default(Renderer&, const Value& v, Args& a) {
    Binding b("default", a, {"default_value", "boolean"});
    const Value fallback = b.get_or(0, Value::string(""));
    if (v.is_undefined() || (b.flag(1, false) && !truthy(v))) return fallback;
    return v;
}

Value f_attr(Renderer& r, const Value& v, Args& a) {
    Binding b("attr", a, {"name"}, 1);
    if (!b.get(0).is_string()) return Value::undefined("attribute name must be a string");
    // Sandboxed getattr; a dict key is not an attribute.
    const Value found = get_attr(r, v, b.get(0).str());
    if (v.is_dict() && !found.is_function() && !(found.is_undefined() && found.undefined_is_unsafe()))
        return Value::undefined("'" + object_description(v) + "' has no attribute " + repr_string(b.get(0).str()));
    return found;
}

Value f_pprint(Renderer&, const Value& v, Args& a) {
    no_arguments("pprint", a);
    return Value::string(repr(v));
}

struct FilterEntry {
    std::string_view name;
    FilterFn fn;
};

const FilterEntry filters[] = {
    {"abs", f_abs},
    {"attr", f_attr},
    {"batch", f_batch},
    {"capitalize", f_capitalize},
    {"center", f_center},
    {"count", f_length},
    {"d", f_default},
    {"default", f_default},
    {"dictsort", f_dictsort},
    {"e", f_escape},
    {"escape", f_escape},
    {"first", f_first},
    {"float", f_float},
    {"forceescape", f_forceescape},
    {"format", f_format},
    {"groupby", f_groupby},
    {"indent", f_indent},
    {"int", f_int},
    {"items", f_items},
    {"join", f_join},
    {"last", f_last},
    {"length", f_length},
    {"list", f_list},
    {"lower", f_lower},
    {"map", f_map},
    {"max", f_max},
    {"min", f_min},
    {"pprint", f_pprint},
    {"reject", f_reject},
    {"rejectattr", f_rejectattr},
    {"replace", f_replace},
    {"reverse", f_reverse},
    {"round", f_round},
    {"safe", f_safe},
    {"select", f_select},
    {"selectattr", f_selectattr},
    {"slice", f_slice},
    {"sort", f_sort},
    {"string", f_string},
    {"striptags", f_striptags},
    {"sum", f_sum},
    {"title", f_title},
    {"tojson", f_tojson},
    {"trim", f_trim},
    {"truncate", f_truncate},
    {"unique", f_unique},
    {"upper", f_upper},
    {"wordcount", f_wordcount},
};

} // namespace

FilterFn find_filter(std::string_view name) {
    for (const auto& f : filters)
        if (f.name == name) return f.fn;
    return nullptr;
}

} // namespace braid::jinja
