// braid LCEL sample: prompt -> chat model -> parser, streaming, and structured output, with a SCRIPTED
// FAKE MODEL (braid::testing::FakeChatModel): its answers are fixed in this file, it does not read the
// prompt. Swap in a real ChatModel to talk to a model.
//
// The runnable core (operator|, Parallel/assign, events) has not landed yet; the steps are called one
// after the other here, which is what a `prompt | model | parser` chain does.
#include <cstdio>
#include <memory>
#include <string>

#include "braid/error.hpp"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

using braid::Value;
using namespace braid::testing;

int main() {
    std::puts("braid LCEL sample (the chat model is braid::testing::FakeChatModel: scripted answers, not a real model)\n");

    FakeChatModel::Config config;
    config.responses = {
        FakeResponse::text("Arr, the capital of France be Paris, matey!"),
        FakeResponse::text("Paris sits on the Seine and has about two million people."),
        FakeResponse::text("```json\n{\"city\": \"Paris\", \"country\": \"France\", \"landmarks\": [\"Eiffel Tower\", \"Louvre\"]}\n```"),
    };
    config.chunking = Chunking::words;
    const auto model = std::make_shared<FakeChatModel>(config);

    // 1. prompt | model | parser
    const auto prompt = braid::ChatPromptTemplate::from_messages({
        {"system", "You are {role}. Answer in one sentence."},
        braid::MessagesPlaceholder("history", /*optional=*/true),
        {"user", "{question}"},
    });
    const Value input = {{"role", "a pirate"}, {"question", "What is the capital of France?"}};
    const braid::PromptValue prompt_value = prompt.format_prompt(input);
    std::printf("1) prompt | model | parser\n--- prompt ---\n%s\n", prompt_value.to_string().c_str());
    const braid::Message answer = model->generate(prompt_value.messages(), {});
    const std::string text = braid::StrOutputParser().parse(answer);
    std::printf("--- answer ---\n%s\n\n", text.c_str());

    // 2. streaming: chunks flow from the model through the parser as they are produced
    std::puts("2) streaming (one chunk per line)");
    Value followup = input;
    followup["history"] = Value::array({Value(braid::Message::user(input["question"].get<std::string>())),
                                        Value(answer)});
    followup["question"] = "Tell me more.";
    braid::StrOutputParser::Stream text_stream = braid::StrOutputParser().stream();
    model->stream(prompt.format_messages(followup), {}, [&](const braid::MessageChunk& chunk) {
        if (auto piece = text_stream.feed(chunk)) {
            std::printf("  chunk: \"%s\"\n", piece->c_str());
        }
    });
    std::printf("  (the model saw %zu messages)\n\n", model->received().back().size());

    // 3. structured output: partial JSON values while the answer streams, then the final value
    std::puts("3) streaming JSON (partial values as they grow)");
    const auto json_prompt = braid::ChatPromptTemplate::from_messages(
        {braid::Message::system(braid::JsonOutputParser::format_instructions()), // fixed: not a template
         {"user", "Describe {city}."}});
    braid::JsonOutputParser::Stream json_stream = braid::JsonOutputParser().stream();
    model->stream(json_prompt.format_messages({{"city", "Paris"}}), {}, [&](const braid::MessageChunk& chunk) {
        if (auto partial = json_stream.feed(chunk)) {
            std::printf("  partial: %s\n", partial->dump().c_str());
        }
    });
    json_stream.finish();
    std::printf("  final:   %s\n\n", json_stream.result().dump().c_str());

    // 4. errors are braid::Error values naming what was wrong
    std::puts("4) a missing variable");
    try {
        (void)prompt.format_prompt({{"role", "a pirate"}});
    } catch (const braid::Error& e) {
        std::printf("  braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
    }
    return 0;
}
