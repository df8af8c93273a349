// braid chat sample: a terminal chat on a local GGUF model through LocalChatModel — answers streamed as
// they decode, the conversation and its KV state saved after each turn and resumed at start.
//
//   braid_sample_chat [MODEL.gguf] [SESSION]
//
// MODEL defaults to tests/data/models/stories260K.gguf (a 260K-parameter story model: it tells tiny
// stories, not answers; with no chat template of its own it gets ChatML). SESSION defaults to
// braid_chat_session.json; its KV state goes to SESSION.kv. Each stdin line is a turn; /reset starts over.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw braid::Error(braid::errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path + ".tmp", std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    std::filesystem::rename(path + ".tmp", path);
}

} // namespace

int main(int argc, char** argv) try {
    const std::string path = argc > 1 ? argv[1] : BRAID_SAMPLE_MODEL;
    const std::string session = argc > 2 ? argv[2] : "braid_chat_session.json";
    auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(path));
    braid::LocalChatModelOptions options;
    options.scheduler.n_seq_max = 1;
    options.scheduler.n_ctx = 4096;
    options.overflow = braid::ContextOverflow::drop_oldest_turns;
    options.defaults.temperature = 0.7;
    options.defaults.seed = 42;
    options.defaults.max_tokens = 96;
    if (!model->chat_template())
        options.chat_template = read_text(BRAID_SAMPLE_CHATML);
    const braid::LocalChatModel chat(model, options);

    braid::Messages messages;
    if (std::filesystem::exists(session)) {
        for (const braid::Value& m : braid::Value::parse(read_text(session)))
            messages.push_back(m.get<braid::Message>());
        if (std::filesystem::exists(session + ".kv"))
            chat.load_session(session + ".kv");
        std::printf("(resumed %zu messages from %s)\n", messages.size(), session.c_str());
    } else {
        messages.push_back(braid::Message::system("You are a friendly storyteller."));
    }
    std::string line;
    while (std::printf("> "), std::fflush(stdout), std::getline(std::cin, line)) {
        if (line == "/reset") {
            messages.resize(1);
            continue;
        }
        if (line.empty())
            continue;
        messages.push_back(braid::Message::user(line));
        braid::MessageChunk answer;
        for (const braid::MessageChunk& chunk : chat.stream(messages, {}, braid::RunContext(braid::default_run_config()))) {
            std::printf("%s", chunk.content.c_str());
            std::fflush(stdout);
            answer = answer + chunk;
        }
        braid::Message reply = answer.to_message();
        const braid::Value usage = reply.response_metadata["usage"];
        std::printf("\n  [%s, %d prompt tokens, %d from the cache]\n", reply.response_metadata["finish_reason"].get<std::string>().c_str(),
                    usage["prompt_tokens"].get<int>(), usage["prompt_tokens_cached"].get<int>());
        reply.response_metadata = nullptr;
        messages.push_back(std::move(reply));
        write_text(session, braid::Value(messages).dump(1));
        chat.save_session(messages, session + ".kv");
    }
    std::printf("\n");
    return 0;
} catch (const braid::Error& e) {
    std::fprintf(stderr, "braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
    return 1;
}
