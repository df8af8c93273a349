#include "braid/engine/text_stream.hpp"

#include <algorithm>

namespace braid::engine {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the UTF-8 sequence starting at s[i] if it is complete and valid, 0 if it is invalid, -1 if
// it is a valid beginning cut by the end of s.
int sequence_length(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    int n = 0;
    unsigned lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) n = 2;
    else if (b == 0xE0) { n = 3; lo = 0xA0; }
    else if (b >= 0xE1 && b <= 0xEC) n = 3;
    else if (b == 0xED) { n = 3; hi = 0x9F; }
    else if (b >= 0xEE && b <= 0xEF) n = 3;
    else if (b == 0xF0) { n = 4; lo = 0x90; }
    else if (b >= 0xF1 && b <= 0xF3) n = 4;
    else if (b == 0xF4) { n = 4; hi = 0x8F; }
    else return 0;
    for (int k = 1; k < n; ++k) {
        if (i + static_cast<std::size_t>(k) >= s.size())
            return -1;
        const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        const unsigned min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
        if (c < min || c > max)
            return 0;
    }
    return n;
}

} // namespace

TextStream::TextStream(std::vector<std::string> stop) {
    for (std::string& s : stop)
        if (!s.empty())
            stop_.push_back(std::move(s));
}

std::string TextStream::push(std::string_view bytes) {
    if (stopped_)
        return {};
    bytes_.append(bytes);
    std::string decoded;
    std::size_t i = 0;
    while (i < bytes_.size()) {
        const int n = sequence_length(bytes_, i);
        if (n < 0)
            break; // wait for the rest of the character
        if (n == 0) {
            decoded += replacement;
            ++i;
            continue;
        }
        decoded.append(bytes_, i, static_cast<std::size_t>(n));
        i += static_cast<std::size_t>(n);
    }
    bytes_.erase(0, i);
    return release(std::move(decoded));
}

std::string TextStream::release(std::string text) {
    held_ += text;
    // A stop string anywhere in the held text ends the stream there.
    std::size_t first = std::string::npos;
    for (const std::string& s : stop_) {
        const std::size_t at = held_.find(s);
        if (at != std::string::npos && (first == std::string::npos || at < first)) {
            first = at;
            found_ = s;
        }
    }
    std::string out;
    if (first != std::string::npos) {
        out = held_.substr(0, first);
        held_.clear();
        bytes_.clear();
        stopped_ = true;
    } else {
        // Hold back the longest end of the text that could still grow into a stop string.
        std::size_t keep = 0;
        for (const std::string& s : stop_)
            for (std::size_t len = std::min(s.size() - 1, held_.size()); len > keep; --len)
                if (held_.compare(held_.size() - len, len, s, 0, len) == 0) {
                    keep = len;
                    break;
                }
        out = held_.substr(0, held_.size() - keep);
        held_.erase(0, held_.size() - keep);
    }
    shown_ += out;
    return out;
}

std::string TextStream::finish() {
    if (stopped_)
        return {};
    std::string out = held_;
    held_.clear();
    if (!bytes_.empty())
        out += replacement;
    bytes_.clear();
    shown_ += out;
    return out;
}

} // namespace braid::engine
