// The FakeChatModel and options examples of docs/guides/prompts.md, checked.
#include <catch2/catch.hpp>

#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"

using namespace braid::testing;

TEST_CASE("[guide] fake chat model guide example", "[unit]") {
    FakeChatModel::Config config;
    config.responses = {FakeResponse::text("Hello there!"),
                        FakeResponse::tool_calls({{"c1", "add", {{"a", 1}}}}),
                        FakeResponse::failure(braid::errc::device, "GPU lost", /*after_chunks=*/2, "partial answer text")};
    config.chunking = Chunking::words;
    FakeChatModel model(config);

    CHECK(model.invoke(braid::PromptValue("Hi")).content == "Hello there!");
    CHECK(model.received().size() == 1);
    CHECK(model.invoke(braid::PromptValue("again")).tool_calls.at(0).name == "add");
    std::vector<std::string> chunks;
    try {
        for (const braid::MessageChunk& c : model.stream(braid::PromptValue("x")))
            chunks.push_back(c.content);
        FAIL("expected the scripted failure");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::device);
    }
    CHECK(chunks == std::vector<std::string>{"partial", " answer"});

    try {
        (void)braid::Value::parse(R"({"top_p": 1.5})").get<braid::GenerationOptions>();
        FAIL("expected an error");
    } catch (const braid::Error& e) {
        CHECK(std::string(e.what()) == "generation options: \"top_p\" must be in (0, 1], got 1.5");
    }
}

TEST_CASE("[guide] prompts and models as steps", "[unit]") {
    auto prompt = braid::ChatPromptTemplate::from_messages({{"system", "You are {role}."}, {"user", "{q}"}});
    FakeChatModel model(std::vector<std::string>{"Arr, hello!"});
    auto chain = prompt | model | braid::StrOutputParser();
    std::string answer = chain.invoke({{"role", "a pirate"}, {"q", "Hi"}});
    CHECK(answer == "Arr, hello!");
    std::vector<std::string> pieces;
    for (const std::string& piece : chain.stream({{"role", "a pirate"}, {"q", "Hi"}}))
        pieces.push_back(piece);
    CHECK(pieces == std::vector<std::string>{"Arr,", " hello!"});
    CHECK(model.received().back() ==
          braid::Messages{braid::Message::system("You are a pirate."), braid::Message::user("Hi")});
    auto bound = model.bind({{"temperature", 0}, {"stop", {"!"}}});
    CHECK(bound.invoke(braid::PromptValue("x")).content == "Arr, hello");
    CHECK(model.received_options().back().temperature == 0.0);
}
