// braid structured-output sample: a game asks a local model for an NPC's next move and gets a C++ struct
// it can trust. The JSON Schema becomes a grammar that masks every token the model could write outside it,
// so even a model that has never seen JSON (stories260K, the default) answers with a valid object; the
// answer is validated and converted with from_json. A GBNF grammar does the same for free-form formats.
//
//   braid_sample_structured_output [MODEL.gguf]
#include <cstdio>
#include <string>

#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "braid/models/structured_output.hpp"
#include "braid/prompts/chat_prompt_template.hpp"

namespace game {

/// What the NPC does next: the game's own type.
struct NpcMove {
    std::string action; // one of the actions the game implements
    std::string target;
    std::string line; // what the NPC says while doing it
};

void from_json(const braid::Value& v, NpcMove& m) {
    v.at("action").get_to(m.action);
    v.at("target").get_to(m.target);
    v.at("line").get_to(m.line);
}

braid::Value move_schema() {
    return braid::Value::parse(R"({
        "type": "object",
        "properties": {
            "action": {"enum": ["greet", "trade", "flee", "attack", "follow"]},
            "target": {"type": "string", "minLength": 1, "maxLength": 16},
            "line": {"type": "string", "maxLength": 60}
        },
        "required": ["action", "target", "line"]
    })");
}

} // namespace game

int main(int argc, char** argv) try {
    auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(argc > 1 ? argv[1] : BRAID_SAMPLE_MODEL));
    braid::LocalChatModelOptions options;
    options.scheduler.n_seq_max = 1;
    options.defaults.temperature = 0.7;
    options.defaults.seed = 7;
    options.defaults.max_tokens = 120;
    auto chat = std::make_shared<const braid::LocalChatModel>(model, options);
    auto prompt = braid::ChatPromptTemplate::from_messages({
        {"system", "You are the blacksmith of a mountain village. Decide your next move as JSON."},
        {"user", "{event}"},
    });

    // A typed answer: prompt | model constrained by the schema | validated and converted to NpcMove.
    auto decide = prompt | braid::with_structured_output<game::NpcMove>(braid::make_runnable(chat), game::move_schema());
    const game::NpcMove move = decide.invoke(braid::Value{{"event", "A stranger with a sword walks into the forge."}});
    std::printf("action: %s\ntarget: %s\nline: %s\n", move.action.c_str(), move.target.c_str(), move.line.c_str());

    // A grammar of the game's own: a yes/no answer and a number of coins, in GBNF.
    braid::GenerationOptions haggle;
    haggle.extra["grammar"] = R"(root ::= ("yes" | "no") ", " [1-9] [0-9]? " coins")";
    haggle.max_tokens = 16;
    const braid::RunContext ctx(braid::default_run_config());
    const braid::Message offer =
        chat->generate({braid::Message::user("Will you sell the sword, and for how much?")}, haggle, ctx);
    std::printf("offer: %s\n", offer.content.c_str());
    return 0;
} catch (const braid::Error& e) {
    std::fprintf(stderr, "braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
    return 1;
}
