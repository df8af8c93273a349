#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "braid/memory/file_chat_history.hpp"
#include "braid/run_control.hpp"
#include "history_test_util.hpp"
#include "../error_text.hpp"

using braid::Message;
using braid::memory::FileChatHistory;
using braid_test::error_of;
using braid_test::TempPath;

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// Collects the warnings of the process-wide log sink while alive; restores standard error after.
class CapturedWarnings {
public:
    CapturedWarnings() {
        braid::set_log_sink([this](braid::LogLevel, std::string_view component, std::string_view message) {
            std::lock_guard lock(mutex_);
            lines_.push_back(std::string(component) + ": " + std::string(message));
        });
    }
    ~CapturedWarnings() { braid::set_log_sink(nullptr); }
    std::vector<std::string> lines() {
        std::lock_guard lock(mutex_);
        return lines_;
    }

private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
};

} // namespace

TEST_CASE("[history] file: round trip, one message per line, clear", "[unit]") {
    const TempPath file(".jsonl");
    FileChatHistory history(file.path());
    CHECK(history.messages().empty()); // no file yet
    const std::vector<Message> conversation = braid_test::every_kind_of_message();
    history.add_messages(conversation);
    history.add_messages({});
    CHECK(history.messages() == conversation);
    CHECK(FileChatHistory(file.path()).messages() == conversation); // another object reads the same file

    const std::string text = read_text(file.path());
    CHECK(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) == conversation.size());
    CHECK(text.rfind(R"({"role":"system","content":"You are a blacksmith."})" "\n", 0) == 0);

    history.clear();
    CHECK(history.messages().empty());
    CHECK(read_text(file.path()).empty());
    history.add_message(Message::user("again"));
    CHECK(history.messages() == std::vector<Message>{Message::user("again")});
}

TEST_CASE("[history] file: a torn last line is dropped with a warning and cut off by the next append", "[unit]") {
    const TempPath file(".jsonl");
    const std::string good = "{\"role\":\"user\",\"content\":\"one\"}\n{\"role\":\"assistant\",\"content\":\"two\"}\n";
    FileChatHistory history(file.path());
    const std::vector<Message> kept = {Message::user("one"), Message::assistant("two")};

    SECTION("no newline at the end") { write_text(file.path(), good + "{\"role\":\"user\",\"con"); }
    SECTION("a whole line that is not JSON") { write_text(file.path(), good + "{\"role\":\"us\n"); }

    CapturedWarnings warnings;
    CHECK(history.messages() == kept);
    REQUIRE(warnings.lines().size() == 1);
    CHECK_THAT(warnings.lines()[0], Catch::StartsWith("memory: chat history file '" + file.path().string() +
                                                      "': dropped torn last line 3"));

    history.add_message(Message::user("three"));
    CHECK(warnings.lines().size() == 2); // the append cut the torn line off, and said so
    CHECK(history.messages() == std::vector<Message>{Message::user("one"), Message::assistant("two"),
                                                     Message::user("three")});
    CHECK(warnings.lines().size() == 2); // nothing torn any more
}

TEST_CASE("[history] file: invalid JSON before the last line is a parse error naming the line", "[unit]") {
    const TempPath file(".jsonl");
    write_text(file.path(), "{\"role\":\"user\",\"content\":\"one\"}\nnot json\n{\"role\":\"user\",\"content\":\"3\"}\n");
    const std::string error = error_of([&] { (void)FileChatHistory(file.path()).messages(); });
    CHECK_THAT(error, Catch::StartsWith("parse: chat history file '" + file.path().string() + "', line 2: "));
    write_text(file.path(), "{\"role\":\"user\",\"content\":\"one\"}\n{\"content\":\"no role\"}\n{}\n");
    CHECK_THAT(error_of([&] { (void)FileChatHistory(file.path()).messages(); }),
               Catch::Contains("line 2: not a valid message (message: missing \"role\")"));
}

TEST_CASE("[history] file: a file that cannot be opened is an io error naming it", "[unit]") {
    const TempPath folder("-folder");
    std::filesystem::create_directory(folder.path());
    FileChatHistory history(folder.path()); // a folder, not a file
    CHECK_THAT(error_of([&] { history.add_message(Message::user("x")); }),
               Catch::StartsWith("io: chat history file '" + folder.path().string() + "': cannot open"));
    std::filesystem::remove(folder.path());
    FileChatHistory nowhere(folder.path() / "missing-folder" / "chat.jsonl");
    CHECK(nowhere.messages().empty());
    CHECK_THAT(error_of([&] { nowhere.add_message(Message::user("x")); }), Catch::StartsWith("io: "));
}

TEST_CASE("[history] file: 8 threads append 50 turns each, nothing lost or interleaved", "[unit]") {
    const TempPath file(".jsonl");
    FileChatHistory history(file.path());
    braid_test::append_from_threads(history, 8, 50);
    CHECK(braid_test::turn_problems(history.messages(), 8, 50) == "");
}

TEST_CASE("[history] file: 4 processes of 4 threads append 20 turns each, nothing lost or interleaved", "[unit]") {
    const TempPath file(".jsonl");
    const auto open = [&]() -> std::unique_ptr<braid::memory::ChatHistory> {
        return std::make_unique<FileChatHistory>(file.path());
    };
    REQUIRE(braid_test::append_from_processes(open, 4, 20, 4) == 0);
    CHECK(braid_test::turn_problems(FileChatHistory(file.path()).messages(), 16, 20) == "");
}

TEST_CASE("[history] file: a writer killed mid-write leaves every written turn whole", "[unit]") {
    const TempPath file(".jsonl");
    const auto open = [&]() -> std::unique_ptr<braid::memory::ChatHistory> {
        return std::make_unique<FileChatHistory>(file.path());
    };
    REQUIRE(braid_test::kill_writer_midway(open, std::chrono::milliseconds(300)));
    const std::vector<Message> messages = FileChatHistory(file.path()).messages();
    REQUIRE(messages.size() >= 2);
    CHECK(braid_test::turn_problems(messages, 1, static_cast<int>(messages.size() / 2)) == "");
}
