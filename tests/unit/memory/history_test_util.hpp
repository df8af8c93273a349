// Shared by the chat-history tests: a conversation with every kind of message, temporary files, and
// writers (threads, processes) whose turns can be checked for loss and interleaving afterwards.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "braid/memory/chat_history.hpp"

namespace braid_test {

/// Every kind of message, with the fields a store could lose: names, tool calls with ids and nested
/// JSON arguments, tool results, text with newlines, quotes and non-ASCII, an empty content, another role.
inline std::vector<braid::Message> every_kind_of_message() {
    braid::Message user = braid::Message::user("Hello \"world\"\nsecond line\ttab \u00e9\u4e16\U0001F600");
    user.name = "alice";
    braid::Value args = braid::Value::parse(R"({"city":"Paris","days":3,"units":{"temp":"C"},"tags":["a",null,1.5]})");
    braid::Message call = braid::Message::assistant(
        "", {braid::ToolCall{"call_1", "weather", args}, braid::ToolCall{"call_2", "time", braid::Value::object()}});
    return {
        braid::Message::system("You are a blacksmith."),
        user,
        call,
        braid::Message::tool("{\"temp\": 21}", "call_1", "weather"),
        braid::Message::tool("12:00", "call_2"),
        braid::Message::assistant("It is 21 \u00b0C.\n\nAnything else?"),
        braid::Message::with_role("observation", "raw text"),
        braid::Message::user(""),
    };
}

/// A fresh path under the temporary folder, removed (with SQLite's -wal and -shm files) at the end.
class TempPath {
public:
    explicit TempPath(const std::string& suffix) {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("braid-memory-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + suffix);
        remove_all();
    }
    ~TempPath() { remove_all(); }
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    void remove_all() {
        std::error_code ignored;
        for (const char* extra : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(path_.string() + extra, ignored);
    }
    std::filesystem::path path_;
};

/// Turn @p index of writer @p writer: a question and its answer, labelled so they can be checked.
inline std::vector<braid::Message> labelled_turn(int writer, int index) {
    const std::string label = std::to_string(writer) + ":" + std::to_string(index);
    return {braid::Message::user(label + ":q"), braid::Message::assistant(label + ":a")};
}

/// @p writers threads each append @p turns turns to @p history at once.
inline void append_from_threads(braid::memory::ChatHistory& history, int writers, int turns) {
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&history, w, turns] {
            for (int i = 0; i < turns; ++i)
                history.add_messages(labelled_turn(w, i));
        });
    for (std::thread& t : threads)
        t.join();
}

/// @p processes child processes, each with @p threads threads (writer ids 100 × process + thread), append
/// @p turns turns each to the history @p open makes in the child (one per process); returns how many
/// children failed (exit status other than 0).
inline int append_from_processes(const std::function<std::unique_ptr<braid::memory::ChatHistory>()>& open,
                                 int processes, int turns, int threads = 1) {
    std::vector<pid_t> children;
    for (int p = 0; p < processes; ++p) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            std::atomic<int> status{0};
            try {
                const auto history = open();
                std::vector<std::thread> writers;
                for (int t = 0; t < threads; ++t)
                    writers.emplace_back([&, t] {
                        try {
                            for (int i = 0; i < turns; ++i)
                                history->add_messages(labelled_turn(100 * p + t, i));
                        } catch (const std::exception& e) {
                            std::fprintf(stderr, "writer %d: %s\n", 100 * p + t, e.what());
                            status = 1;
                        }
                    });
                for (std::thread& writer : writers)
                    writer.join();
            } catch (const std::exception& e) {
                std::fprintf(stderr, "process %d: %s\n", p, e.what());
                status = 1;
            }
            ::_exit(status); // no Catch2, no atexit handlers in the child
        }
        children.push_back(pid);
    }
    int failed = 0;
    for (const pid_t pid : children) {
        int status = 0;
        if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            ++failed;
    }
    return failed;
}

/// Starts a child process that appends turns of writer 0 to the history @p open makes until it is killed,
/// kills it (SIGKILL) after @p run_for, and returns whether it was still running then.
inline bool kill_writer_midway(const std::function<std::unique_ptr<braid::memory::ChatHistory>()>& open,
                               std::chrono::milliseconds run_for) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        try {
            const auto history = open();
            for (int i = 0;; ++i)
                history->add_messages(labelled_turn(0, i));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "writer: %s\n", e.what());
        }
        ::_exit(1);
    }
    std::this_thread::sleep_for(run_for);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/// What is wrong with @p messages as the turns of @p writers writers × @p turns turns ("" if nothing):
/// every turn present once, its question and answer adjacent, each writer's turns in its order.
inline std::string turn_problems(const std::vector<braid::Message>& messages, int writers, int turns) {
    const std::size_t expected = static_cast<std::size_t>(writers) * static_cast<std::size_t>(turns) * 2;
    if (messages.size() != expected)
        return "expected " + std::to_string(expected) + " messages, got " + std::to_string(messages.size());
    std::map<int, int> next_index;
    for (std::size_t k = 0; k < messages.size(); k += 2) {
        const std::string& q = messages[k].content;
        const std::string& a = messages[k + 1].content;
        const std::size_t colon = q.find(':');
        if (colon == std::string::npos || q.size() < 2 || q.substr(q.size() - 2) != ":q" ||
            a != q.substr(0, q.size() - 2) + ":a")
            return "interleaved at message " + std::to_string(k) + ": '" + q + "' then '" + a + "'";
        const int writer = std::stoi(q.substr(0, colon));
        const int index = std::stoi(q.substr(colon + 1));
        if (next_index[writer] != index)
            return "writer " + std::to_string(writer) + ": turn " + std::to_string(index) + " out of order";
        ++next_index[writer];
    }
    return "";
}

} // namespace braid_test
