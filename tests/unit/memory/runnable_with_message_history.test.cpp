// RunnableWithMessageHistory over `prompt | FakeChatModel`: turns remembered, invoke / stream / batch,
// nothing remembered on failure, cancellation or an abandoned stream, sessions kept apart, SQLite.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unistd.h>

#include "braid/core/cancellation.hpp"
#include "braid/core/lambda.hpp"
#include "braid/error.hpp"
#include "braid/memory/in_memory_chat_history.hpp"
#include "braid/memory/runnable_with_message_history.hpp"
#include "braid/memory/sqlite_chat_history.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

using braid::Message;
using braid::Messages;
using braid::RunConfig;
using braid::Value;
using braid::memory::ChatHistory;
using braid::memory::InMemoryChatHistory;
using braid::memory::RunnableWithMessageHistory;
using braid::testing::FakeChatModel;
using braid::testing::FakeResponse;

namespace history_runnable_test {

braid::ChatPromptTemplate blacksmith_prompt() {
    return braid::ChatPromptTemplate::from_messages(
        {{"system", "You are a blacksmith."}, braid::MessagesPlaceholder("history"), {"user", "{question}"}});
}

/// In-memory histories by session id (what a LangChain example keeps in a dict).
struct Sessions {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<InMemoryChatHistory>> by_id;

    braid::memory::HistoryFactory factory() {
        return [this](const std::string& id) -> std::shared_ptr<ChatHistory> {
            std::lock_guard lock(mutex);
            auto& history = by_id[id];
            if (!history)
                history = std::make_shared<InMemoryChatHistory>();
            return history;
        };
    }
    Messages of(const std::string& id) {
        std::lock_guard lock(mutex);
        return by_id.count(id) ? by_id[id]->messages() : Messages{};
    }
};

RunConfig session(const std::string& id) {
    RunConfig config;
    config.configurable = {{"session_id", id}};
    return config;
}

braid::memory::MessageHistoryOptions question_keys() {
    braid::memory::MessageHistoryOptions options;
    options.input_messages_key = "question";
    options.history_messages_key = "history";
    return options;
}

Value ask(const std::string& question) { return {{"question", question}}; }

} // namespace history_runnable_test

using namespace history_runnable_test;

TEST_CASE("[history runnable] the second turn's prompt holds the first turn", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"Aye, at dawn.", "You asked about your sword."});
    Sessions sessions;
    RunnableWithMessageHistory chain(blacksmith_prompt() | model, sessions.factory(), question_keys());
    CHECK(chain.invoke(ask("Can you fix my sword?"), session("p1")).content == "Aye, at dawn.");
    CHECK(chain.invoke(ask("What did I ask?"), session("p1")).content == "You asked about your sword.");
    const std::vector<Messages> received = model.received();
    REQUIRE(received.size() == 2);
    CHECK(received[0] == Messages{Message::system("You are a blacksmith."), Message::user("Can you fix my sword?")});
    CHECK(received[1] == Messages{Message::system("You are a blacksmith."), Message::user("Can you fix my sword?"),
                                  Message::assistant("Aye, at dawn."), Message::user("What did I ask?")});
    CHECK(sessions.of("p1") == Messages{Message::user("Can you fix my sword?"), Message::assistant("Aye, at dawn."),
                                        Message::user("What did I ask?"),
                                        Message::assistant("You asked about your sword.")});
}

TEST_CASE("[history runnable] a turn is one add_messages call", "[unit]") {
    struct CountingHistory final : ChatHistory {
        Messages stored;
        int appends = 0;
        Messages messages() const override { return stored; }
        void add_messages(std::span<const Message> turn) override {
            ++appends;
            stored.insert(stored.end(), turn.begin(), turn.end());
        }
        void clear() override { stored.clear(); }
    };
    auto history = std::make_shared<CountingHistory>();
    FakeChatModel model(std::vector<std::string>{"ok"});
    RunnableWithMessageHistory chain(blacksmith_prompt() | model, [history](const std::string&) { return history; },
                                     question_keys());
    chain.invoke(ask("hi"), session("s"));
    CHECK(history->appends == 1);
    CHECK(history->stored.size() == 2);
}

TEST_CASE("[history runnable] a streamed run is remembered once its stream ends", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"Aye, at dawn.", "Again."});
    Sessions sessions;
    RunnableWithMessageHistory chain(blacksmith_prompt() | model, sessions.factory(), question_keys());
    std::string text;
    for (const braid::MessageChunk& chunk : chain.stream(ask("Fix it?"), session("p1")))
        text += chunk.content;
    CHECK(text == "Aye, at dawn.");
    CHECK(sessions.of("p1") == Messages{Message::user("Fix it?"), Message::assistant("Aye, at dawn.")});

    SECTION("an abandoned stream is not remembered") {
        {
            auto stream = chain.stream(ask("Stop early"), session("p1"));
            REQUIRE(stream.next());
        }
        CHECK(sessions.of("p1").size() == 2);
    }
}

TEST_CASE("[history runnable] text output through a parser is stored as an assistant message", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"Aye."});
    Sessions sessions;
    RunnableWithMessageHistory chain(blacksmith_prompt() | model | braid::StrOutputParser(), sessions.factory(),
                                     question_keys());
    CHECK(chain.invoke(ask("Fix it?"), session("p1")) == "Aye.");
    CHECK(sessions.of("p1") == Messages{Message::user("Fix it?"), Message::assistant("Aye.")});
    std::string streamed;
    for (const std::string& chunk : chain.stream(ask("Again?"), session("p1")))
        streamed += chunk;
    CHECK(sessions.of("p1").back() == Message::assistant(streamed));
}

TEST_CASE("[history runnable] batch: sessions kept apart, every turn stored whole", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"same answer"});
    Sessions sessions;
    RunnableWithMessageHistory chain(blacksmith_prompt() | model, sessions.factory(), question_keys());
    SECTION("one batch, one session per item (each item's step bound to its session)") {
        // batch() gives every item the same config, so the session goes with each item's step.
        const std::vector<std::string> ids = {"ann", "bob", "cid"};
        for (const std::string& id : ids)
            CHECK(chain.with_config(session(id)).batch({ask("I am " + id), ask("Still " + id)}).size() == 2);
        for (const std::string& id : ids) {
            const Messages stored = sessions.of(id);
            REQUIRE(stored.size() == 4);
            for (const Message& m : stored)
                if (m.kind() == braid::Role::user)
                    CHECK(m.content.find(id) != std::string::npos);
        }
    }
    SECTION("one batch across sessions: a step sets each item's session for the nested run") {
        // Like LangChain's per-item configs: the session travels with the input and becomes the nested
        // run's configurable.
        braid::Lambda<Value, Message> per_session([chain](const Value& input, const braid::RunContext& ctx) {
            RunConfig config = ctx.config();
            config.configurable["session_id"] = input["session"];
            return ctx.with_config(config).invoke(chain, input);
        });
        std::vector<Value> inputs;
        for (const char* id : {"ann", "bob", "cid", "ann"})
            inputs.push_back({{"session", id}, {"question", std::string("I am ") + id}});
        CHECK(per_session.batch(inputs).size() == 4);
        CHECK(sessions.of("ann").size() == 4);
        CHECK(sessions.of("bob") == Messages{Message::user("I am bob"), Message::assistant("same answer")});
        CHECK(sessions.of("cid") == Messages{Message::user("I am cid"), Message::assistant("same answer")});
    }
    SECTION("one batch in one session: every turn whole, none interleaved") {
        chain.batch({ask("a"), ask("b"), ask("c"), ask("d")}, session("shared"));
        const Messages shared = sessions.of("shared");
        REQUIRE(shared.size() == 8);
        for (std::size_t i = 0; i < shared.size(); i += 2) {
            CHECK(shared[i].kind() == braid::Role::user);
            CHECK(shared[i + 1] == Message::assistant("same answer"));
        }
    }
}

TEST_CASE("[history runnable] a failed run appends nothing", "[unit]") {
    FakeChatModel::Config script;
    script.responses = {FakeResponse::failure(braid::errc::device, "GPU lost", 1, "Aye")};
    FakeChatModel model(script);
    Sessions sessions;
    RunnableWithMessageHistory chain(blacksmith_prompt() | model, sessions.factory(), question_keys());
    CHECK_THROWS_AS(chain.invoke(ask("Fix it?"), session("p1")), braid::Error);
    CHECK_THROWS_AS([&] {
        for (const auto& chunk : chain.stream(ask("Fix it?"), session("p1")))
            (void)chunk;
    }(), braid::Error);
    CHECK(sessions.of("p1").empty());
}

TEST_CASE("[history runnable] a cancelled run appends nothing", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"one two three"});
    Sessions sessions;
    RunnableWithMessageHistory chain(blacksmith_prompt() | model, sessions.factory(), question_keys());
    braid::CancellationToken token;
    RunConfig config = session("p1");
    config.cancellation = token;
    token.cancel();
    CHECK_THROWS_AS(chain.invoke(ask("Fix it?"), config), braid::Error);
    SECTION("cancelled in the middle of a stream") {
        braid::CancellationToken mid;
        RunConfig streaming = session("p1");
        streaming.cancellation = mid;
        CHECK_THROWS_AS([&] {
            for (const auto& chunk : chain.stream(ask("Fix it?"), streaming)) {
                (void)chunk;
                mid.cancel();
            }
        }(), braid::Error);
    }
    CHECK(sessions.of("p1").empty());
}

TEST_CASE("[history runnable] the session id: missing, custom and several keys", "[unit]") {
    FakeChatModel model(std::vector<std::string>{"ok"});
    Sessions sessions;
    RunnableWithMessageHistory chain(blacksmith_prompt() | model, sessions.factory(), question_keys());
    try {
        chain.invoke(ask("hi"));
        FAIL("no error");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::invalid_argument);
        CHECK(std::string(e.what()).find("session_id") != std::string::npos);
    }
    auto options = question_keys();
    options.session_keys = {"user_id", "conversation_id"};
    RunnableWithMessageHistory keyed(blacksmith_prompt() | model, sessions.factory(), options);
    RunConfig config;
    config.configurable = {{"user_id", "alice"}, {"conversation_id", 7}};
    keyed.invoke(ask("hi"), config);
    CHECK(sessions.of("alice:7").size() == 2);
    CHECK_THROWS_AS(RunnableWithMessageHistory(blacksmith_prompt() | model, nullptr), braid::Error);
}

TEST_CASE("[history runnable] a SQLite-backed history remembers across objects", "[unit]") {
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("braid_history_runnable_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(file);
    FakeChatModel model(std::vector<std::string>{"Aye.", "Your sword."});
    {
        auto db = braid::memory::SqliteDatabase::open(file);
        RunnableWithMessageHistory chain(
            blacksmith_prompt() | model,
            [db](const std::string& id) { return std::make_shared<braid::memory::SqliteChatHistory>(db, id); },
            question_keys());
        chain.invoke(ask("Fix my sword?"), session("npc:smith"));
    }
    auto db = braid::memory::SqliteDatabase::open(file);
    RunnableWithMessageHistory chain(
        blacksmith_prompt() | model,
        [db](const std::string& id) { return std::make_shared<braid::memory::SqliteChatHistory>(db, id); },
        question_keys());
    chain.invoke(ask("What did I ask?"), session("npc:smith"));
    CHECK(model.received().back().size() == 4);
    CHECK(braid::memory::SqliteChatHistory(db, "npc:smith").messages().size() == 4);
    std::filesystem::remove(file);
    std::filesystem::remove(file.string() + "-wal");
    std::filesystem::remove(file.string() + "-shm");
}
