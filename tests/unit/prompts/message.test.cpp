#include <functional>

#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/prompts/message.hpp"

using braid::Message;
using braid::MessageChunk;
using braid::ToolCall;
using braid::ToolCallChunk;
using braid::Value;

namespace {
braid::errc kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const braid::Error& e) {
        return e.kind();
    }
    FAIL("no braid::Error thrown");
    return braid::errc::internal;
}
} // namespace

TEST_CASE("[message] constructors and roles", "[unit]") {
    CHECK(Message::system("s").role == "system");
    CHECK(Message::user("u").kind() == braid::Role::user);
    CHECK(Message::assistant("a").kind() == braid::Role::assistant);
    const Message t = Message::tool("42", "call_1", "calc");
    CHECK(t.kind() == braid::Role::tool);
    CHECK(t.tool_call_id == "call_1");
    CHECK(t.name == "calc");
    CHECK(Message::with_role("human", "x") == Message::user("x"));
    CHECK(Message::with_role("ai", "x") == Message::assistant("x"));
    CHECK(Message::with_role("observation", "x").kind() == braid::Role::other);
    CHECK(Message::with_role("observation", "x").role == "observation");
    CHECK(kind_of([] { (void)Message::with_role("", "x"); }) == braid::errc::invalid_argument);
    CHECK(Message::user("a") != Message::user("b"));
    CHECK(Message::user("a") != Message::system("a"));
}

TEST_CASE("[message] JSON round trip", "[unit]") {
    const std::vector<Message> messages = {
        Message::system("You are terse."),
        Message::user("héllo ✓"),
        Message::assistant("", {ToolCall{"c1", "add", Value{{"a", 1}, {"b", 2}}},
                                ToolCall{"c2", "echo", Value{{"s", "x"}}}}),
        Message::tool("3", "c1", "add"),
        Message::with_role("observation", "{\"ok\":true}"),
    };
    for (const Message& m : messages) {
        const Value j = m;
        CHECK(j.get<Message>() == m);
        CHECK(Value::parse(j.dump()).get<Message>() == m);
    }
    const Value j = messages[2];
    CHECK(j["tool_calls"][0]["type"] == "function");
    CHECK(j["tool_calls"][0]["function"]["name"] == "add");
    CHECK(j["tool_calls"][0]["function"]["arguments"]["b"] == 2);
    CHECK(j.dump() == R"({"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"add","arguments":{"a":1,"b":2}}},{"id":"c2","type":"function","function":{"name":"echo","arguments":{"s":"x"}}}]})");
    const Value tj = messages[3];
    CHECK(tj.dump() == R"({"role":"tool","content":"3","name":"add","tool_call_id":"c1"})");
}

TEST_CASE("[message] JSON input forms", "[unit]") {
    SECTION("OpenAI wire form: string arguments, null content") {
        const auto m = Value::parse(R"({"role":"assistant","content":null,"tool_calls":[{"id":"x","type":"function",
            "function":{"name":"f","arguments":"{\"q\": [1, 2]}"}}]})").get<Message>();
        REQUIRE(m.tool_calls.size() == 1);
        CHECK(m.content.empty());
        CHECK(m.tool_calls[0].arguments == Value{{"q", {1, 2}}});
    }
    SECTION("flat tool call and aliases") {
        const auto m = Value::parse(R"({"role":"ai","content":"ok","tool_calls":[{"name":"f","arguments":{}}]})")
                           .get<Message>();
        CHECK(m.role == "assistant");
        CHECK(m.tool_calls[0].name == "f");
        CHECK(m.tool_calls[0].id.empty());
    }
    SECTION("content parts") {
        const auto m = Value::parse(R"({"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]})")
                           .get<Message>();
        CHECK(m.content == "ab");
    }
    SECTION("errors name the field") {
        auto message_of = [](const char* text) {
            try {
                (void)Value::parse(text).get<Message>();
            } catch (const braid::Error& e) {
                return std::string(braid::errc_name(e.kind())) + ": " + e.what();
            }
            return std::string("no error");
        };
        CHECK(message_of(R"([1])") == "parse: a message must be a text or a JSON object, got array");
        CHECK(message_of(R"({"content":"x"})") == "parse: message: missing \"role\"");
        CHECK(message_of(R"({"role":5})") == "parse: message: \"role\" must be a string, got number");
        CHECK(message_of(R"({"role":""})") == "invalid_argument: message role is empty");
        CHECK(message_of(R"({"role":"user","content":7})").find("\"content\" must be") != std::string::npos);
        CHECK(message_of(R"({"role":"user","content":[{"type":"image_url"}]})").rfind("unsupported:", 0) == 0);
        CHECK(message_of(R"({"role":"assistant","tool_calls":{}})").find("\"tool_calls\" must be an array") !=
              std::string::npos);
        CHECK(message_of(R"({"role":"assistant","tool_calls":[{"function":{}}]})") ==
              "parse: tool call: missing \"name\"");
        CHECK(message_of(R"({"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"{bad"}}]})")
                  .rfind("tool: tool call 'f': arguments are not valid JSON", 0) == 0);
        CHECK(message_of(R"({"role":"tool","content":"x","tool_call_id":3})").find("tool_call_id") !=
              std::string::npos);
    }
}

TEST_CASE("[message] chunks add up like AIMessageChunk", "[unit]") {
    MessageChunk a;
    a.role = "assistant";
    a.content = "Hel";
    a.tool_call_chunks = {ToolCallChunk{0, "c1", "add", "{\"a\":"}};
    MessageChunk b;
    b.content = "lo";
    b.tool_call_chunks = {ToolCallChunk{0, "", "", " 1}"}, ToolCallChunk{1, "c2", "neg", ""}};
    MessageChunk c;
    c.tool_call_chunks = {ToolCallChunk{1, "", "", "{\"x\": 2}"}, ToolCallChunk{std::nullopt, "c3", "z", ""}};

    const MessageChunk sum = a + b + c;
    CHECK(sum.content == "Hello");
    REQUIRE(sum.tool_call_chunks.size() == 3);
    CHECK(sum.tool_call_chunks[0].arguments == "{\"a\": 1}");
    CHECK(sum.tool_call_chunks[1].id == "c2");
    CHECK(braid::concat(braid::concat(a, b), c) == sum);

    const Message m = sum.to_message();
    CHECK(m.role == "assistant");
    CHECK(m.content == "Hello");
    REQUIRE(m.tool_calls.size() == 3);
    CHECK(m.tool_calls[0] == ToolCall{"c1", "add", Value{{"a", 1}}});
    CHECK(m.tool_calls[1] == ToolCall{"c2", "neg", Value{{"x", 2}}});
    CHECK(m.tool_calls[2].arguments == Value::object());

    SECTION("invalid argument text is a tool error naming the call") {
        MessageChunk bad;
        bad.tool_call_chunks = {ToolCallChunk{0, "c", "lookup", "{\"a\": "}};
        try {
            (void)bad.to_message();
            FAIL("expected an error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::tool);
            CHECK(std::string(e.what()).find("'lookup'") != std::string::npos);
        }
    }
    SECTION("from_message and back") {
        const Message original = Message::assistant("hi", {ToolCall{"c", "f", Value{{"k", "v"}}}});
        CHECK(MessageChunk::from_message(original).to_message() == original);
    }
    SECTION("chunk JSON round trip") {
        const Value j = sum;
        CHECK(j.get<MessageChunk>() == sum);
        CHECK(kind_of([] { (void)Value::parse(R"({"tool_call_chunks":[{"index":-1}]})").get<MessageChunk>(); }) ==
              braid::errc::parse);
        CHECK(kind_of([] { (void)Value::parse(R"(3)").get<MessageChunk>(); }) == braid::errc::parse);
        CHECK(Value::parse(R"("x")").get<MessageChunk>().content == "x"); // a text is a content chunk
    }
}

TEST_CASE("[message] response metadata merges over chunks and round-trips", "[unit]") {
    MessageChunk first;
    first.role = "assistant";
    first.content = "Hel";
    first.response_metadata = Value{{"model", "m"}, {"usage", {{"prompt_tokens", 3}}}};
    MessageChunk last;
    last.content = "lo";
    last.response_metadata = Value{{"finish_reason", "stop"}, {"usage", {{"completion_tokens", 2}}}};
    const MessageChunk sum = first + last;
    CHECK(sum.content == "Hello");
    CHECK(sum.response_metadata ==
          Value{{"model", "m"}, {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 2}}}, {"finish_reason", "stop"}});
    MessageChunk none;
    none.content = "!";
    CHECK((sum + none).response_metadata == sum.response_metadata); // a chunk without metadata keeps it

    const Message m = sum.to_message();
    CHECK(m.response_metadata == sum.response_metadata);
    CHECK(MessageChunk::from_message(m).response_metadata == m.response_metadata);
    const Value j = m;
    CHECK(j.at("response_metadata").at("finish_reason") == "stop");
    CHECK(j.get<Message>() == m);
    const Value jc = sum;
    CHECK(jc.get<MessageChunk>() == sum);
    // Absent when null: the OpenAI form stays as it was.
    CHECK_FALSE(Value(Message::user("hi")).contains("response_metadata"));
    CHECK(kind_of([] { (void)Value{{"role", "assistant"}, {"content", ""}, {"response_metadata", 3}}.get<Message>(); }) ==
          braid::errc::parse);
}

TEST_CASE("[message] reasoning_content: JSON, chunks and equality", "[unit]") {
    Message m = Message::assistant("391");
    m.reasoning_content = "17*23 = 340 + 51";
    const Value json = m;
    CHECK(json.dump() == R"({"role":"assistant","content":"391","reasoning_content":"17*23 = 340 + 51"})");
    CHECK(json.get<Message>() == m);
    CHECK(Value(Message::assistant("x")).contains("reasoning_content") == false); // omitted when empty
    Message other = m;
    other.reasoning_content = "different";
    CHECK_FALSE(other == m);
    CHECK_THROWS_AS(Value::parse(R"({"role": "assistant", "reasoning_content": 3})").get<Message>(), braid::Error);

    MessageChunk a;
    a.role = "assistant";
    a.reasoning_content = "17*23 = ";
    MessageChunk b;
    b.reasoning_content = "340 + 51";
    MessageChunk c;
    c.content = "391";
    const MessageChunk sum = a + b + c;
    CHECK(sum.reasoning_content == "17*23 = 340 + 51");
    CHECK(sum.to_message() == m);
    CHECK(MessageChunk::from_message(m).to_message() == m);
    const Value chunk_json = b;
    CHECK(chunk_json.dump() == R"({"content":"","reasoning_content":"340 + 51"})");
    CHECK(chunk_json.get<MessageChunk>() == b);
}
