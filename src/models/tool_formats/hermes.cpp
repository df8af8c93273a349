// Hermes 2 Pro / Qwen 2.5 / Qwen 3 / QwQ: each call is a JSON object between <tool_call> and
// </tool_call>, usually on lines of their own:
//   I'll look that up.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>
// (facts from the Qwen and Hermes chat templates, which teach exactly this; llama.cpp's and vLLM's
// hermes parsers read the same). Text around the calls is content. A final call whose JSON is complete
// but whose closing tag never came (the model stopped at its end-of-turn token) is accepted.
#include "models/tool_formats/scan.hpp"

namespace braid::tool_formats {

namespace {
constexpr std::string_view hermes_open = "<tool_call>";
constexpr std::string_view hermes_close = "</tool_call>";
} // namespace

void parse_hermes(Reader& r) {
    const std::string_view s = r.text;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        const std::size_t open = find_marker(s, pos, hermes_open);
        if (open == std::string_view::npos) {
            const std::size_t end = r.final ? s.size() : hold_point(s, pos, {hermes_open});
            r.content(s.substr(pos, end - pos));
            return;
        }
        r.content(s.substr(pos, open - pos));
        PartialCall& call = r.begin_call(open);
        const std::size_t object = skip_space(s, open + hermes_open.size());
        if (object >= s.size()) {
            if (r.final) r.fail(open, object, "unterminated call: nothing after <tool_call>");
            return;
        }
        if (s[object] != '{') r.fail(open, object, "a JSON object expected after <tool_call>");
        const std::size_t end = read_call_object(r, call, object, false);
        if (end == std::string_view::npos) {
            if (r.final) r.fail(open, s.size(), "unterminated call: the answer ends inside its JSON");
            return;
        }
        const std::size_t close = skip_space(s, end);
        if (close >= s.size()) {
            call.complete = r.final; // a missing </tool_call> at the very end is tolerated
            return;
        }
        if (starts_at(s, close, hermes_close)) {
            call.complete = true;
            pos = close + hermes_close.size();
            continue;
        }
        if (!r.final && partial_at(s, close, hermes_close)) return;
        r.fail(open, close, "</tool_call> expected after the call's JSON");
    }
}

} // namespace braid::tool_formats
