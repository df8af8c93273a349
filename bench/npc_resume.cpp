// NPC resume benchmark (issue 13's figure): a ~2,000-token NPC conversation answered by a LocalChatModel
// either by replaying its history (a fresh model computes the whole prompt) or by resuming its saved KV
// state (LocalChatModel::load_session, then only the new line is computed). Time to the first answer
// token, each round with fresh models; the conversation is saved once with save_session.
//
// Usage: npc_resume MODEL.gguf [threads=2] [rounds=3]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>

#include "braid/engine/model.hpp"
#include "braid/models/local_chat_model.hpp"

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// A blacksmith's conversation of about 2,000 tokens with braid's plain template on stories260K.
braid::Messages conversation() {
    braid::Messages messages = {braid::Message::system("You are Brom, the village blacksmith.")};
    for (int i = 0; messages.size() < 41; ++i) {
        messages.push_back(braid::Message::user("Tell me about the sword number " + std::to_string(i) + ", please."));
        messages.push_back(braid::Message::assistant("Sword " + std::to_string(i) + " was forged in the old mill by my father."));
    }
    return messages;
}

int run(const char* model_path, int threads, int rounds) {
    auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(model_path));
    braid::LocalChatModelOptions options;
    options.scheduler.n_ctx = 4096;
    options.scheduler.n_seq_max = 1;
    options.scheduler.threads = threads;
    options.defaults.max_tokens = 1;
    options.defaults.temperature = 0.0;
    const braid::Messages history = conversation();
    const std::filesystem::path session = std::filesystem::temp_directory_path() / "braid_npc_resume.kv";
    std::size_t tokens = 0;
    {
        const braid::LocalChatModel saver(model, options);
        tokens = saver.save_session(history, session);
    }
    braid::Messages next = history;
    next.push_back(braid::Message::user("And the next one?"));
    const braid::RunContext ctx(braid::default_run_config());
    for (int round = 0; round < rounds; ++round) {
        const braid::LocalChatModel cold(model, options);
        auto start = std::chrono::steady_clock::now();
        (void)cold.generate(next, {}, ctx);
        const double replay = ms_since(start);
        const braid::LocalChatModel warm(model, options);
        start = std::chrono::steady_clock::now();
        warm.load_session(session);
        (void)warm.generate(next, {}, ctx);
        const double resume = ms_since(start);
        std::printf("%s: %zu-token session: replay %.1f ms, resume + first token %.1f ms (%.1fx)\n", model_path,
                    tokens, replay, resume, replay / resume);
    }
    std::filesystem::remove(session);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s MODEL.gguf [threads=2] [rounds=3]\n", argv[0]);
        return 2;
    }
    try {
        return run(argv[1], argc > 2 ? std::atoi(argv[2]) : 2, argc > 3 ? std::atoi(argv[3]) : 3);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
