// ChatGLM3 / GLM-4 (THUDM): after `<|assistant|>` the model writes either text (the template's empty
// metadata slot makes a text answer start with a newline) or a call: the function name alone on the
// first line, then its JSON arguments:
//   get_weather\n{"city": "Paris"}
// A further call or text follows another `<|assistant|>`. Tool results go back as the `observation`
// role (prepare_template_messages). Facts from the glm-4-9b-chat template and llama.cpp's GLM-4 parser.
#include "models/tool_formats/scan.hpp"

namespace braid::tool_formats {

namespace {

constexpr std::string_view glm_marker = "<|assistant|>";

bool glm_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

} // namespace

void parse_glm4(Reader& r) {
    const std::string_view s = r.text;
    constexpr auto npos = std::string_view::npos;
    std::size_t pos = 0;
    if (starts_at(s, 0, glm_marker)) {
        pos = glm_marker.size();
    } else if (!r.final && partial_at(s, 0, glm_marker)) {
        return;
    }
    while (true) {
        const std::size_t segment = pos;
        // A call segment: name characters, a newline, optional spaces, '{'.
        std::size_t i = segment;
        while (i < s.size() && glm_name_char(s[i])) ++i;
        bool call = false;
        if (i > segment && i < s.size() && s[i] == '\n') {
            const std::size_t value = skip_space(s, i + 1);
            if (value >= s.size() && !r.final) return; // "name\n" so far: undecided
            call = value < s.size() && s[value] == '{';
        } else if (i >= s.size() && !r.final) {
            return; // still a possible name
        }
        if (!call) {
            const std::size_t next = find_marker(s, segment, glm_marker);
            const std::size_t end =
                next != npos ? next : r.final ? s.size() : hold_point(s, segment, {glm_marker});
            r.content(s.substr(segment, end - segment));
            if (next == npos) return;
            pos = next + glm_marker.size();
            continue;
        }
        PartialCall& c = r.begin_call(segment);
        r.set_name(c, std::string(s.substr(segment, i - segment)), segment);
        c.id_known = true;
        const std::size_t value = skip_space(s, i + 1);
        const std::size_t end = skip_json(r, segment, value);
        c.arguments.assign(s.substr(value, (end == npos ? s.size() : end) - value));
        if (end == npos) {
            if (r.final) r.fail(segment, s.size(), "unterminated call: the answer ends inside its JSON");
            return;
        }
        check_arguments(r, c, value);
        const std::size_t next = skip_space(s, end);
        if (next >= s.size()) {
            c.complete = r.final;
            return;
        }
        if (starts_at(s, next, glm_marker)) {
            c.complete = true;
            pos = next + glm_marker.size();
            continue;
        }
        if (!r.final && partial_at(s, next, glm_marker)) return;
        r.fail(segment, next, "<|assistant|> or the end expected after the call's JSON");
    }
}

} // namespace braid::tool_formats
