#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "braid/prompts/prompt_template.hpp"
#include "test_util.hpp"

using braid::PromptTemplate;
using braid::Value;
using braid_test::error_of;

TEST_CASE("[prompt_template] substitution and variables", "[unit]") {
    const PromptTemplate t("Tell me a {adjective} joke about {topic}; {adjective}!");
    CHECK(t.input_variables() == std::vector<std::string>{"adjective", "topic"});
    CHECK(t.format({{"adjective", "dry"}, {"topic", "cats"}, {"unused", 1}}) ==
          "Tell me a dry joke about cats; dry!");
    CHECK(t.text() == "Tell me a {adjective} joke about {topic}; {adjective}!");

    SECTION("non-string values are written as JSON") {
        const PromptTemplate v("{a}|{b}|{c}|{d}|{e}");
        CHECK(v.format({{"a", 3}, {"b", true}, {"c", nullptr}, {"d", {1, "x"}}, {"e", 2.5}}) ==
              "3|true|null|[1,\"x\"]|2.5");
    }
    SECTION("escapes and no variables") {
        const PromptTemplate e("{{literal}} and }} {x} {{");
        CHECK(e.input_variables() == std::vector<std::string>{"x"});
        CHECK(e.format({{"x", "{y}"}}) == "{literal} and } {y} {");
        CHECK(PromptTemplate("plain text").format(Value::object()) == "plain text");
        CHECK(PromptTemplate("").format(Value::object()).empty());
        CHECK(PromptTemplate().format(Value::object()).empty());
    }
    SECTION("UTF-8 passes through") {
        CHECK(PromptTemplate("¿{q}? — ✓").format({{"q", "señor"}}) == "¿señor? — ✓");
    }
    SECTION("format_to appends and format_prompt gives a text PromptValue") {
        std::string out = "> ";
        t.format_to(out, {{"adjective", "a"}, {"topic", "b"}});
        CHECK(out == "> Tell me a a joke about b; a!");
        const braid::PromptValue p = PromptTemplate("hi {n}").format_prompt({{"n", "x"}});
        CHECK_FALSE(p.is_chat());
        CHECK(p.to_string() == "hi x");
        CHECK(p.to_messages() == braid::Messages{braid::Message::user("hi x")});
    }
}

TEST_CASE("[prompt_template] malformed templates name the position", "[unit]") {
    auto parse = [](const char* text) { return error_of([&] { PromptTemplate t(text); }); };
    CHECK(parse("a {b") == "template_error: prompt template: unmatched '{' at offset 2 (write '{{' for a literal "
                          "brace) in 'a {b'");
    CHECK(parse("a } b") == "template_error: prompt template: single '}' at offset 2 (write '}}' for a literal "
                           "brace) in 'a } b'");
    CHECK(parse("x {a {b}}").find("unmatched '{' at offset 2") != std::string::npos);
    CHECK(parse("{}").find("invalid placeholder '{}' at offset 0") != std::string::npos);
    CHECK(parse("hi {1x}").find("invalid placeholder '{1x}' at offset 3") != std::string::npos);
    CHECK(parse("{a b}").find("invalid placeholder '{a b}'") != std::string::npos);
    CHECK(parse("{x:>10}").find("invalid placeholder '{x:>10}'") != std::string::npos);
    CHECK(parse("{x.y}").find("invalid placeholder") != std::string::npos);
    CHECK(parse("}").find("single '}' at offset 0") != std::string::npos);
    CHECK(parse("{").find("unmatched '{' at offset 0") != std::string::npos);
}

TEST_CASE("[prompt_template] format errors", "[unit]") {
    const PromptTemplate t("You are {role}. {q}");
    CHECK(error_of([&] { (void)t.format({{"role", "x"}}); }) ==
          "not_found: prompt template: missing variable 'q' (the template needs: role, q)");
    CHECK(error_of([&] { (void)t.format(Value::array()); }) ==
          "invalid_argument: prompt template: input must be a JSON object of variables, got array");
    CHECK(error_of([&] { (void)t.format("text"); }).rfind("invalid_argument:", 0) == 0);
}

TEST_CASE("[prompt_template] partial values and functions", "[unit]") {
    const PromptTemplate t("{greeting}, {name}! Today is {day}. {day}");
    int calls = 0;
    const PromptTemplate p = t.partial({{"greeting", Value("Hello")}, {"day", [&calls] {
                                            ++calls;
                                            return Value("day" + std::to_string(calls));
                                        }}});
    CHECK(p.input_variables() == std::vector<std::string>{"name"});
    CHECK(t.input_variables().size() == 3); // the original is unchanged
    CHECK(p.format({{"name", "Ada"}}) == "Hello, Ada! Today is day1. day1");
    CHECK(calls == 1); // once per format even when the variable repeats
    CHECK(p.format({{"name", "Bo"}, {"greeting", "Hi"}}) == "Hi, Bo! Today is day2. day2");
    CHECK(error_of([&] { (void)t.partial({{"nope", Value(1)}}); }) ==
          "invalid_argument: prompt template: partial variable 'nope' is not a variable of the template");
    CHECK(error_of([&] { (void)t.partial({{"day", std::function<Value()>()}}); }).find("empty function") !=
          std::string::npos);
    CHECK(error_of([&] { (void)p.format(Value::object()); }) ==
          "not_found: prompt template: missing variable 'name' (the template needs: name)");
}

TEST_CASE("[prompt_template] many variables and threads", "[unit]") {
    std::string text;
    Value vars = Value::object();
    std::string expected;
    for (int i = 0; i < 40; ++i) {
        text += "{v" + std::to_string(i) + "} ";
        vars["v" + std::to_string(i)] = i;
        expected += std::to_string(i) + " ";
    }
    const PromptTemplate t(text);
    CHECK(t.input_variables().size() == 40);
    CHECK(t.format(vars) == expected);

    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int n = 0; n < 4; ++n) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                if (t.format(vars) != expected) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    CHECK(wrong == 0);
}

TEST_CASE("[prompt_template] random templates parse or fail with a braid::Error", "[unit]") {
    // Random text over an alphabet rich in braces: parsing never crashes or throws anything but a
    // template_error, and a template that parses, formatted with each variable bound to "{name}",
    // gives the text with its escapes undone.
    const std::string alphabet = "{}{}ab_1 x\xC3\xA9";
    std::uint32_t state = 12345;
    auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    auto unescape = [](const std::string& text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            out += text[i];
            if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
                ++i;
            } else if (text[i] == '{') {
                while (text[++i] != '}') {
                    out += text[i];
                }
                out += '}';
            }
        }
        return out;
    };
    int parsed = 0;
    int wrong = 0;
    for (int n = 0; n < 3000; ++n) {
        std::string text;
        const std::size_t length = next() % 24;
        for (std::size_t i = 0; i < length; ++i) {
            text += alphabet[next() % alphabet.size()];
        }
        try {
            const PromptTemplate t(text);
            ++parsed;
            Value vars = Value::object();
            for (const std::string& v : t.input_variables()) {
                vars[v] = "{" + v + "}";
            }
            wrong += t.format(vars) != unescape(text) ? 1 : 0;
        } catch (const braid::Error& e) {
            wrong += e.kind() != braid::errc::template_error ? 1 : 0;
        }
    }
    CHECK(wrong == 0);
    CHECK(parsed > 100);
}
