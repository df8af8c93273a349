// Tool-call formats against the real chat templates (tests/data/templates): detection on every
// template, and conversations with tool calls and tool results rendered through each family's template,
// whose rendered calls parse back to the same calls.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "braid/engine/chat_template.hpp"
#include "braid/models/tool_call_format.hpp"
#include "braid/models/tool_call_parser.hpp"

using braid::Message;
using braid::ToolCallFormat;
using braid::Value;

namespace {

std::string read_template(const std::string& name) {
    std::ifstream in(std::string(BRAID_TEST_DATA_DIR) + "/templates/" + name, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const Value conversation_tools = Value::parse(R"([{"type": "function", "function": {
  "name": "get_current_weather", "description": "Get the current weather in a given location",
  "parameters": {"type": "object", "properties": {"location": {"type": "string"},
  "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}}])");

// The tool-calling conversation of tests/data/templates/conversations.json ("e").
braid::Messages tool_conversation() {
    braid::ToolCall call{"call12345", "get_current_weather",
                         Value::parse(R"({"location": "Beijing, China", "unit": "celsius"})")};
    return {Message::user("What's the weather like in Beijing today?"), Message::assistant("", {call}),
            Message::tool("{\"temperature\": 22}", "call12345", "get_current_weather"),
            Message::assistant("It is currently 22°C in Beijing."), Message::user("Thanks! Should I bring a jacket?")};
}

std::string render(const std::string& template_name, ToolCallFormat format) {
    const braid::engine::ChatTemplate tmpl(read_template(template_name));
    Value context = Value::object();
    context["messages"] = braid::prepare_template_messages(format, tool_conversation(), conversation_tools);
    context["tools"] = conversation_tools;
    context["add_generation_prompt"] = true;
    context["bos_token"] = "<s>";
    context["eos_token"] = "</s>";
    return tmpl.render(context);
}

// The text of @p rendered from @p begin up to (not including) @p end.
std::string between(const std::string& rendered, const std::string& begin, const std::string& end) {
    const std::size_t b = rendered.find(begin);
    REQUIRE(b != std::string::npos);
    const std::size_t e = rendered.find(end, b + begin.size());
    REQUIRE(e != std::string::npos);
    return rendered.substr(b, e - b);
}

void check_parses_back(const std::string& answer, ToolCallFormat format) {
    INFO(answer);
    braid::ToolCallSyntax syntax;
    syntax.format = format;
    const Message m = braid::parse_tool_calls(answer, syntax);
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].name == "get_current_weather");
    CHECK(m.tool_calls[0].arguments == tool_conversation()[1].tool_calls[0].arguments);
    CHECK(m.content.empty());
}

} // namespace

TEST_CASE("[tool_formats] detection on every template", "[unit]") {
    struct Expected {
        const char* file;
        ToolCallFormat format;
        bool thinking;
        bool started;
    };
    const Expected table[] = {
        {"Apertus-8B-Instruct.jinja", ToolCallFormat::generic, false, false},
        {"ByteDance-Seed-OSS.jinja", ToolCallFormat::generic, false, false},
        {"HuggingFaceTB-SmolLM3-3B.jinja", ToolCallFormat::hermes, true, false},
        {"LFM2-8B-A1B.jinja", ToolCallFormat::generic, false, false},
        {"Mistral-Small-3.2-24B-Instruct-2506.jinja", ToolCallFormat::mistral_nemo, false, false},
        {"NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.jinja", ToolCallFormat::qwen3_coder, true, true},
        {"NVIDIA-Nemotron-Nano-v2.jinja", ToolCallFormat::generic, true, true},
        {"Qwen-QwQ-32B.jinja", ToolCallFormat::hermes, true, true},
        {"Qwen-Qwen2.5-7B-Instruct.jinja", ToolCallFormat::hermes, false, false},
        {"Qwen-Qwen3-0.6B.jinja", ToolCallFormat::hermes, true, false},
        {"Qwen-Qwen3-Coder-30B-A3B-Instruct.jinja", ToolCallFormat::qwen3_coder, false, false},
        {"Qwen3.5-4B.jinja", ToolCallFormat::qwen3_coder, true, true},
        {"THUDM-glm-4-9b-chat.jinja", ToolCallFormat::glm4, false, false},
        {"chujiezheng-alpaca.jinja", ToolCallFormat::generic, false, false},
        {"deepseek-ai-DeepSeek-R1.jinja", ToolCallFormat::generic, true, false},
        {"fireworks-ai-llama-3-firefunction-v2.jinja", ToolCallFormat::generic, false, false},
        {"google-gemma-2-2b-it.jinja", ToolCallFormat::generic, false, false},
        {"google-gemma-3-270m-it.jinja", ToolCallFormat::generic, false, false},
        {"google-gemma-4-31B-it.jinja", ToolCallFormat::generic, false, false},
        {"ibm-granite-granite-4.0.jinja", ToolCallFormat::hermes, false, false},
        {"meetkai-functionary-medium-v3.2.jinja", ToolCallFormat::functionary_v3_2, false, false},
        {"meta-llama-Llama-2-7b-chat-hf.jinja", ToolCallFormat::generic, false, false},
        {"meta-llama-Llama-3.2-3B-Instruct.jinja", ToolCallFormat::llama3, false, false},
        {"meta-llama-Llama-4-Scout-17B-16E-Instruct.jinja", ToolCallFormat::generic, false, false},
        {"meta-llama-Meta-Llama-3-8B-Instruct.jinja", ToolCallFormat::generic, false, false},
        {"microsoft-Phi-3.5-mini-instruct.jinja", ToolCallFormat::generic, false, false},
        {"microsoft-Phi-4-mini-instruct.jinja", ToolCallFormat::generic, false, false},
        {"microsoft-phi-4.jinja", ToolCallFormat::generic, false, false},
        {"mistralai-Ministral-3-14B-Reasoning-2512.jinja", ToolCallFormat::mistral_nemo, false, false},
        {"mistralai-Mistral-7B-Instruct-v0.1.jinja", ToolCallFormat::generic, false, false},
        {"mistralai-Mistral-Nemo-Instruct-2407.jinja", ToolCallFormat::mistral_nemo, false, false},
        {"moonshotai-Kimi-K2-Thinking.jinja", ToolCallFormat::generic, true, false},
        {"moonshotai-Kimi-K2.jinja", ToolCallFormat::generic, false, false},
        {"teknium-OpenHermes-2.5-Mistral-7B-chatml.jinja", ToolCallFormat::generic, false, false},
        {"unsloth-mistral-Devstral-Small-2507.jinja", ToolCallFormat::mistral_nemo, false, false},
        {"upstage-Solar-Open-100B.jinja", ToolCallFormat::generic, false, false},
        {"zai-org-GLM-5.1.jinja", ToolCallFormat::generic, true, true},
    };
    for (const Expected& e : table) {
        INFO(e.file);
        const braid::ToolCallSyntax s = braid::detect_tool_call_format(read_template(e.file));
        CHECK(braid::to_string(s.format) == braid::to_string(e.format));
        CHECK(s.thinking == e.thinking);
        CHECK(s.thinking_started == e.started);
    }
    CHECK(braid::detect_tool_call_format("") == braid::ToolCallSyntax{});
}

TEST_CASE("[tool_formats] hermes: tool calls and results through the Qwen templates", "[unit]") {
    for (const char* file : {"Qwen-Qwen2.5-7B-Instruct.jinja", "Qwen-Qwen3-0.6B.jinja", "Qwen-QwQ-32B.jinja"}) {
        INFO(file);
        const std::string out = render(file, ToolCallFormat::hermes);
        CHECK(out.find("<tool_call>\n{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Beijing, "
                       "China\", \"unit\": \"celsius\"}}\n</tool_call>") != std::string::npos);
        CHECK(out.find("<tool_response>\n{\"temperature\": 22}\n</tool_response>") != std::string::npos);
        check_parses_back(between(out, "<tool_call>\n{\"name\": \"get_current_weather\"", "<|im_end|>"),
                          ToolCallFormat::hermes);
    }
}

TEST_CASE("[tool_formats] llama3: tool calls and results through the Llama 3.2 template", "[unit]") {
    const std::string out = render("meta-llama-Llama-3.2-3B-Instruct.jinja", ToolCallFormat::llama3);
    CHECK(out.find("{\"name\": \"get_current_weather\", \"parameters\": {\"location\": \"Beijing, China\", "
                   "\"unit\": \"celsius\"}}<|eot_id|>") != std::string::npos);
    CHECK(out.find("<|start_header_id|>ipython<|end_header_id|>\n\n") != std::string::npos);
    check_parses_back(between(out, "{\"name\": \"get_current_weather\"", "<|eot_id|>"), ToolCallFormat::llama3);
}

TEST_CASE("[tool_formats] mistral_nemo: tool calls and results through the Nemo template", "[unit]") {
    const std::string out = render("mistralai-Mistral-Nemo-Instruct-2407.jinja", ToolCallFormat::mistral_nemo);
    CHECK(out.find("[TOOL_CALLS][{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Beijing, "
                   "China\", \"unit\": \"celsius\"}, \"id\": \"call12345\"}]</s>") != std::string::npos);
    CHECK(out.find("[TOOL_RESULTS]{\"content\": {\"temperature\": 22}, \"call_id\": \"call12345\"}[/TOOL_RESULTS]") !=
          std::string::npos);
    check_parses_back(between(out, "[TOOL_CALLS]", "</s>"), ToolCallFormat::mistral_nemo);
    // Generated ids satisfy the template's 9-alphanumeric rule.
    braid::Messages messages = tool_conversation();
    messages[1].tool_calls[0].id = braid::default_tool_call_id(ToolCallFormat::mistral_nemo, 0, "get_current_weather");
    messages[2].tool_call_id = messages[1].tool_calls[0].id;
    const braid::engine::ChatTemplate tmpl(read_template("mistralai-Mistral-Nemo-Instruct-2407.jinja"));
    Value context{{"messages", braid::prepare_template_messages(ToolCallFormat::mistral_nemo, messages)},
                  {"bos_token", "<s>"}, {"eos_token", "</s>"}};
    CHECK(tmpl.render(context).find("\"id\": \"" + messages[1].tool_calls[0].id + "\"") != std::string::npos);
}

TEST_CASE("[tool_formats] functionary_v3_2: tool calls and results through its template", "[unit]") {
    const std::string out = render("meetkai-functionary-medium-v3.2.jinja", ToolCallFormat::functionary_v3_2);
    CHECK(out.find(">>>get_current_weather\n{\"location\":\"Beijing, China\",\"unit\":\"celsius\"}<|eot_id|>") !=
          std::string::npos);
    CHECK(out.find("<|start_header_id|>tool<|end_header_id|>\n\n{\"temperature\": 22}<|eot_id|>") != std::string::npos);
    CHECK(out.ends_with("<|start_header_id|>assistant<|end_header_id|>\n\n>>>"));
    check_parses_back(between(out, ">>>get_current_weather", "<|eot_id|>"), ToolCallFormat::functionary_v3_2);
}

TEST_CASE("[tool_formats] qwen3_coder: tool calls and results through the Qwen3-Coder and Qwen 3.5 templates", "[unit]") {
    for (const char* file : {"Qwen-Qwen3-Coder-30B-A3B-Instruct.jinja", "Qwen3.5-4B.jinja"}) {
        INFO(file);
        const std::string out = render(file, ToolCallFormat::qwen3_coder);
        CHECK(out.find("<tool_call>\n<function=get_current_weather>\n<parameter=location>\nBeijing, China\n"
                       "</parameter>\n<parameter=unit>\ncelsius\n</parameter>\n</function>\n</tool_call>") !=
              std::string::npos);
        check_parses_back(between(out, "<tool_call>\n<function=get_current_weather>", "<|im_end|>"),
                          ToolCallFormat::qwen3_coder);
    }
}

TEST_CASE("[tool_formats] glm4: tool calls as metadata, results as observation", "[unit]") {
    const std::string out = render("THUDM-glm-4-9b-chat.jinja", ToolCallFormat::glm4);
    CHECK(out.find("## get_current_weather") != std::string::npos); // the tools reached the system prompt
    CHECK(out.find("<|assistant|>get_current_weather\n{\"location\":\"Beijing, China\",\"unit\":\"celsius\"}"
                   "<|observation|>\n{\"temperature\": 22}<|assistant|>\nIt is currently 22°C in Beijing.") !=
          std::string::npos);
    CHECK(out.ends_with("<|assistant|>"));
    check_parses_back(between(out, "get_current_weather\n{", "<|observation|>"), ToolCallFormat::glm4);
    CHECK_THROWS_AS(braid::prepare_template_messages(ToolCallFormat::glm4, {}, Value::object()), braid::Error);
}
