// Tool-call parsing per model family, from answers written as the models emit them (exact markers,
// whitespace and newlines), whole and streamed at every split point.
#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/models/tool_call_parser.hpp"
#include "unit/error_text.hpp"
#include "unit/models/tool_formats_stream_util.hpp"

using braid::Message;
using braid::parse_tool_calls;
using braid::ToolCallFormat;
using braid::ToolCallParseOptions;
using braid::ToolCallSyntax;
using braid::Value;
using tool_test::check_every_split;

namespace {

ToolCallSyntax syntax_of(ToolCallFormat format, bool thinking = false, bool started = false) {
    ToolCallSyntax s;
    s.format = format;
    s.thinking = thinking;
    s.thinking_started = started;
    return s;
}

const Value weather_tools = Value::parse(R"([
  {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
  {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}])");

} // namespace

TEST_CASE("[tool_formats] hermes: Qwen 2.5 call with text before it", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::hermes);
    const std::string answer = "I'll check the weather for you.\n<tool_call>\n{\"name\": \"get_weather\", "
                               "\"arguments\": {\"location\": \"Paris, France\", \"unit\": \"celsius\"}}\n</tool_call>";
    const Message m = parse_tool_calls(answer, syntax);
    CHECK(m.role == "assistant");
    CHECK(m.content == "I'll check the weather for you.");
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].id == "call_0");
    CHECK(m.tool_calls[0].name == "get_weather");
    CHECK(m.tool_calls[0].arguments == Value::parse(R"({"location": "Paris, France", "unit": "celsius"})"));
    CHECK(m.reasoning_content.empty());
    check_every_split(answer, syntax);
}

TEST_CASE("[tool_formats] hermes: several calls, string arguments, missing final close tag", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::hermes);
    const std::string answer =
        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Tokyo\"}}\n</tool_call>\n"
        "<tool_call>\n{\"name\": \"get_time\", \"arguments\": \"{\\\"tz\\\": \\\"Asia/Tokyo\\\"}\"}\n</tool_call>\n"
        "<tool_call>\n{\"arguments\": {}, \"name\": \"get_time\"}\n";
    const Message m = parse_tool_calls(answer, syntax);
    CHECK(m.content.empty());
    REQUIRE(m.tool_calls.size() == 3);
    CHECK(m.tool_calls[1].arguments == Value{{"tz", "Asia/Tokyo"}}); // a JSON string, decoded
    CHECK(m.tool_calls[2].name == "get_time");
    CHECK(m.tool_calls[2].arguments == Value::object());
    CHECK(m.tool_calls[2].id == "call_2");
    check_every_split(answer, syntax);
}

TEST_CASE("[tool_formats] hermes: Qwen3 thinking then a call", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::hermes, true);
    const std::string answer = "<think>\nThe user wants the weather in Berlin. I should call get_weather.\n</think>\n\n"
                               "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Berlin\"}}\n"
                               "</tool_call>";
    const Message m = parse_tool_calls(answer, syntax);
    CHECK(m.reasoning_content == "The user wants the weather in Berlin. I should call get_weather.");
    CHECK(m.content.empty());
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].arguments == Value{{"location", "Berlin"}});
    check_every_split(answer, syntax);
}

TEST_CASE("[tool_formats] thinking opened by the generation prompt (QwQ, DeepSeek R1)", "[unit]") {
    const auto qwq = syntax_of(ToolCallFormat::hermes, true, true);
    const std::string answer = "Okay, 17 * 23: 17*20 = 340, 17*3 = 51, total 391.\n</think>\n\n17 × 23 = **391**.";
    const Message m = parse_tool_calls(answer, qwq);
    CHECK(m.reasoning_content == "Okay, 17 * 23: 17*20 = 340, 17*3 = 51, total 391.");
    CHECK(m.content == "17 × 23 = **391**.");
    check_every_split(answer, qwq);

    // R1's template does not open it: the model writes <think> itself.
    const auto r1 = syntax_of(ToolCallFormat::generic, true);
    const std::string r1_answer = "<think>\nSimple greeting.\n</think>\n\nHello! How can I help you today?";
    const Message r = parse_tool_calls(r1_answer, r1);
    CHECK(r.reasoning_content == "Simple greeting.");
    CHECK(r.content == "Hello! How can I help you today?");
    check_every_split(r1_answer, r1);

    // An answer cut off while thinking is all reasoning; no think block at all is all content.
    CHECK(parse_tool_calls("I am still thinking about", qwq).reasoning_content == "I am still thinking about");
    CHECK(parse_tool_calls("Plain answer.", r1).content == "Plain answer.");
    check_every_split("I am still thinking about </thi", qwq);
}

TEST_CASE("[tool_formats] hermes: malformed output is a parse error or content", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::hermes);
    const std::string bad_json = "Let me see.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": "
                                 "Paris}}\n</tool_call>";
    CHECK(braid_test::error_of([&] { parse_tool_calls(bad_json, syntax); }) ==
          "parse: hermes tool call at byte 12: a JSON value expected, found 'P' (at byte 74)");
    ToolCallParseOptions lenient;
    lenient.malformed_as_content = true;
    const Message m = parse_tool_calls(bad_json, syntax, lenient);
    CHECK(m.tool_calls.empty());
    CHECK(m.content == bad_json);
    check_every_split(bad_json, syntax);
    check_every_split(bad_json, syntax, lenient);

    const std::string unterminated = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Par";
    CHECK(braid_test::error_of([&] { parse_tool_calls(unterminated, syntax); }) ==
          "parse: hermes tool call at byte 0: unterminated call: the answer ends inside its JSON (at byte 66)");
    check_every_split(unterminated, syntax);
    check_every_split(unterminated, syntax, lenient);

    // A good call followed by a bad one: the good one stays, the bad one is content.
    const std::string second_bad = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>\n"
                                   "<tool_call>\n{\"name\": \"get_time\" \"arguments\": {}}\n</tool_call>";
    const Message two = parse_tool_calls(second_bad, syntax, lenient);
    REQUIRE(two.tool_calls.size() == 1);
    CHECK(two.content == "<tool_call>\n{\"name\": \"get_time\" \"arguments\": {}}\n</tool_call>");
    check_every_split(second_bad, syntax, lenient);

    CHECK(braid_test::error_of([&] { parse_tool_calls("<tool_call>\n[1, 2]\n</tool_call>", syntax); }) ==
          "parse: hermes tool call at byte 0: a JSON object expected after <tool_call> (at byte 12)");
    CHECK(braid_test::error_of([&] { parse_tool_calls("<tool_call>{\"name\": \"f\", \"arguments\": 3}</tool_call>", syntax); }) ==
          "parse: hermes tool call at byte 0: the arguments must be a JSON object, found '3' (at byte 38)");
    CHECK(braid_test::error_of([&] { parse_tool_calls("<tool_call>{\"arguments\": {}}</tool_call>", syntax); }) ==
          "parse: hermes tool call at byte 0: the call object has no \"name\" (at byte 11)");
    CHECK(braid_test::error_of([&] { parse_tool_calls("<tool_call>{\"name\": \"f\"} trailing</tool_call>", syntax); }) ==
          "parse: hermes tool call at byte 0: </tool_call> expected after the call's JSON (at byte 25)");
}

TEST_CASE("[tool_formats] unknown tools are malformed when the bound tools are known", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::hermes);
    const std::string answer = "<tool_call>\n{\"name\": \"send_email\", \"arguments\": {\"to\": \"x\"}}\n</tool_call>";
    ToolCallParseOptions options;
    options.tools = weather_tools;
    CHECK(braid_test::error_of([&] { parse_tool_calls(answer, syntax, options); }) ==
          "parse: hermes tool call at byte 0: unknown tool 'send_email' (bound tools: get_weather, get_time) "
          "(at byte 21)");
    check_every_split(answer, syntax, options);
    options.check_tool_names = false;
    CHECK(parse_tool_calls(answer, syntax, options).tool_calls.at(0).name == "send_email");
    options.tools = Value::parse(R"([{"type": "function"}])");
    CHECK(braid_test::error_of([&] { parse_tool_calls(answer, syntax, options); }).starts_with(
        "invalid_argument: tool-call parsing: a tool definition has no \"name\""));
}

TEST_CASE("[tool_formats] llama3: bare JSON calls", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::llama3);
    const std::string answer = "{\"name\": \"get_weather\", \"parameters\": {\"location\": \"San Francisco, CA\", "
                               "\"unit\": \"fahrenheit\"}}";
    const Message m = parse_tool_calls(answer, syntax);
    CHECK(m.content.empty());
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].name == "get_weather");
    CHECK(m.tool_calls[0].arguments["unit"] == "fahrenheit");
    check_every_split(answer, syntax);

    const std::string two = "{\"type\": \"function\", \"name\": \"get_weather\", \"parameters\": {\"location\": "
                            "\"Rome\"}}; {\"name\": \"get_time\", \"parameters\": {\"tz\": \"CET\"}}";
    const Message t = parse_tool_calls(two, syntax);
    REQUIRE(t.tool_calls.size() == 2);
    CHECK(t.tool_calls[1].id == "call_1");
    check_every_split(two, syntax);

    // JSON that is not a call is the answer's text.
    const std::string json_answer = "{\"result\": 42}";
    CHECK(parse_tool_calls(json_answer, syntax).content == json_answer);
    check_every_split(json_answer, syntax);
    CHECK(parse_tool_calls("The weather is sunny.", syntax).content == "The weather is sunny.");
}

TEST_CASE("[tool_formats] llama3: python_tag with JSON, built-in tools and code", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::llama3);
    const std::string json = "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"location\": \"Oslo\"}}";
    CHECK(parse_tool_calls(json, syntax).tool_calls.at(0).arguments == Value{{"location", "Oslo"}});
    check_every_split(json, syntax);

    const std::string builtin = "<|python_tag|>brave_search.call(query=\"current weather in Menlo Park, "
                                "California\")<|eom_id|>";
    const Message b = parse_tool_calls(builtin, syntax);
    REQUIRE(b.tool_calls.size() == 1);
    CHECK(b.tool_calls[0].name == "brave_search");
    CHECK(b.tool_calls[0].arguments == Value{{"query", "current weather in Menlo Park, California"}});
    CHECK(b.content.empty());
    check_every_split(builtin, syntax);

    const std::string wolfram = "<|python_tag|>wolfram_alpha.call(query='solve x^2 + 2x = 0', n=3, exact=True)";
    CHECK(parse_tool_calls(wolfram, syntax).tool_calls.at(0).arguments ==
          Value::parse(R"({"query": "solve x^2 + 2x = 0", "n": 3, "exact": true})"));
    check_every_split(wolfram, syntax);

    const std::string code = "<|python_tag|>import math\nprint(math.sqrt(2) * \"x\")<|eom_id|>";
    const Message c = parse_tool_calls(code, syntax);
    REQUIRE(c.tool_calls.size() == 1);
    CHECK(c.tool_calls[0].name == "python");
    CHECK(c.tool_calls[0].arguments == Value{{"code", "import math\nprint(math.sqrt(2) * \"x\")"}});
    check_every_split(code, syntax);

    // Found by the fuzzer: a built-in call whose string is not UTF-8 is malformed, not an exception.
    CHECK(braid_test::error_of([&] { parse_tool_calls("<|python_tag|>brave_search.call(query=\"\xc8V\")", syntax); }) ==
          "parse: llama3 tool call at byte 14: the arguments of the built-in tool call are not valid UTF-8 (at byte 42)");
    CHECK(braid_test::error_of([&] { parse_tool_calls("<|python_tag|>brave_search.call(query=\"x\"", syntax); }) ==
          "parse: llama3 tool call at byte 14: unterminated built-in tool call: ')' missing (at byte 41)");
    CHECK(braid_test::error_of([&] { parse_tool_calls("{\"name\": \"get_weather\", \"parameters\": {\"a\": }}", syntax); })
              .starts_with("parse: llama3 tool call at byte 0: a JSON value expected, found '}'"));
}

TEST_CASE("[tool_formats] mistral_nemo: TOOL_CALLS list with ids", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::mistral_nemo);
    const std::string answer = "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\", "
                               "\"format\": \"celsius\"}, \"id\": \"wX9kLm2Qa\"}, {\"name\": \"get_time\", "
                               "\"arguments\": {\"tz\": \"Europe/Paris\"}}]";
    const Message m = parse_tool_calls(answer, syntax);
    REQUIRE(m.tool_calls.size() == 2);
    CHECK(m.tool_calls[0].id == "wX9kLm2Qa");
    const std::string& generated = m.tool_calls[1].id;
    CHECK(generated.size() == 9);
    CHECK(generated.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
          std::string::npos);
    CHECK(generated == braid::default_tool_call_id(ToolCallFormat::mistral_nemo, 1, "get_time"));
    check_every_split(answer, syntax);

    const std::string text_first = "Sure, let me check.[TOOL_CALLS] [{\"id\": \"abcdefghi\", \"name\": \"get_time\", "
                                   "\"arguments\": {}}]";
    const Message t = parse_tool_calls(text_first, syntax);
    CHECK(t.content == "Sure, let me check.");
    CHECK(t.tool_calls.at(0).id == "abcdefghi");
    check_every_split(text_first, syntax);

    ToolCallParseOptions options;
    options.make_id = [](std::size_t index, std::string_view) { return "turn3x00" + std::to_string(index); };
    CHECK(parse_tool_calls(answer, syntax, options).tool_calls.at(1).id == "turn3x001");

    const std::string bad = "[TOOL_CALLS][{\"name\": \"get_time\", \"arguments\": {}} {\"name\": \"x\"}]";
    CHECK(braid_test::error_of([&] { parse_tool_calls(bad, syntax); }) ==
          "parse: mistral_nemo tool call at byte 51: ',' or ']' expected in the [TOOL_CALLS] list (at byte 51)");
    ToolCallParseOptions lenient;
    lenient.malformed_as_content = true;
    check_every_split(bad, syntax, lenient);
    check_every_split(bad, syntax);
}

TEST_CASE("[tool_formats] functionary_v3_2: recipients, text and several calls", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::functionary_v3_2);
    const std::string answer = "all\nLet me look both up.>>>get_weather\n{\"location\": \"Istanbul\"}>>>get_time\n"
                               "{\"tz\": \"Europe/Istanbul\"}";
    const Message m = parse_tool_calls(answer, syntax);
    CHECK(m.content == "Let me look both up.");
    REQUIRE(m.tool_calls.size() == 2);
    CHECK(m.tool_calls[0].name == "get_weather");
    CHECK(m.tool_calls[1].arguments == Value{{"tz", "Europe/Istanbul"}});
    check_every_split(answer, syntax);

    const std::string text = "all\nHello! I can check the weather or the time for you.";
    CHECK(parse_tool_calls(text, syntax).content == "Hello! I can check the weather or the time for you.");
    check_every_split(text, syntax);

    const std::string code = "python\nimport datetime\nprint(datetime.date.today())";
    CHECK(parse_tool_calls(code, syntax).tool_calls.at(0).arguments ==
          Value{{"code", "import datetime\nprint(datetime.date.today())"}});
    check_every_split(code, syntax);

    // With the prompt's >>> in the answer, and a model that ignores the format.
    CHECK(parse_tool_calls(">>>get_time\n{}", syntax).tool_calls.at(0).name == "get_time");
    CHECK(parse_tool_calls("Sure thing, here it is.", syntax).content == "Sure thing, here it is.");

    CHECK(braid_test::error_of([&] { parse_tool_calls("get_weather\n{\"location\": \"Istanbul\"", syntax); }) ==
          "parse: functionary_v3_2 tool call at byte 0: unterminated call: the answer ends inside its JSON (at byte 35)");
    CHECK(braid_test::error_of([&] { parse_tool_calls("get_weather\nIstanbul please", syntax); }) ==
          "parse: functionary_v3_2 tool call at byte 0: the arguments of 'get_weather' must be a JSON object (at byte 12)");
}

TEST_CASE("[tool_formats] glm4: name line then JSON, text after a newline", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::glm4);
    const std::string call = "get_weather\n{\"location\": \"北京\"}";
    const Message m = parse_tool_calls(call, syntax);
    REQUIRE(m.tool_calls.size() == 1);
    CHECK(m.tool_calls[0].name == "get_weather");
    CHECK(m.tool_calls[0].arguments == Value{{"location", "北京"}});
    CHECK(m.content.empty());
    check_every_split(call, syntax);

    const std::string text = "\n北京今天晴，气温 22°C。";
    CHECK(parse_tool_calls(text, syntax).content == "北京今天晴，气温 22°C。");
    check_every_split(text, syntax);

    const std::string two = "get_weather\n{\"location\": \"Beijing\"}<|assistant|>get_time\n{\"tz\": \"Asia/Shanghai\"}";
    CHECK(parse_tool_calls(two, syntax).tool_calls.size() == 2);
    check_every_split(two, syntax);

    CHECK(parse_tool_calls("OK", syntax).content == "OK");
    CHECK(braid_test::error_of([&] { parse_tool_calls("get_weather\n{\"location\": }", syntax); })
              .starts_with("parse: glm4 tool call at byte 0: a JSON value expected, found '}'"));
}

TEST_CASE("[tool_formats] qwen3_coder: XML parameters typed by the tools' schemas", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::qwen3_coder);
    const std::string answer = "I'll search for that.\n<tool_call>\n<function=search_files>\n<parameter=pattern>\n"
                               "*.cpp\n</parameter>\n<parameter=max_results>\n20\n</parameter>\n<parameter=recursive>\n"
                               "True\n</parameter>\n<parameter=paths>\n[\"src\", \"tests\"]\n</parameter>\n</function>\n"
                               "</tool_call>";
    const Message plain = parse_tool_calls(answer, syntax);
    CHECK(plain.content == "I'll search for that.");
    REQUIRE(plain.tool_calls.size() == 1);
    CHECK(plain.tool_calls[0].name == "search_files");
    // Without schemas: lists and objects are JSON, the rest text.
    CHECK(plain.tool_calls[0].arguments ==
          Value::parse(R"({"pattern": "*.cpp", "max_results": "20", "recursive": "True", "paths": ["src", "tests"]})"));
    check_every_split(answer, syntax);

    ToolCallParseOptions options;
    options.tools = Value::parse(R"([{"type": "function", "function": {"name": "search_files", "parameters": {
        "type": "object", "properties": {"pattern": {"type": "string"}, "max_results": {"type": "integer"},
        "recursive": {"type": "boolean"}, "paths": {"type": "array"}}}}}])");
    CHECK(parse_tool_calls(answer, syntax, options).tool_calls.at(0).arguments ==
          Value::parse(R"({"pattern": "*.cpp", "max_results": 20, "recursive": true, "paths": ["src", "tests"]})"));
    check_every_split(answer, syntax, options);

    // Arguments stream one parameter at a time.
    braid::ToolCallStreamParser stream(syntax, options);
    (void)stream.feed(answer.substr(0, answer.find("<parameter=max_results>")));
    const auto chunks = stream.feed("<parameter=max_results>\n20\n</parameter>");
    REQUIRE(chunks.size() == 1);
    CHECK(chunks[0].tool_call_chunks.at(0).arguments == ", \"max_results\": 20");

    CHECK(braid_test::error_of([&] { parse_tool_calls("<tool_call>\n<function=f>\n<parameter=a>\n1\n", syntax); }) ==
          "parse: qwen3_coder tool call at byte 0: unterminated call: the answer ends inside it (at byte 41)");
    CHECK(braid_test::error_of([&] { parse_tool_calls("<tool_call>\n<function=f>\nnope</function>", syntax); }) ==
          "parse: qwen3_coder tool call at byte 0: <parameter=name> or </function> expected in the call (at byte 25)");
}

TEST_CASE("[tool_formats] generic: bare JSON, fenced JSON, arrays, not-a-call JSON", "[unit]") {
    const auto syntax = syntax_of(ToolCallFormat::generic);
    const std::string bare = "{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Lima\"}, \"id\": \"w1\"}";
    const Message b = parse_tool_calls(bare, syntax);
    REQUIRE(b.tool_calls.size() == 1);
    CHECK(b.tool_calls[0].id == "w1");
    check_every_split(bare, syntax);

    const std::string fenced = "I will call the weather tool.\n```json\n{\n  \"name\": \"get_weather\",\n  "
                               "\"parameters\": {\"location\": \"Lima\"}\n}\n```\nDone.";
    const Message f = parse_tool_calls(fenced, syntax);
    CHECK(f.content == "I will call the weather tool.\n\nDone.");
    REQUIRE(f.tool_calls.size() == 1);
    CHECK(f.tool_calls[0].id == "call_0");
    check_every_split(fenced, syntax);

    const std::string array = "[{\"function\": {\"name\": \"get_time\", \"arguments\": \"{}\"}}, "
                              "{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Quito\"}}]";
    CHECK(parse_tool_calls(array, syntax).tool_calls.size() == 2);
    check_every_split(array, syntax);

    const std::string other = "Here is the data:\n```json\n{\"temperature\": 22}\n```";
    CHECK(parse_tool_calls(other, syntax).content == other);
    check_every_split(other, syntax);
    const std::string broken = "{\"name\": \"get_weather\", \"arguments\": {";
    CHECK(parse_tool_calls(broken, syntax).content == broken);
    check_every_split(broken, syntax);
}

TEST_CASE("[tool_formats] the stream sends content early and calls name first", "[unit]") {
    braid::ToolCallStreamParser parser(syntax_of(ToolCallFormat::hermes));
    auto chunks = parser.feed("Checking now. <tool");
    REQUIRE(chunks.size() == 1);
    CHECK(chunks[0].role == "assistant");
    CHECK(chunks[0].content == "Checking now."); // the space and the marker prefix wait
    CHECK(parser.feed("_call>\n{\"name\": \"get_wea").empty());
    chunks = parser.feed("ther\", \"arguments\": {\"location\"");
    REQUIRE(chunks.size() == 1);
    REQUIRE(chunks[0].tool_call_chunks.size() == 1);
    const braid::ToolCallChunk& first = chunks[0].tool_call_chunks[0];
    CHECK(first.index == std::size_t{0});
    CHECK(first.name == "get_weather");
    CHECK(first.id == "call_0");
    CHECK(first.arguments == "{\"location\"");
    chunks = parser.feed(": \"Paris\"}}\n</tool_call>");
    REQUIRE(chunks.size() == 1);
    CHECK(chunks[0].tool_call_chunks.at(0).arguments == ": \"Paris\"}");
    CHECK(chunks[0].tool_call_chunks.at(0).name.empty());
    CHECK(parser.finish().empty());
    CHECK_THROWS_AS(parser.feed("x"), braid::Error);

    // Strict mode fails as soon as the JSON is wrong, and stays failed.
    braid::ToolCallStreamParser bad(syntax_of(ToolCallFormat::hermes));
    (void)bad.feed("<tool_call>{\"name\": ");
    CHECK(braid_test::error_of([&] { (void)bad.feed("nope"); }) ==
          "parse: hermes tool call at byte 0: a bad JSON literal (expected null) (at byte 21)");
    CHECK(braid_test::error_of([&] { (void)bad.finish(); }).starts_with("parse: hermes tool call at byte 0"));
}

TEST_CASE("[tool_formats] format names and errors", "[unit]") {
    CHECK(braid::tool_call_format_from_name("hermes") == ToolCallFormat::hermes);
    CHECK(braid::tool_call_format_from_name("Qwen2.5") == ToolCallFormat::hermes);
    CHECK(braid::tool_call_format_from_name("llama3.2") == ToolCallFormat::llama3);
    CHECK(braid::tool_call_format_from_name("mistral") == ToolCallFormat::mistral_nemo);
    CHECK(braid::tool_call_format_from_name("functionary") == ToolCallFormat::functionary_v3_2);
    CHECK(braid::tool_call_format_from_name("chatglm3") == ToolCallFormat::glm4);
    for (std::string_view name : braid::tool_call_format_names())
        CHECK(braid::to_string(braid::tool_call_format_from_name(name)) == name);
    CHECK(braid_test::error_of([] { braid::tool_call_format_from_name("gpt"); }) ==
          "invalid_argument: unknown tool-call format 'gpt' (known formats: generic, hermes, llama3, mistral_nemo, "
          "functionary_v3_2, glm4, qwen3_coder)");
}
