// Output parsers as runnable steps: Message in, the parsed value out, MessageChunk streams transformed
// as they come.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "braid/core/lambda.hpp"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/list_output_parser.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/parsers/structured_output_parser.hpp"
#include "braid/parsers/xml_output_parser.hpp"
#include "stream_util.hpp"
#include "unit/error_text.hpp"

using braid::Message;
using braid::MessageChunk;
using braid::Value;

namespace parser_test {

/// A scripted stand-in for a model (not a model): a step that streams its input text as MessageChunks
/// of @p size bytes, counting the chunks it produced in @p produced.
inline braid::Runnable<std::string, Message> scripted_chunks(std::size_t size, std::vector<std::string>* produced = nullptr) {
    return braid::Lambda<std::string, Message>::generator(
        [size, produced](std::string text, const braid::RunContext&) -> braid::Stream<MessageChunk> {
            for (std::string_view piece : braid_test::chunks(text, size)) {
                if (produced)
                    produced->emplace_back(piece);
                MessageChunk chunk;
                chunk.content = std::string(piece);
                co_yield chunk;
            }
        },
        "scripted_chunks");
}

} // namespace parser_test

using namespace parser_test;
using braid_test::error_of;

static_assert(std::is_convertible_v<braid::StrOutputParser, braid::Runnable<Message, std::string>>);
static_assert(std::is_convertible_v<braid::JsonOutputParser, braid::Runnable<Message, Value>>);
static_assert(std::is_convertible_v<braid::ListOutputParser, braid::Runnable<Message, std::vector<std::string>>>);
static_assert(std::is_convertible_v<braid::StructuredOutputParser, braid::Runnable<Message, Value>>);
static_assert(std::is_convertible_v<braid::XmlOutputParser, braid::Runnable<Message, Value>>);

TEST_CASE("[parser_steps] StrOutputParser passes text on as it comes", "[unit]") {
    const braid::StrOutputParser parser;
    CHECK(parser.name() == "StrOutputParser");
    CHECK(parser.invoke(Message::assistant("whole")) == "whole");
    std::vector<std::string> produced;
    std::vector<std::string> seen_when;
    auto chain = scripted_chunks(3, &produced) | parser;
    for (const std::string& piece : chain.stream("Hello world")) {
        // Each piece arrives right after the model produced it: nothing is buffered.
        CHECK(produced.back() == piece);
        seen_when.push_back(piece);
    }
    CHECK(seen_when == std::vector<std::string>{"Hel", "lo ", "wor", "ld"});
    CHECK(chain.invoke("Hello world") == "Hello world");
    CHECK(parser.impl()->stream_mode() == braid::StreamMode::transform);
}

TEST_CASE("[parser_steps] JsonOutputParser streams partial values as snapshots", "[unit]") {
    const std::string answer = "Sure:\n```json\n{\"title\": \"Dune\", \"tags\": [\"sf\", \"classic\"], \"year\": 1965}\n```";
    auto chain = scripted_chunks(4) | braid::JsonOutputParser();
    braid::Stream<Value> stream = chain.stream(answer);
    CHECK(stream.snapshots());
    const std::vector<Value> partials = stream.collect();
    REQUIRE(partials.size() > 5);
    for (std::size_t i = 1; i < partials.size(); ++i)
        CHECK(braid_test::grows_into(partials[i - 1], partials[i]));
    const Value whole = Value::parse(R"({"title": "Dune", "tags": ["sf", "classic"], "year": 1965})");
    CHECK(partials.back() == whole);
    CHECK(chain.invoke(answer) == whole);
    SECTION("a step after it that cannot stream gets the final value") {
        auto titled = chain | braid::Lambda([](const Value& v) { return v["title"].get<std::string>(); }, "title");
        CHECK(titled.stream(answer).collect() == std::vector<std::string>{"Dune"});
    }
    SECTION("events: chunks are the partial values, the end is the final one") {
        std::vector<braid::Event> parser_events;
        for (braid::Event& e : chain.events(answer))
            if (e.name == "JsonOutputParser")
                parser_events.push_back(e);
        REQUIRE(parser_events.size() == partials.size() + 2);
        CHECK(parser_events.front().kind == braid::EventKind::start);
        CHECK(parser_events[1].data == partials.front());
        CHECK(parser_events.back().kind == braid::EventKind::end);
        CHECK(parser_events.back().data == whole);
    }
    SECTION("no JSON is a parse error, from invoke and from the stream") {
        CHECK(error_of([&] { (void)chain.invoke("no json here"); }).rfind("parse: ", 0) == 0);
        CHECK(error_of([&] { (void)chain.stream("{\"a\": 1 \"b\"").collect(); }).rfind("parse: invalid JSON", 0) == 0);
    }
}

TEST_CASE("[parser_steps] ListOutputParser yields each item when it is complete", "[unit]") {
    auto chain = scripted_chunks(2) | braid::ListOutputParser(braid::ListStyle::numbered);
    const std::string answer = "Here:\n1. red\n2. green\n3. blue";
    std::vector<std::vector<std::string>> chunks = chain.stream(answer).collect();
    CHECK(chunks == std::vector<std::vector<std::string>>{{"red"}, {"green"}, {"blue"}});
    CHECK(chain.invoke(answer) == std::vector<std::string>{"red", "green", "blue"});
    auto count = chain | braid::Lambda([](const std::vector<std::string>& items) { return items.size(); });
    CHECK(count.stream(answer).collect() == std::vector<std::size_t>{3});
}

TEST_CASE("[parser_steps] StructuredOutputParser validates the final value", "[unit]") {
    const Value schema = Value::parse(R"({"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}})");
    auto chain = scripted_chunks(3) | braid::StructuredOutputParser(schema);
    CHECK(chain.invoke("{\"n\": 4}") == Value{{"n", 4}});
    CHECK(chain.stream("{\"n\": 4}").collect().back() == Value{{"n", 4}});
    CHECK(error_of([&] { (void)chain.invoke("{\"n\": \"four\"}"); }) == "validation: $.n: expected integer, got string");
    CHECK(error_of([&] { (void)chain.stream("{\"m\": 1}").collect(); }).rfind("validation: $: ", 0) == 0);
}

TEST_CASE("[parser_steps] XmlOutputParser streams as elements close", "[unit]") {
    auto chain = scripted_chunks(5) | braid::XmlOutputParser();
    const std::string answer = "<movie><title>Heat</title><year>1995</year></movie>";
    braid::Stream<Value> stream = chain.stream(answer);
    CHECK(stream.snapshots());
    const std::vector<Value> partials = stream.collect();
    REQUIRE(partials.size() >= 2);
    CHECK(partials.back() == Value::parse(R"({"movie": {"title": "Heat", "year": "1995"}})"));
    CHECK(chain.invoke(answer) == partials.back());
}

TEST_CASE("[parser_steps] parsers in dynamic chains accept text and messages", "[unit]") {
    const braid::AnyRunnable str = braid::StrOutputParser();
    CHECK(str.invoke(Value("plain text")) == "plain text");
    CHECK(str.invoke(Value(Message::assistant("from a message"))) == "from a message");
    CHECK(str.stream(Value("piece")).collect() == std::vector<Value>{"piece"});
    const braid::AnyRunnable list = braid::ListOutputParser();
    CHECK(list.invoke(Value("a, b")) == Value::array({"a", "b"}));
    CHECK(error_of([&] { (void)str.invoke(Value(3)); }).rfind("validation: ", 0) == 0);
}

TEST_CASE("[parser_steps] format instructions are found behind any runnable", "[unit]") {
    const braid::AnyRunnable json = braid::JsonOutputParser();
    const braid::AnyRunnable text = braid::StrOutputParser();
    auto json_base = braid::find_impl<braid::OutputParserBase>(json);
    REQUIRE(json_base);
    CHECK(json_base->format_instructions() == braid::JsonOutputParser::format_instructions());
    CHECK(braid::find_impl<braid::OutputParserBase>(text)->format_instructions().empty());
    const braid::XmlOutputParser xml({"title"});
    CHECK(braid::find_impl<braid::OutputParserBase>(xml)->format_instructions() == xml.format_instructions());
    CHECK_FALSE(braid::find_impl<braid::OutputParserBase>(
        braid::AnyRunnable(braid::Lambda([](const Value& v) { return v; }))));
}
