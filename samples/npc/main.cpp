// braid NPC sample: a blacksmith who remembers the player across runs. Each run of the program is one
// visit to the smithy; the conversation is saved in an SQLite file (the "save game"):
// - SqliteChatHistory: every message of the session, appended one turn (player line + answer) at a time;
// - SummaryBufferMemory: the recent messages verbatim, older ones folded into a running summary once they
//   exceed a token budget (the summary is saved in the same file);
// - EntityMemory: facts about the people and places the player mentions, recalled when mentioned again.
//
//   braid_sample_npc <save.db> [model.gguf]
//
// With a GGUF chat model the NPC would run on it (braid's LocalChatModel, not part of this build yet);
// without one, the NPC and its memory run on SCRIPTED FAKE MODELS (braid::testing::FakeChatModel): their
// answers are fixed in this file and do not read the prompt. What the memory keeps, and what it gives the
// model on the next visit, is real: the program prints it.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "braid/error.hpp"
#include "braid/memory/entity_memory.hpp"
#include "braid/memory/sqlite_chat_history.hpp"
#include "braid/memory/sqlite_database.hpp"
#include "braid/memory/sqlite_entity_store.hpp"
#include "braid/memory/sqlite_summary_store.hpp"
#include "braid/memory/summary_buffer_memory.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

namespace {

using braid::Message;
using braid::Messages;
using braid::testing::FakeChatModel;

/// What the player says and what the scripted models answer on one visit.
struct Visit {
    std::vector<std::string> player;         ///< The player's lines.
    std::vector<std::string> npc;            ///< The smith's answers, one per line.
    std::vector<std::string> entity_model;   ///< The memory model's answers to the entity prompts, in call order.
    std::vector<std::string> summary_model;  ///< The memory model's summaries.
};

// The script of the fake models, per visit (the last one repeats). Entity calls per player line: one
// extraction ("NONE" or names), then one summary per name.
const std::vector<Visit>& script() {
    static const std::vector<Visit> visits = {
        {{"Hello! I'm Alice, from Riverton.", "Can you fix my sword? The blade is chipped."},
         {"Welcome to my smithy, traveller. I'm Brom.", "Leave it with me. Come back tomorrow and it will be sharp."},
         {"Alice, Riverton", "Alice is a traveller from Riverton.", "Riverton is the home town of Alice.", "NONE"},
         {"Alice from Riverton visited Brom's smithy and left a sword with a chipped blade to be fixed."}},
        {{"It's Alice again. Is my sword ready?"},
         {"Alice of Riverton! Aye, the chipped blade is mended. That'll be five silver."},
         {"Alice", "Alice is a traveller from Riverton; she came back for her mended sword."},
         {"Alice from Riverton left a chipped sword with Brom and came back for it the next day; Brom asked five "
          "silver."}},
        {{"Just passing by, Brom."},
         {"Good to see you again, Alice. Safe travels."},
         {"NONE"},
         {"Alice is a regular at Brom's smithy."}},
    };
    return visits;
}

braid::ChatPromptTemplate npc_prompt() {
    return braid::ChatPromptTemplate::from_messages({
        {"system", "You are Brom, a gruff but kind blacksmith in a fantasy village. Answer in one or two sentences.\n"
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

int run(const std::filesystem::path& save, const char* model_path) {
    if (model_path) {
        if (!std::filesystem::exists(model_path))
            throw braid::Error(braid::errc::io, std::string("model file '") + model_path + "' does not exist");
        std::printf("A GGUF model was given (%s), but this build has no LocalChatModel yet: the NPC runs on the "
                    "scripted FakeChatModel instead.\n", model_path);
    }
    std::puts("NOTE: the NPC and its memory run on SCRIPTED FAKE MODELS (braid::testing::FakeChatModel): their answers "
              "are fixed in samples/npc/main.cpp. The memory they are given is real and saved between runs.\n");

    const std::string session = "npc:brom";
    braid::memory::SqliteDatabase db = braid::memory::SqliteDatabase::open(save);
    auto history = std::make_shared<braid::memory::SqliteChatHistory>(db, session);
    auto summaries = std::make_shared<braid::memory::SqliteSummaryStore>(db, session);
    auto entities = std::make_shared<braid::memory::SqliteEntityStore>(db, session);

    // The visit number: how many player lines are saved, against the script (a new save is visit 1).
    std::size_t lines_before = 0;
    for (const Message& m : history->messages())
        lines_before += m.role == "user";
    std::size_t visit = 0, counted = 0;
    while (visit + 1 < script().size() && counted + script()[visit].player.size() <= lines_before)
        counted += script()[visit++].player.size();
    const Visit& today = script()[visit];
    std::printf("Save file %s: %zu earlier messages; this is visit %zu.\n", save.string().c_str(),
                history->messages().size(), visit + 1);

    const FakeChatModel npc_model(today.npc);
    const FakeChatModel entity_model(today.entity_model);
    const FakeChatModel summary_model(today.summary_model);
    braid::memory::SummaryBufferOptions buffer_options;
    buffer_options.max_token_limit = 40; // small, so that a visit's talk is folded into the summary by the next
    braid::memory::SummaryBufferMemory memory(summary_model, history, summaries, buffer_options);
    braid::memory::EntityMemory entity_memory(entity_model, history, entities);

    if (!memory.summary().empty())
        std::printf("Brom remembers (saved summary): %s\n", memory.summary().c_str());
    const auto chain = npc_prompt() | npc_model;
    for (const std::string& line : today.player) {
        const braid::memory::EntityFacts known = entity_memory.recall(line);
        for (const auto& [name, facts] : known)
            std::printf("  (memory: %s — %s)\n", name.c_str(), facts.empty() ? "not seen before" : facts.c_str());
        const Messages context = memory.messages();
        std::string facts_text = braid::memory::EntityMemory::to_text(known);
        const Message answer = chain.invoke({{"entities", facts_text.empty() ? "(nothing yet)" : facts_text},
                                             {"history", braid::Value(context)},
                                             {"line", line}});
        std::printf("Player: %s\nBrom:   %s\n", line.c_str(), answer.content.c_str());
        const std::vector<Message> turn = {Message::user(line), Message::assistant(answer.content)};
        history->add_messages(turn); // one atomic turn
        entity_memory.remember(braid::memory::EntityMemory::names_in(known), line);
        memory.prune(); // folds the oldest messages into the summary once over the budget
    }

    const std::vector<Messages> asked = npc_model.received();
    if (!asked.empty())
        print_messages("\nWhat the NPC model was given on its last call of this visit:", asked.back());
    std::printf("\nSaved: %zu messages, summary: \"%s\"\n", history->messages().size(), memory.summary().c_str());
    for (const std::string& name : entities->names())
        std::printf("Saved fact: %s — %s\n", name.c_str(), entities->get(name).value_or("").c_str());
    std::puts("\nRun the program again with the same save file: Brom will remember this visit.");
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
