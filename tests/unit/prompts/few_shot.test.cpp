#include <catch2/catch.hpp>

#include "braid/prompts/few_shot_prompt_template.hpp"
#include "test_util.hpp"

using braid::ChatPromptTemplate;
using braid::FewShotChatMessagePromptTemplate;
using braid::FewShotPromptTemplate;
using braid::LengthBasedExampleSelector;
using braid::Message;
using braid::Messages;
using braid::PromptTemplate;
using braid::Value;
using braid_test::error_of;

namespace {
std::vector<Value> antonyms() {
    return {{{"word", "happy"}, {"antonym", "sad"}},
            {{"word", "tall"}, {"antonym", "short"}},
            {{"word", "energetic"}, {"antonym", "lethargic"}}};
}
} // namespace

TEST_CASE("[few_shot] text prompt with fixed examples", "[unit]") {
    const FewShotPromptTemplate prompt({
        .examples = antonyms(),
        .example_prompt = PromptTemplate("Word: {word}\nAntonym: {antonym}"),
        .prefix = "Give the {kind} of every input.",
        .suffix = "Word: {input}\nAntonym:",
    });
    CHECK(prompt.input_variables() == std::vector<std::string>{"kind", "input"});
    CHECK(prompt.format({{"kind", "antonym"}, {"input", "big"}}) ==
          "Give the antonym of every input.\n\nWord: happy\nAntonym: sad\n\nWord: tall\nAntonym: short\n\n"
          "Word: energetic\nAntonym: lethargic\n\nWord: big\nAntonym:");
    CHECK(prompt.format_prompt({{"kind", "k"}, {"input", "i"}}).to_string().rfind("Give the k", 0) == 0);

    SECTION("no prefix, custom separator, no examples") {
        const FewShotPromptTemplate bare({.example_prompt = PromptTemplate("{word}"), .suffix = "{input}",
                                          .example_separator = " | "});
        CHECK(bare.format({{"input", "x"}}) == "x");
        const FewShotPromptTemplate two({.examples = {{{"word", "a"}}, {{"word", "b"}}},
                                         .example_prompt = PromptTemplate("{word}"),
                                         .suffix = "{input}",
                                         .example_separator = " | "});
        CHECK(two.format({{"input", "x"}}) == "a | b | x");
    }
    SECTION("errors") {
        CHECK(error_of([] {
                  FewShotPromptTemplate p({.examples = {{{"word", "a"}}}, .example_prompt = PromptTemplate("{word} {antonym}")});
              }) == "not_found: few-shot prompt template: example 0: prompt template: missing variable 'antonym' "
                    "(the template needs: word, antonym)");
        CHECK(error_of([] { FewShotPromptTemplate p({.examples = {Value(1)}}); }) ==
              "invalid_argument: few-shot prompt template: example 0 must be a JSON object, got number");
        CHECK(error_of([] {
                  FewShotPromptTemplate p({.examples = antonyms(),
                                           .example_selector = std::make_shared<LengthBasedExampleSelector>(
                                               antonyms(), PromptTemplate("{word}"))});
              }).find("not both") != std::string::npos);
        CHECK(error_of([] { FewShotPromptTemplate p({.suffix = "{bad"}); }).rfind("template_error:", 0) == 0);
        CHECK(error_of([&] { (void)prompt.format({{"kind", "k"}}); }).find("missing variable 'input'") !=
              std::string::npos);
        CHECK(error_of([&] { (void)prompt.format(Value(2)); }).rfind("invalid_argument:", 0) == 0);
    }
}

TEST_CASE("[few_shot] length-based example selector", "[unit]") {
    CHECK(LengthBasedExampleSelector::word_count("") == 0);
    CHECK(LengthBasedExampleSelector::word_count("  a  b\n\tc ") == 3);

    // Each formatted example "Input: w\nOutput: a" is 4 words.
    const PromptTemplate example_prompt("Input: {word}\nOutput: {antonym}");
    const auto selector = std::make_shared<LengthBasedExampleSelector>(antonyms(), example_prompt, 10);
    CHECK(selector->select_examples({{"input", "big"}}).size() == 2);      // 1 + 4 + 4 <= 10
    CHECK(selector->select_examples({{"input", "a b c d e"}}).size() == 1); // 5 + 4 <= 10
    CHECK(selector->select_examples({{"input", "a b c d e f g h i j k"}}).empty());
    CHECK(selector->select_examples(Value::object()).size() == 2);

    const auto by_chars = std::make_shared<LengthBasedExampleSelector>(
        antonyms(), example_prompt, 1000, [](std::string_view s) { return s.size(); });
    CHECK(by_chars->select_examples({{"input", "x"}}).size() == 3);

    const FewShotPromptTemplate prompt({.example_selector = selector,
                                        .example_prompt = example_prompt,
                                        .suffix = "Input: {input}\nOutput:"});
    CHECK(prompt.format({{"input", "a b c d e"}}) == "Input: happy\nOutput: sad\n\nInput: a b c d e\nOutput:");

    CHECK(error_of([] { LengthBasedExampleSelector s({Value("x")}, PromptTemplate("{a}")); })
              .find("example 0 must be a JSON object") != std::string::npos);
    CHECK(error_of([] { LengthBasedExampleSelector s({{{"b", 1}}}, PromptTemplate("{a}")); })
              .find("example 0: prompt template: missing variable 'a'") != std::string::npos);
    CHECK(error_of([] { LengthBasedExampleSelector s({}, PromptTemplate("{a}"), 10, {}); })
              .find("length function is empty") != std::string::npos);
}

TEST_CASE("[few_shot] chat examples nested in a chat prompt", "[unit]") {
    const auto example_prompt = ChatPromptTemplate::from_messages({{"user", "{q}"}, {"assistant", "{a}"}});
    const auto few_shot = std::make_shared<FewShotChatMessagePromptTemplate>(FewShotChatMessagePromptTemplate::Config{
        .examples = {{{"q", "2+2"}, {"a", "4"}}, {{"q", "2+3"}, {"a", "5"}}},
        .example_prompt = example_prompt,
    });
    CHECK(few_shot->format_messages(Value::object()) == Messages{Message::user("2+2"), Message::assistant("4"),
                                                                 Message::user("2+3"), Message::assistant("5")});
    const auto prompt = ChatPromptTemplate::from_messages({{"system", "Be brief."}, few_shot, {"user", "{q}"}});
    CHECK(prompt.input_variables() == std::vector<std::string>{"q"});
    const Messages m = prompt.format_messages({{"q", "3+3"}});
    REQUIRE(m.size() == 6);
    CHECK(m.front() == Message::system("Be brief."));
    CHECK(m.back() == Message::user("3+3"));

    SECTION("with a selector") {
        const auto selector = std::make_shared<LengthBasedExampleSelector>(
            std::vector<Value>{{{"q", "one two"}, {"a", "x"}}, {{"q", "three"}, {"a", "y"}}}, PromptTemplate("{q} {a}"), 4);
        const FewShotChatMessagePromptTemplate selected({.example_selector = selector, .example_prompt = example_prompt});
        CHECK(selected.format_messages({{"q", "z"}}).size() == 2); // 1 + 3 <= 4, then 2 more words do not fit
    }
    SECTION("errors") {
        CHECK(error_of([&] {
                  FewShotChatMessagePromptTemplate t({.examples = {{{"q", "x"}}}, .example_prompt = example_prompt});
              }) == "not_found: few-shot chat prompt template: example 0: chat prompt template, part 1 "
                    "(assistant): missing variable 'a' (the template needs: a)");
        CHECK(error_of([&] {
                  FewShotChatMessagePromptTemplate t({.examples = {Value::array()}, .example_prompt = example_prompt});
              }).find("example 0 must be a JSON object") != std::string::npos);
    }
}
