#include "engine/tokenizer/unicode.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include "engine/tokenizer/unicode_tables.hpp"

namespace braid::engine::tokenizer_detail {

namespace {

constexpr char32_t kMaxCodepoint = 0x10FFFF;
constexpr std::uint8_t kWhitespaceBit = 0x80;

// One byte per code point (category class | White_Space bit): 1.1 MB, built once, O(1) lookups on the
// tokenizers' hot path.
const std::uint8_t* flags_table() {
    static const std::unique_ptr<std::uint8_t[]> table = [] {
        auto t = std::make_unique<std::uint8_t[]>(kMaxCodepoint + 1);
        for (std::size_t i = 0; i < kCategoryRangeCount; ++i)
            std::fill(t.get() + kCategoryRanges[i].first, t.get() + kCategoryRanges[i].last + 1,
                      kCategoryRanges[i].category);
        // White_Space (Unicode PropList.txt).
        static const char32_t spaces[] = {0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                                          0x202F, 0x205F, 0x3000};
        for (char32_t c : spaces) t[c] |= kWhitespaceBit;
        for (char32_t c = 0x2000; c <= 0x200A; ++c) t[c] |= kWhitespaceBit;
        return t;
    }();
    return table.get();
}

} // namespace

Category category(char32_t cp) noexcept {
    if (cp > kMaxCodepoint) return Category::unassigned;
    return static_cast<Category>(flags_table()[cp] & 0x7F);
}

bool is_whitespace(char32_t cp) noexcept { return cp <= kMaxCodepoint && (flags_table()[cp] & kWhitespaceBit) != 0; }

char32_t to_lower(char32_t cp) noexcept {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    const CodepointMap* end = kLowercase + kLowercaseCount;
    auto it = std::lower_bound(kLowercase, end, cp, [](const CodepointMap& m, char32_t c) { return m.from < c; });
    return (it != end && it->from == cp) ? it->to : cp;
}

void append_nfd(char32_t cp, std::u32string& out) {
    // Hangul syllables decompose algorithmically (Unicode 3.12).
    constexpr char32_t s_base = 0xAC00, l_base = 0x1100, v_base = 0x1161, t_base = 0x11A7;
    constexpr char32_t n_count = 588, t_count = 28, s_count = 11172;
    if (cp >= s_base && cp < s_base + s_count) {
        char32_t s = cp - s_base;
        out.push_back(l_base + s / n_count);
        out.push_back(v_base + (s % n_count) / t_count);
        if (s % t_count) out.push_back(t_base + s % t_count);
        return;
    }
    if (cp < 0xC0) { out.push_back(cp); return; }
    const Decomposition* end = kDecompositions + kDecompositionCount;
    auto it = std::lower_bound(kDecompositions, end, cp, [](const Decomposition& d, char32_t c) { return d.cp < c; });
    if (it == end || it->cp != cp) { out.push_back(cp); return; }
    out.append(kDecompositionData + it->offset, it->length); // the generator stored the full NFD
}

std::u32string decode_utf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) { out.push_back(c); ++i; continue; }
        std::size_t len = utf8_length(c);
        char32_t cp = 0;
        bool ok = len > 1 && i + len <= n;
        if (ok) {
            cp = c & (0xFF >> (len + 1));
            for (std::size_t k = 1; k < len; ++k) {
                if ((p[i + k] & 0xC0) != 0x80) { ok = false; break; }
                cp = (cp << 6) | (p[i + k] & 0x3F);
            }
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid too.
        static constexpr std::array<char32_t, 5> min_for_len{0, 0, 0x80, 0x800, 0x10000};
        if (ok && (cp < min_for_len[len] || cp > kMaxCodepoint || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
        if (!ok) { out.push_back(0xFFFD); ++i; continue; }
        out.push_back(cp);
        i += len;
    }
    return out;
}

void append_utf8(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

} // namespace braid::engine::tokenizer_detail
