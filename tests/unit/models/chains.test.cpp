// prompt | model | parser: composition, streaming through every step, events, errors, batch. The model
// is the scripted test double braid::testing::FakeChatModel (or a counting stand-in): what is tested is
// the composition.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <map>
#include <set>
#include <type_traits>

#include "braid/core/lambda.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/list_output_parser.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/prompt_template.hpp"
#include "braid/testing/fake_chat_model.hpp"
#include "unit/error_text.hpp"

using braid::ChatPromptTemplate;
using braid::Message;
using braid::MessageChunk;
using braid::PromptValue;
using braid::Value;
using braid::testing::Chunking;
using braid::testing::FakeChatModel;
using braid::testing::FakeResponse;

namespace chain_test {

template <class A, class B>
concept Pipeable = requires(const A& a, const B& b) { a | b; };

inline ChatPromptTemplate pirate_prompt() {
    return ChatPromptTemplate::from_messages({{"system", "You are {role}."}, {"user", "{question}"}});
}

inline FakeChatModel script(std::vector<std::string> answers, Chunking chunking = Chunking::words) {
    FakeChatModel::Config config;
    for (std::string& a : answers)
        config.responses.push_back(FakeResponse::text(std::move(a)));
    config.chunking = chunking;
    return FakeChatModel(config);
}

/// A stand-in for a model that counts the chunks it has produced: one word per chunk.
class CountingModel final : public braid::ChatModel {
public:
    std::string name() const override { return "counting"; }
    braid::Stream<MessageChunk> stream(braid::Messages, braid::GenerationOptions, const braid::RunContext&) const override {
        for (const char* word : {"one", " two", " three", " four"}) {
            produced.fetch_add(1);
            MessageChunk chunk;
            chunk.content = word;
            co_yield chunk;
        }
    }
    mutable std::atomic<int> produced{0};
};

const Value question = {{"role", "a pirate"}, {"question", "What is the capital of France?"}};

} // namespace chain_test

using namespace chain_test;
using braid_test::error_of;

TEST_CASE("[chains] prompt | model | parser is checked at compile time", "[unit]") {
    const auto prompt = pirate_prompt();
    const FakeChatModel model(std::vector<std::string>{"Paris"});
    const braid::StrOutputParser parser;
    auto chain = prompt | model | parser;
    static_assert(std::is_same_v<decltype(chain), braid::Runnable<Value, std::string>>);
    static_assert(std::is_same_v<decltype(prompt | model), braid::Runnable<Value, Message>>);
    static_assert(std::is_same_v<decltype(prompt | model | braid::JsonOutputParser()), braid::Runnable<Value, Value>>);
    static_assert(std::is_same_v<decltype(model | braid::ListOutputParser()),
                                 braid::Runnable<PromptValue, std::vector<std::string>>>);
    // A parser takes the model's Message, not a prompt; a model takes a prompt, not a parser's text or
    // another model's message.
    static_assert(!Pipeable<ChatPromptTemplate, braid::StrOutputParser>);
    static_assert(!Pipeable<braid::StrOutputParser, FakeChatModel>);
    static_assert(!Pipeable<FakeChatModel, FakeChatModel>);
    // A Value step fits anywhere its neighbour converts to or from JSON.
    static_assert(Pipeable<braid::AnyRunnable, FakeChatModel>);
    static_assert(Pipeable<braid::Runnable<Value, std::string>, braid::AnyRunnable>);

    CHECK(chain.invoke(question) == "Paris");
    CHECK(model.received().back() ==
          braid::Messages{Message::system("You are a pirate."), Message::user("What is the capital of France?")});
    const std::string graph = chain.get_graph().to_ascii();
    CHECK(graph.find("ChatPromptTemplate") != std::string::npos);
    CHECK(graph.find("fake_chat_model") != std::string::npos);
    CHECK(graph.find("StrOutputParser") != std::string::npos);
}

TEST_CASE("[chains] streaming flows through prompt | model | parser", "[unit]") {
    SECTION("each piece of text arrives as soon as the model produced it") {
        auto counting = std::make_shared<CountingModel>();
        auto chain = pirate_prompt() | braid::make_runnable(counting) | braid::StrOutputParser();
        int pieces = 0;
        std::string text;
        for (const std::string& piece : chain.stream(question)) {
            ++pieces;
            CHECK(counting->produced.load() == pieces); // not buffered anywhere
            text += piece;
        }
        CHECK(pieces == 4);
        CHECK(text == "one two three four");
    }
    SECTION("the fake model's chunks, as produced") {
        auto chain = pirate_prompt() | script({"Arr, Paris it be!"}, Chunking::chars) | braid::StrOutputParser();
        const std::vector<std::string> chunks = chain.stream(question).collect();
        CHECK(chunks.size() == std::string("Arr, Paris it be!").size());
        CHECK(chunks.front() == "A");
        std::vector<std::string> by_callback;
        chain.stream(question, [&](const std::string& c) { by_callback.push_back(c); });
        CHECK(by_callback == chunks);
    }
    SECTION("partial JSON grows while the answer streams") {
        const std::string answer = "```json\n{\"city\": \"Paris\", \"landmarks\": [\"Eiffel Tower\", \"Louvre\"]}\n```";
        auto chain = pirate_prompt() | script({answer}, Chunking::chars) | braid::JsonOutputParser();
        braid::Stream<Value> partials = chain.stream(question);
        CHECK(partials.snapshots());
        std::vector<Value> seen = partials.collect();
        REQUIRE(seen.size() > 10);
        CHECK(seen.front() == Value::object());
        CHECK(std::find(seen.begin(), seen.end(), Value{{"city", "Pa"}}) != seen.end());
        const Value whole = Value::parse(R"({"city": "Paris", "landmarks": ["Eiffel Tower", "Louvre"]})");
        CHECK(seen.back() == whole);
        CHECK(chain.invoke(question) == whole);
        auto landmarks = chain | braid::Lambda([](const Value& v) { return v["landmarks"].size(); }, "count");
        CHECK(landmarks.stream(question).collect() == std::vector<std::size_t>{2});
    }
    SECTION("a list, item by item") {
        auto chain = pirate_prompt() | script({"- Paris\n- Lyon\n- Nice"}) | braid::ListOutputParser(braid::ListStyle::markdown);
        CHECK(chain.stream(question).collect() ==
              std::vector<std::vector<std::string>>{{"Paris"}, {"Lyon"}, {"Nice"}});
    }
}

TEST_CASE("[chains] events report every nested step with its parent", "[unit]") {
    auto chain = pirate_prompt() | script({"Paris it be"}) | braid::StrOutputParser();
    braid::RunConfig config;
    config.tags = {"npc"};
    config.run_name = "answer";
    std::vector<braid::Event> events;
    for (braid::Event& e : chain.events(question, config))
        events.push_back(std::move(e));

    std::map<std::string, braid::RunId> run_of;
    std::map<std::string, std::vector<std::string>> kinds_of;
    for (const braid::Event& e : events) {
        run_of[e.name] = e.run_id;
        kinds_of[e.name].push_back(braid::event_kind_name(e.kind));
        CHECK(e.tags == std::vector<std::string>{"npc"});
    }
    REQUIRE(run_of.size() == 4);
    const braid::RunId root = run_of.at("answer");
    for (const braid::Event& e : events) {
        if (e.name == "answer") {
            CHECK_FALSE(e.parent_run_id);
            CHECK(e.depth == 1);
        } else {
            CHECK(e.parent_run_id == root);
            CHECK(e.depth == 2);
        }
    }
    CHECK(kinds_of.at("ChatPromptTemplate") == std::vector<std::string>{"start", "chunk", "end"});
    CHECK(kinds_of.at("fake_chat_model") == std::vector<std::string>{"start", "chunk", "chunk", "chunk", "end"});
    CHECK(kinds_of.at("StrOutputParser") == std::vector<std::string>{"start", "chunk", "chunk", "chunk", "end"});
    CHECK(kinds_of.at("answer").front() == "start");
    CHECK(kinds_of.at("answer").back() == "end");
    CHECK(events.back().name == "answer");
    CHECK(events.back().data == "Paris it be");
    for (const braid::Event& e : events) {
        if (e.name == "fake_chat_model" && e.kind == braid::EventKind::end)
            CHECK(e.data == Value(Message::assistant("Paris it be")));
        if (e.name == "ChatPromptTemplate" && e.kind == braid::EventKind::end)
            CHECK(e.data.size() == 2);
    }

    SECTION("callbacks on invoke see the same runs") {
        struct Names final : braid::CallbackHandler {
            std::mutex mutex;
            std::vector<std::pair<std::string, int>> starts;
            void on_start(const braid::RunInfo& run, const Value&) override {
                const std::lock_guard lock(mutex);
                starts.emplace_back(std::string(run.name), run.depth);
            }
        };
        auto names = std::make_shared<Names>();
        braid::RunConfig with_handler;
        with_handler.callbacks.push_back(names);
        auto nested = braid::Passthrough::assign({{"answer", chain}});
        CHECK(nested.invoke(question, with_handler)["answer"] == "Paris it be");
        std::map<std::string, int> depth(names->starts.begin(), names->starts.end());
        REQUIRE(depth.count("Sequence") == 1);
        CHECK(depth.at("Sequence") > 1);
        CHECK(depth.at("ChatPromptTemplate") == depth.at("Sequence") + 1);
        CHECK(depth.at("fake_chat_model") == depth.at("Sequence") + 1);
        CHECK(depth.at("StrOutputParser") == depth.at("Sequence") + 1);
    }
}

TEST_CASE("[chains] errors name what went wrong", "[unit]") {
    SECTION("a missing variable") {
        auto chain = pirate_prompt() | script({"x"}) | braid::StrOutputParser();
        CHECK(error_of([&] { (void)chain.invoke({{"role", "r"}}); }) ==
              "not_found: chat prompt template, part 1 (user): missing variable 'question' (the template needs: "
              "question)");
        std::vector<std::string> errors;
        CHECK(error_of([&] {
                  for (braid::Event& e : chain.events({{"role", "r"}}))
                      if (e.kind == braid::EventKind::error)
                          errors.push_back(e.name + ": " + e.data["kind"].get<std::string>());
              }).rfind("not_found: ", 0) == 0);
        // Streamed, the steps after the prompt fail too: their input stream threw.
        CHECK(errors == std::vector<std::string>{"ChatPromptTemplate: not_found", "fake_chat_model: not_found",
                                                 "StrOutputParser: not_found", "Sequence: not_found"});
    }
    SECTION("a type mismatch in a dynamic chain") {
        const braid::AnyRunnable number = braid::Lambda([](const Value&) { return Value(42); }, "number");
        auto chain = number | script({"x"}) | braid::StrOutputParser();
        CHECK(error_of([&] { (void)chain.invoke(Value::object()); }) ==
              "validation: step 'fake_chat_model' expects braid::PromptValue but got the Value 42: prompt value must "
              "be a string, a message or an array of messages, got number");
        const braid::AnyRunnable dynamic_parser = braid::StrOutputParser();
        auto to_parser = pirate_prompt() | braid::Lambda([](const PromptValue&) { return Value::array({1}); }) | dynamic_parser;
        CHECK(error_of([&] { (void)to_parser.invoke(question); }).rfind("validation: step 'StrOutputParser' expects braid::Message", 0) == 0);
    }
    SECTION("a parser error") {
        auto chain = pirate_prompt() | script({"no JSON, sorry"}) | braid::JsonOutputParser();
        CHECK(error_of([&] { (void)chain.invoke(question); }).rfind("parse: ", 0) == 0);
        CHECK(error_of([&] { (void)chain.stream(question).collect(); }).rfind("parse: ", 0) == 0);
    }
    SECTION("a model failure, mid-stream: the pieces before it arrive") {
        FakeChatModel::Config config;
        config.responses = {FakeResponse::failure(braid::errc::device, "GPU lost", 2, "Paris is lovely")};
        auto chain = pirate_prompt() | FakeChatModel(config) | braid::StrOutputParser();
        std::vector<std::string> got;
        CHECK(error_of([&] {
                  for (const std::string& piece : chain.stream(question))
                      got.push_back(piece);
              }) == "device: GPU lost");
        CHECK(got == std::vector<std::string>{"Paris", " is"});
        CHECK(error_of([&] { (void)chain.invoke(question); }) == "device: GPU lost");
    }
    SECTION("a failing model falls back to another") {
        FakeChatModel::Config failing;
        failing.responses = {FakeResponse::failure(braid::errc::device, "GPU lost")};
        auto model = FakeChatModel(failing).with_fallbacks({script({"from the fallback"})});
        auto chain = pirate_prompt() | model | braid::StrOutputParser();
        CHECK(chain.invoke(question) == "from the fallback");
        CHECK(chain.stream(question).collect() == std::vector<std::string>{"from", " the", " fallback"});
    }
}

TEST_CASE("[chains] batch", "[unit]") {
    auto chain = pirate_prompt() | script({"Paris"}) | braid::StrOutputParser();
    std::vector<Value> inputs;
    for (int i = 0; i < 50; ++i)
        inputs.push_back({{"role", "r"}, {"question", "q" + std::to_string(i)}});
    braid::RunConfig config;
    config.max_concurrency = 4;
    const std::vector<std::string> out = chain.batch(inputs, config);
    CHECK(out == std::vector<std::string>(50, "Paris"));
    inputs[7] = {{"role", "r"}};
    const auto results = chain.batch_results(inputs, config);
    REQUIRE(results.size() == 50);
    for (std::size_t i = 0; i < results.size(); ++i)
        CHECK(results[i].ok() == (i != 7));
    CHECK(error_of([&] { (void)chain.batch(inputs, config); }).rfind("not_found: ", 0) == 0);
}

TEST_CASE("[chains] parallel and assign around a model", "[unit]") {
    auto answer = pirate_prompt() | script({"Paris"}) | braid::StrOutputParser();
    auto length = braid::Lambda([](const Value& v) { return Value(v["question"].get<std::string>().size()); }, "length");
    auto chain = braid::Parallel({{"a", braid::Passthrough()}, {"b", length}}) |
                 braid::Lambda([](const Value& v) {
                     Value vars = v["a"];
                     vars["question"] = vars["question"].get<std::string>() + " (" + v["b"].dump() + " chars)";
                     return vars;
                 }, "shape") |
                 answer;
    CHECK(chain.invoke(question) == "Paris");
    auto assigned = braid::Passthrough::assign({{"answer", answer}});
    const Value out = assigned.invoke(question);
    CHECK(out["answer"] == "Paris");
    CHECK(out["role"] == "a pirate");
    const std::vector<Value> streamed = assigned.stream(question).collect();
    Value sum;
    for (const Value& chunk : streamed)
        sum = braid::value_concat(std::move(sum), chunk);
    CHECK(sum == out);
}
