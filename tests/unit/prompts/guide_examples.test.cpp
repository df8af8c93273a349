// The examples of docs/guides/prompts.md, checked.
#include <catch2/catch.hpp>

#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/few_shot_prompt_template.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_template.hpp"
#include "test_util.hpp"

TEST_CASE("[guide] prompts guide examples", "[unit]") {
    SECTION("messages") {
        auto call = braid::Message::assistant("", {braid::ToolCall{"c1", "add", {{"a", 2}, {"b", 3}}}});
        CHECK(braid::Value(call) == braid::Value::parse(R"({"role": "assistant", "content": "",
 "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "add", "arguments": {"a": 2, "b": 3}}}]})"));
        CHECK(braid::Message::with_role("observation", "{\"ok\":true}").kind() == braid::Role::other);
        CHECK(braid_test::error_of([] { (void)braid::Value::parse(R"({"content":"x"})").get<braid::Message>(); }) ==
              "parse: message: missing \"role\"");
    }
    SECTION("prompt template") {
        braid::PromptTemplate t("Tell me a {adjective} joke about {topic}. Use {{braces}}.");
        CHECK(t.input_variables() == std::vector<std::string>{"adjective", "topic"});
        CHECK(t.format({{"adjective", "dry"}, {"topic", "cats"}}) == "Tell me a dry joke about cats. Use {braces}.");
        auto dated = t.partial({{"adjective", braid::Value("dry")},
                                {"topic", [] { return braid::Value("today's news"); }}});
        CHECK(dated.format(braid::Value::object()) == "Tell me a dry joke about today's news. Use {braces}.");
        CHECK(braid_test::error_of([] { braid::PromptTemplate bad("a {b"); }) ==
              "template_error: prompt template: unmatched '{' at offset 2 (write '{{' for a literal brace) in 'a {b'");
    }
    SECTION("chat prompt template") {
        auto prompt = braid::ChatPromptTemplate::from_messages({
            {"system", "You are {role}."},
            braid::MessagesPlaceholder("history", /*optional=*/true),
            {"user", "{q}"},
        });
        braid::PromptValue p = prompt.format_prompt({{"role", "a pirate"}, {"q", "Hi"}});
        CHECK(p.to_messages() == braid::Messages{braid::Message::system("You are a pirate."), braid::Message::user("Hi")});
        CHECK(p.to_string() == "System: You are a pirate.\nHuman: Hi");
    }
    SECTION("few-shot") {
        braid::FewShotPromptTemplate few({
            .examples = {{{"word", "happy"}, {"antonym", "sad"}}, {{"word", "tall"}, {"antonym", "short"}}},
            .example_prompt = braid::PromptTemplate("Word: {word}\nAntonym: {antonym}"),
            .prefix = "Give the antonym of every input.",
            .suffix = "Word: {input}\nAntonym:",
        });
        CHECK(few.format({{"input", "big"}}) == "Give the antonym of every input.\n\nWord: happy\nAntonym: sad\n\n"
                                                "Word: tall\nAntonym: short\n\nWord: big\nAntonym:");
        auto examples = std::make_shared<braid::FewShotChatMessagePromptTemplate>(
            braid::FewShotChatMessagePromptTemplate::Config{
                .examples = {{{"q", "2+2"}, {"a", "4"}}},
                .example_prompt = braid::ChatPromptTemplate::from_messages({{"user", "{q}"}, {"assistant", "{a}"}}),
            });
        auto chat = braid::ChatPromptTemplate::from_messages({{"system", "Be brief."}, examples, {"user", "{q}"}});
        CHECK(chat.format({{"q", "3+3"}}) == "System: Be brief.\nHuman: 2+2\nAI: 4\nHuman: 3+3");
    }
}
