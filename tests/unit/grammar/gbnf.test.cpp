// The GBNF parser and Grammar::accepts: llama.cpp's documented example grammars (written for braid,
// tests/data/grammar), every repetition form, escapes, Unicode classes, and errors with line/column.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "braid/engine/grammar.hpp"
#include "braid/error.hpp"

namespace engine = braid::engine;

namespace {

std::string gbnf_file(const std::string& name) {
    std::ifstream in(std::filesystem::path(BRAID_TEST_DATA_DIR) / "grammar" / name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string parse_error(const std::string& text, std::string_view root = "root") {
    try {
        engine::Grammar::from_gbnf(text, root);
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::parse);
        return e.what();
    }
    FAIL("no error for: " << text);
    return {};
}

} // namespace

TEST_CASE("[gbnf] json grammar accepts JSON objects and rejects broken ones", "[unit]") {
    const auto g = engine::Grammar::from_gbnf(gbnf_file("json.gbnf"));
    CHECK(g->accepts(R"({})"));
    CHECK(g->accepts(R"({"a": 1})"));
    CHECK(g->accepts(R"({"name": "Ünïcödé 日本 \"q\" \\ \u00e9", "n": -12.5e+3, "list": [1, 2, {"x": null}], "t": true})"));
    CHECK(g->accepts("{\n  \"a\": [\n    false\n  ]\n}"));
    CHECK_FALSE(g->accepts(R"({"a": 1,})"));
    CHECK_FALSE(g->accepts(R"({"a" 1})"));
    CHECK_FALSE(g->accepts(R"({"a": 01})"));
    CHECK_FALSE(g->accepts(R"({"a": "x)"));
    CHECK_FALSE(g->accepts(R"({"a": "\q"})"));
    CHECK_FALSE(g->accepts("{\"a\": \"tab\there\"}")); // control characters must be escaped
    CHECK_FALSE(g->accepts(R"([1, 2])"));              // the root is an object
    CHECK_FALSE(g->accepts(""));
}

TEST_CASE("[gbnf] arithmetic, list and chess grammars", "[unit]") {
    const auto arith = engine::Grammar::from_gbnf(gbnf_file("arithmetic.gbnf"));
    CHECK(arith->accepts("x = 2\n"));
    CHECK(arith->accepts("(a+b)*3 = 7\n"));
    CHECK(arith->accepts("a = 1\nb-(c-2)/4 = x\n"));
    CHECK_FALSE(arith->accepts("x = 2"));
    CHECK_FALSE(arith->accepts("x = (2\n"));
    CHECK_FALSE(arith->accepts("X = 2\n"));

    const auto list = engine::Grammar::from_gbnf(gbnf_file("list.gbnf"));
    CHECK(list->accepts("- milk\n- eggs and ham\n"));
    CHECK(list->accepts("- café ☕\n"));
    CHECK_FALSE(list->accepts("- milk"));
    CHECK_FALSE(list->accepts("-milk\n"));
    CHECK_FALSE(list->accepts("- \n"));
    CHECK_FALSE(list->accepts("- a\u2028b\n"));

    const auto chess = engine::Grammar::from_gbnf(gbnf_file("chess.gbnf"));
    CHECK(chess->accepts("1. e4 e5\n2. Nf3 Nc6\n3. Bb5 a6\n"));
    CHECK(chess->accepts("1. d4 d5\n2. c4 dxc4\n3. O-O-O Qxd8#\n"));
    CHECK_FALSE(chess->accepts("1. e4 e5\n"));     // at least two moves
    CHECK_FALSE(chess->accepts("1. e9 e5\n2. a3 a6\n"));
    CHECK_FALSE(chess->accepts("1. e4 e5\n0. a3 a6\n"));
}

TEST_CASE("[gbnf] japanese grammar matches multi-byte characters", "[unit]") {
    const auto g = engine::Grammar::from_gbnf(gbnf_file("japanese.gbnf"));
    CHECK(g->accepts("こんにちは"));
    CHECK(g->accepts("日本語 カタカナ、ひらがな。"));
    CHECK_FALSE(g->accepts("hello"));
    CHECK_FALSE(g->accepts("日本 "));
    CHECK_FALSE(g->accepts("\xE6\x97")); // half a character
    CHECK_FALSE(g->accepts("\xE6\x97\xA5\xFF"));
}

TEST_CASE("[gbnf] every repetition form", "[unit]") {
    auto g = [](const std::string& body) { return engine::Grammar::from_gbnf("root ::= " + body); };
    const auto star = g(R"("a"*)");
    CHECK(star->accepts(""));
    CHECK(star->accepts("aaaa"));
    CHECK_FALSE(star->accepts("ab"));
    const auto plus = g(R"([ab]+)");
    CHECK_FALSE(plus->accepts(""));
    CHECK(plus->accepts("abba"));
    const auto opt = g(R"("x" "y"? "z")");
    CHECK(opt->accepts("xz"));
    CHECK(opt->accepts("xyz"));
    CHECK_FALSE(opt->accepts("xyyz"));
    const auto exact = g(R"("ab"{3})");
    CHECK(exact->accepts("ababab"));
    CHECK_FALSE(exact->accepts("abab"));
    CHECK_FALSE(exact->accepts("abababab"));
    const auto at_least = g(R"([0-9]{2,})");
    CHECK_FALSE(at_least->accepts("1"));
    CHECK(at_least->accepts("12"));
    CHECK(at_least->accepts("123456789"));
    const auto between = g(R"(("a" | "b"){2,4})");
    CHECK_FALSE(between->accepts("a"));
    CHECK(between->accepts("ab"));
    CHECK(between->accepts("abba"));
    CHECK_FALSE(between->accepts("abbab"));
    const auto at_most = g(R"("x"{,2} "y")");
    CHECK(at_most->accepts("y"));
    CHECK(at_most->accepts("xxy"));
    CHECK_FALSE(at_most->accepts("xxxy"));
    const auto zero = g(R"("q"{0} "r")");
    CHECK(zero->accepts("r"));
    CHECK_FALSE(zero->accepts("qr"));
    const auto nested = g(R"((("a" "b"?)+ ";"){2})");
    CHECK(nested->accepts("aab;ab;"));
    CHECK_FALSE(nested->accepts("aab;"));
}

TEST_CASE("[gbnf] literals, classes, escapes, dot and comments", "[unit]") {
    const auto g = engine::Grammar::from_gbnf(R"(# leading comment
root ::= "\x41\u00e9\U0001F600" tab [^a-c\]] any   # trailing comment
tab  ::= "\t" | "\n" | "\r" | "\\" | "\""
any  ::= .
)");
    CHECK(g->accepts("Aé😀\tdx"));
    CHECK_FALSE(g->accepts("Aé😀\t]x"));
    CHECK(g->accepts("Aé😀\"d日"));
    CHECK(g->accepts("Aé😀\\zé"));
    CHECK_FALSE(g->accepts("Aé😀\tbx"));
    CHECK_FALSE(g->accepts("Aé😀\t]"));
    const auto neg = engine::Grammar::from_gbnf(R"(root ::= [^"\\]+)");
    CHECK(neg->accepts("plain ascii"));
    CHECK(neg->accepts("ünïcode ✓ 😀"));
    CHECK_FALSE(neg->accepts("a\"b"));
    const auto ranges = engine::Grammar::from_gbnf(R"(root ::= [a-zA-Z_-] [\x30-\x39]*)");
    CHECK(ranges->accepts("-42"));
    CHECK(ranges->accepts("Q"));
    CHECK_FALSE(ranges->accepts("4"));
    const auto other_root = engine::Grammar::from_gbnf("start ::= \"s\"\nroot ::= \"r\"", "start");
    CHECK(other_root->accepts("s"));
    CHECK_FALSE(other_root->accepts("r"));
    const auto multiline = engine::Grammar::from_gbnf("root ::= \"a\"\n  | \"b\"\n  | (\n \"c\"\n )\nx ::= \"unused\"");
    CHECK(multiline->accepts("a"));
    CHECK(multiline->accepts("c"));
    CHECK(multiline->rule_count() >= 3);
}

TEST_CASE("[gbnf] malformed text is a parse error with line and column", "[unit]") {
    CHECK_THAT(parse_error("root ::= \"abc"), Catch::Contains("line 1, column 10") && Catch::Contains("unterminated string"));
    CHECK_THAT(parse_error("root ::= a\na ::= [b-a]"), Catch::Contains("line 2, column 8") && Catch::Contains("backwards"));
    CHECK_THAT(parse_error("root ::= foo"), Catch::Contains("line 1, column 10") && Catch::Contains("undefined rule 'foo'"));
    CHECK_THAT(parse_error("root ::= \"x\" @"), Catch::Contains("line 1, column 14") && Catch::Contains("unexpected '@'"));
    CHECK_THAT(parse_error("root ::= (\"x\""), Catch::Contains("expected ')'"));
    CHECK_THAT(parse_error("root ::= \"x\")"), Catch::Contains("unexpected ')'"));
    CHECK_THAT(parse_error("root = \"x\""), Catch::Contains("line 1, column 6") && Catch::Contains("'::='"));
    CHECK_THAT(parse_error("root ::= \"\\q\""), Catch::Contains("unknown escape"));
    CHECK_THAT(parse_error("root ::= \"\\xZ1\""), Catch::Contains("hexadecimal"));
    CHECK_THAT(parse_error("root ::= \"\\uD800\""), Catch::Contains("Unicode scalar"));
    CHECK_THAT(parse_error("root ::= [a-z"), Catch::Contains("unterminated character class"));
    CHECK_THAT(parse_error("root ::= []"), Catch::Contains("empty character class"));
    CHECK_THAT(parse_error("root ::= \"a\"{3,2}"), Catch::Contains("maximum below its minimum"));
    CHECK_THAT(parse_error("root ::= \"a\"{2"), Catch::Contains("expected '}'"));
    CHECK_THAT(parse_error("root ::= \"a\"{999999999}"), Catch::Contains("repetition count"));
    CHECK_THAT(parse_error("root ::= * \"a\""), Catch::Contains("unexpected '*'"));
    CHECK_THAT(parse_error("root ::= \"a\"\nroot ::= \"b\""), Catch::Contains("line 2, column 1") && Catch::Contains("defined twice"));
    CHECK_THAT(parse_error("a ::= \"x\""), Catch::Contains("no rule named 'root'"));
    CHECK_THAT(parse_error("root ::= \"x\"", "start"), Catch::Contains("no rule named 'start'"));
    CHECK_THAT(parse_error(""), Catch::Contains("no rules"));
    CHECK_THAT(parse_error("# only a comment\n"), Catch::Contains("no rules"));
    CHECK_THAT(parse_error("root ::= \"\xC3\""), Catch::Contains("invalid UTF-8"));
    CHECK_THAT(parse_error("root ::= " + std::string(300, '(') + "\"a\"" + std::string(300, ')')), Catch::Contains("nested deeper"));
    std::string huge = "root ::=";
    for (int i = 0; i < 11; ++i)
        huge += " \"a\"{100000}";
    CHECK_THAT(parse_error(huge), Catch::Contains("too large"));
    CHECK_NOTHROW(engine::Grammar::from_gbnf("root ::= ((\"a\"{1000}){1000}){1000}")); // shared, not expanded
}

TEST_CASE("[gbnf] left recursion is an error naming the rule", "[unit]") {
    CHECK_THAT(parse_error("root ::= expr\nexpr ::= expr \"+\" num | num\nnum ::= [0-9]"),
               Catch::Contains("left recursion") && Catch::Contains("'expr'"));
    CHECK_THAT(parse_error("root ::= a\na ::= b \"x\" | \"y\"\nb ::= a"),
               Catch::Contains("left recursion") && Catch::Contains("'a'") && Catch::Contains("'b'"));
    CHECK_THAT(parse_error("root ::= e root | \"x\"\ne ::= \"y\"?"), Catch::Contains("left recursion") && Catch::Contains("'root'"));
    CHECK_THAT(parse_error("root ::= (\"a\"?)*"), Catch::Contains("left recursion"));
    // Right recursion is fine.
    const auto right = engine::Grammar::from_gbnf("root ::= \"(\" root \")\" | \"x\"");
    CHECK(right->accepts("((x))"));
    CHECK_FALSE(right->accepts("((x)"));
}

TEST_CASE("[gbnf] a repetition of a repetition is one repetition", "[unit]") {
    auto g = [](const std::string& body) { return engine::Grammar::from_gbnf("root ::= " + body); };
    const auto plus_plus = g(R"("a"++)");
    CHECK_FALSE(plus_plus->accepts(""));
    CHECK(plus_plus->accepts("aaa"));
    const auto opt_star = g(R"("a"?*)"); // (a?)* would loop without reading: it is a*
    CHECK(opt_star->accepts(""));
    CHECK(opt_star->accepts("aaaa"));
    const auto plus_opt = g(R"("a"+?)");
    CHECK(plus_opt->accepts(""));
    CHECK(plus_opt->accepts("aa"));
    const auto two_or_more_twice = g(R"("a"{2,}{2})");
    CHECK_FALSE(two_or_more_twice->accepts("aaa"));
    CHECK(two_or_more_twice->accepts("aaaa"));
    CHECK(two_or_more_twice->accepts("aaaaaaa"));
    const auto opt_bounded = g(R"("a"?{2,3})");
    CHECK(opt_bounded->accepts(""));
    CHECK(opt_bounded->accepts("aaa"));
    CHECK_FALSE(opt_bounded->accepts("aaaa"));
    // The input a fuzzer found: 64 stacked '+' read as one, in constant time.
    const auto stacked = g("[a-c]" + std::string(64, '+') + " \"x\"");
    CHECK(stacked->accepts("abcabcx"));
    CHECK_FALSE(stacked->accepts("x"));
}

TEST_CASE("[gbnf] a grammar too ambiguous to track is an error, not a hang", "[unit]") {
    // Thirty nested groups of repetitions: 2^30 distinct parser stacks after one character.
    std::string body = std::string(30, '(') + "\"a\"";
    for (int i = 0; i < 30; ++i)
        body += ")+";
    const auto g = engine::Grammar::from_gbnf("root ::= " + body);
    try {
        (void)g->accepts(std::string(20, 'a'));
        FAIL("no error");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::out_of_memory);
        CHECK_THAT(std::string(e.what()), Catch::Contains("ambiguous grammar"));
    }
    // Eight nested groups (256 stacks per byte, beyond what any MaskBench schema needs) still work.
    std::string eight = std::string(8, '(') + "\"a\"";
    for (int i = 0; i < 8; ++i)
        eight += ")+";
    const auto fits = engine::Grammar::from_gbnf("root ::= " + eight);
    CHECK(fits->accepts(std::string(20, 'a')));
    CHECK_FALSE(fits->accepts(std::string(20, 'a') + "b"));
}
