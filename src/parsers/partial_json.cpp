#include <braid/parsers/partial_json.hpp>

#include <braid/error.hpp>

#include "parsers/describe.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace braid {

using parsers_detail::describe_char;
using parsers_detail::is_space;

namespace {

// Number grammar states (RFC 8259): which ones may end a number is number_terminal().
enum NumberState : std::uint8_t {
    after_minus, leading_zero, int_digits, after_dot, frac_digits, after_e, after_e_sign, exp_digits
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

PartialJsonParser::PartialJsonParser(std::size_t max_depth) : max_depth_(max_depth) {}

bool PartialJsonParser::take_changed() noexcept {
    const bool changed = changed_;
    changed_ = false;
    return changed;
}

void PartialJsonParser::fail(const std::string& what) {
    failed_ = true;
    error_offset_ = offset_;
    throw Error(errc::parse, what);
}

std::size_t PartialJsonParser::feed(std::string_view bytes) {
    if (failed_) {
        throw Error(errc::parse, "the JSON parser already failed at byte " + std::to_string(error_offset_));
    }
    std::size_t i = 0;
    while (i < bytes.size() && !complete_) {
        // Fast path: a run of plain ASCII inside a string is appended at once.
        if ((token_ == Token::string || token_ == Token::key) && escape_ == Escape::none && utf8_need_ == 0) {
            std::size_t end = i;
            while (end < bytes.size()) {
                const auto u = static_cast<unsigned char>(bytes[end]);
                if (u < 0x20 || u >= 0x80 || u == '"' || u == '\\') break;
                ++end;
            }
            if (end > i) {
                append_raw(bytes.data() + i, end - i);
                offset_ += end - i;
                i = end;
                continue;
            }
        }
        step(bytes[i]);
        if (stop_before_) { // the byte ended a top-level number and belongs to the caller
            stop_before_ = false;
            break;
        }
        ++offset_;
        ++i;
    }
    return i;
}

bool PartialJsonParser::finish() {
    if (failed_ || complete_) {
        return complete_;
    }
    if (token_ == Token::number && stack_.empty() && number_terminal()) {
        finish_number();
    }
    return complete_;
}

void PartialJsonParser::step(char c) {
    switch (token_) {
    case Token::key:
    case Token::string:
        string_byte(static_cast<unsigned char>(c));
        return;
    case Token::number:
        if (number_accepts(c)) {
            number_ += c;
            return;
        }
        if (!number_terminal()) {
            fail("expected a digit in number '" + number_ + "', got " + describe_char(c));
        }
        finish_number();
        if (complete_) {
            stop_before_ = true; // c comes after a complete top-level number
            return;
        }
        break; // c continues the enclosing array or object
    case Token::literal:
        if (c == literal_[literal_pos_]) {
            if (literal_[++literal_pos_] == '\0') {
                token_ = Token::none;
                attach(literal_[0] == 't' ? Value(true) : literal_[0] == 'f' ? Value(false) : Value(nullptr));
                after_value();
            }
            return;
        }
        fail(std::string("invalid literal: expected '") + literal_ + "', got " + describe_char(c));
    case Token::none:
        break;
    }
    if (is_space(c)) {
        return;
    }
    switch (expect_) {
    case Expect::value:
        start_value(c);
        return;
    case Expect::array_first:
        if (c == ']') {
            close_container(c);
        } else {
            start_value(c);
        }
        return;
    case Expect::array_next:
        if (c == ',') {
            expect_ = Expect::value;
        } else if (c == ']') {
            close_container(c);
        } else {
            fail("expected " + describe_expect() + ", got " + describe_char(c));
        }
        return;
    case Expect::object_first:
    case Expect::object_key:
        if (c == '"') {
            token_ = Token::key;
            key_.clear();
        } else if (c == '}' && expect_ == Expect::object_first) {
            close_container(c);
        } else {
            fail("expected " + describe_expect() + ", got " + describe_char(c));
        }
        return;
    case Expect::colon:
        if (c == ':') {
            expect_ = Expect::value;
        } else {
            fail("expected " + describe_expect() + ", got " + describe_char(c));
        }
        return;
    case Expect::object_next:
        if (c == ',') {
            expect_ = Expect::object_key;
        } else if (c == '}') {
            close_container(c);
        } else {
            fail("expected " + describe_expect() + ", got " + describe_char(c));
        }
        return;
    case Expect::done:
        return;
    }
}

void PartialJsonParser::start_value(char c) {
    switch (c) {
    case '{':
    case '[': {
        if (stack_.size() >= max_depth_) {
            too_deep_ = true;
            fail("JSON nested deeper than " + std::to_string(max_depth_) + " levels");
        }
        const bool object = c == '{';
        Value* node = attach(object ? Value::object() : Value::array());
        stack_.push_back({node, object});
        expect_ = object ? Expect::object_first : Expect::array_first;
        return;
    }
    case '"':
        leaf_ = attach(Value(std::string()));
        token_ = Token::string;
        return;
    case 't':
        literal_ = "true";
        break;
    case 'f':
        literal_ = "false";
        break;
    case 'n':
        literal_ = "null";
        break;
    default:
        if (c == '-' || is_digit(c)) {
            token_ = Token::number;
            number_.assign(1, c);
            number_state_ = c == '-' ? after_minus : c == '0' ? leading_zero : int_digits;
            return;
        }
        fail("expected " + describe_expect() + ", got " + describe_char(c));
    }
    token_ = Token::literal;
    literal_pos_ = 1;
}

Value* PartialJsonParser::attach(Value value) {
    changed_ = true;
    if (stack_.empty()) {
        root_ = std::move(value);
        has_root_ = true;
        return &root_;
    }
    Value& container = *stack_.back().node;
    if (stack_.back().object) {
        auto& object = container.get_ref<Value::object_t&>();
        auto found = object.find(key_);
        if (found != object.end()) { // a repeated key: the last one wins, in the first one's place
            repeated_key_ = true;
            found->second = std::move(value);
            return &found->second;
        }
        return &object.emplace(key_, std::move(value)).first->second;
    }
    auto& array = container.get_ref<Value::array_t&>();
    array.push_back(std::move(value));
    return &array.back();
}

void PartialJsonParser::after_value() {
    if (stack_.empty()) {
        expect_ = Expect::done;
        complete_ = true;
    } else {
        expect_ = stack_.back().object ? Expect::object_next : Expect::array_next;
    }
}

void PartialJsonParser::close_container(char) {
    stack_.pop_back();
    after_value();
}

void PartialJsonParser::string_byte(unsigned char c) {
    if (escape_ != Escape::none) {
        string_escape(static_cast<char>(c));
        return;
    }
    if (utf8_need_ > 0) {
        if (c < utf8_lo_ || c > utf8_hi_) {
            fail("invalid UTF-8 in string: unexpected " + describe_char(static_cast<char>(c)) +
                 " inside a multi-byte sequence");
        }
        utf8_pending_ += static_cast<char>(c);
        utf8_lo_ = 0x80;
        utf8_hi_ = 0xBF;
        if (--utf8_need_ == 0) {
            append_raw(utf8_pending_.data(), utf8_pending_.size());
            utf8_pending_.clear();
        }
        return;
    }
    if (c == '"') {
        if (token_ == Token::key) {
            token_ = Token::none;
            expect_ = Expect::colon;
        } else {
            token_ = Token::none;
            leaf_ = nullptr;
            after_value();
        }
        return;
    }
    if (c == '\\') {
        escape_ = Escape::backslash;
        return;
    }
    if (c < 0x20) {
        fail("control character " + describe_char(static_cast<char>(c)) + " in string (it must be escaped)");
    }
    if (c < 0x80) {
        const char ch = static_cast<char>(c);
        append_raw(&ch, 1);
        return;
    }
    // Lead byte of a multi-byte sequence: the table of well-formed sequences (Unicode 3.9, D92).
    utf8_lo_ = 0x80;
    utf8_hi_ = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        utf8_need_ = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        utf8_need_ = 2;
        if (c == 0xE0) utf8_lo_ = 0xA0;
        if (c == 0xED) utf8_hi_ = 0x9F; // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        utf8_need_ = 3;
        if (c == 0xF0) utf8_lo_ = 0x90;
        if (c == 0xF4) utf8_hi_ = 0x8F; // nothing above U+10FFFF
    } else {
        fail("invalid UTF-8 in string: " + describe_char(static_cast<char>(c)) + " cannot start a character");
    }
    utf8_pending_.assign(1, static_cast<char>(c));
}

void PartialJsonParser::string_escape(char c) {
    switch (escape_) {
    case Escape::backslash: {
        char out = 0;
        switch (c) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '/': out = '/'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        case 'u':
            escape_ = Escape::hex;
            hex_ = 0;
            hex_digits_ = 0;
            return;
        default:
            fail("invalid escape '\\" + std::string(1, c) + "' in string");
        }
        escape_ = Escape::none;
        append_raw(&out, 1);
        return;
    }
    case Escape::hex: {
        const int digit = hex_value(c);
        if (digit < 0) {
            fail("invalid \\u escape: expected a hex digit, got " + describe_char(c));
        }
        hex_ = hex_ * 16 + static_cast<std::uint32_t>(digit);
        if (++hex_digits_ < 4) {
            return;
        }
        escape_ = Escape::none;
        if (high_surrogate_ != 0) {
            if (hex_ < 0xDC00 || hex_ > 0xDFFF) {
                fail("unpaired surrogate in string: \\u escape of a high surrogate not followed by a low one");
            }
            append_code_point(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (hex_ - 0xDC00));
            high_surrogate_ = 0;
        } else if (hex_ >= 0xD800 && hex_ <= 0xDBFF) {
            high_surrogate_ = hex_;
            escape_ = Escape::need_backslash;
        } else if (hex_ >= 0xDC00 && hex_ <= 0xDFFF) {
            fail("unpaired surrogate in string: a low surrogate \\u escape without a high one");
        } else {
            append_code_point(hex_);
        }
        return;
    }
    case Escape::need_backslash:
    case Escape::need_u:
        if ((escape_ == Escape::need_backslash && c == '\\') || (escape_ == Escape::need_u && c == 'u')) {
            escape_ = escape_ == Escape::need_backslash ? Escape::need_u : Escape::hex;
            hex_ = 0;
            hex_digits_ = 0;
            return;
        }
        fail("unpaired surrogate in string: a high surrogate \\u escape must be followed by a low one, got " +
             describe_char(c));
    case Escape::none:
        return;
    }
}

void PartialJsonParser::append_code_point(std::uint32_t cp) {
    char out[4];
    std::size_t size = 0;
    if (cp < 0x80) {
        out[size++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
        out[size++] = static_cast<char>(0xC0 | (cp >> 6));
        out[size++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[size++] = static_cast<char>(0xE0 | (cp >> 12));
        out[size++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[size++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out[size++] = static_cast<char>(0xF0 | (cp >> 18));
        out[size++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out[size++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[size++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    append_raw(out, size);
}

void PartialJsonParser::append_raw(const char* data, std::size_t size) {
    if (token_ == Token::key) {
        key_.append(data, size);
    } else {
        leaf_->get_ref<std::string&>().append(data, size);
        changed_ = true;
    }
}

bool PartialJsonParser::number_accepts(char c) {
    const bool digit = is_digit(c);
    const bool e = c == 'e' || c == 'E';
    switch (number_state_) {
    case after_minus:
        if (digit) number_state_ = c == '0' ? leading_zero : int_digits;
        return digit;
    case leading_zero:
    case int_digits:
        if (digit && number_state_ == int_digits) return true;
        if (c == '.') { number_state_ = after_dot; return true; }
        if (e) { number_state_ = after_e; return true; }
        return false;
    case after_dot:
    case frac_digits:
        if (digit) { number_state_ = frac_digits; return true; }
        if (e && number_state_ == frac_digits) { number_state_ = after_e; return true; }
        return false;
    case after_e:
        if (c == '+' || c == '-') { number_state_ = after_e_sign; return true; }
        if (digit) { number_state_ = exp_digits; return true; }
        return false;
    case after_e_sign:
    case exp_digits:
        if (digit) { number_state_ = exp_digits; return true; }
        return false;
    default:
        return false;
    }
}

bool PartialJsonParser::number_terminal() const {
    return number_state_ == leading_zero || number_state_ == int_digits || number_state_ == frac_digits ||
           number_state_ == exp_digits;
}

void PartialJsonParser::finish_number() {
    const char* first = number_.data();
    const char* last = first + number_.size();
    Value value;
    bool done = false;
    if (number_.find_first_of(".eE") == std::string::npos) {
        std::int64_t i = 0;
        if (auto r = std::from_chars(first, last, i); r.ec == std::errc() && r.ptr == last) {
            value = i;
            done = true;
        } else if (number_[0] != '-') {
            std::uint64_t u = 0;
            if (auto ru = std::from_chars(first, last, u); ru.ec == std::errc() && ru.ptr == last) {
                value = u;
                done = true;
            }
        }
    }
    if (!done) {
        double d = 0;
        const auto r = std::from_chars(first, last, d);
        if (r.ec == std::errc::result_out_of_range) {
            // Underflow becomes a signed zero; overflow has no JSON value.
            const auto e = number_.find_first_of("eE");
            const bool tiny = e != std::string::npos && e + 1 < number_.size() && number_[e + 1] == '-';
            if (!tiny) {
                fail("number " + number_.substr(0, 40) + (number_.size() > 40 ? "..." : "") + " is out of range");
            }
            d = number_[0] == '-' ? -0.0 : 0.0;
        } else if (r.ec != std::errc() || r.ptr != last || !std::isfinite(d)) {
            fail("invalid number '" + number_.substr(0, 40) + "'");
        }
        value = d;
    }
    token_ = Token::none;
    number_.clear();
    attach(std::move(value));
    after_value();
}

std::string PartialJsonParser::describe_expect() const {
    switch (expect_) {
    case Expect::value: return "a JSON value";
    case Expect::array_first: return "a value or ']'";
    case Expect::array_next: return "',' or ']' after an array element";
    case Expect::object_first: return "a key string or '}'";
    case Expect::object_key: return "a key string after ','";
    case Expect::colon: return "':' after an object key";
    case Expect::object_next: return "',' or '}' after an object member";
    case Expect::done: return "the end of the value";
    }
    return "a JSON value";
}

std::string PartialJsonParser::expectation() const {
    if (complete_) {
        return "nothing more (the value is complete)";
    }
    switch (token_) {
    case Token::key:
    case Token::string:
        return "the closing '\"' of a string";
    case Token::number:
        return "more of the number '" + number_.substr(0, 40) + "'";
    case Token::literal:
        return std::string("the rest of '") + literal_ + "'";
    case Token::none:
        break;
    }
    std::string where;
    if (!stack_.empty()) {
        where = stack_.back().object ? " (inside an object)" : " (inside an array)";
    }
    return describe_expect() + where;
}

} // namespace braid
