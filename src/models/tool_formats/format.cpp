// Tool-call format names, detection from a chat template's source, and the per-family preparation of
// messages for the template.
#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "braid/error.hpp"
#include "braid/models/tool_call_format.hpp"

namespace braid {

namespace {

struct FormatName {
    std::string_view name;
    ToolCallFormat format;
};

constexpr std::array<FormatName, 7> format_names{{
    {"generic", ToolCallFormat::generic},
    {"hermes", ToolCallFormat::hermes},
    {"llama3", ToolCallFormat::llama3},
    {"mistral_nemo", ToolCallFormat::mistral_nemo},
    {"functionary_v3_2", ToolCallFormat::functionary_v3_2},
    {"glm4", ToolCallFormat::glm4},
    {"qwen3_coder", ToolCallFormat::qwen3_coder},
}};

constexpr std::array<FormatName, 19> format_aliases{{
    {"json", ToolCallFormat::generic},
    {"qwen", ToolCallFormat::hermes},
    {"qwen2.5", ToolCallFormat::hermes},
    {"qwen3", ToolCallFormat::hermes},
    {"qwq", ToolCallFormat::hermes},
    {"hermes2pro", ToolCallFormat::hermes},
    {"hermes-2-pro", ToolCallFormat::hermes},
    {"llama3.1", ToolCallFormat::llama3},
    {"llama3.2", ToolCallFormat::llama3},
    {"mistral", ToolCallFormat::mistral_nemo},
    {"nemo", ToolCallFormat::mistral_nemo},
    {"functionary", ToolCallFormat::functionary_v3_2},
    {"functionary-v3.2", ToolCallFormat::functionary_v3_2},
    {"chatglm3", ToolCallFormat::glm4},
    {"glm-4", ToolCallFormat::glm4},
    {"glm", ToolCallFormat::glm4},
    {"deepseek-r1", ToolCallFormat::generic},
    {"qwen3-coder", ToolCallFormat::qwen3_coder},
    {"qwen3.5", ToolCallFormat::qwen3_coder},
}};

bool contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

// Does the generation prompt open <think> without closing it? Looks at the text after the last
// "add_generation_prompt": a "<think>" literal not followed by "</think>" in the same string literal.
bool opens_thinking(std::string_view source) {
    const std::size_t gen = source.rfind("add_generation_prompt");
    if (gen == std::string_view::npos) return false;
    for (std::size_t at = source.find("<think>", gen); at != std::string_view::npos;
         at = source.find("<think>", at + 1)) {
        const std::size_t literal_end = source.find_first_of("'\"", at);
        const std::size_t close = source.find("</think>", at);
        if (close == std::string_view::npos || (literal_end != std::string_view::npos && close > literal_end))
            return true;
    }
    return false;
}

} // namespace

std::string_view to_string(ToolCallFormat format) noexcept {
    for (const FormatName& f : format_names)
        if (f.format == format) return f.name;
    return "generic";
}

std::vector<std::string_view> tool_call_format_names() {
    std::vector<std::string_view> names;
    for (const FormatName& f : format_names) names.push_back(f.name);
    return names;
}

ToolCallFormat tool_call_format_from_name(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const FormatName& f : format_names)
        if (f.name == lower) return f.format;
    for (const FormatName& f : format_aliases)
        if (f.name == lower) return f.format;
    std::string known;
    for (const FormatName& f : format_names) known += (known.empty() ? "" : ", ") + std::string(f.name);
    throw Error(errc::invalid_argument,
                "unknown tool-call format '" + std::string(name) + "' (known formats: " + known + ")");
}

ToolCallSyntax detect_tool_call_format(std::string_view source) noexcept {
    ToolCallSyntax syntax;
    if (contains(source, "[TOOL_CALLS]")) {
        syntax.format = ToolCallFormat::mistral_nemo;
    } else if (contains(source, ">>>") && contains(source, "recipient")) {
        syntax.format = ToolCallFormat::functionary_v3_2;
    } else if (contains(source, "<tool_call>") && contains(source, "<function=") && contains(source, "<parameter=")) {
        syntax.format = ToolCallFormat::qwen3_coder;
    } else if (contains(source, "<tool_call>") && !contains(source, "<function=") && !contains(source, "<arg_key>")) {
        syntax.format = ToolCallFormat::hermes;
    } else if (contains(source, "<|python_tag|>") ||
               (contains(source, "<|start_header_id|>") && contains(source, "\"parameters\": dictionary"))) {
        syntax.format = ToolCallFormat::llama3;
    } else if (contains(source, "[gMASK]") && !contains(source, "<tool_call>")) {
        syntax.format = ToolCallFormat::glm4; // ChatGLM3 / GLM-4; GLM-4.5 and later write <tool_call> XML
    }
    syntax.thinking = contains(source, "<think>") || contains(source, "</think>");
    syntax.thinking_started = syntax.thinking && opens_thinking(source);
    return syntax;
}

namespace {

Value tool_definitions(const Value& tools) {
    if (tools.is_null()) return Value::array();
    if (!tools.is_array())
        throw Error(errc::invalid_argument, std::string("tools must be a JSON array of tool definitions, got ") +
                                                tools.type_name());
    return tools;
}

} // namespace

Value prepare_template_messages(ToolCallFormat format, const Messages& messages, const Value& tools) {
    const Value definitions = tool_definitions(tools);
    Value out = Value::array();
    if (format == ToolCallFormat::glm4) {
        // GLM-4 reads tools from a message's "tools" key; calls as `<|assistant|>name\n{arguments}`
        // (metadata slot = the name), results as `<|observation|>`.
        bool tools_placed = definitions.empty();
        for (const Message& m : messages) {
            if (m.kind() == Role::assistant && !m.tool_calls.empty()) {
                if (!m.content.empty()) out.push_back(Value{{"role", "assistant"}, {"metadata", ""}, {"content", m.content}});
                for (const ToolCall& call : m.tool_calls)
                    out.push_back(Value{{"role", "assistant"}, {"metadata", call.name},
                                        {"content", call.arguments.dump(-1, ' ', false, Value::error_handler_t::replace)}});
                continue;
            }
            Value j = m;
            if (m.kind() == Role::tool) {
                j = Value{{"role", "observation"}, {"metadata", ""}, {"content", m.content}};
            } else {
                j["metadata"] = "";
            }
            if (!tools_placed && m.kind() == Role::system) {
                j["tools"] = definitions;
                tools_placed = true;
            }
            out.push_back(std::move(j));
        }
        if (!tools_placed) {
            out.insert(out.begin(), Value{{"role", "system"}, {"metadata", ""}, {"content", ""}, {"tools", definitions}});
        }
        return out;
    }
    for (const Message& m : messages) {
        Value j = m;
        if (format == ToolCallFormat::functionary_v3_2 && j.contains("tool_calls")) {
            // Its template concatenates '>>>' + name + '\n' + arguments: they must be text.
            for (Value& call : j["tool_calls"])
                call["function"]["arguments"] =
                    call["function"]["arguments"].dump(-1, ' ', false, Value::error_handler_t::replace);
        }
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace braid
