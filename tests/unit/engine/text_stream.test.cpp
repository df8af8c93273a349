// TextStream: whole UTF-8 characters only, invalid bytes as U+FFFD, stop strings across pieces.
#include <catch2/catch.hpp>

#include "braid/engine/text_stream.hpp"

using braid::engine::TextStream;

TEST_CASE("[text_stream] a character split between tokens waits for its last byte", "[engine]") {
    TextStream s;
    CHECK(s.push("caf") == "caf");
    CHECK(s.push("\xC3") == "");
    CHECK(s.push("\xA9!") == "\xC3\xA9!");
    CHECK(s.push("\xF0\x9F") == "");
    CHECK(s.push("\x98") == "");
    CHECK(s.push("\x80") == "\xF0\x9F\x98\x80");
    CHECK(s.finish() == "");
    CHECK(s.text() == "caf\xC3\xA9!\xF0\x9F\x98\x80");
}

TEST_CASE("[text_stream] invalid bytes become U+FFFD", "[engine]") {
    TextStream s;
    CHECK(s.push("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    CHECK(s.push("\xC3(") == "\xEF\xBF\xBD(");  // a lead byte followed by no continuation
    CHECK(s.push("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate is invalid
    CHECK(s.push("\xE2\x82") == "");
    CHECK(s.finish() == "\xEF\xBF\xBD"); // cut at the end
}

TEST_CASE("[text_stream] stop strings across pieces", "[engine]") {
    TextStream s({"END", "\n\n"});
    CHECK(s.push("abcE") == "abc");
    CHECK(s.push("N") == "");
    CHECK(s.push("Dxyz") == "");
    CHECK(s.stopped());
    CHECK(s.stop_found() == "END");
    CHECK(s.text() == "abc");
    CHECK(s.push("more") == "");
    CHECK(s.finish() == "");

    TextStream false_alarm({"END"});
    CHECK(false_alarm.push("abE") == "ab");
    CHECK(false_alarm.push("X") == "EX");
    CHECK(false_alarm.push("EN") == "");
    CHECK(false_alarm.finish() == "EN");
    CHECK(!false_alarm.stopped());

    TextStream earliest({"yz", "xy"});
    CHECK(earliest.push("wxyz") == "w");
    CHECK(earliest.stop_found() == "xy");

    TextStream unicode({"é."});
    CHECK(unicode.push("caf\xC3") == "caf");
    CHECK(unicode.push("\xA9") == "");
    CHECK(unicode.push("!") == "\xC3\xA9!");
}
