// WordPiece (tokenizer.ggml.model = "bert"): BERT basic tokenization (NFD, accents stripped, lowercase,
// punctuation / ASCII symbols / CJK split off), then greedy longest-match-first per word, [UNK] otherwise.
#include <algorithm>

#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocab_tokenizer.hpp"

namespace braid::engine::tokenizer_detail {

namespace {

// The CJK Unified Ideograph blocks BERT splits into single characters.
bool is_cjk(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
           (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) ||
           (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

} // namespace

void VocabTokenizer::wordpiece(std::string_view raw, std::vector<TokenId>& out) const {
    std::u32string nfd;
    nfd.reserve(raw.size());
    for (char32_t cp : decode_utf8(raw)) {
        if (wordpiece_uncased_) append_nfd(cp, nfd);
        else nfd.push_back(cp);
    }
    std::vector<std::string> words(1);
    for (char32_t cp : nfd) {
        if (is_whitespace(cp)) {
            if (!words.back().empty()) words.emplace_back();
            continue;
        }
        Category cat = category(cp);
        // Uncased BERT strips accents: after NFD they are separate combining marks.
        if (cp == 0 || cp == 0xFFFD || cat == Category::control) continue;
        if (wordpiece_uncased_ && cat == Category::mark) continue; // uncased BERT strips accents
        bool isolated = cat == Category::punctuation || (cp < 0x7F && cat == Category::symbol) || is_cjk(cp);
        if (isolated) {
            if (!words.back().empty()) words.emplace_back();
            append_utf8(wordpiece_uncased_ ? to_lower(cp) : cp, words.back());
            words.emplace_back();
        } else {
            append_utf8(wordpiece_uncased_ ? to_lower(cp) : cp, words.back());
        }
    }
    const std::size_t max_len = vocab_.max_token_length();
    std::string word;
    for (const std::string& w : words) {
        if (w.empty()) continue;
        // The GGUF vocabulary marks word starts with U+2581 (Hugging Face's "##" continuations are bare).
        word.assign(kSpmSpace);
        word += w;
        const std::size_t before = out.size();
        for (std::size_t i = 0; i < word.size();) {
            bool matched = false;
            for (std::size_t j = std::min(word.size(), i + max_len + 1); j > i; --j) {
                if (auto id = vocab_.find(std::string_view(word).substr(i, j - i))) {
                    out.push_back(*id);
                    i = j;
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                out.resize(before);
                break;
            }
        }
        if (out.size() == before && vocab_.unk()) out.push_back(*vocab_.unk());
    }
}

} // namespace braid::engine::tokenizer_detail
