#include <braid/parsers/json_output_parser.hpp>

#include <braid/error.hpp>

#include "parsers/describe.hpp"

namespace braid {

using parsers_detail::is_space;
using parsers_detail::line_column;

namespace {

bool starts_scalar(char c) {
    return c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}

} // namespace

JsonOutputParser::Stream::Stream(JsonOutputOptions options) : options_(options), json_(options.max_depth) {}

std::optional<Value> JsonOutputParser::Stream::feed(std::string_view chunk) {
    if (finished_) {
        throw Error(errc::invalid_argument, "JsonOutputParser::Stream::feed called after finish()");
    }
    text_.append(chunk);
    advance();
    return take_partial();
}

std::optional<Value> JsonOutputParser::Stream::take_partial() {
    // The scanner reports only real growth, so no comparison with the last value shown is needed.
    if (json_.take_changed()) {
        unshown_ = true;
    }
    if (!unshown_ || !json_.has_value()) {
        return std::nullopt;
    }
    const Value& value = json_.value();
    if (!value.is_structured() && (!json_.complete() || whole_)) {
        // A scalar is shown once complete, and a bare one only at finish(): prose may follow it.
        return std::nullopt;
    }
    unshown_ = false;
    emitted_any_ = true;
    return value;
}

void JsonOutputParser::Stream::start_candidate(std::size_t at, std::size_t restart_at, bool whole) {
    json_ = PartialJsonParser(options_.max_depth);
    candidate_start_ = at;
    restart_at_ = restart_at;
    whole_ = whole;
    pos_ = at;
    mode_ = Mode::value;
}

void JsonOutputParser::Stream::candidate_failed(const std::string& message, std::size_t offset) {
    if (!whole_ && !first_error_) {
        first_error_ = "invalid JSON at " + line_column(text_, offset) + ": " + message;
    }
    if (json_.too_deep()) { // the inner values of a too deep value are not the answer either
        finished_ = true;
        throw Error(errc::parse, "invalid JSON at " + line_column(text_, offset) + ": " + message);
    }
    if (++attempts_ >= max_attempts) {
        finished_ = true;
        throw Error(errc::parse, first_error_.value_or("no JSON value found in the model output") +
                                     " (gave up after " + std::to_string(max_attempts) + " candidates)");
    }
    json_ = PartialJsonParser(options_.max_depth);
    unshown_ = true;
    pos_ = restart_at_;
    mode_ = Mode::prose;
    backticks_ = 0;
}

void JsonOutputParser::Stream::advance() {
    while (pos_ < text_.size()) {
        switch (mode_) {
        case Mode::start: {
            while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
            if (pos_ == text_.size()) return;
            const char c = text_[pos_];
            if (starts_scalar(c)) {
                start_candidate(pos_, pos_, true);
            } else {
                mode_ = Mode::prose;
            }
            break;
        }
        case Mode::prose: {
            const char c = text_[pos_];
            if (c == '{' || c == '[') {
                start_candidate(pos_, pos_ + 1, false);
                break;
            }
            backticks_ = c == '`' ? backticks_ + 1 : 0;
            ++pos_;
            if (backticks_ == 3) {
                backticks_ = 0;
                candidate_start_ = pos_;
                mode_ = Mode::fence_info;
            }
            break;
        }
        case Mode::fence_info: {
            // The info string ("json") runs to the end of the line; a value may also start on that line.
            const char c = text_[pos_];
            if (c == '\n') {
                start_candidate(pos_ + 1, candidate_start_, false);
            } else if (c == '{' || c == '[') {
                start_candidate(pos_, candidate_start_, false);
            } else if (c == '`') {
                mode_ = Mode::prose; // an empty or inline code span, not a block
            } else {
                ++pos_;
            }
            break;
        }
        case Mode::value: {
            try {
                pos_ += json_.feed(std::string_view(text_).substr(pos_));
            } catch (const Error& error) {
                candidate_failed(error.what(), candidate_start_ + json_.error_offset());
                break;
            }
            if (json_.complete()) {
                mode_ = whole_ ? Mode::trailing : Mode::done;
            }
            break;
        }
        case Mode::trailing:
            if (!is_space(text_[pos_])) { // prose after a bare scalar: it was not the answer
                candidate_failed("", pos_);
                break;
            }
            ++pos_;
            break;
        case Mode::done:
            pos_ = text_.size();
            break;
        }
    }
}

std::optional<Value> JsonOutputParser::Stream::finish() {
    if (finished_) {
        throw Error(errc::invalid_argument, "JsonOutputParser::Stream::finish called twice");
    }
    for (;;) {
        if (mode_ == Mode::value && !json_.complete()) {
            json_.finish();
            if (json_.complete() && whole_) {
                mode_ = Mode::trailing;
            }
        }
        if (mode_ == Mode::value && !json_.complete() && whole_) {
            // A truncated bare scalar ("the answer is...") was prose: look for JSON after it.
            candidate_failed("", pos_);
            advance();
            continue;
        }
        break;
    }
    finished_ = true;
    if (mode_ == Mode::done || mode_ == Mode::trailing) {
        result_ = json_.value();
    } else if (mode_ == Mode::value) {
        if (!options_.allow_partial || !json_.has_value()) {
            throw Error(errc::parse, "incomplete JSON at " + line_column(text_, text_.size()) +
                                         ": the output ended where " + json_.expectation() +
                                         " was expected");
        }
        result_ = json_.value();
    } else {
        throw Error(errc::parse, first_error_.value_or("no JSON object or array found in the model output"));
    }
    if (json_.take_changed()) {
        unshown_ = true;
    }
    if (emitted_any_ && !unshown_) {
        return std::nullopt; // the last value feed() returned is the result
    }
    emitted_any_ = true;
    unshown_ = false;
    return result_;
}

const Value& JsonOutputParser::Stream::result() const {
    if (!finished_) {
        throw Error(errc::invalid_argument, "JsonOutputParser::Stream::result called before finish()");
    }
    return result_;
}

Value JsonOutputParser::parse(std::string_view text) const {
    Stream stream(options_);
    stream.feed(text);
    stream.finish();
    return stream.result();
}

std::string JsonOutputParser::format_instructions() {
    return "Return only a JSON value (an object or an array), with no other text, optionally inside a "
           "```json code block.";
}

} // namespace braid
