#include <braid/parsers/list_output_parser.hpp>
#include <braid/parsers/str_output_parser.hpp>

#include <catch2/catch.hpp>

#include "unit/parsers/stream_util.hpp"

using braid::ListOutputParser;
using braid::ListStyle;
using Items = std::vector<std::string>;

TEST_CASE("[list_output_parser] comma separated", "[unit]") {
    const ListOutputParser parser(ListStyle::comma);
    CHECK(parser.parse("red, green,blue") == Items{"red", "green", "blue"});
    CHECK(parser.parse("  red ,\n green , , blue,\n") == Items{"red", "green", "blue"});
    CHECK(parser.parse("") == Items{});
    CHECK(parser.parse("single") == Items{"single"});
    CHECK(parser.parse(R"("a, b", c, "say ""hi""", "")") == Items{"a, b", "c", "say \"hi\"", ""});
    CHECK(parser.parse(R"(x "y" z, w)") == Items{"x \"y\" z", "w"});
    CHECK(parser.parse("\"unterminated, still one") == Items{"unterminated, still one"});
    CHECK(parser.format_instructions().find("commas") != std::string::npos);
}

TEST_CASE("[list_output_parser] newline, numbered, markdown", "[unit]") {
    SECTION("newline") {
        const ListOutputParser parser(ListStyle::newline);
        CHECK(parser.parse("apple\n  banana \r\n\n cherry") == Items{"apple", "banana", "cherry"});
        CHECK(parser.parse("\n\n") == Items{});
    }
    SECTION("numbered") {
        const ListOutputParser parser(ListStyle::numbered);
        CHECK(parser.parse("Here are three:\n1. apple\n2) banana\n  10. cherry pie \nThanks!") ==
              Items{"apple", "banana", "cherry pie"});
        CHECK(parser.parse("1.apple\n2.\n3. \nx. no\n4. ok") == Items{"ok"});
        CHECK(parser.format_instructions().find("1. ") != std::string::npos);
    }
    SECTION("markdown") {
        const ListOutputParser parser(ListStyle::markdown);
        CHECK(parser.parse("Items:\n- apple\n* banana\n  + cherry\n---\n**bold** line\n-nospace") ==
              Items{"apple", "banana", "cherry"});
        CHECK(parser.format_instructions().find("- ") != std::string::npos);
    }
}

TEST_CASE("[list_output_parser] streaming yields each item when complete", "[unit]") {
    struct Case {
        ListStyle style;
        std::string text;
    };
    const Case cases[] = {
        {ListStyle::comma, R"(alpha, "be, ta",gamma ,  "q""uote", delta)"},
        {ListStyle::newline, "one\n\ntwo \r\n three\nfour"},
        {ListStyle::numbered, "Sure:\n1. one\n2. two\n3) three\n"},
        {ListStyle::markdown, "- one\n* two\n\n+ three\nbye"},
    };
    for (const auto& c : cases) {
        const ListOutputParser parser(c.style);
        const Items expected = parser.parse(c.text);
        REQUIRE(expected.size() >= 3);
        for (std::size_t size = 1; size <= c.text.size(); ++size) {
            INFO(c.text << " in chunks of " << size);
            auto stream = parser.stream();
            Items got;
            for (auto piece : braid_test::chunks(c.text, size)) {
                for (auto& item : stream.feed(piece)) {
                    got.push_back(item);
                    // An item is emitted no later than the chunk holding its terminator.
                    REQUIRE(got.size() <= expected.size());
                    REQUIRE(got.back() == expected[got.size() - 1]);
                }
            }
            for (auto& item : stream.finish()) got.push_back(item);
            REQUIRE(got == expected);
        }
        SECTION("the first item arrives before the end") {
            auto stream = parser.stream();
            const auto cut = c.text.find(c.style == ListStyle::comma ? ',' : '\n', c.text.find(expected[0]));
            CHECK(stream.feed(std::string_view(c.text).substr(0, cut + 1)).front() == expected[0]);
        }
    }
}

TEST_CASE("[str_output_parser] passes text and chunks through", "[unit]") {
    const braid::StrOutputParser parser;
    CHECK(parser.parse("hello") == "hello");
    auto stream = parser.stream();
    CHECK(stream.feed("he") == std::optional<std::string>("he"));
    CHECK_FALSE(stream.feed("").has_value());
    CHECK(stream.feed("llo") == std::optional<std::string>("llo"));
    CHECK_FALSE(stream.finish().has_value());
}
