// The generic fallback for models without a tool-call format of their own (Phi, Gemma, Granite, ...):
// a call is a JSON object `{"name": ..., "arguments"|"parameters": {...}}` (also nested as
// `{"function": {...}}` or `{"tool_call": {...}}`), or an array of such objects, written either as the
// whole start of the answer or inside a ```json fence anywhere in it:
//   Sure.\n```json\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n```
// JSON that is not a call (or not valid) stays content, fence and all, so a model asked for JSON output
// keeps it. A call may carry its own "id". Since any JSON may or may not turn out to be a call, a call
// is only known once its JSON is complete; text before it streams as usual.
#include "models/tool_formats/scan.hpp"

namespace braid::tool_formats {

namespace {

constexpr std::string_view gen_fence = "```";
constexpr auto gen_npos = std::string_view::npos;

// The call described by @p v, if it is one: {"name": string, "arguments"|"parameters": object|string,
// "id": string?}, possibly wrapped in "function" or "tool_call".
bool gen_as_call(const Value& v, std::string& name, std::string& arguments, std::string& id) {
    if (!v.is_object()) return false;
    for (const char* wrapper : {"function", "tool_call"}) {
        auto inner = v.find(wrapper);
        if (inner != v.end() && inner->is_object() && !v.contains("name")) {
            if (!gen_as_call(*inner, name, arguments, id)) return false;
            if (auto outer_id = v.find("id"); outer_id != v.end() && outer_id->is_string() && id.empty())
                id = outer_id->get<std::string>();
            return true;
        }
    }
    auto n = v.find("name");
    if (n == v.end() || !n->is_string() || n->get<std::string>().empty()) return false;
    auto a = v.find("arguments");
    if (a == v.end()) a = v.find("parameters");
    if (a == v.end()) return false;
    if (a->is_string()) {
        Value decoded = Value::parse(a->get<std::string>(), nullptr, false);
        if (decoded.is_discarded() || !decoded.is_object()) return false;
        arguments = decoded.dump();
    } else if (a->is_object()) {
        arguments = a->dump();
    } else {
        return false;
    }
    name = n->get<std::string>();
    if (auto i = v.find("id"); i != v.end() && i->is_string()) id = i->get<std::string>();
    return true;
}

// Adds the calls @p json (text at @p pos) holds; false (nothing added) when it holds none.
bool gen_add_calls(Reader& r, std::string_view json, std::size_t pos) {
    const Value v = Value::parse(json, nullptr, false);
    if (v.is_discarded()) return false;
    std::vector<const Value*> items;
    if (v.is_array()) {
        if (v.empty()) return false;
        for (const Value& item : v) items.push_back(&item);
    } else {
        items.push_back(&v);
    }
    struct Found {
        std::string name, arguments, id;
    };
    std::vector<Found> found(items.size());
    for (std::size_t k = 0; k < items.size(); ++k)
        if (!gen_as_call(*items[k], found[k].name, found[k].arguments, found[k].id)) return false;
    for (Found& f : found) {
        PartialCall& call = r.begin_call(pos);
        r.set_name(call, std::move(f.name), pos);
        call.model_id = std::move(f.id);
        call.arguments = std::move(f.arguments);
        call.id_known = true;
        call.complete = true;
    }
    return true;
}

// JSON text is a call only if it is complete; a syntax error makes it plain text. Returns the end of
// the JSON value at @p pos, npos when unfinished, or @p pos when it is not JSON.
std::size_t gen_json_end(Reader& r, std::size_t pos) {
    try {
        return skip_json(r, pos, pos);
    } catch (const CallFailure&) {
        return pos;
    }
}

} // namespace

void parse_generic(Reader& r) {
    const std::string_view s = r.text;
    std::size_t pos = 0;
    const std::size_t first = skip_space(s, 0);
    if (first >= s.size() && !r.final) return;
    if (first < s.size() && (s[first] == '{' || s[first] == '[')) {
        const std::size_t end = gen_json_end(r, first);
        if (end == gen_npos && !r.final) return; // a call or not: known once complete
        if (end != gen_npos && end != first && gen_add_calls(r, s.substr(first, end - first), first)) pos = end;
    }
    while (pos <= s.size()) {
        const std::size_t fence = find_marker(s, pos, gen_fence);
        if (fence == gen_npos) {
            const std::size_t end = r.final ? s.size() : hold_point(s, pos, {gen_fence});
            r.content(s.substr(pos, end - pos));
            return;
        }
        r.content(s.substr(pos, fence - pos));
        // The fence's language line, then its body up to the closing fence.
        const std::size_t line_end = s.find('\n', fence + gen_fence.size());
        const std::size_t close = line_end == gen_npos ? gen_npos : find_marker(s, line_end + 1, gen_fence);
        if (close == gen_npos) {
            if (!r.final) return; // the block may still turn out to be a call
            r.content(s.substr(fence));
            return;
        }
        const std::string_view lang = s.substr(fence + gen_fence.size(), line_end - fence - gen_fence.size());
        const std::size_t body = skip_space(s, line_end + 1);
        const bool json_lang = lang.find_first_not_of(" \t\r") == gen_npos || lang.find("json") != gen_npos;
        const std::size_t body_end = body < close ? gen_json_end(r, body) : body;
        const bool calls = json_lang && body < close && body_end != gen_npos && body_end != body &&
                           skip_space(s, body_end) == close &&
                           gen_add_calls(r, s.substr(body, body_end - body), fence);
        if (!calls) r.content(s.substr(fence, close + gen_fence.size() - fence));
        pos = close + gen_fence.size();
    }
}

} // namespace braid::tool_formats
