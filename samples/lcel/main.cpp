// braid LCEL sample. First, prompt | LocalChatModel | parser on a real GGUF model run by braid's engine
// (tests/data/models/stories260K.gguf by default, any GGUF chat model given as the first argument),
// streamed token by token. Then parallel/assign, streaming JSON, events and errors with a SCRIPTED FAKE
// MODEL (braid::testing::FakeChatModel): its answers are fixed in this file, it does not read the
// prompt. Any braid::ChatModel (a local GGUF model, a remote one) fits in its place.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "braid/core/lambda.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

using braid::Value;
using namespace braid::testing;

namespace {

// 0. prompt | LocalChatModel | parser, streamed, on the GGUF model at @p path.
void local_chain(const std::string& path) {
    std::printf("0) prompt | LocalChatModel | parser on %s, streamed\n", path.c_str());
    auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(path));
    braid::LocalChatModelOptions options;
    options.scheduler.n_seq_max = 1;
    options.scheduler.n_ctx = 2048;
    options.defaults.temperature = 0.0;
    options.defaults.max_tokens = 48;
    if (!model->chat_template()) { // stories260K has none: ChatML, which its tests use too
        std::ifstream in(BRAID_SAMPLE_CHATML, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        options.chat_template = text.str();
    }
    const auto chat = braid::make_runnable(std::make_shared<braid::LocalChatModel>(model, options));
    const auto prompt = braid::ChatPromptTemplate::from_messages({
        {"system", "You are a storyteller."},
        {"user", "Tell me a story about {animal}."},
    });
    const auto chain = prompt | chat | braid::StrOutputParser();
    std::printf("  ");
    std::size_t chunks = 0;
    for (const std::string& piece : chain.stream({{"animal", "a little dog"}})) {
        std::printf("%s", piece.c_str());
        std::fflush(stdout);
        ++chunks;
    }
    std::printf("\n  (%zu streamed chunks)\n\n", chunks);
}

} // namespace

int main(int argc, char** argv) {
    try {
        local_chain(argc > 1 ? argv[1] : BRAID_SAMPLE_MODEL);
    } catch (const braid::Error& e) {
        std::printf("  braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
        return 1;
    }
    std::puts("braid LCEL sample, continued (the chat model is braid::testing::FakeChatModel: scripted answers, not a real model)\n");

    FakeChatModel::Config config;
    config.responses = {
        FakeResponse::text("Arr, the capital of France be Paris, matey!"),
        FakeResponse::text("Paris sits on the Seine and has about two million people."),
        FakeResponse::text("```json\n{\"city\": \"Paris\", \"country\": \"France\", \"landmarks\": [\"Eiffel Tower\", \"Louvre\"]}\n```"),
    };
    const FakeChatModel model(config); // a Runnable<PromptValue, Message>; copies share the script

    // 1. prompt | model | parser: a Runnable<Value, std::string>, its types checked at compile time.
    const auto prompt = braid::ChatPromptTemplate::from_messages({
        {"system", "You are {role}. Answer in one sentence."},
        braid::MessagesPlaceholder("history", /*optional=*/true),
        {"user", "{question}"},
    });
    const auto chain = prompt | model | braid::StrOutputParser();
    const Value input = {{"role", "a pirate"}, {"question", "What is the capital of France?"}};
    std::printf("1) prompt | model | parser\n--- prompt ---\n%s\n", prompt.invoke(input).to_string().c_str());
    const std::string answer = chain.invoke(input);
    std::printf("--- answer ---\n%s\n\n", answer.c_str());

    // 2. Streaming: the model's chunks flow through the parser as they are produced.
    std::puts("2) streaming (one chunk per line)");
    Value followup = input;
    followup["history"] = Value::array({Value(braid::Message::user(input["question"].get<std::string>())),
                                        Value(braid::Message::assistant(answer))});
    followup["question"] = "Tell me more.";
    for (const std::string& piece : chain.stream(followup)) {
        std::printf("  chunk: \"%s\"\n", piece.c_str());
    }
    std::printf("  (the model saw %zu messages)\n\n", model.received().back().size());

    // 3. Parallel and assign: compute extra variables concurrently, then run the chain on them.
    std::puts("3) Parallel{a: Passthrough, b: Lambda} | Lambda | prompt | model | parser");
    model.reset(); // back to the first scripted answer
    const auto length = braid::Lambda([](const Value& v) { return Value(v["question"].get<std::string>().size()); }, "length");
    const auto shaped = braid::Parallel({{"a", braid::Passthrough()}, {"b", length}}) |
                        braid::Lambda([](const Value& v) {
                            Value vars = v["a"];
                            vars["question"] = vars["question"].get<std::string>() + " (" + v["b"].dump() + " characters)";
                            return vars;
                        }, "shape") |
                        chain;
    std::printf("  %s\n", shaped.invoke(input).c_str());
    std::printf("  the model was asked: \"%s\"\n", model.received().back().back().content.c_str());
    const auto with_answer = braid::Passthrough::assign({{"answer", chain}});
    std::printf("  assign: %s\n\n", with_answer.invoke(followup).dump().c_str());

    // 4. Structured output: partial JSON values while the answer streams, then the final value.
    std::puts("4) streaming JSON (partial values as they grow)");
    const auto json_chain = braid::ChatPromptTemplate::from_messages(
                                {braid::Message::system(braid::JsonOutputParser::format_instructions()), // fixed text
                                 {"user", "Describe {city}."}}) |
                            model | braid::JsonOutputParser();
    Value last;
    for (Value& partial : json_chain.stream({{"city", "Paris"}})) {
        std::printf("  partial: %s\n", partial.dump().c_str());
        last = std::move(partial);
    }
    std::printf("  final:   %s\n\n", last.dump().c_str());

    // 5. Events: every nested step's start, chunks and end, with run ids and parent ids.
    std::puts("5) events of prompt | model | parser");
    model.reset();
    braid::RunConfig run;
    run.run_name = "pirate_chain";
    run.tags = {"sample"};
    for (const braid::Event& event : chain.events(input, run)) {
        const std::string parent = event.parent_run_id ? event.parent_run_id.str().substr(0, 8) : "-";
        std::printf("  %*s%-5s %-18s run %s parent %s  %s\n", 2 * (event.depth - 1), "", braid::event_kind_name(event.kind),
                    event.name.c_str(), event.run_id.str().substr(0, 8).c_str(), parent.c_str(), event.data.dump().c_str());
    }
    std::puts("");

    // 6. Errors are braid::Error values naming what was wrong.
    std::puts("6) a missing variable");
    try {
        (void)chain.invoke({{"role", "a pirate"}});
    } catch (const braid::Error& e) {
        std::printf("  braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
    }
    return 0;
}
