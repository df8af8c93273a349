// braid-cli tool-calls: parses a model's raw answer (stdin: the text generated after the generation
// prompt) with a model family's tool-call format and prints the resulting message as JSON: content,
// tool_calls (id, name, parsed arguments) and reasoning_content. The format comes from --format NAME, or
// is detected from a chat template (--template FILE, or --model M.gguf's tokenizer.chat_template).
// Malformed output prints {"error": {"kind": "parse", "message": ...}} and exits with 1.
//
//   printf '<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n</tool_call>' | braid-cli tool-calls --format hermes
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "braid/engine/gguf_file.hpp"
#include "braid/error.hpp"
#include "braid/models/tool_call_format.hpp"
#include "braid/models/tool_call_parser.hpp"
#include "command.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_tool_calls {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void print_json(const Value& json) {
    const std::string text = json.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

int run(Args& args) {
    const std::string format = args.value("--format");
    const std::string model_path = args.value("--model");
    const std::string template_path = args.value("--template");
    const std::string tools_path = args.value("--tools");
    const bool thinking = args.has("--thinking");
    const bool thinking_started = args.has("--thinking-started");
    const bool lenient = args.has("--malformed-as-content");
    const bool chunks = args.has("--chunks");
    args.positional();
    if (int(!format.empty()) + int(!model_path.empty()) + int(!template_path.empty()) != 1)
        throw Error(errc::invalid_argument, "tool-calls needs one of --format NAME, --model M.gguf, --template FILE");

    ToolCallSyntax syntax;
    if (!format.empty()) {
        syntax.format = tool_call_format_from_name(format);
    } else if (!template_path.empty()) {
        syntax = detect_tool_call_format(read_file(template_path));
    } else {
        const auto file = gguf::File::open(model_path);
        const auto text = file.get_optional<std::string>("tokenizer.chat_template");
        if (!text) throw Error(errc::not_found, model_path + " has no tokenizer.chat_template (use --format NAME)");
        syntax = detect_tool_call_format(*text);
    }
    syntax.thinking = syntax.thinking || thinking || thinking_started;
    syntax.thinking_started = syntax.thinking_started || thinking_started;

    ToolCallParseOptions options;
    options.malformed_as_content = lenient;
    if (!tools_path.empty()) {
        options.tools = Value::parse(read_file(tools_path), nullptr, false);
        if (options.tools.is_discarded()) throw Error(errc::parse, tools_path + " is not valid JSON");
        // A file may hold {"tools": [...]} (the shape of an OpenAI request) or the array itself.
        if (options.tools.is_object() && options.tools.contains("tools")) options.tools = Value(options.tools["tools"]);
    }

    const std::string answer((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    try {
        if (chunks) {
            // Feeds the answer one byte at a time and prints every chunk as a JSON line.
            ToolCallStreamParser parser(syntax, options);
            auto print = [](const std::vector<MessageChunk>& pieces) {
                for (const MessageChunk& c : pieces) std::printf("%s\n", Value(c).dump().c_str());
            };
            for (char c : answer) print(parser.feed(std::string_view(&c, 1)));
            print(parser.finish());
            std::fflush(stdout);
            return 0;
        }
        Value out = parse_tool_calls(answer, syntax, options);
        out["format"] = std::string(to_string(syntax.format));
        if (!out.contains("reasoning_content")) out["reasoning_content"] = "";
        if (!out.contains("tool_calls")) out["tool_calls"] = Value::array();
        print_json(out);
        return 0;
    } catch (const Error& e) {
        if (e.kind() != errc::parse) throw;
        std::fflush(stdout);
        print_json(Value{{"error", {{"kind", "parse"}, {"format", std::string(to_string(syntax.format))},
                                    {"message", e.what()}}}});
        return 1;
    }
}

const Registration reg{{"tool-calls",
                        "(--format NAME | --model M | --template FILE) [--tools FILE] [--thinking] "
                        "[--thinking-started] [--malformed-as-content] [--chunks] < ANSWER: parse a model's tool calls",
                        run}};

} // namespace
} // namespace braid::cli::cmd_tool_calls
