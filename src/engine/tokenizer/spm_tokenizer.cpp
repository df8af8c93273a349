// SPM (tokenizer.ggml.model = "llama"): SentencePiece-style BPE over UTF-8 characters, merging the
// adjacent pair whose merged text is the highest-scoring token; byte fallback <0xXX>, then <unk>.
#include <algorithm>
#include <queue>

#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocab_tokenizer.hpp"

namespace braid::engine::tokenizer_detail {

void VocabTokenizer::spm(std::string_view raw, bool space_prefix, std::vector<TokenId>& out) const {
    std::string escaped;
    escaped.reserve(raw.size() * 2 + 3);
    if (space_prefix) escaped += kSpmSpace;
    for (char c : raw) {
        if (c == ' ') escaped += kSpmSpace;
        else escaped.push_back(c);
    }
    if (!spm_words_independent_) {
        spm_merge(escaped, out);
        return;
    }
    // No token has U+2581 after another character, so no merge crosses the start of a "▁...word":
    // tokenizing each such word on its own gives the same ids, and lets the word cache work.
    auto& cache = word_cache();
    const std::string_view text(escaped);
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = start;
        while (text.compare(end, kSpmSpace.size(), kSpmSpace) == 0) end += kSpmSpace.size();
        end = std::min(text.find(kSpmSpace, end), text.size());
        std::string word(text.substr(start, end - start));
        start = end;
        if (auto it = cache.find(word); it != cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            continue;
        }
        const std::size_t before = out.size();
        spm_merge(word, out);
        if (word.size() <= kMaxCachedWordBytes) {
            if (cache.size() >= kMaxCachedWords) cache.clear();
            cache.emplace(std::move(word),
                          std::vector<TokenId>(out.begin() + static_cast<std::ptrdiff_t>(before), out.end()));
        }
    }
}

void VocabTokenizer::spm_merge(const std::string& text, std::vector<TokenId>& out) const {
    struct Symbol {
        std::size_t start, len;
        int prev, next;
    };
    std::vector<Symbol> symbols;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = std::min(utf8_length(static_cast<unsigned char>(text[i])), text.size() - i);
        symbols.push_back({i, len, static_cast<int>(symbols.size()) - 1, static_cast<int>(symbols.size()) + 1});
        i += len;
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;

    struct Bigram {
        float score;
        int left, right;
        std::size_t size;
    };
    auto worse = [](const Bigram& a, const Bigram& b) {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    };
    std::priority_queue<Bigram, std::vector<Bigram>, decltype(worse)> queue(worse);
    auto try_pair = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[static_cast<std::size_t>(left)];
        const Symbol& r = symbols[static_cast<std::size_t>(right)];
        auto id = vocab_.find(std::string_view(text).substr(l.start, l.len + r.len));
        if (!id) return;
        queue.push({vocab_.score(*id), left, right, l.len + r.len});
    };
    for (std::size_t i = 1; i < symbols.size(); ++i) try_pair(static_cast<int>(i - 1), static_cast<int>(i));
    while (!queue.empty()) {
        Bigram b = queue.top();
        queue.pop();
        Symbol& l = symbols[static_cast<std::size_t>(b.left)];
        Symbol& r = symbols[static_cast<std::size_t>(b.right)];
        if (l.len == 0 || r.len == 0 || l.len + r.len != b.size) continue; // stale
        l.len += r.len;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) symbols[static_cast<std::size_t>(r.next)].prev = b.left;
        try_pair(l.prev, b.left);
        try_pair(b.left, l.next);
    }
    for (int i = 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<std::size_t>(i)];
        std::string_view piece = std::string_view(text).substr(s.start, s.len);
        if (auto id = vocab_.find(piece)) {
            out.push_back(*id);
            continue;
        }
        for (unsigned char c : piece) { // byte fallback
            TokenId id = spm_bytes_[c];
            if (id >= 0) out.push_back(id);
            else if (vocab_.unk()) out.push_back(*vocab_.unk());
        }
    }
}

} // namespace braid::engine::tokenizer_detail
