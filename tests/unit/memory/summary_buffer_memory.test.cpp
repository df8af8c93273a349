// SummaryBufferMemory over FakeChatModel (the scripted test double): recent messages verbatim, the oldest
// folded into the summary once over the limit, tool blocks moved whole, failures change nothing.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "braid/error.hpp"
#include "braid/memory/in_memory_chat_history.hpp"
#include "braid/memory/summary_buffer_memory.hpp"
#include "braid/memory/summary_store.hpp"
#include "braid/testing/fake_chat_model.hpp"

using braid::Message;
using braid::Messages;
using braid::ToolCall;
using braid::memory::InMemoryChatHistory;
using braid::memory::InMemorySummaryStore;
using braid::memory::SummaryBufferMemory;
using braid::memory::SummaryBufferOptions;
using braid::memory::SummaryState;
using braid::testing::FakeChatModel;
using braid::testing::FakeResponse;

namespace summary_buffer_test {
SummaryBufferOptions one_token_each(std::size_t limit) {
    SummaryBufferOptions options;
    options.max_token_limit = limit;
    options.token_counter = [](const Message&) { return std::size_t{1}; };
    return options;
}
} // namespace summary_buffer_test

using namespace summary_buffer_test;

TEST_CASE("[summary buffer] the oldest messages are folded once over the limit", "[unit]") {
    FakeChatModel model({"S1", "S2"});
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemorySummaryStore>();
    SummaryBufferMemory memory(model, history, store, one_token_each(3));
    const Messages first = {Message::user("u1"), Message::assistant("a1")};
    history->add_messages(first);

    CHECK(memory.prune().empty()); // 2 messages fit: no model call
    CHECK(model.received().empty());
    CHECK(memory.messages() == first);

    const Messages second = {Message::user("u2"), Message::assistant("a2")};
    history->add_messages(second);
    CHECK(memory.prune() == "S1");
    REQUIRE(model.received().size() == 1);
    CHECK(model.received()[0][0].content.find("Human: u1") != std::string::npos);
    CHECK(model.received()[0][0].content.find("u2") == std::string::npos);
    CHECK(store->load() == SummaryState{"S1", 1});
    CHECK(memory.messages() == Messages{Message::system("Summary of the conversation so far:\nS1"),
                                        Message::assistant("a1"), Message::user("u2"), Message::assistant("a2")});
    CHECK(history->messages().size() == 4); // the history keeps everything
}

TEST_CASE("[summary buffer] a tool call moves into the summary with its results", "[unit]") {
    FakeChatModel model({"S"});
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemorySummaryStore>();
    SummaryBufferMemory memory(model, history, store, one_token_each(2));
    const Messages chat = {Message::assistant("", {ToolCall{"c1", "roll", braid::Value::object()},
                                                  ToolCall{"c2", "roll", braid::Value::object()}}),
                           Message::tool("3", "c1"), Message::tool("5", "c2"), Message::assistant("8"),
                           Message::user("again")};
    history->add_messages(chat);
    memory.prune();
    CHECK(store->load().covered == 3);
    CHECK(memory.messages() == Messages{Message::system("Summary of the conversation so far:\nS"), chat[3], chat[4]});
}

TEST_CASE("[summary buffer] a failing model changes nothing, bad arguments are errors", "[unit]") {
    FakeChatModel::Config script;
    script.responses = {FakeResponse::failure(braid::errc::io, "model down")};
    FakeChatModel model(script);
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemorySummaryStore>();
    SummaryBufferMemory memory(model, history, store, one_token_each(1));
    const Messages chat = {Message::user("u1"), Message::assistant("a1")};
    history->add_messages(chat);
    CHECK_THROWS_AS(memory.prune(), braid::Error);
    CHECK(store->load() == SummaryState{});
    CHECK(memory.messages() == chat);

    SummaryBufferOptions no_counter;
    no_counter.token_counter = nullptr;
    CHECK_THROWS_AS(SummaryBufferMemory(model, history, store, no_counter), braid::Error);
    CHECK_THROWS_AS(SummaryBufferMemory(model, nullptr, store), braid::Error);
    CHECK_THROWS_AS(SummaryBufferMemory(model, history, nullptr), braid::Error);
}
