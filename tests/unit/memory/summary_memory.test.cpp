// SummaryMemory over FakeChatModel (the scripted test double that records its inputs): only messages not
// yet summarized are sent, nothing new means no call, a failing model changes nothing.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "braid/error.hpp"
#include "braid/memory/in_memory_chat_history.hpp"
#include "braid/memory/summary_memory.hpp"
#include "braid/memory/summary_store.hpp"
#include "braid/testing/fake_chat_model.hpp"

using braid::Message;
using braid::memory::InMemoryChatHistory;
using braid::memory::InMemorySummaryStore;
using braid::memory::SummaryMemory;
using braid::memory::SummaryState;
using braid::testing::FakeChatModel;
using braid::testing::FakeResponse;

namespace summary_memory_test {

void add_turn(InMemoryChatHistory& history, const std::string& question, const std::string& answer) {
    const std::vector<Message> turn = {Message::user(question), Message::assistant(answer)};
    history.add_messages(turn);
}

/// The text of the one message the model received in call @p call.
std::string sent_text(const FakeChatModel& model, std::size_t call) {
    const auto received = model.received();
    REQUIRE(received.size() > call);
    REQUIRE(received[call].size() == 1);
    return received[call][0].content;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace summary_memory_test

using namespace summary_memory_test;

TEST_CASE("[summary] memory sends only messages not yet summarized", "[unit]") {
    FakeChatModel model({"S1", "S2"});
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemorySummaryStore>();
    SummaryMemory memory(model, history, store);
    add_turn(*history, "Can you fix my sword?", "Aye, come back at dawn.");

    SECTION("the first update sends every message and an empty summary") {
        CHECK(memory.update() == "S1");
        const std::string sent = sent_text(model, 0);
        CHECK(contains(sent, "Extend the summary of the conversation"));
        CHECK(contains(sent, "Human: Can you fix my sword?\nAI: Aye, come back at dawn."));
        CHECK(memory.summary() == "S1");
        CHECK(memory.covered() == 2);
        CHECK(store->load() == SummaryState{"S1", 2});
    }
    SECTION("the second update sends the summary and only the two new messages") {
        memory.update();
        add_turn(*history, "How much?", "Ten silver.");
        CHECK(memory.update() == "S2");
        REQUIRE(model.call_count() == 2);
        const std::string sent = sent_text(model, 1);
        CHECK(contains(sent, "Current summary:\nS1"));
        CHECK(contains(sent, "Human: How much?\nAI: Ten silver."));
        CHECK_FALSE(contains(sent, "sword"));
        CHECK(memory.covered() == 4);
    }
    SECTION("an update with nothing new does not call the model") {
        memory.update();
        CHECK(memory.update() == "S1");
        CHECK(model.call_count() == 1);
    }
    SECTION("a cleared history starts the summary over") {
        memory.update();
        history->clear();
        history->add_message(Message::user("Hello again."));
        CHECK(memory.update() == "S2");
        CHECK_FALSE(contains(sent_text(model, 1), "Current summary:\nS1"));
        CHECK(memory.covered() == 1);
    }
}

TEST_CASE("[summary] a failing model leaves the summary and count unchanged", "[unit]") {
    FakeChatModel::Config script;
    script.responses = {FakeResponse::text("S1"), FakeResponse::failure(braid::errc::io, "model down")};
    FakeChatModel model(script);
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemorySummaryStore>();
    SummaryMemory memory(model, history, store);
    add_turn(*history, "Hi", "Hello");
    memory.update();
    add_turn(*history, "Bye", "Farewell");

    CHECK_THROWS_AS(memory.update(), braid::Error);
    CHECK(store->load() == SummaryState{"S1", 2});
    CHECK(memory.update() == "S1"); // the script cycles back to S1: the two messages were still pending
    CHECK(memory.covered() == 4);
}

TEST_CASE("[summary] a replaced prompt and bad arguments", "[unit]") {
    FakeChatModel model({"S"});
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemorySummaryStore>();

    SECTION("a user prompt is used with both variables") {
        SummaryMemory memory(model, history, store,
                             braid::ChatPromptTemplate::from_template("Was: {summary} | Now: {new_lines}"));
        history->add_message(Message::user("Hi"));
        memory.update();
        CHECK(sent_text(model, 0) == "Was:  | Now: Human: Hi");
    }
    SECTION("a prompt without new_lines, a null history or store is refused") {
        CHECK_THROWS_AS(SummaryMemory(model, history, store, braid::ChatPromptTemplate::from_template("{summary}")),
                        braid::Error);
        CHECK_THROWS_AS(SummaryMemory(model, nullptr, store), braid::Error);
        CHECK_THROWS_AS(SummaryMemory(model, history, nullptr), braid::Error);
    }
}
