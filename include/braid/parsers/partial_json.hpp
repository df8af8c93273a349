/// @file
/// @brief PartialJsonParser: an incremental, tolerant JSON scanner that shows the value while it grows.
#pragma once

#include <braid/parsers/detail/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace braid {

/// Parses one JSON value (RFC 8259) from bytes that arrive in pieces, in one linear pass, building
/// the value in place so that value() is always the *partial* value seen so far:
/// - open strings, arrays and objects appear as if they were closed (a string shows the characters
///   received so far, never half a UTF-8 sequence or half an escape);
/// - an object key whose value has not started yet is left out;
/// - numbers and `true`/`false`/`null` appear only once complete (a number ends at the next
///   delimiter, or at finish() for a top-level number), so a partial value only ever grows —
///   except when an object repeats a key: the last value wins, in the first one's place
///   (repeated_key() then says so).
///
/// Syntax is strict JSON (no comments, no trailing commas, no single quotes); strings must be valid
/// UTF-8 and escapes valid (surrogates paired). A syntax error throws braid::Error(errc::parse) whose
/// message says what was expected and what was found; error_offset() gives the byte offset.
/// Not thread-safe: one parser per stream.
class PartialJsonParser {
public:
    /// Default limit on nesting (arrays and objects inside each other).
    static constexpr std::size_t default_max_depth = 256;

    /// Creates a parser for one value; deeper nesting than @p max_depth is a parse error.
    explicit PartialJsonParser(std::size_t max_depth = default_max_depth);

    /// Consumes @p bytes up to the end of the value. Returns how many bytes were consumed: all of
    /// them, or fewer when the value completed inside @p bytes (the rest is left to the caller).
    /// Throws braid::Error(errc::parse) on a syntax error; the parser then stays failed.
    std::size_t feed(std::string_view bytes);

    /// Declares the end of input: completes a pending top-level number. Returns complete().
    bool finish();

    /// True once a whole value has been read.
    bool complete() const noexcept { return complete_; }

    /// True once the value has started (value() is then an object, array, string or scalar).
    bool has_value() const noexcept { return has_root_; }

    /// The value so far (null before has_value()). The reference stays valid until the next call.
    const Value& value() const noexcept { return root_; }

    /// True if value() changed since the last call (and resets the flag).
    bool take_changed() noexcept;

    /// Bytes consumed so far.
    std::size_t offset() const noexcept { return offset_; }

    /// Byte offset of the syntax error, once feed() has thrown.
    std::size_t error_offset() const noexcept { return error_offset_; }

    /// True once an object repeated a key (its new value replaced the old one).
    bool repeated_key() const noexcept { return repeated_key_; }

    /// True when the failure was nesting deeper than the limit (not worth retrying elsewhere).
    bool too_deep() const noexcept { return too_deep_; }

    /// Says what the parser expects next, e.g. "',' or '}' after an object member" — used to
    /// explain truncated input.
    std::string expectation() const;

private:
    enum class Expect : std::uint8_t {
        value, array_first, array_next, object_first, object_key, colon, object_next, done
    };
    enum class Token : std::uint8_t { none, key, string, number, literal };
    enum class Escape : std::uint8_t { none, backslash, hex, need_backslash, need_u };
    struct Frame {
        Value* node;
        bool object;
    };

    void step(char c);
    void start_value(char c);
    Value* attach(Value value);
    void after_value();
    void close_container(char c);
    void string_byte(unsigned char c);
    void string_escape(char c);
    void append_code_point(std::uint32_t cp);
    void append_raw(const char* data, std::size_t size);
    bool number_accepts(char c);
    bool number_terminal() const;
    void finish_number();
    [[noreturn]] void fail(const std::string& what);
    std::string describe_expect() const;

    std::size_t max_depth_;
    Value root_;
    bool has_root_ = false;
    bool complete_ = false;
    bool changed_ = false;
    bool failed_ = false;
    bool too_deep_ = false;
    bool repeated_key_ = false;
    bool stop_before_ = false;   // the last byte ended a top-level number and was not consumed
    std::size_t offset_ = 0;
    std::size_t error_offset_ = 0;
    std::vector<Frame> stack_;
    Expect expect_ = Expect::value;
    Token token_ = Token::none;
    std::string key_;            // the key being read, then the key whose value comes next
    Value* leaf_ = nullptr;      // the string value being read
    std::string number_;         // text of the number being read
    std::uint8_t number_state_ = 0;
    const char* literal_ = nullptr;
    std::size_t literal_pos_ = 0;
    Escape escape_ = Escape::none;
    std::uint32_t hex_ = 0;
    int hex_digits_ = 0;
    std::uint32_t high_surrogate_ = 0;
    int utf8_need_ = 0;          // continuation bytes still expected
    unsigned char utf8_lo_ = 0x80, utf8_hi_ = 0xBF;
    std::string utf8_pending_;   // bytes of an unfinished UTF-8 sequence
};

} // namespace braid
