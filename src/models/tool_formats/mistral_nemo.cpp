// Mistral Nemo (and Mistral 7B v0.3 style templates): the calls follow the [TOOL_CALLS] control token
// as one JSON array of objects, each with its own id (9 alphanumeric characters; the template refuses
// any other length):
//   [TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1B2c3D4e"}]
// The id may come before or after the arguments; a call without one gets a generated id. A single
// object without the array brackets is accepted too. Text before the marker is content.
#include "models/tool_formats/scan.hpp"

namespace braid::tool_formats {

namespace {
constexpr std::string_view nemo_marker = "[TOOL_CALLS]";
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
