/// @file
/// @brief braid::engine::TextStream: turns the bytes of generated tokens into text pieces that are
/// safe to show at once — never half a UTF-8 character, never the beginning of a stop string — and
/// finds stop strings that span token boundaries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace braid::engine {

/// Token bytes in, displayable text out. Invalid UTF-8 becomes U+FFFD; a sequence cut at the end of
/// the input so far waits for the next bytes. Not thread-safe.
class TextStream {
public:
    /// A stream that stops at the first of @p stop (empty strings are ignored).
    explicit TextStream(std::vector<std::string> stop = {});

    /// Appends @p bytes and returns the text that can be shown now (possibly empty). After a stop string
    /// is found, returns the text before it and then nothing more.
    std::string push(std::string_view bytes);
    /// True once a stop string was found.
    bool stopped() const noexcept { return stopped_; }
    /// The stop string that was found (empty if none).
    const std::string& stop_found() const noexcept { return found_; }
    /// Ends the stream: the text still held back (an incomplete character becomes U+FFFD).
    std::string finish();
    /// Everything shown so far, concatenated.
    const std::string& text() const noexcept { return shown_; }

private:
    std::string release(std::string text);

    std::vector<std::string> stop_;
    std::string bytes_; // undecoded tail (an incomplete UTF-8 sequence)
    std::string held_;  // decoded text that may begin a stop string
    std::string shown_;
    std::string found_;
    bool stopped_ = false;
};

} // namespace braid::engine
