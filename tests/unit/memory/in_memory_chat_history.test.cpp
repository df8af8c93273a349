#include <catch2/catch.hpp>

#include "braid/memory/in_memory_chat_history.hpp"
#include "history_test_util.hpp"

using braid::Message;
using braid::memory::InMemoryChatHistory;

TEST_CASE("[history] in memory: round trip, turns, clear", "[unit]") {
    InMemoryChatHistory history;
    CHECK(history.messages().empty());
    const std::vector<Message> conversation = braid_test::every_kind_of_message();
    history.add_messages(conversation);
    history.add_messages({});
    CHECK(history.messages() == conversation);
    history.add_message(Message::user("more"));
    CHECK(history.messages().size() == conversation.size() + 1);
    history.clear();
    CHECK(history.messages().empty());
    CHECK(InMemoryChatHistory(conversation).messages() == conversation);
}

TEST_CASE("[history] in memory: 8 threads append 50 turns each, nothing lost or interleaved", "[unit]") {
    InMemoryChatHistory history;
    braid_test::append_from_threads(history, 8, 50);
    CHECK(braid_test::turn_problems(history.messages(), 8, 50) == "");
}

TEST_CASE("[history] the turn checker of these tests sees loss, interleaving and disorder", "[unit]") {
    using braid_test::labelled_turn;
    using braid_test::turn_problems;
    std::vector<Message> two = labelled_turn(0, 0);
    const std::vector<Message> second = labelled_turn(1, 0);
    two.insert(two.end(), second.begin(), second.end());
    CHECK(turn_problems(two, 2, 1) == "");
    CHECK(turn_problems(std::vector<Message>(two.begin(), two.begin() + 2), 2, 1) == "expected 4 messages, got 2");
    std::swap(two[1], two[2]);
    CHECK(turn_problems(two, 2, 1) == "interleaved at message 0: '0:0:q' then '1:0:q'");
    std::vector<Message> disorder = labelled_turn(0, 1);
    const std::vector<Message> first = labelled_turn(0, 0);
    disorder.insert(disorder.end(), first.begin(), first.end());
    CHECK(turn_problems(disorder, 1, 2) == "writer 0: turn 1 out of order");
}
