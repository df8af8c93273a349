// The FakeChatModel and options examples of docs/guides/prompts.md, checked.
#include <catch2/catch.hpp>

#include "braid/testing/fake_chat_model.hpp"

using namespace braid::testing;

TEST_CASE("[guide] fake chat model guide example", "[unit]") {
    FakeChatModel::Config config;
    config.responses = {FakeResponse::text("Hello there!"),
                        FakeResponse::tool_calls({{"c1", "add", {{"a", 1}}}}),
                        FakeResponse::failure(braid::errc::device, "GPU lost", /*after_chunks=*/2, "partial answer text")};
    config.chunking = Chunking::words;
    auto model = std::make_shared<FakeChatModel>(config);

    CHECK(model->generate({braid::Message::user("Hi")}, {}).content == "Hello there!");
    CHECK(model->received().size() == 1);
    CHECK(model->generate({}, {}).tool_calls.at(0).name == "add");
    std::vector<std::string> chunks;
    try {
        model->stream({}, {}, [&](const braid::MessageChunk& c) { chunks.push_back(c.content); });
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
