#include "engine/template/methods.hpp"

#include <algorithm>
#include <iterator>

#include "engine/template/access.hpp"
#include "engine/template/args.hpp"
#include "engine/template/budget.hpp"
#include "engine/template/pyformat.hpp"
#include "engine/template/pystring.hpp"
#include "engine/template/utf8.hpp"

namespace braid::jinja {

namespace {

constexpr std::string_view str_methods[] = {
    "capitalize", "casefold", "center",     "count",        "endswith",     "find",      "format",    "index",
    "isalnum",    "isalpha",  "isdecimal",  "isdigit",      "islower",      "isnumeric", "isspace",   "istitle",
    "isupper",    "join",     "ljust",      "lower",        "lstrip",       "partition", "removeprefix",
    "removesuffix", "replace", "rfind",     "rindex",       "rjust",        "rpartition", "rsplit",   "rstrip",
    "split",      "splitlines", "startswith", "strip",      "swapcase",     "title",     "upper",     "zfill"};
// Markup overrides these to escape their string arguments and return Markup.
constexpr std::string_view markup_methods[] = {
    "capitalize", "casefold",  "center",     "format",  "join",         "ljust",        "lower",
    "lstrip",     "partition", "removeprefix", "removesuffix", "replace", "rjust",      "rpartition",
    "rsplit",     "rstrip",    "split",      "splitlines", "strip",     "swapcase",     "title"};
constexpr std::string_view dict_safe[] = {"copy", "get", "items", "keys", "values"};
constexpr std::string_view dict_unsafe[] = {"clear", "pop", "popitem", "setdefault", "update"};
constexpr std::string_view list_safe[] = {"copy", "count", "index"};
constexpr std::string_view list_unsafe[] = {"append", "clear", "extend", "insert",
                                                          "pop",    "remove", "reverse", "sort"};
constexpr std::string_view tuple_safe[] = {"count", "index"};

template <std::size_t N>
bool among(const std::string_view (&names)[N], std::string_view name) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

std::string describe(std::string_view owner, std::string_view name) {
    return std::string(owner) + "." + std::string(name);
}

// An optional start/end index argument: None or an integer.
std::optional<std::int64_t> index_arg(const Binding& b, std::size_t i) {
    if (!b.has(i) || b.get(i).is_none()) return std::nullopt;
    if (!b.get(i).is_integral())
        fail(FailureKind::type, "slice indices must be integers or None or have an __index__ method");
    return b.get(i).int_like();
}

const std::string& str_arg(const Binding& b, std::size_t i, const char* what) {
    const Value& v = b.get(i);
    if (!v.is_string())
        fail(FailureKind::type, b.function() + "() argument " + what + " must be str, not " + type_name(v));
    return v.str();
}

// strip()'s chars: None or a str.
const std::string* chars_arg(const Binding& b, std::size_t i) {
    if (!b.has(i) || b.get(i).is_none()) return nullptr;
    if (!b.get(i).is_string()) fail(FailureKind::type, b.function() + " arg must be None or str");
    return &b.get(i).str();
}

Value strings_list(std::vector<std::string> parts, bool safe) {
    std::vector<Value> items;
    items.reserve(parts.size());
    for (auto& p : parts) items.push_back(Value::string(std::move(p), safe));
    return Value::list(std::move(items));
}

bool affix_matches(const std::string& s, const Value& affix, const Binding& b, bool suffix) {
    const auto [begin, end] = pystr::byte_range(s, index_arg(b, 1), index_arg(b, 2));
    if (b.has(1) && b.get(1).is_integral() && b.get(1).int_like() > static_cast<std::int64_t>(s.size())) return false;
    const std::string_view window = std::string_view(s).substr(begin, end - begin);
    auto test = [&](const Value& v) {
        if (!v.is_string())
            fail(FailureKind::type, std::string(suffix ? "endswith" : "startswith") +
                                        " first arg must be str or a tuple of str, not " + type_name(v));
        const std::string& a = v.str();
        if (a.size() > window.size()) return false;
        return suffix ? window.compare(window.size() - a.size(), a.size(), a) == 0 : window.compare(0, a.size(), a) == 0;
    };
    if (affix.is_tuple()) {
        for (const auto& item : affix.items())
            if (test(item)) return true;
        return false;
    }
    return test(affix);
}

Value string_method(Renderer& r, const Value& self, std::string_view name, Args& args) {
    const std::string& s = self.str();
    const bool safe = self.is_safe();
    const std::string fn = describe("str", name);
    auto text = [&](std::string out) { return Value::string(std::move(out), safe); };

    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        Binding b(name, args, {"chars"});
        return text(pystr::strip(s, chars_arg(b, 0), name != "rstrip", name != "lstrip"));
    }
    if (name == "split" || name == "rsplit") {
        Binding b(fn, args, {"sep", "maxsplit"});
        const std::string* sep = nullptr;
        if (b.has(0) && !b.get(0).is_none()) sep = &str_arg(b, 0, "sep");
        const std::int64_t maxsplit = b.integer(1, -1);
        return strings_list(name == "split" ? pystr::split(s, sep, maxsplit) : pystr::rsplit(s, sep, maxsplit), safe);
    }
    if (name == "splitlines") {
        Binding b(fn, args, {"keepends"});
        return strings_list(pystr::splitlines(s, b.flag(0, false)), safe);
    }
    if (name == "startswith" || name == "endswith") {
        Binding b(fn, args, {"prefix", "start", "end"}, 1);
        return Value::boolean(affix_matches(s, b.get(0), b, name == "endswith"));
    }
    if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
        Binding b(fn, args, {"sub", "start", "end"}, 1);
        const std::int64_t at =
            pystr::find(s, str_arg(b, 0, "1"), index_arg(b, 1), index_arg(b, 2), name[0] == 'r');
        if (at < 0 && (name == "index" || name == "rindex")) fail(FailureKind::value, "substring not found");
        return Value::integer(at);
    }
    if (name == "count") {
        Binding b(fn, args, {"sub", "start", "end"}, 1);
        return Value::integer(pystr::count(s, str_arg(b, 0, "1"), index_arg(b, 1), index_arg(b, 2)));
    }
    if (name == "replace") {
        Binding b(fn, args, {"old", "new", "count"}, 2);
        return text(pystr::replace(s, str_arg(b, 0, "1"), str_arg(b, 1, "2"), b.integer(2, -1)));
    }
    if (name == "upper") return no_arguments(fn, args), text(pystr::upper(s));
    if (name == "lower" || name == "casefold") return no_arguments(fn, args), text(pystr::lower(s));
    if (name == "swapcase") return no_arguments(fn, args), text(pystr::swapcase(s));
    if (name == "capitalize") return no_arguments(fn, args), text(pystr::capitalize(s));
    if (name == "title") return no_arguments(fn, args), text(pystr::title(s));
    if (name == "center" || name == "ljust" || name == "rjust") {
        Binding b(fn, args, {"width", "fillchar"}, 1);
        const std::string fill = b.string(1, " ");
        if (utf8::length(fill) != 1) fail(FailureKind::type, "The fill character must be exactly one character long");
        const int align = name == "ljust" ? -1 : name == "center" ? 0 : 1;
        return text(pystr::pad(s, b.integer(0, 0), fill, align));
    }
    if (name == "zfill") {
        Binding b(fn, args, {"width"}, 1);
        return text(pystr::zfill(s, b.integer(0, 0)));
    }
    if (name == "join") {
        Binding b(fn, args, {"iterable"}, 1);
        const Value items = iterable_items(b.get(0));
        std::string out;
        std::size_t i = 0;
        for (const auto& item : items.items()) {
            if (!item.is_string())
                fail(FailureKind::type, "sequence item " + std::to_string(i) + ": expected str instance, " +
                                            type_name(item) + " found");
            if (i++ > 0) out += s;
            check_string_size(out.size() + item.str().size());
            out += safe && !item.is_safe() ? html_escape(item.str()) : item.str();
        }
        return text(std::move(out));
    }
    if (name == "partition" || name == "rpartition") {
        Binding b(fn, args, {"sep"}, 1);
        const std::string& sep = str_arg(b, 0, "1");
        if (sep.empty()) fail(FailureKind::value, "empty separator");
        const std::size_t at = name == "partition" ? s.find(sep) : s.rfind(sep);
        std::vector<Value> parts;
        if (at == std::string::npos) {
            if (name == "partition") {
                parts = {text(s), text(""), text("")};
            } else {
                parts = {text(""), text(""), text(s)};
            }
        } else {
            parts = {text(s.substr(0, at)), text(sep), text(s.substr(at + sep.size()))};
        }
        return Value::tuple(std::move(parts));
    }
    if (name == "removeprefix" || name == "removesuffix") {
        Binding b(fn, args, {"affix"}, 1);
        const std::string& a = str_arg(b, 0, "1");
        if (name == "removeprefix") return text(s.compare(0, a.size(), a) == 0 ? s.substr(a.size()) : s);
        const bool ends = s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0;
        return text(ends ? s.substr(0, s.size() - a.size()) : s);
    }
    if (name == "format") return text(str_format(r, s, args, safe));
    no_arguments(fn, args);
    if (name == "isalnum") return Value::boolean(pystr::is_alnum(s));
    if (name == "isalpha") return Value::boolean(pystr::is_alpha(s));
    if (name == "isdigit" || name == "isdecimal" || name == "isnumeric") return Value::boolean(pystr::is_digit(s));
    if (name == "isspace") return Value::boolean(pystr::is_space(s));
    if (name == "islower") return Value::boolean(pystr::is_lower(s));
    if (name == "isupper") return Value::boolean(pystr::is_upper(s));
    if (name == "istitle") return Value::boolean(pystr::is_title(s));
    fail(FailureKind::runtime, "no method " + fn);
}

Value dict_view(const Value& self, std::string_view name) {
    Sequence view;
    view.kind = SeqKind::view;
    view.items.reserve(self.dict().items.size());
    for (const auto& [k, v] : self.dict().items) {
        if (name == "items") {
            view.items.push_back(Value::tuple({k, v}));
        } else {
            view.items.push_back(name == "keys" ? k : v);
        }
    }
    view.type = name == "items" ? "dict_items" : name == "keys" ? "dict_keys" : "dict_values";
    return Value::sequence(std::move(view));
}

Value dict_method(const Value& self, std::string_view name, Args& args) {
    const std::string fn = describe("dict", name);
    if (name == "get") {
        Binding b(fn, args, {"key", "default"}, 1);
        if (const Value* v = self.dict().find(b.get(0))) return *v;
        return b.get_or(1, Value::none());
    }
    no_arguments(fn, args);
    if (name == "copy") return self;
    return dict_view(self, name);
}

Value sequence_method(const Value& self, std::string_view name, Args& args) {
    const std::string fn = describe(type_name(self), name);
    const auto& items = self.items();
    if (name == "copy") return no_arguments(fn, args), Value::list(items);
    if (name == "count") {
        Binding b(fn, args, {"value"}, 1);
        charge_steps(items.size());
        return Value::integer(std::count_if(items.begin(), items.end(), [&](const Value& v) { return equals(v, b.get(0)); }));
    }
    Binding b(fn, args, {"value", "start", "stop"}, 1);
    const auto n = static_cast<std::int64_t>(items.size());
    auto clamp = [&](std::int64_t i) {
        if (i < 0) i = std::max<std::int64_t>(0, i + n);
        return std::min(i, n);
    };
    const std::int64_t start = clamp(b.integer(1, 0));
    const std::int64_t stop = clamp(b.integer(2, n));
    charge_steps(items.size());
    for (std::int64_t i = start; i < stop; ++i)
        if (equals(items[static_cast<std::size_t>(i)], b.get(0))) return Value::integer(i);
    if (self.is_tuple()) fail(FailureKind::value, "tuple.index(x): x not in tuple");
    fail(FailureKind::value, repr(b.get(0)) + " is not in list");
}

// Markup's wrapped methods see their string arguments escaped.
void escape_arguments(Args& args) {
    auto escape = [](Value& v) {
        if (v.is_string() && !v.is_safe()) v = Value::string(html_escape(v.str()), true);
    };
    for (auto& v : args.positional) escape(v);
    for (auto& [k, v] : args.keyword) escape(v);
}

} // namespace

MethodKind method_kind(const Value& obj, std::string_view name) {
    switch (obj.type()) {
    case Value::Type::string: return among(str_methods, name) ? MethodKind::safe : MethodKind::none;
    case Value::Type::dict:
        if (among(dict_safe, name)) return MethodKind::safe;
        return among(dict_unsafe, name) ? MethodKind::unsafe : MethodKind::none;
    case Value::Type::sequence:
        if (obj.is_list()) {
            if (among(list_safe, name)) return MethodKind::safe;
            return among(list_unsafe, name) ? MethodKind::unsafe : MethodKind::none;
        }
        if (obj.is_tuple()) return among(tuple_safe, name) ? MethodKind::safe : MethodKind::none;
        return MethodKind::none;
    default: return MethodKind::none;
    }
}

Value call_method(Renderer& r, const Value& obj, std::string_view name, Args& args) {
    switch (method_kind(obj, name)) {
    case MethodKind::none:
        fail(FailureKind::undefined, "'" + object_description(obj) + "' has no attribute " + repr_string(name));
    case MethodKind::unsafe:
        fail(FailureKind::security,
             "access to attribute " + repr_string(name) + " of '" + type_name(obj) + "' object is unsafe.");
    case MethodKind::safe: break;
    }
    charge_steps(1);
    if (obj.is_string()) {
        if (obj.is_safe() && among(markup_methods, name)) escape_arguments(args);
        return string_method(r, obj, name, args);
    }
    if (obj.is_dict()) return dict_method(obj, name, args);
    return sequence_method(obj, name, args);
}

Value bound_method(const Value& obj, std::string_view name) {
    std::string method(name);
    return Value::function(
        method, [obj, method](Renderer& r, Args& args) { return call_method(r, obj, method, args); },
        Function::Kind::method, type_name(obj));
}

} // namespace braid::jinja
