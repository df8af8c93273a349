// Prompt templates as runnable steps: Runnable<Value, PromptValue>.
#include <type_traits>

#include "test_util.hpp"

#include "braid/core/lambda.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/pick.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/few_shot_prompt_template.hpp"
#include "braid/prompts/prompt_step.hpp"
#include "braid/prompts/prompt_template.hpp"

using braid::ChatPromptTemplate;
using braid::Message;
using braid::Messages;
using braid::PromptValue;
using braid::Value;
using braid_test::error_of;

static_assert(std::is_convertible_v<braid::PromptTemplate, braid::Runnable<Value, PromptValue>>);
static_assert(std::is_convertible_v<ChatPromptTemplate, braid::Runnable<Value, PromptValue>>);
static_assert(std::is_convertible_v<braid::FewShotPromptTemplate, braid::Runnable<Value, PromptValue>>);
static_assert(std::is_convertible_v<braid::FewShotChatMessagePromptTemplate, braid::Runnable<Value, PromptValue>>);

TEST_CASE("[prompt_steps] a prompt template is a step", "[unit]") {
    const braid::PromptTemplate text("Tell me about {topic}.");
    const auto chat = ChatPromptTemplate::from_messages({{"system", "You are {role}."}, {"user", "{q}"}});
    const Value vars = {{"topic", "cats"}, {"role", "a vet"}, {"q", "Why purr?"}};

    CHECK(text.name() == "PromptTemplate");
    CHECK(text.invoke(vars) == PromptValue("Tell me about cats."));
    CHECK(chat.name() == "ChatPromptTemplate");
    CHECK(chat.invoke(vars) == chat.format_prompt(vars));
    CHECK(chat.invoke(vars).messages() == Messages{Message::system("You are a vet."), Message::user("Why purr?")});

    SECTION("streaming gives one chunk: a prompt needs all its variables") {
        CHECK(chat.stream(vars).collect() == std::vector<PromptValue>{chat.format_prompt(vars)});
        CHECK(text.get_graph().to_mermaid().find("PromptTemplate") != std::string::npos);
        CHECK(chat.impl()->stream_mode() == braid::StreamMode::buffer);
    }
    SECTION("batch") {
        const auto out = text.batch({{{"topic", "a"}}, {{"topic", "b"}}});
        CHECK(out == std::vector<PromptValue>{PromptValue("Tell me about a."), PromptValue("Tell me about b.")});
    }
    SECTION("copies and partials are steps of their own") {
        const braid::PromptTemplate two("{a} and {b}");
        const braid::PromptTemplate one = two.partial({{"a", Value("x")}});
        const braid::PromptTemplate copy = one;
        CHECK(one.invoke({{"b", "y"}}).text() == "x and y");
        CHECK(copy.invoke({{"b", "z"}}).text() == "x and z");
        CHECK(two.invoke({{"a", "1"}, {"b", "2"}}).text() == "1 and 2");
        const auto chat_partial = chat.partial({{"role", Value("a cat")}});
        CHECK(chat_partial.invoke({{"q", "hi"}}).messages().front().content == "You are a cat.");
        CHECK(ChatPromptTemplate().invoke(Value::object()).messages().empty());
    }
    SECTION("a missing variable fails the run, naming it") {
        CHECK(error_of([&] { (void)chat.invoke({{"role", "r"}}); }) ==
              "not_found: chat prompt template, part 1 (user): missing variable 'q' (the template needs: q)");
        CHECK(error_of([&] { (void)text.stream(Value::array()).collect(); })
                  .rfind("invalid_argument: prompt template: input must be a JSON object", 0) == 0);
    }
    SECTION("its variables are found behind any runnable") {
        const braid::AnyRunnable any = chat;
        const auto step = braid::find_impl<braid::PromptImpl>(any);
        REQUIRE(step);
        CHECK(step->input_variables() == std::vector<std::string>{"role", "q"});
        CHECK_FALSE(braid::find_impl<braid::PromptImpl>(braid::AnyRunnable(braid::Lambda([](const Value& v) { return v; }))));
    }
}

TEST_CASE("[prompt_steps] few-shot templates are steps", "[unit]") {
    braid::FewShotPromptTemplate few({
        .examples = {{{"word", "happy"}, {"antonym", "sad"}}},
        .example_prompt = braid::PromptTemplate("{word} -> {antonym}"),
        .prefix = "Antonyms:",
        .suffix = "{input} ->",
    });
    CHECK(few.name() == "FewShotPromptTemplate");
    CHECK(few.invoke({{"input", "big"}}).text() == "Antonyms:\n\nhappy -> sad\n\nbig ->");
    braid::FewShotChatMessagePromptTemplate chat_few({
        .examples = {{{"q", "2+2"}, {"a", "4"}}},
        .example_prompt = ChatPromptTemplate::from_messages({{"user", "{q}"}, {"assistant", "{a}"}}),
    });
    CHECK(chat_few.name() == "FewShotChatMessagePromptTemplate");
    CHECK(chat_few.invoke(Value::object()).messages() == Messages{Message::user("2+2"), Message::assistant("4")});
    CHECK(chat_few.input_variables().empty());
}

TEST_CASE("[prompt_steps] prompts compose with other steps", "[unit]") {
    const auto chat = ChatPromptTemplate::from_messages({{"user", "{q} ({n} chars)"}});
    SECTION("a Value step before it") {
        auto chain = braid::Parallel({{"q", braid::pick("question")},
                                      {"n", braid::Lambda([](const Value& v) {
                                           return Value(v["question"].get<std::string>().size());
                                       })}}) |
                     chat;
        CHECK(chain.invoke({{"question", "why?"}}).messages().at(0).content == "why? (4 chars)");
    }
    SECTION("a typed step after it") {
        auto chain = chat | braid::Lambda([](const PromptValue& p) { return p.to_string(); });
        CHECK(chain.invoke({{"q", "a"}, {"n", 1}}) == "Human: a (1 chars)");
    }
    SECTION("a Value step after it gets the prompt's JSON form") {
        auto chain = chat | braid::Lambda([](const Value& v) { return v; });
        CHECK(chain.invoke({{"q", "a"}, {"n", 1}}) == Value::parse(R"j([{"role":"user","content":"a (1 chars)"}])j"));
    }
}

TEST_CASE("[prompt_steps] chat prompts and partial values from JSON", "[unit]") {
    const auto prompt = ChatPromptTemplate::from_json(Value::parse(R"([
        ["system", "You are {role}."],
        {"placeholder": "history", "optional": true},
        {"message": {"role": "assistant", "content": "fixed {x}"}},
        {"role": "human", "content": "{q}"}])"));
    CHECK(prompt.input_variables() == std::vector<std::string>{"role", "q"});
    const auto messages = prompt.invoke({{"role", "r"}, {"q", "Q"}}).messages();
    CHECK(messages == Messages{Message::system("You are r."), Message::assistant("fixed {x}"), Message::user("Q")});
    CHECK(error_of([] { (void)ChatPromptTemplate::from_json(Value::object()); }) ==
          "invalid_argument: the chat prompt's messages must be a JSON array, got object");
    CHECK(error_of([] { (void)ChatPromptTemplate::from_json(Value::parse(R"([["user"]])")); }) ==
          "invalid_argument: messages[0] must be [role, template] (two strings), got [\"user\"]");
    CHECK(error_of([] { (void)ChatPromptTemplate::from_json(Value::parse(R"([{"role": "user", "content": "x", "more": 1}])")); }) ==
          "invalid_argument: messages[0] has an unknown key 'more' (known: role, content)");
    CHECK(error_of([] { (void)ChatPromptTemplate::from_json(Value::parse(R"([{"placeholder": "h", "optional": 1}])")); }) ==
          "invalid_argument: messages[0].optional must be true or false");
    CHECK(error_of([] { (void)ChatPromptTemplate::from_json(Value::parse(R"([7])")); }) ==
          "invalid_argument: messages[0] must be [role, template] or an object, got number");

    const braid::PartialValues values = braid::partial_values({{"role", "r"}});
    CHECK(values.size() == 1);
    CHECK(braid::partial_values({{"a", 1}, {"b", "x"}}).size() == 2);
    CHECK(prompt.partial(values).input_variables() == std::vector<std::string>{"q"});
    CHECK(braid::partial_values(Value()).empty());
    CHECK(error_of([] { (void)braid::partial_values(Value::array()); }) ==
          "invalid_argument: partial values must be a JSON object of variables, got array");
}

TEST_CASE("[prompt_value] lenient reading for dynamic chains", "[unit]") {
    const Messages one{Message::user("hi")};
    CHECK(Value::parse(R"(["hi"])").get<PromptValue>() == PromptValue(one));
    CHECK(Value::parse(R"({"role": "user", "content": "hi"})").get<PromptValue>() == PromptValue(one));
    CHECK(Value::parse(R"({"messages": ["hi"]})").get<PromptValue>() == PromptValue(one));
    CHECK(Value("hi").get<Message>() == Message::user("hi"));
    CHECK(Value("piece").get<braid::MessageChunk>().content == "piece");
    CHECK(error_of([] { (void)Value::parse(R"({"messages": 3})").get<PromptValue>(); }) ==
          "parse: prompt value must be a string, a message or an array of messages, got number");
    CHECK(error_of([] { (void)Value::parse(R"({"content": "no role"})").get<PromptValue>(); }) ==
          "parse: message: missing \"role\"");
}
