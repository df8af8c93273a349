#include <catch2/catch.hpp>

#include "braid/prompts/chat_prompt_template.hpp"
#include "test_util.hpp"

using braid::ChatPromptTemplate;
using braid::Message;
using braid::Messages;
using braid::MessagesPlaceholder;
using braid::Value;
using braid_test::error_of;

TEST_CASE("[chat_prompt_template] from_messages formats messages and text", "[unit]") {
    const auto prompt = ChatPromptTemplate::from_messages({{"system", "You are {role}."}, {"human", "{q}"}});
    CHECK(prompt.input_variables() == std::vector<std::string>{"role", "q"});
    const Value input = {{"role", "a pirate"}, {"q", "Where is the {gold}?"}};
    CHECK(prompt.format_messages(input) ==
          Messages{Message::system("You are a pirate."), Message::user("Where is the {gold}?")});
    const braid::PromptValue p = prompt.format_prompt(input);
    CHECK(p.is_chat());
    CHECK(p.to_string() == "System: You are a pirate.\nHuman: Where is the {gold}?");
    CHECK(prompt.format(input) == p.to_string());
    CHECK(Value(p) == Value::parse(R"([{"role":"system","content":"You are a pirate."},
                                       {"role":"user","content":"Where is the {gold}?"}])"));
    CHECK(Value(p).get<braid::PromptValue>() == p);
}

TEST_CASE("[chat_prompt_template] placeholders, fixed messages, other roles", "[unit]") {
    const auto prompt = ChatPromptTemplate::from_messages({
        Message::system("Fixed {not a template}"),
        MessagesPlaceholder("history"),
        {"placeholder", "{scratch}"},
        {"observation", "{obs}"},
        {"ai", "ok"},
    });
    CHECK(prompt.input_variables() == std::vector<std::string>{"history", "obs"});
    CHECK(prompt.optional_variables() == std::vector<std::string>{"scratch"});

    const Value input = Value::parse(R"({
        "history": [{"role": "user", "content": "hi"}, ["assistant", "hello"], "plain"],
        "obs": "42"})");
    const Messages out = prompt.format_messages(input);
    REQUIRE(out.size() == 6);
    CHECK(out[0] == Message::system("Fixed {not a template}"));
    CHECK(out[1] == Message::user("hi"));
    CHECK(out[2] == Message::assistant("hello"));
    CHECK(out[3] == Message::user("plain"));
    CHECK(out[4] == Message::with_role("observation", "42"));
    CHECK(out[5] == Message::assistant("ok"));
    CHECK(braid::messages_to_text(out) ==
          "System: Fixed {not a template}\nHuman: hi\nAI: hello\nHuman: plain\nobservation: 42\nAI: ok");

    SECTION("optional placeholder given") {
        Value with = input;
        with["scratch"] = Value::array({Value{{"role", "tool"}, {"content", "r"}, {"tool_call_id", "c"}}});
        const Messages m = prompt.format_messages(with);
        REQUIRE(m.size() == 7);
        CHECK(m[4] == Message::tool("r", "c"));
    }
    SECTION("errors") {
        CHECK(error_of([&] { (void)prompt.format_messages({{"obs", "x"}}); }) ==
              "not_found: chat prompt template: missing variable 'history' (messages placeholder, part 1)");
        CHECK(error_of([&] { (void)prompt.format_messages({{"obs", "x"}, {"history", "nope"}}); }) ==
              "invalid_argument: chat prompt template: placeholder 'history' must be an array of messages, got "
              "string");
        CHECK(error_of([&] { (void)prompt.format_messages({{"obs", "x"}, {"history", {{{"content", "x"}}}}}); }) ==
              "parse: chat prompt template: placeholder 'history' item 0: message: missing \"role\"");
        CHECK(error_of([&] { (void)prompt.format_messages({{"obs", "x"}, {"history", {{"a", "b", "c"}}}}); })
                  .find("item 0: a pair must be [role, content]") != std::string::npos);
        CHECK(error_of([&] { (void)prompt.format_messages({{"history", Value::array()}}); }) ==
              "not_found: chat prompt template, part 3 (observation): missing variable 'obs' (the template "
              "needs: obs)");
        CHECK(error_of([&] { (void)prompt.format_messages(Value::array()); }).rfind("invalid_argument:", 0) == 0);
    }
}

TEST_CASE("[chat_prompt_template] construction errors", "[unit]") {
    CHECK(error_of([] { (void)ChatPromptTemplate::from_messages({{"user", "{x"}}); }).rfind("template_error:", 0) ==
          0);
    CHECK(error_of([] { (void)ChatPromptTemplate::from_messages({{"", "x"}}); }) ==
          "invalid_argument: message role is empty");
    CHECK(error_of([] { (void)ChatPromptTemplate::from_messages({{"placeholder", "x {h}"}}); })
              .find("must be exactly '{variable}'") != std::string::npos);
    CHECK(error_of([] { (void)ChatPromptTemplate::from_messages({MessagesPlaceholder("")}); })
              .find("needs a variable name") != std::string::npos);
    CHECK(error_of([] {
              (void)ChatPromptTemplate::from_messages({std::shared_ptr<const braid::MessagesTemplate>()});
          }).find("null") != std::string::npos);
}

TEST_CASE("[chat_prompt_template] partial, from_template, nesting", "[unit]") {
    const auto prompt = ChatPromptTemplate::from_messages(
        {{"system", "You are {role}. Date: {date}"}, MessagesPlaceholder("history", true), {"user", "{q}"}});
    int calls = 0;
    const auto p = prompt.partial({{"role", Value("terse")}, {"date", [&] {
                                       ++calls;
                                       return Value("today");
                                   }},
                                   {"history", Value::array({"earlier"})}});
    CHECK(p.input_variables() == std::vector<std::string>{"q"});
    CHECK(p.optional_variables().empty());
    CHECK(p.format_messages({{"q", "?"}}) ==
          Messages{Message::system("You are terse. Date: today"), Message::user("earlier"), Message::user("?")});
    CHECK(calls == 1);
    CHECK(p.format_messages({{"q", "?"}, {"role", "kind"}, {"history", nullptr}})[0].content ==
          "You are kind. Date: today");
    CHECK(error_of([&] { (void)prompt.partial({{"zzz", Value(1)}}); }) ==
          "invalid_argument: chat prompt template: partial variable 'zzz' is not a variable of the prompt");

    const auto single = ChatPromptTemplate::from_template("Q: {q}");
    CHECK(single.format_messages({{"q", "x"}}) == Messages{Message::user("Q: x")});

    const auto inner = std::make_shared<ChatPromptTemplate>(
        ChatPromptTemplate::from_messages({{"user", "{a}"}, {"assistant", "{b}"}}));
    const auto outer = ChatPromptTemplate::from_messages({{"system", "s"}, inner, {"user", "{c}"}});
    CHECK(outer.input_variables() == std::vector<std::string>{"a", "b", "c"});
    CHECK(outer.format_messages({{"a", "1"}, {"b", "2"}, {"c", "3"}}).size() == 4);
    CHECK(ChatPromptTemplate().format_messages(Value::object()).empty());
}

TEST_CASE("[prompt_value] conversions", "[unit]") {
    const braid::PromptValue text("hello");
    CHECK(Value(text) == Value("hello"));
    CHECK(Value("hello").get<braid::PromptValue>() == text);
    CHECK(text.messages().empty());
    const braid::PromptValue chat(Messages{Message::user("u"), Message::tool("t", "id")});
    CHECK(chat.text().empty());
    CHECK(chat.to_string() == "Human: u\nTool: t");
    CHECK(braid::messages_to_text(chat.messages(), "User", "Bot") == "User: u\nTool: t");
    CHECK(error_of([] { (void)Value(3).get<braid::PromptValue>(); }) ==
          "parse: prompt value must be a string, a message or an array of messages, got number");
    CHECK(text != braid::PromptValue(Messages{Message::user("hello")}));
}
