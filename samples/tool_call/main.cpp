// braid tool-call sample: a local model calls a C++ function. The tools are bound as OpenAI-style
// definitions; LocalChatModel renders them through the model's chat template, constrains the call to
// the tools' JSON Schemas while decoding (tool_choice "required" forces one from the first token) and
// parses the answer into Message::tool_calls. The function runs, its result goes back as a tool
// message, and the model answers.
//
//   braid_sample_tool_call [MODEL.gguf] [TEMPLATE.jinja]
//
// By default stories260K (a 260K-parameter story model that knows nothing of tools) with the Qwen2.5
// chat template: constrained decoding alone makes it write a valid call.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"

namespace {

// The host application's function the model may call.
std::string get_weather(const std::string& location) { return "{\"location\": \"" + location + "\", \"sky\": \"cloudy\", \"celsius\": 18}"; }

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw braid::Error(braid::errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

int main(int argc, char** argv) try {
    auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(argc > 1 ? argv[1] : BRAID_SAMPLE_MODEL));
    braid::LocalChatModelOptions options;
    options.scheduler.n_seq_max = 1;
    options.scheduler.n_ctx = 4096;
    options.defaults.temperature = 0.0;
    options.defaults.max_tokens = 96;
    if (argc > 2 || !model->chat_template())
        options.chat_template = read_text(argc > 2 ? argv[2] : BRAID_SAMPLE_TEMPLATE);
    const braid::LocalChatModel chat(model, options);
    std::printf("tool-call format: %s\n", std::string(braid::to_string(chat.tool_call_syntax().format)).c_str());

    braid::GenerationOptions call;
    call.tools = braid::Value::parse(R"([{"type": "function", "function": {"name": "get_weather",
        "description": "Current weather of a place",
        "parameters": {"type": "object", "properties": {"location": {"type": "string", "maxLength": 24}},
                       "required": ["location"]}}}])");
    call.tool_choice = "required";
    braid::Messages messages{braid::Message::user("What is the weather in Paris?")};
    const braid::RunContext ctx(braid::default_run_config());
    braid::Message answer = chat.generate(messages, call, ctx);
    std::printf("finish_reason: %s\n", answer.response_metadata["finish_reason"].get<std::string>().c_str());
    for (const braid::ToolCall& c : answer.tool_calls)
        std::printf("tool call %s: %s(%s)\n", c.id.c_str(), c.name.c_str(), c.arguments.dump().c_str());
    if (answer.tool_calls.empty())
        throw braid::Error(braid::errc::tool, "the model made no tool call");
    answer.response_metadata = nullptr;
    messages.push_back(answer);
    for (const braid::ToolCall& c : answer.tool_calls) {
        const std::string result = get_weather(c.arguments.value("location", ""));
        std::printf("result: %s\n", result.c_str());
        messages.push_back(braid::Message::tool(result, c.id, c.name));
    }
    braid::GenerationOptions words; // now an answer in words: no tools bound
    words.max_tokens = 32;
    std::printf("answer: %s\n", chat.generate(messages, words, ctx).content.c_str());
    return 0;
} catch (const braid::Error& e) {
    std::fprintf(stderr, "braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
    return 1;
}
