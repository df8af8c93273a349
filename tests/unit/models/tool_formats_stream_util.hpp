// Helpers of the tool-format tests: stream an answer through ToolCallStreamParser in chosen pieces
// and add the chunks up.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/models/tool_call_parser.hpp"

namespace tool_test {

/// The sum of every chunk of @p text fed in @p pieces (split points, ascending).
inline braid::MessageChunk stream_sum(std::string_view text, const std::vector<std::size_t>& cuts,
                                      const braid::ToolCallSyntax& syntax,
                                      const braid::ToolCallParseOptions& options = {}) {
    braid::ToolCallStreamParser parser(syntax, options);
    braid::MessageChunk sum;
    std::size_t from = 0;
    auto add = [&sum](const std::vector<braid::MessageChunk>& chunks) {
        for (const braid::MessageChunk& c : chunks) sum += c;
    };
    for (std::size_t cut : cuts) {
        add(parser.feed(text.substr(from, cut - from)));
        from = cut;
    }
    add(parser.feed(text.substr(from)));
    add(parser.finish());
    return sum;
}

/// The message, or "error: <what>" for an answer that does not parse.
inline std::string outcome(const std::function<braid::Message()>& f) {
    try {
        // Damaged answers may hold broken UTF-8: dumped with replacement characters.
        return braid::Value(f()).dump(-1, ' ', false, braid::Value::error_handler_t::replace);
    } catch (const braid::Error& e) {
        return std::string("error: ") + braid::errc_name(e.kind()) + ": " + e.what();
    }
}

/// Checks that streaming @p text split at every single point, and one byte at a time, gives exactly the
/// whole parse (or the same error).
inline void check_every_split(std::string_view text, const braid::ToolCallSyntax& syntax,
                              const braid::ToolCallParseOptions& options = {}) {
    const std::string whole = outcome([&] { return braid::parse_tool_calls(text, syntax, options); });
    for (std::size_t k = 0; k <= text.size(); ++k) {
        INFO("split at byte " << k << " of: " << std::string(text));
        CHECK(outcome([&] { return stream_sum(text, {k}, syntax, options).to_message(); }) == whole);
    }
    std::vector<std::size_t> bytes;
    for (std::size_t k = 1; k < text.size(); ++k) bytes.push_back(k);
    INFO("one byte at a time: " << std::string(text));
    CHECK(outcome([&] { return stream_sum(text, bytes, syntax, options).to_message(); }) == whole);
}

} // namespace tool_test
