// A chat model as a runnable step: PromptValue in, Message out, MessageChunks streamed.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <type_traits>

#include "braid/core/lambda.hpp"
#include "braid/testing/fake_chat_model.hpp"
#include "unit/error_text.hpp"

using braid::Message;
using braid::MessageChunk;
using braid::Messages;
using braid::PromptValue;
using braid::Value;
using braid::testing::Chunking;
using braid::testing::FakeChatModel;
using braid::testing::FakeResponse;

namespace model_test {

/// The ChatModel of docs/guides/prompts.md: answers with the last message's text, in one chunk; its
/// generate() is the default (the sum of the chunks).
class EchoModel final : public braid::ChatModel {
public:
    std::string name() const override { return "echo"; }
    braid::Stream<MessageChunk> stream(Messages messages, braid::GenerationOptions, const braid::RunContext&) const override {
        MessageChunk chunk;
        chunk.role = "assistant";
        chunk.content = messages.empty() ? "" : messages.back().content;
        co_yield chunk;
    }
};

} // namespace model_test

using namespace model_test;
using braid_test::error_of;

static_assert(std::is_convertible_v<FakeChatModel, braid::Runnable<PromptValue, Message>>);
static_assert(std::is_same_v<FakeChatModel::chunk_type, MessageChunk>);

TEST_CASE("[chat_model_step] invoke and stream", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"Hello there, friend"});
    CHECK(model.name() == "fake_chat_model");
    CHECK(model.invoke(PromptValue("Hi")) == Message::assistant("Hello there, friend"));
    CHECK(model.received().back() == Messages{Message::user("Hi")});
    const Messages chat{Message::system("s"), Message::user("q")};
    std::vector<std::string> pieces;
    braid::Stream<MessageChunk> chunks = model.stream(PromptValue(chat));
    CHECK_FALSE(chunks.snapshots());
    for (const MessageChunk& c : chunks)
        pieces.push_back(c.content);
    CHECK(pieces == std::vector<std::string>{"Hello", " there,", " friend"});
    CHECK(model.received().back() == chat);
    CHECK(model.impl()->stream_mode() == braid::StreamMode::generate);
    CHECK(model.get_graph().to_ascii().find("fake_chat_model") != std::string::npos);
}

TEST_CASE("[chat_model_step] generation options come from bind", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"one two. three"});
    auto bound = model.bind({{"stop", {"."}}, {"temperature", 0.5}, {"not_an_option", true}});
    CHECK(bound.invoke(PromptValue("x")).content == "one two");
    const braid::GenerationOptions seen = model.received_options().back();
    CHECK(seen.temperature == 0.5);
    CHECK(seen.stop == std::vector<std::string>{"."});
    CHECK(bound.stream(PromptValue("x")).collect().size() == 2);
    auto limited = bound.bind({{"max_tokens", 1}});
    CHECK(limited.invoke(PromptValue("x")).content == "one");
    CHECK(error_of([&] { (void)model.bind({{"top_p", 2}}).invoke(PromptValue("x")); }) ==
          "invalid_argument: generation options: \"top_p\" must be in (0, 1], got 2");
    CHECK(braid::GenerationOptions::from_configurable(Value::object()) == braid::GenerationOptions{});
}

TEST_CASE("[chat_model_step] a model in a dynamic chain reads any prompt-like Value", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"ok"});
    const braid::AnyRunnable any = model;
    CHECK(any.invoke(Value("hi")) == Value::parse(R"({"role":"assistant","content":"ok"})"));
    (void)any.invoke(Value::parse(R"([{"role": "system", "content": "S"}, "hello"])"));
    CHECK(model.received().back() == Messages{Message::system("S"), Message::user("hello")});
    (void)any.invoke(Value::parse(R"({"messages": [{"role": "user", "content": "m"}]})"));
    CHECK(model.received().back() == Messages{Message::user("m")});
    CHECK(any.stream(Value("hi")).collect() == std::vector<Value>{Value::parse(R"({"role":"assistant","content":"ok"})")});
    CHECK(error_of([&] { (void)any.invoke(Value(42)); }) ==
          "validation: step 'fake_chat_model' expects braid::PromptValue but got the Value 42: prompt value must be a "
          "string, a message or an array of messages, got number");
}

TEST_CASE("[chat_model_step] any ChatModel becomes a step", "[unit]") {
    auto echo = braid::make_runnable(std::make_shared<EchoModel>());
    static_assert(std::is_same_v<decltype(echo), braid::Runnable<PromptValue, Message>>);
    CHECK(echo.invoke(PromptValue("ping")) == Message::assistant("ping"));
    CHECK(echo.stream(PromptValue("pong")).collect().at(0).content == "pong");
    CHECK(echo.name() == "echo");
}

TEST_CASE("[chat_model_step] tool calls stream as fragments and add up", "[unit]") {
    FakeChatModel::Config config;
    config.responses = {FakeResponse::tool_calls({braid::ToolCall{"c1", "weather", {{"city", "Paris"}}}}, "Let me check.")};
    FakeChatModel model(config);
    MessageChunk sum;
    for (const MessageChunk& c : model.stream(PromptValue("weather?")))
        sum += c;
    const Message whole = sum.to_message();
    CHECK(whole.tool_calls.at(0).arguments == Value{{"city", "Paris"}});
    CHECK(whole == model.invoke(PromptValue("again")));
    Value end;
    for (braid::Event& e : model.events(PromptValue("x")))
        if (e.kind == braid::EventKind::end)
            end = e.data;
    CHECK(end == Value(whole));
}

TEST_CASE("[chat_model_step] failures, cancellation and deadlines", "[unit]") {
    SECTION("a model failing mid-stream delivers what it produced, then the error") {
        FakeChatModel::Config config;
        config.responses = {FakeResponse::failure(braid::errc::device, "GPU lost", 2, "a b c d")};
        FakeChatModel model(config);
        std::vector<std::string> got;
        CHECK(error_of([&] {
                  for (const MessageChunk& c : model.stream(PromptValue("x")))
                      got.push_back(c.content);
              }) == "device: GPU lost");
        CHECK(got == std::vector<std::string>{"a", " b"});
        CHECK(error_of([&] { (void)model.invoke(PromptValue("x")); }) == "device: GPU lost");
    }
    SECTION("cancellation stops the stream between chunks") {
        FakeChatModel::Config config;
        config.responses = {FakeResponse::text("a b c d e f g h")};
        config.chunk_delay = std::chrono::microseconds(200);
        FakeChatModel model(config);
        braid::CancellationToken token;
        braid::RunConfig run;
        run.cancellation = token;
        int seen = 0;
        CHECK(error_of([&] {
                  for (const MessageChunk& c : model.stream(PromptValue("x"), run)) {
                      (void)c;
                      if (++seen == 2)
                          token.cancel();
                  }
              }).rfind("cancelled: ", 0) == 0);
        CHECK(seen == 2);
    }
    SECTION("a deadline stops a slow model") {
        FakeChatModel::Config config;
        config.responses = {FakeResponse::text("a b c d e f g h i j")};
        config.chunk_delay = std::chrono::milliseconds(5);
        FakeChatModel model(config);
        braid::RunConfig run;
        run.set_timeout(std::chrono::milliseconds(12));
        CHECK(error_of([&] { (void)model.stream(PromptValue("x"), run).collect(); }).rfind("timeout: ", 0) == 0);
    }
}

TEST_CASE("[chat_model_step] the script from JSON, and finding the model again", "[unit]") {
    const auto config = Value::parse(R"({"responses": ["one", {"content": "two"},
        {"content": "", "tool_calls": [{"id": "c1", "name": "f", "arguments": {"x": 1}}]},
        {"error": "timeout", "message": "slow", "after_chunks": 1, "partial": "p q"}],
        "chunking": "chars", "chunk_size": 2, "record": false, "name": "npc"})").get<FakeChatModel::Config>();
    REQUIRE(config.responses.size() == 4);
    CHECK(config.chunking == Chunking::chars);
    CHECK(config.chunk_size == 2);
    CHECK_FALSE(config.record);
    CHECK(config.name == "npc");
    CHECK(config.responses[2].message.tool_calls.at(0).name == "f");
    CHECK(config.responses[3].error == braid::errc::timeout);
    CHECK(config.responses[3].message.content == "p q");
    CHECK(Value::parse(R"(["a", "b"])").get<FakeChatModel::Config>().responses.size() == 2);

    auto error = [](const char* json) {
        return error_of([&] { (void)Value::parse(json).get<FakeChatModel::Config>(); });
    };
    CHECK(error(R"([])") == "invalid_argument: config.responses must be a non-empty array of answers");
    CHECK(error(R"(3)") == "invalid_argument: config must be an array of answers or an object, got number");
    CHECK(error(R"({"responses": ["a"], "chunking": "lines"})") ==
          "invalid_argument: config.chunking must be \"words\", \"chars\" or \"whole\", got \"lines\"");
    CHECK(error(R"({"responses": ["a"], "colour": 1})").rfind("invalid_argument: config has an unknown key 'colour'", 0) == 0);
    CHECK(error(R"({"responses": [{"error": "oops"}]})").rfind("invalid_argument: config.responses[0].error is not an error kind", 0) == 0);
    CHECK(error(R"({"responses": [{"content": 1}]})") == "invalid_argument: config.responses[0].content must be a string, got 1");
    CHECK(error(R"({"responses": [{"content": "x", "message": "y"}]})").find("no \"error\"") != std::string::npos);
    CHECK(error(R"({"responses": ["a"], "chunk_size": -1})") ==
          "invalid_argument: config.chunk_size must be a non-negative integer, got -1");

    FakeChatModel model(config);
    const braid::AnyRunnable any = model;
    const std::optional<FakeChatModel> found = FakeChatModel::find(any);
    REQUIRE(found);
    (void)any.invoke(Value("hi"));
    CHECK(found->call_count() == 1);
    found->reset();
    CHECK(model.call_count() == 0);
    CHECK_FALSE(FakeChatModel::find(braid::AnyRunnable(braid::Lambda([](const Value& v) { return v; }))));
    CHECK_FALSE(FakeChatModel::find(any.with_retry(2)));
}
