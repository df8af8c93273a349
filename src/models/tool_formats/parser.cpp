// parse_tool_calls and ToolCallStreamParser over the family parsers (scan.hpp): a whole parse reads the
// answer once in final mode; the stream parser re-reads the text received so far in partial mode after
// each piece and sends what grew since the last read.
#include "braid/models/tool_call_parser.hpp"

#include <cstdint>
#include <optional>
#include <utility>

#include "braid/error.hpp"
#include "models/tool_formats/scan.hpp"

namespace braid {

using tool_formats::CallFailure;
using tool_formats::Parsed;
using tool_formats::ToolNames;

std::string default_tool_call_id(ToolCallFormat format, std::size_t index, std::string_view name) {
    if (format != ToolCallFormat::mistral_nemo) return "call_" + std::to_string(index);
    // Mistral's template wants exactly 9 alphanumerics: FNV-1a of name and index, in base 62.
    std::uint64_t h = 14695981039346656037ull;
    auto mix = [&h](unsigned char c) { h = (h ^ c) * 1099511628211ull; };
    for (char c : name) mix(static_cast<unsigned char>(c));
    for (char c : std::to_string(index)) mix(static_cast<unsigned char>(c));
    static constexpr std::string_view digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string id(9, '0');
    for (char& c : id) {
        c = digits[h % digits.size()];
        h /= digits.size();
        h = h * 6364136223846793005ull + 1442695040888963407ull; // keep bits for all nine characters
    }
    return id;
}

namespace {

ToolNames tool_names(const Value& tools) {
    ToolNames names;
    if (tools.is_null()) return names;
    if (!tools.is_array())
        throw Error(errc::invalid_argument,
                    std::string("tool-call parsing: tools must be a JSON array of tool definitions, got ") +
                        tools.type_name());
    for (const Value& tool : tools) {
        const Value* holder = &tool;
        if (tool.is_object() && tool.contains("function") && tool["function"].is_object()) holder = &tool["function"];
        if (!holder->is_object() || !holder->contains("name") || !(*holder)["name"].is_string())
            throw Error(errc::invalid_argument, "tool-call parsing: a tool definition has no \"name\": " +
                                                    tool.dump().substr(0, 200));
        names.push_back((*holder)["name"].get<std::string>());
    }
    return names;
}

std::string trimmed(const std::string& text) {
    const std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const std::size_t end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end + 1 - begin);
}

Error parse_error(const ToolCallSyntax& syntax, const CallFailure& f) {
    return Error(errc::parse, std::string(to_string(syntax.format)) + " tool call at byte " +
                                  std::to_string(f.call_start) + ": " + f.what + " (at byte " +
                                  std::to_string(f.at) + ")");
}

// Reads @p text (whole when @p final); a malformed call either throws Error(errc::parse) or, leniently,
// makes the text from its start on content.
Parsed read(std::string_view text, const ToolCallSyntax& syntax, const ToolNames& names,
            const ToolCallParseOptions& options, bool final) {
    std::size_t cut = text.size();
    while (true) {
        try {
            Parsed p = tool_formats::parse_answer(text.substr(0, cut), syntax, names, options.tools,
                                                  final || cut < text.size());
            p.content.append(text.substr(cut));
            return p;
        } catch (const CallFailure& f) {
            if (!options.malformed_as_content || f.call_start >= cut) throw parse_error(syntax, f);
            cut = f.call_start;
        }
    }
}

std::string call_id(const ToolCallSyntax& syntax, const ToolCallParseOptions& options, std::size_t index,
                    const tool_formats::PartialCall& call) {
    if (!call.model_id.empty()) return call.model_id;
    std::string id = options.make_id ? options.make_id(index, call.name) : std::string();
    return id.empty() ? default_tool_call_id(syntax.format, index, call.name) : id;
}

} // namespace

Message parse_tool_calls(std::string_view answer, const ToolCallSyntax& syntax, const ToolCallParseOptions& options) {
    const ToolNames names = options.check_tool_names ? tool_names(options.tools) : ToolNames{};
    if (!options.check_tool_names) (void)tool_names(options.tools);
    Parsed p = read(answer, syntax, names, options, true);
    Message m = Message::assistant(trimmed(p.content));
    m.reasoning_content = trimmed(p.reasoning);
    for (std::size_t i = 0; i < p.calls.size(); ++i) {
        const tool_formats::PartialCall& c = p.calls[i];
        Value arguments = Value::object();
        try {
            if (!c.arguments.empty()) arguments = Value::parse(c.arguments);
        } catch (const std::exception& e) { // the family parsers check this; never expected
            throw Error(errc::parse, std::string(to_string(syntax.format)) + " tool call '" + c.name +
                                         "': the arguments are not valid JSON: " + e.what());
        }
        m.tool_calls.push_back(ToolCall{call_id(syntax, options, i, c), c.name, std::move(arguments)});
    }
    return m;
}

// ---- stream -----------------------------------------------------------------------------------

struct ToolCallStreamParser::State {
    ToolCallSyntax syntax;
    ToolCallParseOptions options;
    ToolNames names;
    std::string text;
    std::size_t sent_content = 0;   // bytes of trimmed content sent
    std::size_t sent_reasoning = 0; // bytes of trimmed reasoning sent
    struct Sent {
        bool name = false;
        bool id = false;
        std::size_t arguments = 0;
    };
    std::vector<Sent> sent_calls;
    bool role_sent = false;
    bool finished = false;
    std::optional<Error> failure;

    // Sends what @p p has beyond what was sent.
    std::vector<MessageChunk> diff(const Parsed& p) {
        std::vector<MessageChunk> out;
        auto chunk = [&]() -> MessageChunk& {
            out.emplace_back();
            if (!role_sent) {
                out.back().role = "assistant";
                role_sent = true;
            }
            return out.back();
        };
        // Trimmed text grows only at its end (raw text only grows; trailing whitespace waits).
        const std::string reasoning = trimmed(p.reasoning);
        if (reasoning.size() > sent_reasoning) {
            chunk().reasoning_content = reasoning.substr(sent_reasoning);
            sent_reasoning = reasoning.size();
        }
        const std::string content = trimmed(p.content);
        if (content.size() > sent_content) {
            chunk().content = content.substr(sent_content);
            sent_content = content.size();
        }
        for (std::size_t i = 0; i < p.calls.size(); ++i) {
            const tool_formats::PartialCall& c = p.calls[i];
            if (!c.name_known) break; // calls go out in order, name first
            if (options.malformed_as_content && !c.complete) break;
            if (sent_calls.size() <= i) sent_calls.emplace_back();
            Sent& s = sent_calls[i];
            ToolCallChunk piece;
            piece.index = i;
            bool any = false;
            if (!s.name) {
                piece.name = c.name;
                s.name = any = true;
            }
            if (!s.id && c.id_known) {
                piece.id = call_id(syntax, options, i, c);
                s.id = any = true;
            }
            if (c.arguments.size() > s.arguments) {
                piece.arguments = c.arguments.substr(s.arguments);
                s.arguments = c.arguments.size();
                any = true;
            }
            if (any) chunk().tool_call_chunks.push_back(std::move(piece));
        }
        return out;
    }

    std::vector<MessageChunk> step(bool final) {
        if (finished) throw Error(errc::invalid_argument, "tool-call stream parser: the answer was already finished");
        if (failure) throw *failure;
        try {
            return diff(read(text, syntax, names, options, final));
        } catch (const Error& e) {
            failure = e;
            throw;
        }
    }
};

ToolCallStreamParser::ToolCallStreamParser(ToolCallSyntax syntax, ToolCallParseOptions options)
    : state_(std::make_unique<State>()) {
    state_->syntax = syntax;
    state_->names = tool_names(options.tools);
    if (!options.check_tool_names) state_->names.clear();
    state_->options = std::move(options);
}

ToolCallStreamParser::~ToolCallStreamParser() = default;
ToolCallStreamParser::ToolCallStreamParser(ToolCallStreamParser&&) noexcept = default;
ToolCallStreamParser& ToolCallStreamParser::operator=(ToolCallStreamParser&&) noexcept = default;

std::vector<MessageChunk> ToolCallStreamParser::feed(std::string_view piece) {
    if (state_->finished) throw Error(errc::invalid_argument, "tool-call stream parser: feed() after finish()");
    state_->text.append(piece);
    return state_->step(false);
}

std::vector<MessageChunk> ToolCallStreamParser::finish() {
    std::vector<MessageChunk> out = state_->step(true);
    state_->finished = true;
    return out;
}

const std::string& ToolCallStreamParser::text() const noexcept { return state_->text; }

} // namespace braid
