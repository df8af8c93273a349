// LocalChatModel with tools and thinking: the answer streams through the tool-call family's parser
// (content, reasoning_content, tool-call chunks), the final message carries tool_calls with ids and
// finish_reason "tool_calls", bound tools constrain the call (forced by tool_choice), malformed calls
// are errors or content as the options say. stories260K cannot call tools on its own: a grammar
// (extra.grammar) scripts its answer, or tool_choice forces a call through the tools' grammar.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "braid/core/runnable.hpp"
#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "braid/parsers/json_schema_validator.hpp"
#include "local_test_util.hpp"

using braid::GenerationOptions;
using braid::LocalChatModel;
using braid::LocalChatModelOptions;
using braid::Message;
using braid::MessageChunk;
using braid::Messages;
using braid::Value;

namespace tool_calls_test {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::filesystem::path templates_dir() { return std::filesystem::path(BRAID_TEST_DATA_DIR) / "templates"; }

LocalChatModelOptions options_with(const std::string& template_file) {
    LocalChatModelOptions o;
    o.scheduler.n_seq_max = 2;
    o.scheduler.n_ctx = 2 * 2048;
    o.scheduler.threads = 2;
    o.chat_template = read_file(templates_dir() / template_file);
    o.defaults.temperature = 0.0;
    o.defaults.max_tokens = 200;
    return o;
}

Value tools() { return Value::parse(read_file(templates_dir() / "tool_calls" / "tools.json")); }

// A GBNF grammar whose only sentence is @p text.
std::string exactly(const std::string& text) {
    std::string g = "root ::= \"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            g += '\\';
        if (c == '\n')
            g += "\\n";
        else
            g += c;
    }
    return g + "\"";
}

struct Answer {
    std::vector<MessageChunk> chunks;
    Message message;
    Value metadata;
};

Answer run(const LocalChatModel& model, const GenerationOptions& options,
           const Messages& messages = {Message::user("What is the weather in Paris?")}) {
    Answer a;
    braid::RunContext ctx(braid::default_run_config());
    MessageChunk sum;
    for (MessageChunk& c : model.stream(messages, options, ctx)) {
        sum = sum + c;
        a.chunks.push_back(std::move(c));
    }
    a.message = sum.to_message();
    a.metadata = a.chunks.back().response_metadata;
    return a;
}

} // namespace tool_calls_test

using namespace tool_calls_test;

TEST_CASE("[local_tool_calls] the format is detected from the template or forced by name", "[engine]") {
    LocalChatModel qwen(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    CHECK(qwen.tool_call_syntax().format == braid::ToolCallFormat::hermes);
    LocalChatModel llama(local_test::stories(), options_with("meta-llama-Llama-3.2-3B-Instruct.jinja"));
    CHECK(llama.tool_call_syntax().format == braid::ToolCallFormat::llama3);
    LocalChatModel r1(local_test::stories(), options_with("Qwen-Qwen3-0.6B.jinja"));
    CHECK(r1.tool_call_syntax().thinking);
    LocalChatModelOptions forced = options_with("Qwen-Qwen2.5-7B-Instruct.jinja");
    forced.tool_call_format = "mistral";
    CHECK(LocalChatModel(local_test::stories(), forced).tool_call_syntax().format == braid::ToolCallFormat::mistral_nemo);
    forced.tool_call_format = "no-such-format";
    CHECK(local_test::kind_of([&] { LocalChatModel(local_test::stories(), forced); }) == braid::errc::invalid_argument);
}

TEST_CASE("[local_tool_calls] a scripted Hermes call streams as name first, then arguments", "[engine]") {
    LocalChatModel model(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    GenerationOptions o;
    o.tools = tools();
    const std::string answer = read_file(templates_dir() / "tool_calls" / "qwen2.5-call.txt");
    o.extra["grammar"] = exactly(answer);
    const Answer a = run(model, o);
    CHECK(a.message.content == "I will check the weather.");
    REQUIRE(a.message.tool_calls.size() == 1);
    CHECK(a.message.tool_calls[0].name == "get_weather");
    CHECK(a.message.tool_calls[0].arguments == Value{{"location", "Paris, France"}});
    CHECK_FALSE(a.message.tool_calls[0].id.empty());
    CHECK(a.metadata["finish_reason"] == "tool_calls");
    // The first tool-call chunk names the tool; argument text follows in later chunks.
    std::size_t first_call = a.chunks.size();
    for (std::size_t i = 0; i < a.chunks.size() && first_call == a.chunks.size(); ++i)
        if (!a.chunks[i].tool_call_chunks.empty())
            first_call = i;
    REQUIRE(first_call < a.chunks.size());
    CHECK(a.chunks[first_call].tool_call_chunks[0].name == "get_weather");
    CHECK(a.chunks.front().role == "assistant");
}

TEST_CASE("[local_tool_calls] tool_choice forces a call that names a bound tool with valid arguments", "[engine]") {
    LocalChatModel model(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    GenerationOptions o;
    o.tools = tools();
    o.tool_choice = "required";
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        o.seed = seed;
        o.temperature = 1.0;
        const Answer a = run(model, o);
        REQUIRE(a.message.tool_calls.size() == 1);
        const braid::ToolCall& call = a.message.tool_calls[0];
        CHECK((call.name == "get_weather" || call.name == "get_time"));
        CHECK_FALSE(call.id.empty());
        CHECK(a.metadata["finish_reason"] == "tool_calls");
        const Value bound = tools();
        const Value& schema = bound[call.name == "get_weather" ? 0 : 1]["function"]["parameters"];
        CHECK(braid::JsonSchemaValidator(schema).is_valid(call.arguments));
    }
    o.tool_choice = Value{{"type", "function"}, {"function", {{"name", "get_time"}}}};
    o.seed = 7;
    const Answer named = run(model, o);
    REQUIRE(named.message.tool_calls.size() == 1);
    CHECK(named.message.tool_calls[0].name == "get_time");
    CHECK(named.message.tool_calls[0].arguments.contains("tz"));
}

TEST_CASE("[local_tool_calls] Llama 3 calls are forced in its own syntax", "[engine]") {
    LocalChatModel model(local_test::stories(), options_with("meta-llama-Llama-3.2-3B-Instruct.jinja"));
    GenerationOptions o;
    o.tools = tools();
    o.tool_choice = Value{{"type", "function"}, {"function", {{"name", "get_weather"}}}};
    const Answer a = run(model, o);
    REQUIRE(a.message.tool_calls.size() == 1);
    CHECK(a.message.tool_calls[0].name == "get_weather");
    CHECK(a.message.tool_calls[0].arguments["location"].is_string());
    CHECK(a.metadata["finish_reason"] == "tool_calls");
}

TEST_CASE("[local_tool_calls] thinking becomes reasoning_content", "[engine]") {
    LocalChatModel model(local_test::stories(), options_with("Qwen-Qwen3-0.6B.jinja"));
    REQUIRE(model.tool_call_syntax().thinking);
    GenerationOptions o;
    o.extra["grammar"] = exactly("<think>\nThe user wants a story.\n</think>\n\nOnce upon a time.");
    const Answer a = run(model, o, {Message::user("Tell me a story")});
    CHECK(a.message.reasoning_content == "The user wants a story.");
    CHECK(a.message.content == "Once upon a time.");
    CHECK(a.message.tool_calls.empty());
    CHECK(a.metadata["finish_reason"] == "stop");
}

TEST_CASE("[local_tool_calls] malformed calls are a parse error, or content when asked", "[engine]") {
    const std::string bad = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": }\n</tool_call>";
    GenerationOptions o;
    o.tools = tools();
    o.extra["grammar"] = exactly(bad);
    LocalChatModel strict(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    CHECK(local_test::kind_of([&] { run(strict, o); }) == braid::errc::parse);

    LocalChatModelOptions lenient_options = options_with("Qwen-Qwen2.5-7B-Instruct.jinja");
    lenient_options.malformed_tool_calls_as_content = true;
    LocalChatModel lenient(local_test::stories(), lenient_options);
    const Answer a = run(lenient, o);
    CHECK(a.message.tool_calls.empty());
    CHECK(a.message.content == bad);
    CHECK(a.metadata["finish_reason"] == "stop");
}

TEST_CASE("[local_tool_calls] bad tool options are errors that name them", "[engine]") {
    LocalChatModel model(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    GenerationOptions o;
    o.tools = tools();
    o.tool_choice = Value{{"type", "function"}, {"function", {{"name", "launch_rocket"}}}};
    CHECK(local_test::kind_of([&] { run(model, o); }) == braid::errc::invalid_argument);
    o.tool_choice = "required";
    o.tools = Value::array({Value{{"type", "function"}, {"function", {{"description", "no name"}}}}});
    CHECK(local_test::kind_of([&] { run(model, o); }) == braid::errc::invalid_argument);

    LocalChatModelOptions glm = options_with("Qwen-Qwen2.5-7B-Instruct.jinja");
    glm.tool_call_format = "glm4";
    LocalChatModel glm_model(local_test::stories(), glm);
    o.tools = tools();
    CHECK(local_test::kind_of([&] { run(glm_model, o); }) == braid::errc::unsupported);
}

TEST_CASE("[local_tool_calls] without a forced choice the tool grammar waits for the call marker", "[engine]") {
    LocalChatModel model(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    GenerationOptions o;
    o.tools = tools();
    o.max_tokens = 24;
    // stories260K never writes "<tool_call>": the lazy grammar stays inactive, the answer is the
    // model's free text, the same as without tools' grammar (tool_choice none still renders no tools).
    const Answer a = run(model, o);
    CHECK(a.message.tool_calls.empty());
    CHECK_FALSE(a.message.content.empty());
    auto g = model.grammar_for(o);
    REQUIRE(g);
    CHECK(model.grammar_for(o) == g); // compiled once, cached
}

TEST_CASE("[local_tool_calls] tools bound on the runnable reach the template and the grammar", "[engine]") {
    auto chat = braid::make_runnable(
        std::make_shared<LocalChatModel>(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja")));
    const auto with_tools = chat.bind(Value{{"tools", tools()}, {"tool_choice", "required"}});
    const Message m = with_tools.invoke(braid::PromptValue(Messages{Message::user("What time is it in Tokyo?")}));
    REQUIRE(m.tool_calls.size() == 1);
    CHECK((m.tool_calls[0].name == "get_weather" || m.tool_calls[0].name == "get_time"));
    CHECK(m.response_metadata["finish_reason"] == "tool_calls");
    // The template saw the tools: the rendered prompt lists them.
    LocalChatModel model(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    GenerationOptions o;
    o.tools = tools();
    CHECK(model.render({Message::user("hi")}, o).find("get_time") != std::string::npos);
}

TEST_CASE("[local_tool_calls] the tools' grammar accepts calls of bound tools with valid arguments only", "[engine]") {
    LocalChatModel model(local_test::stories(), options_with("Qwen-Qwen2.5-7B-Instruct.jinja"));
    GenerationOptions o;
    o.tools = tools();
    const auto grammar = model.grammar_for(o);
    REQUIRE(grammar);
    CHECK(grammar->accepts("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>"));
    CHECK(grammar->accepts("<tool_call>\n{\"name\":\"get_time\",\"arguments\":{\"tz\":\"UTC\"}}\n</tool_call>"));
    CHECK_FALSE(grammar->accepts("<tool_call>\n{\"name\": \"launch\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>"));
    CHECK_FALSE(grammar->accepts("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": 3}}\n</tool_call>"));
    CHECK_FALSE(grammar->accepts("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {}}\n</tool_call>"));
    // A lazy matcher lets free text through until the marker, then holds the call to the grammar.
    braid::engine::GrammarMatcherOptions lazy;
    lazy.lazy = true;
    lazy.triggers.words = {"<tool_call>"};
    braid::engine::GrammarMatcher matcher(grammar, braid::engine::token_index(*local_test::stories()), lazy);
    CHECK(matcher.accept_string("Let me look. "));
    CHECK_FALSE(matcher.is_active());
    CHECK(matcher.accept_string("<tool_call>\n{\"name\": \"get_time\", "));
    CHECK(matcher.is_active());
    CHECK_FALSE(matcher.accept_string("\"parameters\""));
    CHECK(matcher.accept_string("\"arguments\": {\"tz\": \"CET\"}}\n</tool_call>"));
    CHECK(matcher.is_complete());

    LocalChatModel llama(local_test::stories(), options_with("meta-llama-Llama-3.2-3B-Instruct.jinja"));
    const auto llama_grammar = llama.grammar_for(o);
    REQUIRE(llama_grammar);
    CHECK(llama_grammar->accepts("{\"name\": \"get_weather\", \"parameters\": {\"location\": \"Oslo\"}}"));
    CHECK_FALSE(llama_grammar->accepts("{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Oslo\"}}"));
}
