// Chat-history store benchmark (issue 13's figures): how fast the persistent stores append turns and load
// a long session, on a temporary file on this machine's disk.
//
//   appends:  turns of 2 messages (a user question, an assistant answer of ~100 characters each) appended
//             one add_messages() call at a time to a fresh session — each turn is durable when the call
//             returns (SQLite: one transaction, synchronous=FULL; file: one write + fsync), so this is
//             mostly the disk's fsync rate.
//   load:     messages() of a 1,000-message session (written beforehand in one call, which stores the
//             same rows / lines as 500 turns), i.e. reading and parsing every message.
//
// Stores: SqliteChatHistory (the figure asked for) and FileChatHistory (JSON Lines) for comparison.
// Prints key=value lines: <store>_appends_per_s=..., <store>_load_1000_ms=..., each the median of
// `runs` runs (default 5; `memory_history RUNS` to change it).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "braid/memory/file_chat_history.hpp"
#include "braid/memory/sqlite_chat_history.hpp"
#include "braid/memory/sqlite_database.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using braid::Message;
using braid::memory::ChatHistory;

// 100 turns keep one append run under a second on a disk with ~1 ms fsyncs, enough for a stable median.
constexpr int turns_per_append_run = 100;
constexpr int messages_per_session = 1000;

/// A store of one kind on a fresh temporary file; called once per run so runs do not share state.
using StoreFactory = std::function<std::unique_ptr<ChatHistory>(const fs::path& file)>;

std::vector<Message> make_turn(int i) {
    return {Message::user("Question " + std::to_string(i) + ": can you tell me about the old mill by the river?"),
            Message::assistant("Answer " + std::to_string(i) + ": the miller left years ago; the wheel still turns.")};
}

double median(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A path in the temp folder unique to this process and @p name (removed, with SQLite's side files).
struct TempFile {
    fs::path path;
    explicit TempFile(const std::string& name)
        : path(fs::temp_directory_path() / ("braid_bench_" + std::to_string(::getpid()) + "_" + name)) {}
    ~TempFile() {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            fs::remove(path.string() + suffix, ignored);
    }
};

double appends_per_s(const StoreFactory& make_store, const std::string& name) {
    TempFile file(name + "_append");
    auto store = make_store(file.path);
    const auto start = Clock::now();
    for (int i = 0; i < turns_per_append_run; ++i)
        store->add_messages(make_turn(i));
    return turns_per_append_run / seconds_since(start);
}

double load_ms(const StoreFactory& make_store, const std::string& name) {
    TempFile file(name + "_load");
    std::vector<Message> session;
    for (int i = 0; i < messages_per_session / 2; ++i)
        for (Message& m : make_turn(i))
            session.push_back(std::move(m));
    make_store(file.path)->add_messages(session);
    auto store = make_store(file.path); // a fresh handle: what resuming a saved session does
    const auto start = Clock::now();
    const std::size_t loaded = store->messages().size();
    const double ms = seconds_since(start) * 1000.0;
    if (loaded != session.size()) {
        std::fprintf(stderr, "%s: loaded %zu messages, expected %zu\n", name.c_str(), loaded, session.size());
        std::exit(1);
    }
    return ms;
}

void measure(const std::string& name, const StoreFactory& make_store, int runs) {
    std::vector<double> appends, loads;
    for (int r = 0; r < runs; ++r) {
        appends.push_back(appends_per_s(make_store, name));
        loads.push_back(load_ms(make_store, name));
    }
    std::printf("%s_appends_per_s=%.0f\n", name.c_str(), median(appends));
    std::printf("%s_load_1000_ms=%.2f\n", name.c_str(), median(loads));
}

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    measure("sqlite", [](const fs::path& file) -> std::unique_ptr<ChatHistory> {
        return std::make_unique<braid::memory::SqliteChatHistory>(braid::memory::SqliteDatabase::open(file), "bench");
    }, runs);
    measure("file", [](const fs::path& file) -> std::unique_ptr<ChatHistory> {
        return std::make_unique<braid::memory::FileChatHistory>(file);
    }, runs);
    return 0;
}
