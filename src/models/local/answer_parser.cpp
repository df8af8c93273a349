#include "models/local/answer_parser.hpp"

#include <string>

#include "braid/models/tool_call_ids.hpp"
#include "braid/models/tool_call_parser.hpp"

namespace braid::local_detail {

namespace {

// Every piece of text is content, passed on at once.
class PlainAnswerParser final : public AnswerParser {
public:
    std::vector<MessageChunk> push(std::string_view text) override {
        if (text.empty())
            return {};
        MessageChunk chunk;
        chunk.content = std::string(text);
        return {std::move(chunk)};
    }
    std::vector<MessageChunk> finish() override { return {}; }
};

// The family's incremental parser: content, reasoning and tool-call chunks.
class ToolAnswerParser final : public AnswerParser {
public:
    ToolAnswerParser(const ToolCallSyntax& syntax, ToolCallParseOptions options) : parser_(syntax, std::move(options)) {}
    std::vector<MessageChunk> push(std::string_view text) override { return parser_.feed(text); }
    std::vector<MessageChunk> finish() override { return parser_.finish(); }

private:
    ToolCallStreamParser parser_;
};

} // namespace

bool tools_bound(const GenerationOptions& options) {
    const bool none = options.tool_choice.is_string() && options.tool_choice.get<std::string>() == "none";
    return options.tools.is_array() && !options.tools.empty() && !none;
}

std::unique_ptr<AnswerParser> make_answer_parser(const GenerationOptions& options, const ToolCallSyntax& syntax,
                                                 bool malformed_as_content) {
    const bool tools = tools_bound(options);
    if (!tools && !syntax.thinking && !syntax.thinking_started)
        return std::make_unique<PlainAnswerParser>();
    ToolCallParseOptions parse;
    parse.malformed_as_content = malformed_as_content;
    // Ids unique across the conversation's turns: call_0 on every turn would mix up tool results.
    parse.make_id = unique_tool_call_ids(syntax.format);
    if (tools)
        parse.tools = options.tools;
    return std::make_unique<ToolAnswerParser>(syntax, std::move(parse));
}

} // namespace braid::local_detail
