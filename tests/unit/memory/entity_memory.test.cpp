// EntityMemory over FakeChatModel (the scripted test double that records its inputs) and the entity
// stores: lenient extraction, recall of stored facts, one update per entity, failures.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "braid/error.hpp"
#include "braid/memory/entity_memory.hpp"
#include "braid/memory/entity_store.hpp"
#include "braid/memory/in_memory_chat_history.hpp"
#include "braid/testing/fake_chat_model.hpp"

using braid::Message;
using braid::Messages;
using braid::memory::EntityFacts;
using braid::memory::EntityMemory;
using braid::memory::InMemoryChatHistory;
using braid::memory::InMemoryEntityStore;
using braid::testing::FakeChatModel;
using braid::testing::FakeResponse;

TEST_CASE("[entity] extraction reads what small models answer", "[unit]") {
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemoryEntityStore>();
    const auto names = [&](const std::string& answer) {
        FakeChatModel model({answer});
        return EntityMemory(model, history, store).extract("input");
    };
    using V = std::vector<std::string>;
    CHECK(names("Mira, Oakvale") == V{"Mira", "Oakvale"});
    CHECK(names("NONE") == V{});
    CHECK(names("  none. ") == V{});
    CHECK(names("- Mira\n- \"Oakvale\"\n- Mira") == V{"Mira", "Oakvale"});
    CHECK(names("1. Mira\n2) The Iron Guild.") == V{"Mira", "The Iron Guild"});
    CHECK(names(std::string(200, 'x')) == V{});
}

TEST_CASE("[entity] recall gives stored facts, remember updates each entity", "[unit]") {
    FakeChatModel model({"Mira, Oakvale", "Mira is the blacksmith's daughter.", "", "Mira, Bob"});
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemoryEntityStore>();
    store->set("Oakvale", "A village by the river.");
    EntityMemory memory(model, history, store);
    const Messages turn = {Message::user("Mira from Oakvale visited."), Message::assistant("Nice.")};
    history->add_messages(turn);

    const EntityFacts known = memory.recall("Mira from Oakvale visited.");
    CHECK(known == EntityFacts{{"Mira", ""}, {"Oakvale", "A village by the river."}});
    CHECK(model.received()[0][0].content.find("Human: Mira from Oakvale visited.") != std::string::npos);

    memory.remember(EntityMemory::names_in(known), "Mira from Oakvale visited.");
    CHECK(store->get("Mira") == "Mira is the blacksmith's daughter.");
    CHECK(store->get("Oakvale") == "A village by the river."); // an empty answer keeps the facts
    REQUIRE(model.received().size() == 3);
    const std::string oakvale_request = model.received()[2][0].content;
    CHECK(oakvale_request.find("A village by the river.") != std::string::npos);

    CHECK(EntityMemory::to_text(memory.recall("?")) == "Mira: Mira is the blacksmith's daughter.\n");
}

TEST_CASE("[entity] a failing model keeps the facts, bad arguments are errors", "[unit]") {
    FakeChatModel::Config script;
    script.responses = {FakeResponse::text("Mira, new facts"), FakeResponse::failure(braid::errc::io, "model down")};
    FakeChatModel model(script);
    auto history = std::make_shared<InMemoryChatHistory>();
    auto store = std::make_shared<InMemoryEntityStore>();
    store->set("Mira", "old");
    store->set("Bob", "bob's");
    EntityMemory memory(model, history, store);
    CHECK_THROWS_AS(memory.remember({"Mira", "Bob"}, "x"), braid::Error);
    CHECK(store->get("Mira") == "Mira, new facts"); // updated before the failure
    CHECK(store->get("Bob") == "bob's");
    CHECK_THROWS_AS(memory.remember({""}, "x"), braid::Error);

    CHECK_THROWS_AS(EntityMemory(model, nullptr, store), braid::Error);
    CHECK_THROWS_AS(EntityMemory(model, history, nullptr), braid::Error);
    braid::memory::EntityMemoryOptions zero;
    zero.k = 0;
    CHECK_THROWS_AS(EntityMemory(model, history, store, zero), braid::Error);
    CHECK_THROWS_AS(EntityMemory(model, history, store, {}, braid::ChatPromptTemplate::from_template("{input}")),
                    braid::Error);
}

TEST_CASE("[entity] the in-memory store", "[unit]") {
    InMemoryEntityStore store;
    CHECK_FALSE(store.get("x").has_value());
    store.set("b", "2");
    store.set("a", "1");
    store.set("a", "one");
    CHECK(store.names() == std::vector<std::string>{"a", "b"});
    CHECK(store.get("a") == "one");
    store.remove("a");
    store.remove("nobody");
    CHECK(store.names() == std::vector<std::string>{"b"});
    CHECK_THROWS_AS(store.set("", "x"), braid::Error);
    store.clear();
    CHECK(store.names().empty());
}
