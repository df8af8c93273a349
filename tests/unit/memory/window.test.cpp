// last_turns: the window of the last k turns, the system message kept, tool results with their answer.
#include <catch2/catch.hpp>

#include "braid/memory/window.hpp"

using braid::Message;
using braid::Messages;
using braid::ToolCall;
using braid::memory::last_turns;

TEST_CASE("[window] last_turns keeps the last k turns and the system message", "[unit]") {
    const Message call = Message::assistant("", {ToolCall{"c1", "roll", braid::Value::object()}});
    const Messages chat = {Message::system("sys"), Message::user("u1"), Message::assistant("a1"),
                           Message::user("u2"),    call,                Message::tool("6", "c1"),
                           Message::assistant("a2"), Message::user("u3")};
    CHECK(last_turns(chat, 1) == Messages{chat[0], chat[7]});
    CHECK(last_turns(chat, 2) == Messages{chat[0], chat[3], chat[4], chat[5], chat[6], chat[7]});
    CHECK(last_turns(chat, 3) == chat);
    CHECK(last_turns(chat, 10) == chat);
    CHECK(last_turns(chat, 0) == Messages{chat[0]});
    CHECK(last_turns(chat, 1, false) == Messages{chat[7]});
    CHECK(last_turns(Messages{}, 2).empty());
    // Messages before the first user message belong to no turn.
    const Messages greeting = {Message::assistant("Welcome!"), Message::user("u1"), Message::assistant("a1")};
    CHECK(last_turns(greeting, 1) == Messages{greeting[1], greeting[2]});
    CHECK(last_turns(greeting, 2) == greeting);
}
