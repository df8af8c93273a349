// braid-cli tool-calls: parses a model's raw answer (stdin: the text generated after the generation
// prompt) with a model family's tool-call format and prints the resulting message as JSON: content,
// tool_calls (id, name, parsed arguments) and reasoning_content. The format comes from --format NAME, or
// is detected from a chat template (--template FILE, or --model M.gguf's tokenizer.chat_template).
// Malformed output prints {"error": {"kind": "parse", "message": ...}} and exits with 1.
//
//   printf '<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n</tool_call>' | braid-cli tool-calls --format hermes
#include <chrono>
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
    // A model's text may hold broken UTF-8: shown with replacement characters rather than refused.
    const std::string text = json.dump(2, ' ', false, Value::error_handler_t::replace) + "\n";
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
    const bool stats = args.has("--stream-stats");
    const std::string piece_text = args.value("--piece", "4");
    const std::size_t piece = piece_text.find_first_not_of("0123456789") == std::string::npos && piece_text.size() < 9
                                  ? std::stoul(piece_text)
                                  : 0;
    if (piece == 0) throw Error(errc::invalid_argument, "--piece needs a positive number of bytes, got '" + piece_text + "'");
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
                for (const MessageChunk& c : pieces) std::printf("%s\n", Value(c).dump(-1, ' ', false, Value::error_handler_t::replace).c_str());
            };
            for (char c : answer) print(parser.feed(std::string_view(&c, 1)));
            print(parser.finish());
            std::fflush(stdout);
            return 0;
        }
        if (stats) {
            // The cost of streaming: the answer fed in pieces of --piece bytes (default 4, about a token)
            // against one whole parse, without printing the chunks.
            const auto start = std::chrono::steady_clock::now();
            (void)parse_tool_calls(answer, syntax, options);
            const auto whole_done = std::chrono::steady_clock::now();
            ToolCallStreamParser parser(syntax, options);
            std::size_t count = 0, feeds = 0;
            for (std::size_t at = 0; at < answer.size(); at += piece, ++feeds)
                count += parser.feed(std::string_view(answer).substr(at, piece)).size();
            count += parser.finish().size();
            const auto end = std::chrono::steady_clock::now();
            auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
            print_json(Value{{"bytes", answer.size()}, {"feeds", feeds}, {"chunks", count},
                             {"whole_ms", ms(whole_done - start)}, {"stream_ms", ms(end - whole_done)},
                             {"stream_us_per_feed", feeds ? 1000.0 * ms(end - whole_done) / double(feeds) : 0.0}});
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
                        "[--thinking-started] [--malformed-as-content] [--chunks | --stream-stats [--piece N]] < ANSWER: "
                        "parse a model's tool calls",
                        run}};

} // namespace
} // namespace braid::cli::cmd_tool_calls
