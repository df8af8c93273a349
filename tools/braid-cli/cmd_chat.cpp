// braid-cli chat: an interactive conversation through LocalChatModel — the model's own chat template
// (or --template FILE), answers streamed as they decode, the prompt cache serving each follow-up turn.
// Each stdin line is a user turn (a prompt is shown on a TTY); `/reset` clears the conversation; end of
// input ends the chat.
//   --system S        a system message first
//   --tools FILE      OpenAI-style tool definitions (a JSON array); the model's tool calls are printed
//                     as JSON lines `{"tool_calls": [...]}` (there is no tool to run them: the next line
//                     you type is the next user turn)
//   --tool-choice C   auto | required | none | a tool's name
//   --tool-format F   force the tool-call format (hermes, llama3, mistral_nemo, ...)
//   --json-schema F   every answer is JSON valid under the schema in FILE (constrained decoding)
//   --session FILE    resume the conversation saved in FILE (and its KV state in FILE.kv) at start;
//                     save both after each turn
//   --json            one JSON object per turn instead of streamed text
// A thinking model's reasoning_content streams to stderr, its content to stdout.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "engine_options.hpp"
#include "sampling_options.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_chat {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Value read_json_file(const std::string& path, const std::string& flag) {
    try {
        return Value::parse(read_file(path));
    } catch (const nlohmann::json::exception& e) {
        throw Error(errc::parse, flag + " " + path + ": " + e.what());
    }
}

// The sampling flags as GenerationOptions (what LocalChatModel takes).
GenerationOptions generation_options(const engine::SamplingOptions& s, int max_tokens) {
    GenerationOptions o;
    o.temperature = s.temperature;
    o.top_k = s.top_k;
    o.top_p = s.top_p;
    o.min_p = s.min_p;
    o.typical_p = s.typical_p;
    o.repeat_penalty = s.repeat_penalty;
    o.frequency_penalty = s.frequency_penalty;
    o.presence_penalty = s.presence_penalty;
    o.seed = s.seed;
    o.max_tokens = max_tokens;
    o.extra["penalty_last_n"] = s.penalty_last_n;
    Value bias = Value::array();
    for (const auto& [id, b] : s.logit_bias)
        bias.push_back({id, b});
    if (!bias.empty())
        o.extra["logit_bias"] = bias;
    return o;
}

Value tool_choice_of(const std::string& choice) {
    if (choice.empty())
        return nullptr;
    if (choice == "auto" || choice == "required" || choice == "none")
        return choice;
    return Value{{"type", "function"}, {"function", {{"name", choice}}}};
}

Messages load_conversation(const std::string& path) {
    const Value j = read_json_file(path, "--session");
    if (!j.is_array())
        throw Error(errc::parse, "--session " + path + ": expected a JSON array of messages");
    Messages out;
    for (const Value& m : j)
        out.push_back(m.get<Message>());
    return out;
}

void save_conversation(const std::string& path, const Messages& messages) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(errc::io, "--session: cannot write " + tmp);
        out << Value(messages).dump(1) << '\n';
    }
    std::filesystem::rename(tmp, path);
}

int run(Args& args) {
    EngineOptions engine_options = read_engine_options(args);
    const std::string template_file = args.value("--template");
    const std::string system = args.value("--system");
    const std::string tools_file = args.value("--tools");
    const std::string tool_choice = args.value("--tool-choice");
    const std::string tool_format = args.value("--tool-format");
    const std::string schema_file = args.value("--json-schema");
    const std::string session = args.value("--session");
    const int max_tokens = static_cast<int>(int_option(args, "-n", 512, 1, 1 << 24));
    GenerationOptions call = generation_options(read_sampling_options(args), max_tokens);
    const bool json = args.has("--json");
    args.positional();

    if (!tools_file.empty()) {
        call.tools = read_json_file(tools_file, "--tools");
        if (!call.tools.is_array())
            throw Error(errc::invalid_argument, "--tools " + tools_file + ": expected a JSON array of tool definitions");
    }
    call.tool_choice = tool_choice_of(tool_choice);
    if (!schema_file.empty())
        call.response_format = Value{{"type", "json_schema"},
                                     {"json_schema", {{"name", "output"}, {"schema", read_json_file(schema_file, "--json-schema")}}}};

    auto model = std::make_shared<const engine::Model>(load_model(engine_options));
    LocalChatModelOptions options;
    options.scheduler.n_seq_max = 1;
    options.scheduler.n_ctx = engine_options.context.n_ctx;
    options.scheduler.threads = engine_options.context.threads;
    options.scheduler.backend = engine_options.context.backend;
    options.scheduler.kv_f16 = engine_options.context.kv_f16;
    options.scheduler.cpu_fallback = engine_options.context.cpu_fallback;
    if (!template_file.empty())
        options.chat_template = read_file(template_file);
    else if (!model->chat_template())
        throw Error(errc::invalid_argument, engine_options.model + " has no tokenizer.chat_template: give one with --template FILE");
    if (!tool_format.empty())
        options.tool_call_format = tool_format;
    options.malformed_tool_calls_as_content = true; // a chat shows what the model wrote
    const LocalChatModel chat(model, options);

    Messages messages;
    const std::string kv_file = session + ".kv";
    if (!session.empty() && std::filesystem::exists(session)) {
        messages = load_conversation(session);
        if (std::filesystem::exists(kv_file))
            chat.load_session(kv_file);
        if (!json)
            std::fprintf(stderr, "(resumed %zu messages from %s)\n", messages.size(), session.c_str());
    }
    if (messages.empty() && !system.empty())
        messages.push_back(Message::system(system));

    const bool tty = ::isatty(STDIN_FILENO) && !json;
    for (;;) {
        if (tty)
            std::fprintf(stderr, "> ");
        std::string line;
        if (!std::getline(std::cin, line))
            break;
        if (line == "/reset") {
            messages.clear();
            if (!system.empty())
                messages.push_back(Message::system(system));
            continue;
        }
        if (line.empty())
            continue;
        messages.push_back(Message::user(line));
        RunContext ctx(default_run_config());
        MessageChunk sum;
        for (MessageChunk& chunk : chat.stream(messages, call, ctx)) {
            if (!json && !chunk.reasoning_content.empty()) { // thinking goes to stderr, beside the answer
                std::cerr << chunk.reasoning_content;
                std::cerr.flush();
            }
            if (!json && !chunk.content.empty()) {
                std::cout << chunk.content;
                std::cout.flush();
            }
            sum = sum + chunk;
        }
        Message answer = sum.to_message();
        const Value meta = answer.response_metadata;
        answer.response_metadata = nullptr;
        if (json) {
            Value j = answer;
            j["finish_reason"] = meta["finish_reason"];
            j["prompt_tokens"] = meta["usage"]["prompt_tokens"];
            j["reused_tokens"] = meta["usage"]["prompt_tokens_cached"];
            j["tokens"] = meta["usage"]["completion_tokens"];
            std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        } else {
            if (!answer.tool_calls.empty()) {
                Value calls = Value::array();
                for (const ToolCall& c : answer.tool_calls)
                    calls.push_back({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
                std::cout << (answer.content.empty() ? "" : "\n") << Value{{"tool_calls", calls}}.dump();
            }
            std::cout << '\n';
        }
        std::cout.flush();
        messages.push_back(std::move(answer));
        if (!session.empty()) {
            save_conversation(session, messages);
            chat.save_session(messages, kv_file, call);
        }
    }
    return 0;
}

const Registration reg{{"chat",
                        "--model M [--template FILE] [--system S] [--tools FILE] [--tool-choice C] [--tool-format F] "
                        "[--json-schema FILE] [--session FILE] [-n N] [sampling flags] [--json]: interactive chat "
                        "through LocalChatModel, streamed (one user turn per stdin line)",
                        run}};

} // namespace
} // namespace braid::cli::cmd_chat
