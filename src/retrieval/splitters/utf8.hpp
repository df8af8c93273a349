// UTF-8 helpers shared by the splitters and loaders (internal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace braid::retrieval::detail {

/// Length in bytes of the well-formed UTF-8 sequence at @p pos (RFC 3629: no overlongs, no surrogates,
/// at most U+10FFFF), or 0 when the bytes there are not one. @p pos < text.size().
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (pos + length > text.size())
        return 0;
    if (byte(pos + 1) < low || byte(pos + 1) > high)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if ((byte(pos + i) & 0xC0) != 0x80)
            return 0;
    return length;
}

/// Bytes of the code point at @p pos: its sequence length, or 1 for a malformed byte (counted alone).
inline std::size_t code_point_bytes(std::string_view text, std::size_t pos) noexcept {
    const std::size_t length = utf8_sequence_length(text, pos);
    return length == 0 ? 1 : length;
}

/// The byte offset of the first malformed UTF-8 byte of @p text, or nothing when it is all well-formed.
inline std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const std::size_t length = utf8_sequence_length(text, pos);
        if (length == 0)
            return pos;
        pos += length;
    }
    return std::nullopt;
}

/// The code point at @p pos (well-formed sequence of @p length bytes).
inline char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t length) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(text[pos + i])); };
    switch (length) {
    case 1: return byte(0);
    case 2: return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3: return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    default: return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    }
}

/// Python's str.isspace for one code point.
inline bool is_unicode_space(char32_t c) noexcept {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/// @p text without leading and trailing Unicode white space (Python's str.strip()).
inline std::string_view strip_unicode_space(std::string_view text) noexcept {
    std::size_t begin = 0;
    while (begin < text.size()) {
        const std::size_t length = utf8_sequence_length(text, begin);
        if (length == 0 || !is_unicode_space(decode_utf8(text, begin, length)))
            break;
        begin += length;
    }
    std::size_t end = text.size();
    while (end > begin) {
        std::size_t start = end - 1; // back to the start of the last sequence (at most 3 continuation bytes)
        while (start > begin && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
            --start;
        const std::size_t length = utf8_sequence_length(text, start);
        if (length != end - start || !is_unicode_space(decode_utf8(text, start, length)))
            break;
        end = start;
    }
    return text.substr(begin, end - begin);
}

} // namespace braid::retrieval::detail
