// Shared machinery of the tool-call family parsers (src/models/tool_formats/<family>.cpp).
//
// Every family parser reads the whole text received so far, in one of two modes:
// - final: the answer is complete; an unterminated call is a failure;
// - partial: more text may follow; the parser reports only what cannot change any more — content up to
//   a possible marker prefix, calls with their name once known and their argument text so far.
// What a partial parse reports is always a prefix of what a parse of any longer text reports (content
// and argument text only grow, calls are only added), which is what lets ToolCallStreamParser send the
// differences between two parses as chunks. A malformed call throws CallFailure.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "braid/models/tool_call_format.hpp"
#include "braid/prompts/message.hpp"

namespace braid::tool_formats {

/// A malformed call: where it starts, where the problem is (byte offsets in the answer) and what it is.
struct CallFailure {
    std::size_t call_start;
    std::size_t at;
    std::string what;
};

/// A call as far as it has been read.
struct PartialCall {
    std::size_t start = 0;     ///< Offset of its marker in the answer.
    bool name_known = false;   ///< The name is complete.
    std::string name;
    bool id_known = false;     ///< The id is decided: the model's (model_id) or none (generated later).
    std::string model_id;      ///< The id the model wrote, if any.
    std::string arguments;     ///< JSON text of the arguments so far (empty for none: an empty object).
    bool complete = false;     ///< Nothing more will be added to this call.
};

/// What a parse found.
struct Parsed {
    std::string reasoning;          ///< Raw reasoning text (untrimmed).
    std::string content;            ///< Raw content text (untrimmed).
    std::vector<PartialCall> calls;
};

/// The tool names a call may use; empty: any.
using ToolNames = std::vector<std::string>;

/// The text a family parser reads: the answer after any thinking block.
class Reader {
public:
    Reader(std::string_view text, std::size_t base, bool final, const ToolNames& tools, Parsed& out,
           const Value& definitions)
        : text(text), base(base), final(final), definitions(definitions), tools_(tools), out_(out) {}

    std::string_view text;   ///< The family part of the answer.
    std::size_t base;        ///< Offset of text in the answer (for messages).
    bool final;              ///< The answer is complete.
    const Value& definitions; ///< The bound tools as given (null when none): argument types for formats
                              ///< whose arguments are untyped text (qwen3_coder).

    /// Appends content.
    void content(std::string_view piece) { out_.content.append(piece); }
    /// Starts a call whose marker is at @p pos of text.
    PartialCall& begin_call(std::size_t pos);
    /// Sets the name of @p call (read at @p pos of text), checking it against the bound tools.
    void set_name(PartialCall& call, std::string name, std::size_t pos);
    /// Throws CallFailure for the call starting at @p call_pos, at @p pos (both in text).
    [[noreturn]] void fail(std::size_t call_pos, std::size_t pos, std::string what) const;

private:
    const ToolNames& tools_;
    Parsed& out_;
};

// ---- text helpers -----------------------------------------------------------------------------

/// First position at or after @p pos that is not JSON whitespace (space, tab, CR, LF).
std::size_t skip_space(std::string_view s, std::size_t pos) noexcept;

/// True when @p s from @p pos starts with @p marker.
bool starts_at(std::string_view s, std::size_t pos, std::string_view marker) noexcept;

/// True when the rest of @p s from @p pos is a proper, non-empty prefix of @p marker.
bool partial_at(std::string_view s, std::size_t pos, std::string_view marker) noexcept;

/// The earliest occurrence of @p marker at or after @p pos, or npos.
std::size_t find_marker(std::string_view s, std::size_t pos, std::string_view marker) noexcept;

/// Where text that cannot be (the start of) @p markers ends: s.size(), or the start of the longest
/// suffix of s (from @p pos on) that is a proper prefix of one of @p markers.
std::size_t hold_point(std::string_view s, std::size_t pos, std::initializer_list<std::string_view> markers) noexcept;

/// Appends @p text to @p out escaped as the inside of a JSON string (byte by byte, so the escaping of a
/// prefix is a prefix of the escaping).
void append_json_escaped(std::string& out, std::string_view text);

// ---- JSON -------------------------------------------------------------------------------------

/// Skips one strict JSON value starting at @p pos (no leading whitespace). Returns the position after
/// it, or npos when the text ends inside it (a number at the very end counts as unfinished). Throws
/// CallFailure (for the call at @p call_pos) on a syntax error.
std::size_t skip_json(const Reader& r, std::size_t call_pos, std::size_t pos);

/// Reads a call object `{"name": ..., "arguments"|"parameters": ..., "id": ...}` starting at @p pos
/// (`{`) into @p call. Arguments that are an object stream as their raw text; arguments written as a
/// JSON string are decoded once complete. @p ids_from_model: an "id" member is the call's id (else
/// ignored, and the id is known with the name). Returns the position after the object, or npos when
/// the text ends inside it.
std::size_t read_call_object(Reader& r, PartialCall& call, std::size_t pos, bool ids_from_model);

/// Checks the complete argument text of @p call (read at @p pos): empty, or valid JSON whose value is
/// an object.
void check_arguments(const Reader& r, const PartialCall& call, std::size_t pos);

// ---- families ---------------------------------------------------------------------------------

void parse_generic(Reader& r);
void parse_hermes(Reader& r);
void parse_llama3(Reader& r);
void parse_mistral_nemo(Reader& r);
void parse_functionary_v3_2(Reader& r);
void parse_glm4(Reader& r);
void parse_qwen3_coder(Reader& r);

/// Parses a whole answer or a prefix of one (thinking split off, then the family's parser).
Parsed parse_answer(std::string_view answer, const ToolCallSyntax& syntax, const ToolNames& tools,
                    const Value& definitions, bool final);

} // namespace braid::tool_formats
