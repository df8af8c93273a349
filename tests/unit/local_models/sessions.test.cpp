// Sessions through LocalChatModel: a conversation saved from one model object and restored into
// another continues with the same greedy text as a cold run, reusing the restored tokens; corrupt,
// truncated, missing and other-model files are clear errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "local_test_util.hpp"

using braid::GenerationOptions;
using braid::LocalChatModel;
using braid::LocalChatModelOptions;
using braid::Message;
using braid::Messages;
using braid::Value;

namespace sessions_test {

namespace fs = std::filesystem;

LocalChatModelOptions session_options() {
    LocalChatModelOptions o;
    o.scheduler.n_seq_max = 2;
    o.scheduler.n_ctx = 2 * 512;
    o.scheduler.threads = 2;
    std::ifstream in(local_test::models_dir() / "chatml.jinja", std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    o.chat_template = s.str();
    o.defaults.temperature = 0.0;
    o.defaults.max_tokens = 24;
    return o;
}

Message session_ask(const LocalChatModel& model, const Messages& messages) {
    return model.generate(messages, {}, braid::RunContext(braid::default_run_config()));
}

fs::path temp_file(const std::string& name) {
    return fs::temp_directory_path() / ("braid-session-test-" + std::to_string(::getpid()) + "-" + name);
}

Messages conversation() {
    return {Message::system("You tell stories about a little dog."), Message::user("Once upon a time, there was a dog"),
            Message::assistant("named Max. Max liked to run in the park."), Message::user("What did Max find?")};
}

} // namespace sessions_test

using namespace sessions_test;

TEST_CASE("[local_sessions] a restored conversation continues like a cold run", "[engine]") {
    const fs::path path = temp_file("continue.bin");
    const Messages messages = conversation();
    std::size_t saved = 0;
    {
        LocalChatModel first(local_test::stories(), session_options());
        saved = first.save_session(messages, path);
        CHECK(saved == first.to_request(messages, {}).prompt.size());
    }
    REQUIRE(fs::exists(path));
    LocalChatModel cold(local_test::stories(), session_options());
    const Message expected = session_ask(cold, messages);
    CHECK(expected.response_metadata["usage"]["prompt_tokens_cached"] == 0);

    LocalChatModel warm(local_test::stories(), session_options());
    CHECK(warm.load_session(path) == saved);
    const Message continued = session_ask(warm, messages);
    CHECK(continued.content == expected.content);
    // Every prompt token but the last (decoded again for its logits) came from the session.
    CHECK(continued.response_metadata["usage"]["prompt_tokens_cached"] == saved - 1);
    fs::remove(path);
}

TEST_CASE("[local_sessions] a session saved after a turn serves the next turn", "[engine]") {
    const fs::path path = temp_file("turn.bin");
    LocalChatModel model(local_test::stories(), session_options());
    Messages messages = conversation();
    const Message answer = session_ask(model, messages);
    messages.push_back(answer);
    model.save_session(messages, path); // already cached: no prefill needed
    const auto stats = model.scheduler().stats();
    CHECK(stats.prompt_tokens > 0);

    LocalChatModel other(local_test::stories(), session_options());
    other.load_session(path);
    messages.push_back(Message::user("And then?"));
    const Message next = session_ask(other, messages);
    CHECK(next.response_metadata["usage"]["prompt_tokens_cached"].get<std::size_t>() > 20);
    fs::remove(path);
}

TEST_CASE("[local_sessions] corrupt, truncated, missing and other-model files are clear errors", "[engine]") {
    const fs::path path = temp_file("bad.bin");
    LocalChatModel model(local_test::stories(), session_options());
    model.save_session(conversation(), path);
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        bytes = s.str();
    }
    auto write = [&](const std::string& b) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << b;
    };
    LocalChatModel target(local_test::stories(), session_options());
    std::string flipped = bytes;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
    write(flipped);
    CHECK(local_test::kind_of([&] { target.load_session(path); }) == braid::errc::invalid_argument);
    write(bytes.substr(0, bytes.size() / 3));
    CHECK(local_test::kind_of([&] { target.load_session(path); }) == braid::errc::invalid_argument);
    write("not a session");
    CHECK(local_test::kind_of([&] { target.load_session(path); }) == braid::errc::invalid_argument);
    fs::remove(path);
    CHECK(local_test::kind_of([&] { target.load_session(path); }) == braid::errc::io);

    LocalChatModelOptions llama_options = session_options();
    LocalChatModel llama(local_test::tiny_llama(), llama_options);
    llama.save_session(conversation(), path);
    CHECK(local_test::kind_of([&] { target.load_session(path); }) == braid::errc::invalid_argument);
    // The failed loads left the target working.
    CHECK_FALSE(session_ask(target, conversation()).content.empty());
    fs::remove(path);
}
