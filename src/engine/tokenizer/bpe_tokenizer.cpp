// Byte-level BPE (tokenizer.ggml.model = "gpt2"): regex pre-tokenizer, GPT-2 byte→unicode alphabet,
// merges by rank.
#include <algorithm>
#include <array>
#include <queue>

#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocab_tokenizer.hpp"

namespace braid::engine::tokenizer_detail {

namespace {

// GPT-2's reversible byte → printable code point map: printable Latin-1 bytes map to themselves, the
// others to U+0100 + n in byte order.
struct ByteLevelAlphabet {
    std::array<std::string, 256> byte_to_text;
    std::array<int, 0x200> cp_to_byte{};
    ByteLevelAlphabet() {
        cp_to_byte.fill(-1);
        int extra = 0;
        for (int b = 0; b < 256; ++b) {
            bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char32_t cp = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(0x100 + extra++);
            append_utf8(cp, byte_to_text[static_cast<std::size_t>(b)]);
            cp_to_byte[cp] = b;
        }
    }
};

const ByteLevelAlphabet& byte_level() {
    static const ByteLevelAlphabet alphabet;
    return alphabet;
}

} // namespace

void VocabTokenizer::bpe(std::string_view raw, std::vector<TokenId>& out) const {
    const std::u32string cps = decode_utf8(raw);
    const auto pieces = pre_tokenize(pre_, cps);
    const auto& alphabet = byte_level();
    std::string utf8, word;
    std::size_t at = 0;
    for (std::size_t len : pieces) {
        utf8.clear();
        for (std::size_t k = 0; k < len; ++k) append_utf8(cps[at + k], utf8);
        at += len;
        word.clear();
        for (unsigned char c : utf8) word += alphabet.byte_to_text[c];
        // Words repeat a lot in real text: a small per-thread cache of word -> ids skips the merges.
        auto& cache = word_cache();
        if (auto it = cache.find(word); it != cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            continue;
        }
        const std::size_t before = out.size();
        bpe_word(word, out);
        if (word.size() <= kMaxCachedWordBytes) {
            if (cache.size() >= kMaxCachedWords) cache.clear();
            cache.emplace(word, std::vector<TokenId>(out.begin() + static_cast<std::ptrdiff_t>(before), out.end()));
        }
    }
}

void VocabTokenizer::bpe_word(const std::string& word, std::vector<TokenId>& out) const {
    if (pre_.ignore_merges) {
        if (auto id = vocab_.find(word)) {
            out.push_back(*id);
            return;
        }
    }
    // Symbols carry their token id, so merges are looked up by ids, not by hashing strings.
    struct Symbol {
        std::size_t start, len;
        int prev, next;
        TokenId id;
    };
    std::vector<Symbol> symbols;
    std::string_view w(word);
    for (std::size_t i = 0; i < word.size();) {
        std::size_t len = std::min(utf8_length(static_cast<unsigned char>(word[i])), word.size() - i);
        TokenId id = vocab_.find(w.substr(i, len)).value_or(-1);
        symbols.push_back({i, len, static_cast<int>(symbols.size()) - 1, static_cast<int>(symbols.size()) + 1, id});
        i += len;
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;
    struct Bigram {
        std::int32_t rank;
        int left, right;
        std::size_t size;
        TokenId result;
    };
    auto worse = [](const Bigram& a, const Bigram& b) {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    };
    std::priority_queue<Bigram, std::vector<Bigram>, decltype(worse)> queue(worse);
    auto try_pair = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[static_cast<std::size_t>(left)];
        const Symbol& r = symbols[static_cast<std::size_t>(right)];
        if (l.id < 0 || r.id < 0) return; // merges only join tokens
        auto m = vocab_.merge(l.id, r.id);
        if (!m) return;
        queue.push({m->rank, left, right, l.len + r.len, m->result});
    };
    for (std::size_t i = 1; i < symbols.size(); ++i) try_pair(static_cast<int>(i - 1), static_cast<int>(i));
    while (!queue.empty()) {
        Bigram b = queue.top();
        queue.pop();
        Symbol& l = symbols[static_cast<std::size_t>(b.left)];
        Symbol& r = symbols[static_cast<std::size_t>(b.right)];
        if (l.len == 0 || r.len == 0 || l.next != b.right || l.len + r.len != b.size) continue; // stale
        l.len += r.len;
        l.id = b.result;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) symbols[static_cast<std::size_t>(r.next)].prev = b.left;
        try_pair(l.prev, b.left);
        try_pair(b.left, l.next);
    }
    for (int i = 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<std::size_t>(i)];
        if (s.id >= 0) {
            out.push_back(s.id);
            continue;
        }
        // No token for the symbol (a vocabulary without every alphabet character, or a merge whose text
        // is not a token): emit what single-byte tokens exist, as llama.cpp does.
        for (char c : w.substr(s.start, s.len))
            if (auto id = vocab_.find(std::string_view(&c, 1))) out.push_back(*id);
    }
}

std::string VocabTokenizer::decode_byte_level(const std::string& text) const {
    const auto& alphabet = byte_level();
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : decode_utf8(text)) {
        if (cp < alphabet.cp_to_byte.size() && alphabet.cp_to_byte[cp] >= 0)
            out.push_back(static_cast<char>(alphabet.cp_to_byte[cp]));
        else
            append_utf8(cp, out);
    }
    return out;
}

} // namespace braid::engine::tokenizer_detail
