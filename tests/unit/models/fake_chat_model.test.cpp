#include <atomic>
#include <functional>
#include <thread>

#include <catch2/catch.hpp>

#include "braid/testing/fake_chat_model.hpp"
#include "unit/error_text.hpp"

using braid::GenerationOptions;
using braid::Message;
using braid::MessageChunk;
using braid::Messages;
using braid::ToolCall;
using braid::Value;
using braid::testing::Chunking;
using braid::testing::FakeChatModel;
using braid::testing::FakeResponse;
using braid_test::error_of;

namespace {
// The model called directly, outside a chain (as a step it is tested in tests/unit/models/chat_chains).
Message generate(const FakeChatModel& model, const Messages& messages, const GenerationOptions& options = {}) {
    const braid::RunContext ctx(braid::default_run_config());
    return model.model().generate(messages, options, ctx);
}

std::vector<MessageChunk> stream_all(const FakeChatModel& model, const Messages& messages,
                                     const GenerationOptions& options = {}) {
    const braid::RunContext ctx(braid::default_run_config());
    return model.model().stream(messages, options, ctx).collect();
}

std::vector<std::string> contents(const std::vector<MessageChunk>& chunks) {
    std::vector<std::string> out;
    for (const auto& c : chunks) {
        out.push_back(c.content);
    }
    return out;
}
} // namespace

TEST_CASE("[fake_chat_model] splitting", "[unit]") {
    using V = std::vector<std::string_view>;
    CHECK(FakeChatModel::split("Hello big  world", Chunking::words, 1) == V{"Hello", " big", "  world"});
    CHECK(FakeChatModel::split("  lead and trail \n", Chunking::words, 1) == V{"  lead", " and", " trail \n"});
    CHECK(FakeChatModel::split("a b c d e", Chunking::words, 2) == V{"a b", " c d", " e"});
    CHECK(FakeChatModel::split("   ", Chunking::words, 1) == V{"   "});
    CHECK(FakeChatModel::split("héllo✓", Chunking::chars, 2) == V{"hé", "ll", "o✓"});
    CHECK(FakeChatModel::split("abc", Chunking::chars, 5) == V{"abc"});
    CHECK(FakeChatModel::split("abc", Chunking::whole, 1) == V{"abc"});
    CHECK(FakeChatModel::split("", Chunking::words, 1).empty());
}

TEST_CASE("[fake_chat_model] scripted answers cycle and are recorded", "[unit]") {
    const FakeChatModel model(std::vector<std::string>{"first answer", "second"});
    CHECK(model.name() == "fake_chat_model");
    const Messages prompt{Message::system("s"), Message::user("q")};
    CHECK(generate(model, prompt) == Message::assistant("first answer"));
    CHECK(generate(model, {Message::user("2")}).content == "second");
    CHECK(generate(model, {Message::user("3")}).content == "first answer");
    CHECK(model.call_count() == 3);
    const auto received = model.received();
    REQUIRE(received.size() == 3);
    CHECK(received[0] == prompt);
    CHECK(received[2] == Messages{Message::user("3")});

    const auto chunks = stream_all(model, prompt);
    CHECK(contents(chunks) == std::vector<std::string>{"second"});
    CHECK(chunks[0].role == "assistant");

    model.reset();
    CHECK(model.call_count() == 0);
    CHECK(model.received().empty());
    CHECK(generate(model, prompt).content == "first answer");
}

TEST_CASE("[fake_chat_model] streaming adds up to generate", "[unit]") {
    for (Chunking chunking : {Chunking::whole, Chunking::words, Chunking::chars}) {
        for (std::size_t size : {1u, 2u, 7u}) {
            FakeChatModel::Config config;
            config.responses = {FakeResponse::tool_calls(
                {ToolCall{"c1", "add", Value{{"a", 1}, {"b", "two words"}}}, ToolCall{"c2", "noop", Value::object()}},
                "Let me compute  that ✓.")};
            config.chunking = chunking;
            config.chunk_size = size;
            const FakeChatModel model(config);
            const auto chunks = stream_all(model, {Message::user("x")});
            MessageChunk sum;
            for (const auto& c : chunks) {
                sum += c;
            }
            CHECK(sum.to_message() == generate(model, {Message::user("x")}));
            CHECK(chunks.front().role == "assistant");
            if (chunking == Chunking::chars && size == 1) {
                CHECK(chunks.size() > 20);
            }
        }
    }
}

TEST_CASE("[fake_chat_model] options: stop and max_tokens", "[unit]") {
    const FakeChatModel model(std::vector<std::string>{"one two three. four five"});
    GenerationOptions stop;
    stop.stop = {".", "zzz"};
    CHECK(generate(model, {}, stop).content == "one two three");
    CHECK(contents(stream_all(model, {}, stop)) == std::vector<std::string>{"one", " two", " three"});
    GenerationOptions limit;
    limit.max_tokens = 2;
    CHECK(generate(model, {}, limit).content == "one two");
    CHECK(contents(stream_all(model, {}, limit)) == std::vector<std::string>{"one", " two"});
    CHECK(model.received_options().back() == limit);

    const FakeChatModel empty(std::vector<std::string>{""});
    const auto chunks = stream_all(empty, {});
    REQUIRE(chunks.size() == 1);
    CHECK(chunks[0].content.empty());
    CHECK(chunks[0].role == "assistant");
}

TEST_CASE("[fake_chat_model] scripted errors", "[unit]") {
    FakeChatModel::Config config;
    config.responses = {FakeResponse::failure(braid::errc::device, "GPU fell off", 2, "a b c d"),
                        FakeResponse::failure(braid::errc::timeout, "late", 10, "x y"), FakeResponse::text("ok")};
    const FakeChatModel model(config);
    std::vector<MessageChunk> got;
    auto pull_all = [&] {
        const braid::RunContext ctx(braid::default_run_config());
        braid::Stream<MessageChunk> chunks = model.model().stream({}, {}, ctx);
        while (auto c = chunks.next()) {
            got.push_back(*c);
        }
    };
    CHECK(error_of(pull_all) == "device: GPU fell off");
    CHECK(contents(got) == std::vector<std::string>{"a", " b"});
    got.clear();
    CHECK(error_of(pull_all) == "timeout: late");
    CHECK(got.size() == 2);
    CHECK(generate(model, {}).content == "ok");
    CHECK(error_of([&] { (void)generate(model, {}); }) == "device: GPU fell off");

    SECTION("a stream dropped early stops the answer where it is") {
        const FakeChatModel words(std::vector<std::string>{"a b c d e f"});
        const braid::RunContext ctx(braid::default_run_config());
        {
            braid::Stream<MessageChunk> chunks = words.model().stream({}, {}, ctx);
            CHECK(chunks.next()->content == "a");
        }
        CHECK(words.call_count() == 1);
        CHECK(contents(stream_all(words, {})).size() == 6);
    }
    SECTION("bad configuration") {
        CHECK(error_of([] { FakeChatModel m(FakeChatModel::Config{}); }) ==
              "invalid_argument: fake chat model: the script has no responses");
        FakeChatModel::Config zero;
        zero.responses = {FakeResponse::text("x")};
        zero.chunk_size = 0;
        CHECK(error_of([&] { FakeChatModel m(zero); }).find("chunk_size") != std::string::npos);
    }
}

TEST_CASE("[fake_chat_model] records from many threads", "[unit]") {
    FakeChatModel::Config config;
    config.responses = {FakeResponse::text("a"), FakeResponse::text("b")};
    config.name = "scripted";
    const FakeChatModel model(config);
    CHECK(model.name() == "scripted");
    CHECK(model.model().name() == "scripted");
    std::vector<std::thread> threads;
    std::atomic<int> a{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 250; ++i) {
                if (generate(model, {Message::user(std::to_string(t))}).content == "a") {
                    ++a;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    CHECK(model.call_count() == 1000);
    CHECK(model.received().size() == 1000);
    CHECK(a == 500);
}

TEST_CASE("[fake_chat_model] no recording when turned off", "[unit]") {
    FakeChatModel::Config config;
    config.responses = {FakeResponse::text("x")};
    config.record = false;
    const FakeChatModel model(config);
    (void)generate(model, {Message::user("q")});
    CHECK(model.call_count() == 1);
    CHECK(model.received().empty());
}
