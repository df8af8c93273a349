// trim_messages: strategies, budget, system message, start_on / end_on, and a property test over random
// conversations that a tool call and its results are never separated.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "braid/error.hpp"
#include "braid/memory/trim_messages.hpp"

using braid::Message;
using braid::Messages;
using braid::ToolCall;
using braid::memory::TrimOptions;
using braid::memory::TrimStrategy;
using braid::memory::trim_messages;

namespace trim_test {

/// Every message counts one token: budgets read as message counts.
std::size_t one_token(const Message&) { return 1; }

TrimOptions budget(std::size_t max_tokens, TrimStrategy strategy = TrimStrategy::last) {
    TrimOptions options;
    options.max_tokens = max_tokens;
    options.strategy = strategy;
    options.token_counter = one_token;
    return options;
}

Message calls(std::vector<std::string> ids) {
    std::vector<ToolCall> tool_calls;
    for (std::string& id : ids)
        tool_calls.push_back(ToolCall{id, "tool", braid::Value::object()});
    return Message::assistant("", tool_calls);
}

/// A random conversation: maybe a system message, then users, assistants, and assistants calling 1-3
/// tools followed by their results.
Messages random_conversation(std::mt19937& rng) {
    Messages out;
    if (rng() % 2)
        out.push_back(Message::system("be brief"));
    const std::size_t turns = 1 + rng() % 12;
    int next_id = 0;
    for (std::size_t t = 0; t < turns; ++t) {
        switch (rng() % 3) {
        case 0: out.push_back(Message::user(std::string(rng() % 40, 'u'))); break;
        case 1: out.push_back(Message::assistant(std::string(rng() % 40, 'a'))); break;
        default: {
            std::vector<std::string> ids;
            for (std::size_t c = 0, n = 1 + rng() % 3; c < n; ++c)
                ids.push_back("call_" + std::to_string(next_id++));
            out.push_back(calls(ids));
            for (const std::string& id : ids)
                out.push_back(Message::tool(std::string(rng() % 30, 't'), id));
        }
        }
    }
    return out;
}

/// Positions in @p input of the messages of @p output, checking that it is a subsequence.
std::vector<std::size_t> positions(const Messages& input, const Messages& output) {
    std::vector<std::size_t> at;
    std::size_t i = 0;
    for (const Message& m : output) {
        while (i < input.size() && !(input[i] == m))
            ++i;
        REQUIRE(i < input.size());
        at.push_back(i++);
    }
    return at;
}

/// No tool result without its call, no call without all of its results.
void check_calls_whole(const Messages& output) {
    std::set<std::string> called, answered;
    for (const Message& m : output) {
        for (const ToolCall& c : m.tool_calls)
            called.insert(c.id);
        if (m.kind() == braid::Role::tool) {
            REQUIRE(called.count(m.tool_call_id) == 1);
            answered.insert(m.tool_call_id);
        }
    }
    REQUIRE(called == answered);
}

} // namespace trim_test

using namespace trim_test;

TEST_CASE("[trim] strategy last keeps the newest messages that fit", "[unit]") {
    const Messages chat = {Message::user("1"), Message::assistant("2"), Message::user("3"), Message::assistant("4")};
    CHECK(trim_messages(chat, budget(2)) == Messages{chat[2], chat[3]});
    CHECK(trim_messages(chat, budget(10)) == chat);
    CHECK(trim_messages(chat, budget(0)).empty());
}

TEST_CASE("[trim] strategy first keeps the oldest messages that fit", "[unit]") {
    const Messages chat = {Message::user("1"), Message::assistant("2"), Message::user("3")};
    CHECK(trim_messages(chat, budget(2, TrimStrategy::first)) == Messages{chat[0], chat[1]});
}

TEST_CASE("[trim] include_system keeps the leading system message within the budget", "[unit]") {
    const Messages chat = {Message::system("s"), Message::user("1"), Message::assistant("2"), Message::user("3")};
    TrimOptions options = budget(3);
    options.include_system = true;
    CHECK(trim_messages(chat, options) == Messages{chat[0], chat[2], chat[3]});
    options.max_tokens = 0;
    CHECK(trim_messages(chat, options).empty());
    CHECK(trim_messages(chat, budget(3)) == Messages{chat[1], chat[2], chat[3]});
}

TEST_CASE("[trim] start_on and end_on", "[unit]") {
    const Messages chat = {Message::system("s"), Message::user("1"), Message::assistant("2"), Message::user("3"),
                           Message::assistant("4")};
    TrimOptions options = budget(3);
    options.include_system = true;
    options.start_on = "human"; // LangChain's name for user
    CHECK(trim_messages(chat, options) == Messages{chat[0], chat[3], chat[4]});
    options.start_on.reset();
    options.end_on = "user";
    CHECK(trim_messages(chat, options) == Messages{chat[0], chat[2], chat[3]});
    TrimOptions first = budget(2, TrimStrategy::first);
    first.end_on = "user";
    CHECK(trim_messages(chat, first) == Messages{chat[0], chat[1]});
}

TEST_CASE("[trim] a tool call and its results are kept or dropped together", "[unit]") {
    const Messages chat = {Message::user("weather?"), calls({"a", "b"}), Message::tool("sunny", "a"),
                           Message::tool("20C", "b"), Message::assistant("Sunny, 20C.")};
    CHECK(trim_messages(chat, budget(3)) == Messages{chat[4]});
    CHECK(trim_messages(chat, budget(4)) == Messages{chat[1], chat[2], chat[3], chat[4]});
    CHECK(trim_messages(chat, budget(3, TrimStrategy::first)) == Messages{chat[0]});
}

TEST_CASE("[trim] options that are not supported are clear errors", "[unit]") {
    const Messages chat = {Message::user("1")};
    TrimOptions first = budget(1, TrimStrategy::first);
    first.start_on = "user";
    CHECK_THROWS_AS(trim_messages(chat, first), braid::Error);
    TrimOptions no_counter = budget(1);
    no_counter.token_counter = nullptr;
    CHECK_THROWS_AS(trim_messages(chat, no_counter), braid::Error);
}

TEST_CASE("[trim] approximate_token_count: about 4 characters a token plus the message overhead", "[unit]") {
    using braid::memory::approximate_token_count;
    CHECK(approximate_token_count(Message::user("")) == braid::memory::approximate_tokens_per_message);
    CHECK(approximate_token_count(Message::user(std::string(8, 'x'))) == 2 + braid::memory::approximate_tokens_per_message);
    CHECK(approximate_token_count(Message::user(std::string(9, 'x'))) == 3 + braid::memory::approximate_tokens_per_message);
    CHECK(approximate_token_count(calls({"a"})) > braid::memory::approximate_tokens_per_message);
}

TEST_CASE("[trim] property: random conversations, every budget and strategy", "[unit]") {
    std::mt19937 rng(20261207);
    for (int round = 0; round < 300; ++round) {
        const Messages chat = random_conversation(rng);
        for (std::size_t max_tokens : {0, 10, 25, 60, 200}) {
            for (TrimStrategy strategy : {TrimStrategy::last, TrimStrategy::first}) {
                TrimOptions options;
                options.max_tokens = max_tokens;
                options.strategy = strategy;
                const bool last = strategy == TrimStrategy::last;
                options.include_system = last && rng() % 2;
                if (last && rng() % 2)
                    options.start_on = "user";
                const Messages kept = trim_messages(chat, options);
                positions(chat, kept);
                std::size_t tokens = 0;
                for (const Message& m : kept)
                    tokens += braid::memory::approximate_token_count(m);
                REQUIRE(tokens <= max_tokens);
                check_calls_whole(kept);
                std::size_t body = 0;
                if (options.include_system && !kept.empty() && chat.front().kind() == braid::Role::system) {
                    REQUIRE(kept.front() == chat.front());
                    body = 1;
                }
                if (options.start_on && body < kept.size())
                    REQUIRE(kept[body].kind() == braid::Role::user);
                if (last && !kept.empty() && kept.back() != chat.front())
                    REQUIRE(kept.back() == chat.back()); // last keeps the end (unless only the system fits)
                if (!last && !kept.empty())
                    REQUIRE(kept.front() == chat.front());
                if (max_tokens >= 200 && !options.start_on) {
                    std::size_t all = 0;
                    for (const Message& m : chat)
                        all += braid::memory::approximate_token_count(m);
                    if (all <= max_tokens)
                        REQUIRE(kept == chat);
                }
            }
        }
    }
}

namespace trim_test {
/// One token per line of content (a line is up to and including its line break), none for the rest.
std::size_t line_tokens(const Message& m) {
    std::size_t lines = m.content.empty() ? 0 : 1;
    for (std::size_t i = 0; i + 1 < m.content.size(); ++i)
        lines += m.content[i] == '\n' ? 1 : 0;
    return lines;
}
} // namespace trim_test

TEST_CASE("[trim] allow_partial keeps the lines that fit of the first message that does not", "[unit]") {
    const Messages chat = {Message::user("a1\na2\na3\n"), Message::assistant("b1\nb2"), Message::user("c1")};
    TrimOptions options = budget(4);
    options.token_counter = line_tokens;
    options.allow_partial = true;
    SECTION("strategy last: the last lines of the newest message that is dropped") {
        CHECK(trim_messages(chat, options) == Messages{Message::user("a3\n"), chat[1], chat[2]});
        options.max_tokens = 5;
        CHECK(trim_messages(chat, options) == Messages{Message::user("a2\na3\n"), chat[1], chat[2]});
        options.allow_partial = false;
        CHECK(trim_messages(chat, options) == Messages{chat[1], chat[2]});
    }
    SECTION("strategy last with start_on drops a cut message of another role") {
        options.max_tokens = 2;
        options.start_on = "user";
        CHECK(trim_messages(chat, options) == Messages{chat[2]});
    }
    SECTION("strategy first: the first lines of the oldest message that is dropped") {
        options.strategy = TrimStrategy::first;
        CHECK(trim_messages(chat, options) == Messages{chat[0], Message::assistant("b1\n")});
    }
    SECTION("tool calls and tool results are never cut") {
        const Messages tools = {calls({"a"}), Message::tool("x\ny\nz", "a"), Message::user("q")};
        options.max_tokens = 2;
        CHECK(trim_messages(tools, options) == Messages{tools[2]});
    }
    SECTION("nothing is cut when not even one line fits") {
        options.max_tokens = 1;
        const Messages two = {Message::user("x\ny"), Message::assistant("b1\nb2")};
        CHECK(trim_messages(two, options) == Messages{Message::assistant("b2")});
        options.max_tokens = 0;
        CHECK(trim_messages(two, options).empty());
    }
}
