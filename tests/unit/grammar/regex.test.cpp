// ECMAScript regex → GBNF (JSON Schema `pattern`): the grammar matches the JSON encoding of exactly the
// strings the pattern matches (std::regex with ECMAScript syntax is the reference).
#include <catch2/catch.hpp>

#include <regex>

#include "braid/engine/grammar.hpp"
#include "braid/engine/json_schema.hpp"
#include "braid/error.hpp"

using braid::engine::Grammar;
using braid::engine::regex_to_gbnf;

namespace {

std::shared_ptr<const Grammar> pattern_grammar(const std::string& pattern) {
    return Grammar::from_gbnf(regex_to_gbnf(pattern));
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

} // namespace

TEST_CASE("[regex] agrees with std::regex on ASCII strings", "[unit]") {
    const char* patterns[] = {
        "^abc$", "abc", "^a|b$", "^(ab|cd)*$", "^a+?b{2,3}c?$", "^[a-c0-2]+$", "^[^a-c]{2}$", "^\\d{3}-\\w+$",
        "^\\s*x\\S$", "^.{1,4}$", "^(?:x|yz){2}$", "^[\\d.]+$", "^a{2,}$", "^\\D\\W$",
        "^[-a]$", "^\\x41\\u0042$", "^$", "b$", "^(a|)b$", "^[a\\-z]$", "^a\\.b$",
        // Repetitions of patterns that match the empty string (a fuzzer found ^x-****).
        "^(a*)*$", "^(a?b?)+$", "^x-*(y|)*$", "^(a*|b)*c$", "^(a?){2,}$", "^(a?b*){1,}b$",
    };
    const char* texts[] = {"", "a", "b", "ab", "abc", "xabcx", "abab", "cdab", "abb", "aabbb", "abbbc", "012",
                           "cab", "dd", "d1", "123-ab_", "123-", "  xy", "x ", "abcd", "abcde", "xyzx", "xx",
                           "qr", "1.5.", "aa", "aaaa", "-a", "z1", "x{", "AB", "b", "-", "z", "a.b", "axb",
                           "x y", "ab c"};
    for (const char* p : patterns) {
        auto g = pattern_grammar(p);
        const std::regex re(p, std::regex::ECMAScript);
        for (const char* t : texts) {
            INFO("pattern " << p << " text '" << t << "'");
            CHECK(g->accepts(quoted(t)) == std::regex_search(t, re));
        }
    }
}

TEST_CASE("[regex] named groups", "[unit]") {
    // '{' that starts no quantifier is a literal (ECMAScript Annex B).
    auto brace = pattern_grammar("^x{$");
    CHECK(brace->accepts(R"("x{")"));
    auto g = pattern_grammar("^(?<n>q)r$");
    CHECK(g->accepts(R"("qr")"));
    CHECK_FALSE(g->accepts(R"("q")"));
}

TEST_CASE("[regex] characters JSON escapes are matched in their escaped form", "[unit]") {
    auto g = pattern_grammar("^[^a]+$");
    CHECK(g->accepts(R"("\"")"));
    CHECK(g->accepts(R"("\\")"));
    CHECK(g->accepts(R"("\n\t")"));
    CHECK(g->accepts(R"("\u0001")"));
    CHECK_FALSE(g->accepts("\"\"\""));
    CHECK_FALSE(g->accepts("\"\n\""));
    CHECK_FALSE(g->accepts(R"("a")"));
    auto q = pattern_grammar("^a\"b\\\\$");
    CHECK(q->accepts(R"("a\"b\\")"));
    auto dot = pattern_grammar("^.$");
    CHECK(dot->accepts("\"\xC3\xA9\""));
    CHECK(dot->accepts(R"("\"")"));
    CHECK_FALSE(dot->accepts(R"("\n")"));
}

TEST_CASE("[regex] non-ASCII literals and classes", "[unit]") {
    auto g = pattern_grammar("^[\\u00e0-\\u00ff]+\xE2\x82\xAC$");
    CHECK(g->accepts("\"\xC3\xA9\xC3\xA0\xE2\x82\xAC\""));
    CHECK_FALSE(g->accepts("\"e\xE2\x82\xAC\""));
}

TEST_CASE("[regex] unsupported constructs name themselves", "[unit]") {
    const std::pair<const char*, const char*> cases[] = {
        {"(a)\\1", "backreference"}, {"a(?=b)", "lookahead"}, {"(?<!a)b", "lookbehind"},
        {"\\bword", "word boundary"}, {"a^b", "'^'"}, {"\\p{L}", "Unicode property"},
    };
    for (const auto& [p, what] : cases) {
        INFO(p);
        try {
            pattern_grammar(p);
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::unsupported);
            CHECK_THAT(e.what(), Catch::Contains(what));
        }
    }
}

TEST_CASE("[regex] malformed patterns are parse errors", "[unit]") {
    for (const char* p : {"(ab", "ab)", "[a-", "*a", "a{3,2}", "[z-a]", "\\"}) {
        INFO(p);
        try {
            pattern_grammar(p);
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::parse);
        }
    }
}
