#include <braid/parsers/json_output_parser.hpp>
#include <braid/parsers/list_output_parser.hpp>
#include <braid/parsers/str_output_parser.hpp>
#include <braid/parsers/structured_output_parser.hpp>
#include <braid/parsers/xml_output_parser.hpp>

#include <catch2/catch.hpp>

using braid::Message;
using braid::MessageChunk;
using braid::Value;

TEST_CASE("[parsers] read an assistant message's content and streamed chunks", "[unit]") {
    const Message answer = Message::assistant("```json\n{\"a\": [1, 2]}\n```");
    CHECK(braid::StrOutputParser().parse(answer) == answer.content);
    CHECK(braid::JsonOutputParser().parse(answer) == Value::parse(R"({"a": [1, 2]})"));
    CHECK(braid::StructuredOutputParser(Value::parse(R"({"required": ["a"]})")).parse(answer) ==
          Value::parse(R"({"a": [1, 2]})"));
    CHECK(braid::ListOutputParser(braid::ListStyle::comma).parse(Message::assistant("x, y")) ==
          std::vector<std::string>{"x", "y"});
    CHECK(braid::XmlOutputParser().parse(Message::assistant("<a>1</a>")) == Value::parse(R"({"a": "1"})"));

    auto json = braid::JsonOutputParser().stream();
    MessageChunk first;
    first.content = "{\"a\": \"h";
    MessageChunk second;
    second.content = "i\"}";
    CHECK(json.feed(first) == Value::parse(R"({"a": "h"})"));
    CHECK(json.feed(second) == Value::parse(R"({"a": "hi"})"));
    CHECK_FALSE(json.finish().has_value());

    auto list = braid::ListOutputParser(braid::ListStyle::newline).stream();
    MessageChunk lines;
    lines.content = "one\ntw";
    CHECK(list.feed(lines) == std::vector<std::string>{"one"});
    CHECK(list.finish() == std::vector<std::string>{"tw"});

    auto text = braid::StrOutputParser().stream();
    CHECK(text.feed(first) == std::optional<std::string>(first.content));
}
