// libFuzzer target: tool-call parsing of every format, whole and incremental.
// Input: byte 0 picks the format (and thinking, lenient mode), byte 1 the size of the streamed pieces,
// the rest is the model's answer. Checks, beyond "no crash, no hang": adding up the stream's chunks
// gives exactly the whole parse, and the stream fails exactly when the whole parse fails.
#include <braid/error.hpp>
#include <braid/models/tool_call_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();
}

constexpr braid::ToolCallFormat formats[] = {
    braid::ToolCallFormat::generic,      braid::ToolCallFormat::hermes,
    braid::ToolCallFormat::llama3,       braid::ToolCallFormat::mistral_nemo,
    braid::ToolCallFormat::functionary_v3_2, braid::ToolCallFormat::glm4,
    braid::ToolCallFormat::qwen3_coder,
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    braid::ToolCallSyntax syntax;
    const unsigned flags = data[0] / 7;
    syntax.format = formats[data[0] % 7];
    syntax.thinking = (flags & 1) != 0;
    syntax.thinking_started = (flags & 2) != 0;
    braid::ToolCallParseOptions options;
    options.malformed_as_content = (flags & 4) != 0;
    if ((flags & 8) != 0)
        options.tools = braid::Value::parse(R"([{"name": "f"}, {"type": "function", "function": {"name": "get_weather",
            "parameters": {"properties": {"days": {"type": "integer"}, "ok": {"type": "boolean"}}}}}])");
    const std::size_t piece = 1 + data[1] % 16;
    const std::string_view answer(reinterpret_cast<const char*>(data + 2), size - 2);

    std::optional<braid::Message> whole;
    try {
        whole = braid::parse_tool_calls(answer, syntax, options);
    } catch (const braid::Error& e) {
        check(e.kind() == braid::errc::parse);
    }

    std::optional<braid::Message> streamed;
    try {
        braid::ToolCallStreamParser parser(syntax, options);
        braid::MessageChunk sum;
        for (std::size_t at = 0; at < answer.size(); at += piece)
            for (const braid::MessageChunk& c : parser.feed(answer.substr(at, piece))) sum += c;
        for (const braid::MessageChunk& c : parser.finish()) sum += c;
        streamed = sum.to_message();
    } catch (const braid::Error&) {
    }
    check(whole.has_value() == streamed.has_value());
    if (whole) {
        check(*whole == *streamed);
        for (const braid::ToolCall& call : whole->tool_calls) check(!call.id.empty() && call.arguments.is_object());
    }
    return 0;
}
