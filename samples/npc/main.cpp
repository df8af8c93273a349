// braid NPC sample: two NPCs, a blacksmith and an innkeeper, who remember the player across runs. Each run
// of the program is one visit to the village; each NPC's conversation is its own session of one SQLite file
// (the "save game"):
// - SqliteChatHistory: every message of the session, appended one turn (player line + answer) at a time;
// - SummaryBufferMemory: the recent messages verbatim, older ones folded into a running summary once they
//   exceed a token budget (the summary is saved in the same file);
// - EntityMemory: facts about the people and places the player mentions, recalled when mentioned again.
//
//   braid_sample_npc <save.db> [model.gguf]
//
// With a GGUF model (any chat model; the shipped stories260K is a story model, not a chat model, so its
// answers are story text) both NPCs and their memories share one LocalChatModel, and each NPC's KV state is
// put aside at the end of a visit (`<save>.<npc>.kv`) and resumed on the next: when the saved state does not
// match (another model, a damaged file) the history is replayed instead — the conversation itself lives in
// the SQLite file, so nothing is lost. Without a model, the NPCs and their memory run on SCRIPTED FAKE MODELS
// (braid::testing::FakeChatModel): their answers are fixed in this file and do not read the prompt. What the
// memory keeps, and what it gives the model on the next visit, is real: the program prints it.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/engine/model.hpp"
#include "braid/error.hpp"
#include "braid/memory/entity_memory.hpp"
#include "braid/memory/sqlite_chat_history.hpp"
#include "braid/memory/sqlite_database.hpp"
#include "braid/memory/sqlite_entity_store.hpp"
#include "braid/memory/sqlite_summary_store.hpp"
#include "braid/memory/summary_buffer_memory.hpp"
#include "braid/models/local_chat_model.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

namespace {

using braid::Message;
using braid::Messages;
using braid::testing::FakeChatModel;

/// What the player says to one NPC on one visit, and what the scripted models answer.
struct Talk {
    std::vector<std::string> player;         ///< The player's lines.
    std::vector<std::string> npc;            ///< The NPC's answers, one per line.
    std::vector<std::string> entity_model;   ///< The memory model's answers to the entity prompts, in call order.
    std::vector<std::string> summary_model;  ///< The memory model's summaries.
};

/// An NPC: its session in the save file, its persona, and its script per visit (the last one repeats).
struct Npc {
    std::string name;
    std::string session;
    std::string persona;
    std::vector<Talk> visits;
};

// The script of the fake models. Entity calls per player line: one extraction ("NONE" or names), then one
// summary per name.
const std::vector<Npc>& npcs() {
    static const std::vector<Npc> all = {
        {"Brom", "npc:brom", "You are Brom, a gruff but kind blacksmith in a fantasy village.",
         {{{"Hello! I'm Alice, from Riverton.", "Can you fix my sword? The blade is chipped."},
           {"Welcome to my smithy, traveller. I'm Brom.", "Leave it with me. Come back tomorrow and it will be sharp."},
           {"Alice, Riverton", "Alice is a traveller from Riverton.", "Riverton is the home town of Alice.", "NONE"},
           {"Alice from Riverton visited Brom's smithy and left a sword with a chipped blade to be fixed."}},
          {{"It's Alice again. Is my sword ready?"},
           {"Alice of Riverton! Aye, the chipped blade is mended. That'll be five silver."},
           {"Alice", "Alice is a traveller from Riverton; she came back for her mended sword."},
           {"Alice from Riverton left a chipped sword with Brom and came back for it the next day; Brom asked five "
            "silver."}},
          {{"Just passing by, Brom."}, {"Good to see you again, Alice. Safe travels."}, {"NONE"},
           {"Alice is a regular at Brom's smithy."}}}},
        {"Mira", "npc:mira", "You are Mira, the cheerful innkeeper of the Sleeping Fox inn.",
         {{{"A room for the night, please. I'm Alice, my sword is at the smithy."},
           {"Welcome to the Sleeping Fox, Alice! Room three is yours, breakfast at dawn."},
           {"Alice", "Alice is a guest whose sword is being mended at the smithy."},
           {"Alice took room three at the Sleeping Fox for one night; her sword was at the smithy."}},
          {{"Good morning, Mira! Did you sleep well?"},
           {"Morning, Alice! Better than you in room three, I bet. Off to fetch your sword?"},
           {"Mira", "Mira is the innkeeper of the Sleeping Fox."},
           {"Alice stayed a night in room three of the Sleeping Fox while her sword was mended; the next morning "
            "Mira greeted her."}},
          {{"Just a drink today."}, {"Coming right up, Alice."}, {"NONE"}, {"Alice is a regular at the inn."}}}},
    };
    return all;
}

braid::ChatPromptTemplate npc_prompt(const std::string& persona) {
    return braid::ChatPromptTemplate::from_messages({
        {"system", persona + " Answer in one or two sentences.\n"
                             "What you know about the people and places mentioned:\n{entities}"},
        braid::MessagesPlaceholder("history"),
        {"user", "{line}"},
    });
}

void print_messages(const char* title, const Messages& messages) {
    std::printf("%s\n", title);
    for (const Message& m : messages)
        std::printf("  [%s] %s\n", m.role.c_str(), m.content.c_str());
}

/// The local model both NPCs share, when a GGUF file was given.
struct LocalModel {
    std::shared_ptr<const braid::LocalChatModel> model;
    braid::Runnable<braid::PromptValue, Message> runnable;
};

/// Where an NPC's KV state is put aside between visits.
std::filesystem::path kv_file(const std::filesystem::path& save, const Npc& npc) {
    return save.string() + "." + npc.name + ".kv";
}

/// Resumes the NPC's saved KV state, or says why the history will be replayed instead.
void resume_or_replay(const LocalModel& local, const std::filesystem::path& file, const Npc& npc) {
    if (!std::filesystem::exists(file)) {
        std::printf("(%s: no saved KV state: the conversation is computed from its history)\n", npc.name.c_str());
        return;
    }
    try {
        const std::size_t tokens = local.model->load_session(file);
        std::printf("(%s: resumed the saved KV state, %zu tokens)\n", npc.name.c_str(), tokens);
    } catch (const braid::Error& e) {
        std::printf("(%s: the saved KV state cannot be used (%s): replaying the history instead)\n", npc.name.c_str(),
                    e.what());
    }
}

/// One visit to @p npc: its history, summary and facts are one session of @p db.
void talk_to(const braid::memory::SqliteDatabase& db, const Npc& npc, const std::filesystem::path& save,
             const LocalModel* local) {
    auto history = std::make_shared<braid::memory::SqliteChatHistory>(db, npc.session);
    auto summaries = std::make_shared<braid::memory::SqliteSummaryStore>(db, npc.session);
    auto entities = std::make_shared<braid::memory::SqliteEntityStore>(db, npc.session);

    // The visit number: how many player lines are saved, against the script (a new save is visit 1).
    std::size_t lines_before = 0;
    for (const Message& m : history->messages())
        lines_before += m.role == "user";
    std::size_t visit = 0, counted = 0;
    while (visit + 1 < npc.visits.size() && counted + npc.visits[visit].player.size() <= lines_before)
        counted += npc.visits[visit++].player.size();
    const Talk& today = npc.visits[visit];
    std::printf("=== %s (session %s of %s): %zu earlier messages; this is visit %zu.\n", npc.name.c_str(),
                npc.session.c_str(), save.string().c_str(), history->messages().size(), visit + 1);

    // Scripted test doubles, or one local model shared by both NPCs and their memories.
    const FakeChatModel npc_script(today.npc);
    const FakeChatModel entity_script(today.entity_model);
    const FakeChatModel summary_script(today.summary_model);
    using ChatRunnable = braid::Runnable<braid::PromptValue, Message>;
    const ChatRunnable npc_model = local ? local->runnable : ChatRunnable(npc_script);
    const ChatRunnable entity_model = local ? local->runnable : ChatRunnable(entity_script);
    const ChatRunnable summary_model = local ? local->runnable : ChatRunnable(summary_script);
    braid::memory::SummaryBufferOptions buffer_options;
    buffer_options.max_token_limit = 40; // small, so that a visit's talk is folded into the summary by the next
    braid::memory::SummaryBufferMemory memory(summary_model, history, summaries, buffer_options);
    braid::memory::EntityMemory entity_memory(entity_model, history, entities);

    if (!memory.summary().empty())
        std::printf("%s remembers (saved summary): %s\n", npc.name.c_str(), memory.summary().c_str());
    if (local)
        resume_or_replay(*local, kv_file(save, npc), npc);
    const auto chain = npc_prompt(npc.persona) | npc_model;
    Messages last_context;
    for (const std::string& line : today.player) {
        const braid::memory::EntityFacts known = entity_memory.recall(line);
        for (const auto& [name, facts] : known)
            std::printf("  (memory: %s — %s)\n", name.c_str(), facts.empty() ? "not seen before" : facts.c_str());
        const Messages context = memory.messages();
        const std::string facts_text = braid::memory::EntityMemory::to_text(known);
        const braid::Value variables = {{"entities", facts_text.empty() ? "(nothing yet)" : facts_text},
                                        {"history", braid::Value(context)},
                                        {"line", line}};
        const Message answer = chain.invoke(variables);
        last_context = npc_prompt(npc.persona).format_messages(variables);
        last_context.push_back(answer);
        std::printf("Player: %s\n%s: %s\n", line.c_str(), npc.name.c_str(), answer.content.c_str());
        const std::vector<Message> turn = {Message::user(line), Message::assistant(answer.content)};
        history->add_messages(turn); // one atomic turn
        entity_memory.remember(braid::memory::EntityMemory::names_in(known), line);
        memory.prune(); // folds the oldest messages into the summary once over the budget
    }

    const std::vector<Messages> asked = npc_script.received();
    if (!asked.empty())
        print_messages(("What " + npc.name + "'s model was given on its last call of this visit:").c_str(), asked.back());
    if (local && !last_context.empty()) {
        const std::size_t tokens = local->model->save_session(last_context, kv_file(save, npc));
        std::printf("(%s: KV state of the last exchange put aside, %zu tokens)\n", npc.name.c_str(), tokens);
    }
    std::printf("Saved: %zu messages, summary: \"%s\"\n", history->messages().size(), memory.summary().c_str());
    for (const std::string& name : entities->names())
        std::printf("Saved fact: %s — %s\n", name.c_str(), entities->get(name).value_or("").c_str());
    std::puts("");
}

int run(const std::filesystem::path& save, const char* model_path) {
    std::optional<LocalModel> local;
    if (model_path) {
        auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(model_path));
        braid::LocalChatModelOptions options;
        options.scheduler.n_seq_max = 2;          // one sequence per NPC
        options.defaults.max_tokens = 48;         // short answers, short summaries
        options.defaults.temperature = 0.0;
        auto chat = std::make_shared<const braid::LocalChatModel>(model, options);
        local = LocalModel{chat, braid::make_runnable(chat)};
        std::printf("Both NPCs and their memories run on %s (%s template).\n\n", model_path,
                    chat->uses_plain_template() ? "braid's plain fallback" : "the model's own");
    } else {
        std::puts("NOTE: the NPCs and their memory run on SCRIPTED FAKE MODELS (braid::testing::FakeChatModel): their "
                  "answers are fixed in samples/npc/main.cpp. The memory they are given is real and saved between "
                  "runs.\n");
    }

    braid::memory::SqliteDatabase db = braid::memory::SqliteDatabase::open(save);
    for (const Npc& npc : npcs())
        talk_to(db, npc, save, local ? &*local : nullptr);
    std::puts("Run the program again with the same save file: Brom and Mira will remember this visit.");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s <save.db> [model.gguf]\n", argv[0]);
        return 2;
    }
    try {
        return run(argv[1], argc == 3 ? argv[2] : nullptr);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "error: %s\n", error.what());
        return 1;
    }
}
