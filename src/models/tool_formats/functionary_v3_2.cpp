// Functionary v3.2 (meetkai): the answer is a series of segments `>>>recipient\nbody`; recipient `all`
// is text for the user, any other is a tool whose body is its JSON arguments; `python` may take plain
// code instead (a call of tool "python" with {"code": ...}). The template's generation prompt ends with
// the first `>>>`, so the answer usually starts with the recipient:
//   all\nLet me check.>>>get_weather\n{"city": "Paris"}>>>get_time\n{"tz": "CET"}
// (facts from the functionary-medium-v3.2 template; llama.cpp's functionary v3.2 parser reads the
// same). An answer whose first line is not a recipient name is all text.
#include "models/tool_formats/scan.hpp"

namespace braid::tool_formats {

namespace {

constexpr std::string_view fn_marker = ">>>";

bool fn_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

// The end of the body that starts at @p pos: the next ">>>" (or a possible start of one while partial).
std::size_t fn_body_end(const Reader& r, std::size_t pos, bool& found) {
    const std::size_t next = find_marker(r.text, pos, fn_marker);
    found = next != std::string_view::npos;
    if (found) return next;
    return r.final ? r.text.size() : hold_point(r.text, pos, {fn_marker});
}

} // namespace

void parse_functionary_v3_2(Reader& r) {
    const std::string_view s = r.text;
    constexpr auto npos = std::string_view::npos;
    std::size_t pos = 0;
    if (starts_at(s, 0, fn_marker)) {
        pos = fn_marker.size();
    } else if (!r.final && partial_at(s, 0, fn_marker)) {
        return;
    }
    while (true) {
        const std::size_t segment = pos;
        std::size_t i = pos;
        while (i < s.size() && fn_name_char(s[i])) ++i;
        if (i >= s.size()) {
            if (!r.final) return; // the recipient is still being written
            if (s.substr(segment) != "all") r.content(s.substr(segment)); // a one-word text answer
            return;
        }
        if (s[i] != '\n' || i == segment) {
            // Not a recipient line: the model wrote plain text.
            bool found = false;
            const std::size_t end = fn_body_end(r, segment, found);
            r.content(s.substr(segment, end - segment));
            if (!found) return;
            pos = end + fn_marker.size();
            continue;
        }
        const std::string recipient(s.substr(segment, i - segment));
        const std::size_t body = i + 1;
        if (recipient == "all") {
            bool found = false;
            const std::size_t end = fn_body_end(r, body, found);
            r.content(s.substr(body, end - body));
            if (!found) return;
            pos = end + fn_marker.size();
            continue;
        }
        PartialCall& call = r.begin_call(segment);
        r.set_name(call, recipient, segment);
        call.id_known = true;
        const std::size_t value = skip_space(s, body);
        if (value >= s.size() && !r.final) return;
        if (value < s.size() && s[value] == '{') {
            const std::size_t end = skip_json(r, segment, value);
            call.arguments.assign(s.substr(value, (end == npos ? s.size() : end) - value));
            if (end == npos) {
                if (r.final) r.fail(segment, s.size(), "unterminated call: the answer ends inside its JSON");
                return;
            }
            check_arguments(r, call, value);
            const std::size_t next = skip_space(s, end);
            if (next >= s.size()) {
                call.complete = r.final;
                return;
            }
            if (starts_at(s, next, fn_marker)) {
                call.complete = true;
                pos = next + fn_marker.size();
                continue;
            }
            if (!r.final && partial_at(s, next, fn_marker)) return;
            r.fail(segment, next, "'>>>' or the end expected after the call's JSON");
        }
        if (recipient != "python") r.fail(segment, value, "the arguments of '" + recipient + "' must be a JSON object");
        // python with plain code: {"code": "<the code>"}, streamed as it comes.
        bool found = false;
        const std::size_t end = fn_body_end(r, body, found);
        call.arguments = "{\"code\": \"";
        append_json_escaped(call.arguments, s.substr(body, end - body));
        if (!found && !r.final) return;
        call.arguments += "\"}";
        check_arguments(r, call, body); // e.g. code that is not valid UTF-8
        call.complete = true;
        if (!found) return;
        pos = end + fn_marker.size();
    }
}

} // namespace braid::tool_formats
