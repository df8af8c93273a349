// bm25_tokenize: UTF-8 decoding, a small Unicode classification (letters/digits vs separators, CJK) and
// simple case folding for the scripts named in bm25.hpp. No ICU: the tables below cover what the header
// promises; other letters are kept as they are.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "braid/error.hpp"
#include "braid/retrieval/bm25.hpp"

namespace braid::retrieval {
namespace {

/// Decodes the code point at @p pos (advancing it); throws naming the byte offset when malformed.
char32_t decode(std::string_view text, std::size_t& pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    std::size_t length = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
        ++pos;
        return lead;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2;
        cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        cp = lead & 0x07;
    } else {
        throw Error(errc::invalid_argument, "BM25: invalid UTF-8 at byte offset " + std::to_string(pos));
    }
    if (pos + length > text.size())
        throw Error(errc::invalid_argument, "BM25: truncated UTF-8 sequence at byte offset " + std::to_string(pos));
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80)
            throw Error(errc::invalid_argument, "BM25: invalid UTF-8 at byte offset " + std::to_string(pos + i));
        cp = (cp << 6) | (byte(pos + i) & 0x3F);
    }
    static constexpr char32_t min_of_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_of_length[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        throw Error(errc::invalid_argument, "BM25: invalid UTF-8 (overlong or out of range) at byte offset " +
                                                std::to_string(pos));
    pos += length;
    return cp;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// CJK ideographs and kana: indexed as unigrams + bigrams (no spaces between words in these scripts).
bool is_cjk(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2FA1F) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x3040 && c <= 0x30FF && c != 0x30FB) || c == 0x3005 ||
           (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9F);
}

/// Separators: spaces, controls, punctuation and symbols of the blocks text commonly uses.
bool is_separator(char32_t c) {
    if (c < 0x80)
        return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    if (c <= 0xBF) // Latin-1 controls, punctuation, symbols; keep ª ² ³ µ ¹ º ¼ ½ ¾
        return !(c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
                 (c >= 0xBC && c <= 0xBE));
    if (c == 0xD7 || c == 0xF7)
        return true;
    return (c >= 0x2000 && c <= 0x2BFF) ||  // general punctuation .. arrows, math, box drawing, symbols
           (c >= 0x2E00 && c <= 0x2E7F) ||  // supplemental punctuation
           (c >= 0x3000 && c <= 0x3004) || (c >= 0x3008 && c <= 0x3020) || c == 0x3030 || c == 0x30FB ||
           (c >= 0xFE10 && c <= 0xFE6F) ||  // vertical forms, CJK compatibility forms, small forms
           (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
           (c >= 0xFF5B && c <= 0xFF65) || c == 0xFEFF || (c >= 0x1F000 && c <= 0x1FAFF) || // emoji
           c == 0x037E || c == 0x0387 || (c >= 0x055A && c <= 0x055F) || c == 0x0589 || // Greek, Armenian
           c == 0x060C || c == 0x061B || c == 0x061F || c == 0x06D4 || c == 0x0964 || c == 0x0965;
}

/// Simple case folding (one code point to one), for Latin, Greek, Cyrillic and full-width Latin.
char32_t fold(char32_t c) {
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c < 0xC0)
        return c;
    if (c <= 0xDE)
        return c == 0xD7 ? c : c + 32;
    if (c >= 0x100 && c <= 0x17F) { // Latin Extended-A: pairs, with a shift at 0x139..0x148 and 0x179..0x17E
        if (c == 0x130)
            return 'i';
        if (c == 0x17F)
            return 's';
        if (c == 0x178)
            return 0xFF;
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c % 2 == 1) ? c + 1 : c;
        if (c == 0x131 || c == 0x138 || c == 0x149)
            return c;
        return (c % 2 == 0) ? c + 1 : c;
    }
    if (c >= 0x1E00 && c <= 0x1EFF) // Latin Extended Additional
        return (c % 2 == 0 && !(c >= 0x1E96 && c <= 0x1E9F)) ? c + 1 : c;
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) // Greek capitals
        return c + 32;
    if (c == 0x3C2) // final sigma
        return 0x3C3;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 37;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 63;
    if (c >= 0x410 && c <= 0x42F) // Cyrillic
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
        return (c % 2 == 0) ? c + 1 : c;
    if (c >= 0xFF21 && c <= 0xFF3A) // full-width Latin
        return c + 32;
    return c;
}

} // namespace

std::vector<std::string> bm25_tokenize(std::string_view text) {
    std::vector<std::string> tokens;
    std::string word;
    std::vector<char32_t> cjk_run;
    const auto flush_word = [&] {
        if (!word.empty())
            tokens.push_back(std::move(word));
        word.clear();
    };
    const auto flush_cjk = [&] {
        for (std::size_t i = 0; i < cjk_run.size(); ++i) {
            std::string unigram;
            encode(cjk_run[i], unigram);
            tokens.push_back(unigram);
            if (i + 1 < cjk_run.size()) {
                encode(cjk_run[i + 1], unigram);
                tokens.push_back(std::move(unigram));
            }
        }
        cjk_run.clear();
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t c = decode(text, pos);
        if (is_cjk(c)) {
            flush_word();
            cjk_run.push_back(c);
        } else if (is_separator(c)) {
            flush_word();
            flush_cjk();
        } else {
            flush_cjk();
            if (c == 0xDF || c == 0x1E9E) // ß, ẞ: full case folding
                word += "ss";
            else
                encode(fold(c), word);
        }
    }
    flush_word();
    flush_cjk();
    return tokens;
}

} // namespace braid::retrieval
