// A small backtracking regex engine over code points, for the pre-tokenizer patterns of byte-level BPE
// vocabularies. std::regex knows no Unicode categories (\p{L}, \p{N}, ...), so this supports exactly the
// subset those patterns use: literals, escapes (\r \n \t \s \S \p{X} \$ ...), classes [...] / [^...] with
// ranges, groups (?:...), alternation, ? * + {n} {n,m} (greedy), $, and the negative lookahead (?!X) of one
// class. Semantics are ECMAScript's: the leftmost match, alternatives tried in order, greedy quantifiers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace braid::engine::tokenizer_detail {

/// How character classes see code points.
enum class ClassMode {
    /// \p{X} is the real category class; \s is White_Space.
    unicode,
    /// As llama.cpp's category-collapsing std::wregex path: like `unicode`, except that a non-ASCII code
    /// point that is not White_Space and whose class is none of L N P M S counts as a letter.
    collapsed,
    /// Plain code points (a pattern without \p{...}); \s is ASCII whitespace only.
    codepoint,
};

/// A compiled pattern.
class SplitRegex {
public:
    /// Compiles @p pattern (UTF-8); throws Error(errc::internal) on syntax outside the subset.
    SplitRegex(std::string_view pattern, ClassMode mode);

    /// Length of the leftmost-first match starting exactly at @p pos in [begin, end), or -1.
    long match_at(const char32_t* begin, const char32_t* end, const char32_t* pos) const;

    /// Splits each piece [offsets) further: matches and the gaps between them become pieces.
    /// @p pieces holds piece lengths over @p text (in order, summing to its size); it is replaced.
    void split(const std::u32string& text, std::vector<std::size_t>& pieces) const;

    /// One character class (public for the compiler in the .cpp).
    struct Class {
        bool negated = false;
        std::uint16_t categories = 0; // bit per Category
        bool space = false;           // \s
        bool non_space = false;       // \S
        std::vector<std::pair<char32_t, char32_t>> ranges;
    };
    /// One instruction of the backtracking program (public for the compiler in the .cpp).
    struct Inst {
        // kRepeatClass: class x repeated y..z times (z < 0: unbounded), greedy; it backtracks one code point
        // at a time from a single stack frame, so a long run costs no memory per character.
        enum Op : std::uint8_t { kClass, kSplit, kJmp, kMatch, kEnd, kNotAhead, kRepeatClass } op;
        int x = 0; // class index, or jump target
        int y = 0; // second target of kSplit (tried after x fails); minimum count of kRepeatClass
        int z = 0; // maximum count of kRepeatClass
    };

private:
    bool class_matches(const Class& c, char32_t cp) const;
    ClassMode mode_;
    std::vector<Class> classes_;
    std::vector<Inst> program_;
};

} // namespace braid::engine::tokenizer_detail
