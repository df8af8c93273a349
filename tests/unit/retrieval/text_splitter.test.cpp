// Text splitters: LangChain's RecursiveCharacterTextSplitter results worked out by its algorithm (and the
// cases of LangChain's own tests), start indexes in code points, UTF-8 never cut, token windows.
#include <catch2/catch.hpp>

#include <random>

#include "braid/error.hpp"
#include "braid/retrieval/text_splitter.hpp"

using braid::Value;
using namespace braid::retrieval;
using Strings = std::vector<std::string>;

// Named (not anonymous): the test files of a folder are compiled as one unity translation unit.
namespace text_splitter_test {

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (c >= 0x80 && c < 0xC2)
            return false;
        if (i + n > s.size())
            return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

/// Byte offset of code point @p cp of valid UTF-8 @p s.
std::size_t byte_of(std::string_view s, std::size_t cp) {
    std::size_t pos = 0;
    for (; cp > 0 && pos < s.size(); --cp) {
        ++pos;
        while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80)
            ++pos;
    }
    return pos;
}

} // namespace text_splitter_test

using namespace text_splitter_test;

TEST_CASE("[text_splitter] LangChain's iterative splitter case (chunk 10, overlap 1)", "[unit]") {
    const std::string text = "Hi.\n\nI'm Harrison.\n\nHow? Are? You?\nOkay then f f f f.\n"
                             "This is a weird text to write, but gotta test the splittingggg some how.\n\n"
                             "Bye!\n\n-H.";
    const RecursiveCharacterTextSplitter splitter({.chunk_size = 10, .chunk_overlap = 1});
    CHECK(splitter.split_text(text) == Strings{"Hi.", "I'm", "Harrison.", "How? Are?", "You?", "Okay then",
                                               "f f f f.", "This is a", "weird", "text to", "write,", "but gotta",
                                               "test the", "splitting", "gggg", "some how.", "Bye!", "-H."});
}

TEST_CASE("[text_splitter] merging with overlap, separator kept or dropped", "[unit]") {
    // Dropped separator (CharacterTextSplitter-like): pieces joined back with " ", 3 characters of overlap.
    const RecursiveCharacterTextSplitter dropped(
        {.chunk_size = 7, .chunk_overlap = 3, .separators = {" "}, .keep_separator = KeepSeparator::none});
    CHECK(dropped.split_text("foo bar baz 123") == Strings{"foo bar", "bar baz", "baz 123"});
    // Kept at the start: pieces are "foo", " bar", " baz", " 123" (4 characters each after the first), so
    // " bar" (4) exceeds the overlap of 3 and is dropped from the front: no overlap survives.
    const RecursiveCharacterTextSplitter kept({.chunk_size = 7, .chunk_overlap = 3, .separators = {" "}});
    CHECK(kept.split_text("foo bar baz 123") == Strings{"foo bar", "baz", "123"});
    // Kept at the end: "foo ", "bar ", "baz ", "123".
    const RecursiveCharacterTextSplitter at_end(
        {.chunk_size = 8, .chunk_overlap = 4, .separators = {" "}, .keep_separator = KeepSeparator::end});
    CHECK(at_end.split_text("foo bar baz 123") == Strings{"foo bar", "bar baz", "baz 123"});
    // Default separators, "a b c d e f g", chunk 5, overlap 2: pieces "a", " b", " c", ...; the first chunk
    // holds 3 pieces (5 characters); then each keeps its last piece (2 characters) and adds one more,
    // since a third would make 6.
    const RecursiveCharacterTextSplitter words({.chunk_size = 5, .chunk_overlap = 2});
    CHECK(words.split_text("a b c d e f g") == Strings{"a b c", "c d", "d e", "e f", "f g"});
    // strip_whitespace off keeps the leading separator.
    const RecursiveCharacterTextSplitter unstripped({.chunk_size = 5, .chunk_overlap = 2, .strip_whitespace = false});
    CHECK(unstripped.split_text("a b c d e f g") == Strings{"a b c", " c d", " d e", " e f", " f g"});
}

TEST_CASE("[text_splitter] recursion into long pieces and unsplittable pieces", "[unit]") {
    // Paragraphs first; a paragraph longer than the chunk is split on lines, then words.
    const RecursiveCharacterTextSplitter splitter({.chunk_size = 12, .chunk_overlap = 0});
    CHECK(splitter.split_text("short one\n\nthis paragraph is long\nend") ==
          Strings{"short one", "this", "paragraph", "is long", "end"});
    // With no "" separator a word longer than the chunk stays whole, as split (LangChain does not strip it).
    const RecursiveCharacterTextSplitter no_chars({.chunk_size = 4, .chunk_overlap = 0, .separators = {" "}});
    CHECK(no_chars.split_text("ab abcdefgh cd") == Strings{"ab", " abcdefgh", "cd"});
    // With "" it is cut into code points and merged back to the size.
    const RecursiveCharacterTextSplitter chars({.chunk_size = 4, .chunk_overlap = 1});
    CHECK(chars.split_text("abcdefghij") == Strings{"abcd", "defg", "ghij"});
    CHECK(chars.split_text("").empty());
    CHECK(chars.split_text(" \n\n \t").empty());
}

TEST_CASE("[text_splitter] lengths and cuts in code points", "[unit]") {
    CHECK(code_point_length("h\xC3\xA9llo \xE4\xB8\x96\xF0\x9F\x98\x80") == 8);
    CHECK(code_point_length("\xFF\xC3") == 2); // malformed bytes count one each
    const RecursiveCharacterTextSplitter chars({.chunk_size = 2, .chunk_overlap = 0});
    CHECK(chars.split_text("\xC3\xA9\xE4\xB8\x96\xF0\x9F\x98\x80") == Strings{"\xC3\xA9\xE4\xB8\x96", "\xF0\x9F\x98\x80"});
    // Chinese separators: sentences, then clauses. Kept at the start (the default) the punctuation opens the
    // next piece; kept at the end it closes its sentence.
    auto chinese = RecursiveCharacterTextSplitter::from_language(Language::chinese, {.chunk_size = 6, .chunk_overlap = 0});
    CHECK(chinese.split_text("我们去吧。天气很好，出去玩！") == Strings{"我们去吧", "。天气很好", "，出去玩", "！"});
    auto chinese_end = RecursiveCharacterTextSplitter::from_language(
        Language::chinese, {.chunk_size = 6, .chunk_overlap = 0, .keep_separator = KeepSeparator::end});
    CHECK(chinese_end.split_text("我们去吧。天气很好，出去玩！") == Strings{"我们去吧。", "天气很好，", "出去玩！"});
}

TEST_CASE("[text_splitter] start_index in code points, LangChain's search from the overlap", "[unit]") {
    const RecursiveCharacterTextSplitter splitter({.chunk_size = 7, .chunk_overlap = 3, .separators = {" "},
                                                   .keep_separator = KeepSeparator::none, .add_start_index = true});
    const Documents docs = splitter.create_documents({"foo bar baz 123"}, {Value{{"source", "x"}}});
    REQUIRE(docs.size() == 3);
    CHECK(docs[0] == Document{"foo bar", Value{{"source", "x"}, {"start_index", 0}}, ""});
    CHECK(docs[1].metadata["start_index"] == 4);
    CHECK(docs[2].metadata["start_index"] == 8);
    // Repeated text: the second "ab ab" is found after the first, not at 0. Non-ASCII text counts code points.
    const RecursiveCharacterTextSplitter repeated({.chunk_size = 5, .chunk_overlap = 0, .add_start_index = true});
    const Documents twice = repeated.split_documents({Document{"\xC3\xA9t\xC3\xA9 ab ab \xC3\xA9t\xC3\xA9", Value::object(), ""}});
    REQUIRE(twice.size() == 4);
    CHECK(twice[0].page_content == "\xC3\xA9t\xC3\xA9");
    CHECK(twice[1].page_content == "ab");
    CHECK(twice[1].metadata["start_index"] == 4);
    CHECK(twice[2].page_content == "ab");
    CHECK(twice[2].metadata["start_index"] == 7);
    CHECK(twice[3].metadata["start_index"] == 10);
    CHECK_THROWS_AS(repeated.create_documents({"a", "b"}, {Value::object()}), braid::Error);
}

TEST_CASE("[text_splitter] property: random Unicode text, chunks are valid, sized and found at start_index", "[unit]") {
    std::mt19937 rng(1234);
    const std::vector<std::string> alphabet = {"a", "b", " ", " ", "\n", "\n\n", "\xC3\xA9", "\xE4\xB8\x96",
                                               "\xF0\x9F\x98\x80", "\xE3\x80\x82", "xyz", "\t"};
    for (int round = 0; round < 200; ++round) {
        std::string text;
        const int pieces = std::uniform_int_distribution<int>(0, 120)(rng);
        for (int i = 0; i < pieces; ++i)
            text += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
        const std::size_t size = std::uniform_int_distribution<std::size_t>(1, 20)(rng);
        const std::size_t overlap = std::uniform_int_distribution<std::size_t>(0, size)(rng);
        const RecursiveCharacterTextSplitter splitter({.chunk_size = size, .chunk_overlap = overlap, .add_start_index = true});
        const Documents docs = splitter.create_documents({text});
        for (const Document& doc : docs) {
            INFO("text '" << text << "' size " << size << " overlap " << overlap << " chunk '" << doc.page_content << "'");
            REQUIRE(valid_utf8(doc.page_content));
            REQUIRE(!doc.page_content.empty());
            REQUIRE(code_point_length(doc.page_content) <= size);
            const long long start = doc.metadata["start_index"].get<long long>();
            REQUIRE(start >= 0);
            REQUIRE(text.compare(byte_of(text, static_cast<std::size_t>(start)), doc.page_content.size(), doc.page_content) == 0);
        }
    }
}

TEST_CASE("[text_splitter] language separators and a custom length function", "[unit]") {
    CHECK(separators_for_language(Language::python) == Strings{"\nclass ", "\ndef ", "\n\tdef ", "\n\n", "\n", " ", ""});
    CHECK(separators_for_language(Language::cpp).front() == "\nclass ");
    CHECK(separators_for_language(Language::html).front() == "<body");
    CHECK(language_from_string("csharp") == Language::csharp);
    CHECK_THROWS_AS(language_from_string("cobol"), braid::Error);
    const std::string code = "int a;\nvoid f() {\n  return;\n}\nvoid g() {\n  return;\n}\n";
    auto cpp = RecursiveCharacterTextSplitter::from_language(Language::cpp, {.chunk_size = 25, .chunk_overlap = 0});
    CHECK(cpp.split_text(code) == Strings{"int a;", "void f() {\n  return;\n}", "void g() {\n  return;\n}"});
    // Markdown separators are regular expressions: headings split before "\n## ".
    auto markdown = RecursiveCharacterTextSplitter::from_language(Language::markdown, {.chunk_size = 20, .chunk_overlap = 0});
    CHECK(markdown.split_text("# Title\nintro text\n## Part\nbody text") == Strings{"# Title\nintro text", "## Part\nbody text"});
    // Sizes in "tokens": here one token per word.
    const auto words = [](std::string_view s) {
        std::size_t count = 0;
        bool in_word = false;
        for (char c : s) {
            const bool space = c == ' ' || c == '\n';
            count += !space && !in_word;
            in_word = !space;
        }
        return count;
    };
    const RecursiveCharacterTextSplitter tokens({.chunk_size = 3, .chunk_overlap = 1, .length_function = words});
    CHECK(tokens.split_text("one two three four five") == Strings{"one two three", "three four five"});
}

TEST_CASE("[text_splitter] bad options are errors naming the option", "[unit]") {
    const auto message = [](TextSplitterOptions options) {
        try {
            RecursiveCharacterTextSplitter splitter(std::move(options));
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::invalid_argument);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(message({.chunk_size = 0}), Catch::Contains("chunk_size"));
    CHECK_THAT(message({.chunk_size = 10, .chunk_overlap = 11}), Catch::Contains("chunk_overlap"));
    CHECK_THAT(message({.separators = {}}), Catch::Contains("separator"));
    CHECK_THAT(message({.separators = {"("}, .is_separator_regex = true}), Catch::Contains("regular expression"));
}

TEST_CASE("[text_splitter] token windows over encode and decode", "[unit]") {
    // A byte tokenizer: one token per byte.
    TokenTextSplitterOptions options{.chunk_size = 4, .chunk_overlap = 1,
        .encode = [](std::string_view s) { return std::vector<std::int32_t>(s.begin(), s.end()); },
        .decode = [](std::span<const std::int32_t> ids) { return std::string(ids.begin(), ids.end()); }};
    const TokenTextSplitter splitter(options);
    CHECK(splitter.split_text("abcdefghij") == Strings{"abcd", "defg", "ghij"});
    CHECK(splitter.split_text("abcd") == Strings{"abcd"});
    CHECK(splitter.split_text("").empty());
    const Documents docs = splitter.split_documents({Document{"abcde", Value{{"k", 1}}, ""}});
    CHECK(docs == Documents{Document{"abcd", Value{{"k", 1}}, ""}, Document{"de", Value{{"k", 1}}, ""}});
    options.chunk_overlap = 4;
    CHECK_THROWS_AS(TokenTextSplitter(options), braid::Error);
    CHECK_THROWS_AS(TokenTextSplitter(TokenTextSplitterOptions{}), braid::Error);
}
