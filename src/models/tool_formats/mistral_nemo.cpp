// Mistral Nemo (and Mistral 7B v0.3 style templates): the calls follow the [TOOL_CALLS] control token
// as one JSON array of objects, each with its own id (9 alphanumeric characters; the template refuses
// any other length):
//   [TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1B2c3D4e"}]
// The id may come before or after the arguments; a call without one gets a generated id. A single
// object without the array brackets is accepted too. Text before the marker is content. The later
// Mistral templates (Small 3.2, Devstral, Ministral 3) write one marker per call instead:
//   [TOOL_CALLS]get_weather[CALL_ID]a1B2c3D4e[ARGS]{"city": "Paris"}
// with [CALL_ID] optional; both forms are read.
#include "models/tool_formats/scan.hpp"

namespace braid::tool_formats {

namespace {

constexpr std::string_view nemo_marker = "[TOOL_CALLS]";
constexpr std::string_view nemo_call_id = "[CALL_ID]";
constexpr std::string_view nemo_args = "[ARGS]";

bool nemo_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

// `name[CALL_ID]id[ARGS]{...}` at @p pos (after the marker at @p marker): returns its end, or npos when
// the text ends inside it.
std::size_t nemo_named_call(Reader& r, std::size_t marker, std::size_t pos) {
    const std::string_view s = r.text;
    constexpr auto npos = std::string_view::npos;
    std::size_t i = pos;
    while (i < s.size() && nemo_name_char(s[i])) ++i;
    if (i >= s.size()) {
        if (r.final) r.fail(marker, i, "unterminated call: [ARGS] missing after the tool name");
        return npos;
    }
    PartialCall& call = r.begin_call(marker);
    r.set_name(call, std::string(s.substr(pos, i - pos)), pos);
    if (starts_at(s, i, nemo_call_id)) {
        const std::size_t id = i + nemo_call_id.size();
        i = id;
        while (i < s.size() && nemo_name_char(s[i])) ++i;
        if (i >= s.size()) {
            if (r.final) r.fail(marker, i, "unterminated call: [ARGS] missing after the call id");
            return npos;
        }
        call.model_id.assign(s.substr(id, i - id));
    } else if (!r.final && partial_at(s, i, nemo_call_id)) {
        return npos; // "[" could start [CALL_ID] or [ARGS]
    }
    if (!starts_at(s, i, nemo_args)) {
        if (!r.final && partial_at(s, i, nemo_args)) return npos;
        r.fail(marker, i, "[ARGS] expected after the tool name");
    }
    call.id_known = true;
    const std::size_t value = skip_space(s, i + nemo_args.size());
    if (value >= s.size()) {
        if (r.final) r.fail(marker, value, "unterminated call: nothing after [ARGS]");
        return npos;
    }
    if (s[value] != '{') r.fail(marker, value, "the arguments must be a JSON object");
    const std::size_t end = skip_json(r, marker, value);
    call.arguments.assign(s.substr(value, (end == npos ? s.size() : end) - value));
    if (end == npos) {
        if (r.final) r.fail(marker, s.size(), "unterminated call: the answer ends inside its JSON");
        return npos;
    }
    check_arguments(r, call, value);
    call.complete = true;
    return end;
}

} // namespace

void parse_mistral_nemo(Reader& r) {
    const std::string_view s = r.text;
    constexpr auto npos = std::string_view::npos;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        const std::size_t marker = find_marker(s, pos, nemo_marker);
        if (marker == npos) {
            const std::size_t end = r.final ? s.size() : hold_point(s, pos, {nemo_marker});
            r.content(s.substr(pos, end - pos));
            return;
        }
        r.content(s.substr(pos, marker - pos));
        std::size_t i = skip_space(s, marker + nemo_marker.size());
        if (i >= s.size()) {
            if (r.final) r.fail(marker, i, "unterminated call: nothing after [TOOL_CALLS]");
            return;
        }
        if (nemo_name_char(s[i]) && i == marker + nemo_marker.size()) {
            pos = nemo_named_call(r, marker, i);
            if (pos == npos) return;
            continue;
        }
        const bool array = s[i] == '[';
        if (!array && s[i] != '{') r.fail(marker, i, "a JSON array of calls expected after [TOOL_CALLS]");
        if (array) i = skip_space(s, i + 1);
        std::size_t first_call_pos = marker; // where a failure of the next element starts
        while (true) {
            if (i >= s.size()) {
                if (r.final) r.fail(first_call_pos, i, "unterminated call list: the answer ends inside it");
                return;
            }
            if (array && s[i] == ']') { // an empty list
                ++i;
                break;
            }
            if (s[i] != '{') r.fail(first_call_pos, i, "a call object expected in the [TOOL_CALLS] list");
            PartialCall& call = r.begin_call(i);
            const std::size_t end = read_call_object(r, call, i, true);
            if (end == npos) {
                if (r.final) r.fail(i, s.size(), "unterminated call: the answer ends inside its JSON");
                return;
            }
            call.complete = true;
            if (!array) {
                i = end;
                break;
            }
            i = skip_space(s, end);
            // Failures from here on start at the failing position: the calls before it are complete.
            if (i >= s.size()) {
                if (r.final) r.fail(i, i, "unterminated call list: ']' missing");
                return;
            }
            if (s[i] == ']') {
                ++i;
                break;
            }
            if (s[i] != ',') r.fail(i, i, "',' or ']' expected in the [TOOL_CALLS] list");
            first_call_pos = i;
            i = skip_space(s, i + 1);
        }
        pos = i;
    }
}

} // namespace braid::tool_formats
