// The GGUF-vocabulary tokenizers: special-token partition, BOS/EOS, and the three algorithms
// (SPM score merges, byte-level BPE rank merges, WordPiece greedy longest match), plus detokenization.
#include <algorithm>
#include <array>
#include <atomic>
#include <unordered_map>
#include <cstdio>
#include <queue>

#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"
#include "engine/tokenizer/pre_tokenizer.hpp"
#include "engine/tokenizer/unicode.hpp"

namespace braid::engine {

namespace {

using namespace tokenizer_detail;

constexpr std::string_view kSpmSpace = "\xE2\x96\x81"; // U+2581 LOWER ONE EIGHTH BLOCK

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

// A run of text or an already-decided token, produced by the special-token partition.
struct Fragment {
    std::string_view text;
    TokenId token = -1; // >= 0: a special token
};

class VocabTokenizer final : public Tokenizer {
public:
    explicit VocabTokenizer(Vocab vocab) : vocab_(std::move(vocab)) {
        const std::size_t n = vocab_.size();
        for (std::size_t i = 0; i < n; ++i) {
            auto id = static_cast<TokenId>(i);
            auto t = vocab_.type(id);
            if ((t == TokenType::control || t == TokenType::user_defined || t == TokenType::unknown) &&
                !vocab_.text(id).empty())
                specials_.push_back(id);
        }
        // Longest first, so "<|im_start|>" wins over "<|im" when both exist.
        std::stable_sort(specials_.begin(), specials_.end(), [&](TokenId a, TokenId b) {
            return vocab_.text(a).size() > vocab_.text(b).size();
        });
        std::vector<std::size_t> user_defined, all;
        for (std::size_t k = 0; k < specials_.size(); ++k) {
            all.push_back(k);
            if (vocab_.type(specials_[k]) == TokenType::user_defined) user_defined.push_back(k);
        }
        index_all_ = build_index(all);
        index_user_ = build_index(user_defined);
        if (vocab_.kind() == VocabKind::spm) {
            for (int b = 0; b < 256; ++b) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", b);
                spm_bytes_[static_cast<std::size_t>(b)] = vocab_.find(name).value_or(-1);
            }
        }
        if (vocab_.kind() == VocabKind::bpe) pre_ = make_pre_tokenizer(vocab_.pre());
        if (vocab_.kind() == VocabKind::spm) {
            spm_words_independent_ = true;
            for (std::size_t i = 0; i < vocab_.size() && spm_words_independent_; ++i) {
                const std::string& t = vocab_.text(static_cast<TokenId>(i));
                for (std::size_t at = t.find(kSpmSpace, 1); at != std::string::npos; at = t.find(kSpmSpace, at + 1)) {
                    if (at < kSpmSpace.size() || t.compare(at - kSpmSpace.size(), kSpmSpace.size(), kSpmSpace) != 0) {
                        spm_words_independent_ = false;
                        break;
                    }
                }
            }
        }
    }

    std::vector<TokenId> tokenize(std::string_view text, bool add_special, bool parse_special) const override {
        std::vector<TokenId> out;
        if (add_special && vocab_.add_bos() && vocab_.bos()) out.push_back(*vocab_.bos());
        std::vector<Fragment> fragments = partition(text, parse_special);
        bool prev_special = true;
        for (const Fragment& f : fragments) {
            if (f.token >= 0) {
                out.push_back(f.token);
                prev_special = true;
                continue;
            }
            switch (vocab_.kind()) {
            case VocabKind::spm: spm(f.text, prev_special && vocab_.add_space_prefix(), out); break;
            case VocabKind::bpe: bpe(f.text, out); break;
            case VocabKind::wordpiece: wordpiece(f.text, out); break;
            }
            prev_special = false;
        }
        if (add_special && vocab_.add_eos() && vocab_.eos()) out.push_back(*vocab_.eos());
        return out;
    }

    std::string token_to_piece(TokenId id, bool render_special) const override {
        const std::string& text = vocab_.text(id);
        switch (vocab_.type(id)) {
        case TokenType::control: return render_special ? text : std::string();
        case TokenType::unused: return std::string();
        case TokenType::user_defined: return text;
        case TokenType::unknown:
            if (vocab_.kind() == VocabKind::spm) return "\xE2\x96\x85"; // U+2585, as SentencePiece shows <unk>
            return render_special ? text : std::string();
        case TokenType::byte:
            if (text.size() == 6 && text.compare(0, 3, "<0x") == 0 && text[5] == '>') {
                unsigned value = 0;
                if (std::sscanf(text.c_str() + 3, "%2x", &value) == 1) return std::string(1, static_cast<char>(value));
            }
            return text;
        case TokenType::normal: break;
        }
        if (vocab_.kind() == VocabKind::bpe) return decode_byte_level(text);
        std::string out;
        out.reserve(text.size());
        for (std::size_t i = 0; i < text.size();) {
            if (text.compare(i, kSpmSpace.size(), kSpmSpace) == 0) {
                out.push_back(' ');
                i += kSpmSpace.size();
            } else {
                out.push_back(text[i++]);
            }
        }
        return out;
    }

    std::string detokenize(std::span<const TokenId> ids, bool render_special) const override {
        std::string out;
        // tokenize() adds a space before the text at the start and after every special token (SPM space
        // prefix; WordPiece word starts): drop exactly that one space there, so text round-trips.
        const bool strip_space = vocab_.kind() == VocabKind::wordpiece ||
                                 (vocab_.kind() == VocabKind::spm && vocab_.add_space_prefix());
        bool fragment_start = true;
        for (TokenId id : ids) {
            std::string piece = token_to_piece(id, render_special);
            const TokenType type = vocab_.type(id);
            if (type == TokenType::control || type == TokenType::user_defined) {
                fragment_start = true;
                out += piece;
                continue;
            }
            if (fragment_start && strip_space && type == TokenType::normal && !piece.empty() && piece[0] == ' ')
                piece.erase(0, 1);
            if (type != TokenType::unused) fragment_start = false;
            out += piece;
        }
        return out;
    }

    std::size_t vocab_size() const override { return vocab_.size(); }
    std::optional<TokenId> bos() const override { return vocab_.bos(); }
    std::optional<TokenId> eos() const override { return vocab_.eos(); }
    bool is_control(TokenId id) const override {
        return id >= 0 && static_cast<std::size_t>(id) < vocab_.size() && vocab_.type(id) == TokenType::control;
    }

private:
    // Splits @p text around special tokens: user-defined ones always, control/unknown ones only when
    // @p parse_special. Longer specials are matched first over the whole text.
    // Special tokens indexed by their first two bytes (one-byte ones apart), so one pass over the text
    // finds which of them occur at all; usually none do and the partition costs that one pass.
    struct SpecialIndex {
        std::vector<std::uint32_t> start;             // 65537 bucket offsets into `entries`
        std::vector<std::size_t> entries;             // indices into specials_
        std::array<std::vector<std::size_t>, 256> single;
    };

    SpecialIndex build_index(const std::vector<std::size_t>& members) const {
        SpecialIndex index;
        std::vector<std::vector<std::size_t>> buckets(65536);
        for (std::size_t k : members) {
            const std::string& t = vocab_.text(specials_[k]);
            if (t.size() == 1) index.single[static_cast<unsigned char>(t[0])].push_back(k);
            else buckets[(static_cast<unsigned char>(t[0]) << 8) | static_cast<unsigned char>(t[1])].push_back(k);
        }
        index.start.resize(65537);
        for (std::size_t b = 0; b < 65536; ++b) {
            index.start[b] = static_cast<std::uint32_t>(index.entries.size());
            index.entries.insert(index.entries.end(), buckets[b].begin(), buckets[b].end());
        }
        index.start[65536] = static_cast<std::uint32_t>(index.entries.size());
        return index;
    }

    // Indices (into specials_, so longest first) of the special tokens that occur in @p text.
    std::vector<std::size_t> present_specials(std::string_view text, const SpecialIndex& index) const {
        std::vector<std::size_t> found;
        if (index.entries.empty() && std::all_of(index.single.begin(), index.single.end(),
                                                 [](const auto& v) { return v.empty(); }))
            return found;
        const auto* p = reinterpret_cast<const unsigned char*>(text.data());
        for (std::size_t i = 0; i < text.size(); ++i) {
            for (std::size_t k : index.single[p[i]]) found.push_back(k);
            if (i + 1 >= text.size()) break;
            std::size_t b = (static_cast<std::size_t>(p[i]) << 8) | p[i + 1];
            for (std::uint32_t e = index.start[b]; e < index.start[b + 1]; ++e) {
                std::size_t k = index.entries[e];
                if (text.compare(i, vocab_.text(specials_[k]).size(), vocab_.text(specials_[k])) == 0) found.push_back(k);
            }
        }
        std::sort(found.begin(), found.end());
        found.erase(std::unique(found.begin(), found.end()), found.end());
        return found;
    }

    std::vector<Fragment> partition(std::string_view text, bool parse_special) const {
        std::vector<Fragment> frags;
        if (text.empty()) return frags;
        frags.push_back({text});
        for (std::size_t k : present_specials(text, parse_special ? index_all_ : index_user_)) {
            const TokenId id = specials_[k];
            const std::string& s = vocab_.text(id);
            std::vector<Fragment> next;
            next.reserve(frags.size() + 2);
            for (const Fragment& f : frags) {
                if (f.token >= 0) { next.push_back(f); continue; }
                std::string_view rest = f.text;
                for (std::size_t at; (at = rest.find(s)) != std::string_view::npos;) {
                    if (at > 0) next.push_back({rest.substr(0, at)});
                    next.push_back({{}, id});
                    rest.remove_prefix(at + s.size());
                }
                if (!rest.empty()) next.push_back({rest});
            }
            frags = std::move(next);
        }
        return frags;
    }

    // --- SPM: merge the adjacent pair whose merged text is the highest-scoring token, repeatedly ---
    void spm(std::string_view raw, bool space_prefix, std::vector<TokenId>& out) const {
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

    void spm_merge(const std::string& text, std::vector<TokenId>& out) const {
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

    // --- byte-level BPE: pre-tokenize, map bytes to the printable alphabet, merge lowest rank first ---
    void bpe(std::string_view raw, std::vector<TokenId>& out) const {
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

    static constexpr std::size_t kMaxCachedWords = 16384;
    static constexpr std::size_t kMaxCachedWordBytes = 64;

    // The calling thread's word cache for this tokenizer. It belongs to one tokenizer instance at a time
    // (by a never-reused serial number, so a new tokenizer at a freed address cannot see stale entries).
    std::unordered_map<std::string, std::vector<TokenId>>& word_cache() const {
        struct Cache {
            std::uint64_t owner = 0;
            std::unordered_map<std::string, std::vector<TokenId>> words;
        };
        thread_local Cache cache;
        if (cache.owner != serial_) {
            cache.words.clear();
            cache.owner = serial_;
        }
        return cache.words;
    }

    void bpe_word(const std::string& word, std::vector<TokenId>& out) const {
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

    std::string decode_byte_level(const std::string& text) const {
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

    // --- WordPiece: BERT basic tokenization, then greedy longest-match-first per word ---
    void wordpiece(std::string_view raw, std::vector<TokenId>& out) const {
        std::u32string nfd;
        nfd.reserve(raw.size());
        for (char32_t cp : decode_utf8(raw)) append_nfd(cp, nfd);
        std::vector<std::string> words(1);
        for (char32_t cp : nfd) {
            if (is_whitespace(cp)) {
                if (!words.back().empty()) words.emplace_back();
                continue;
            }
            Category cat = category(cp);
            // Uncased BERT strips accents: after NFD they are separate combining marks.
            if (cp == 0 || cp == 0xFFFD || cat == Category::control || cat == Category::mark) continue;
            bool isolated = cat == Category::punctuation || (cp < 0x7F && cat == Category::symbol) || is_cjk(cp);
            if (isolated) {
                if (!words.back().empty()) words.emplace_back();
                append_utf8(to_lower(cp), words.back());
                words.emplace_back();
            } else {
                append_utf8(to_lower(cp), words.back());
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

    static bool is_cjk(char32_t cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
               (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) ||
               (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    Vocab vocab_;
    std::vector<TokenId> specials_;
    SpecialIndex index_all_, index_user_;
    const std::uint64_t serial_ = next_serial();
    bool spm_words_independent_ = false;

    static std::uint64_t next_serial() {
        static std::atomic<std::uint64_t> counter{0};
        return ++counter;
    }
    std::array<TokenId, 256> spm_bytes_{};
    PreTokenizer pre_;
};

} // namespace

std::unique_ptr<Tokenizer> make_tokenizer(Vocab vocab) { return std::make_unique<VocabTokenizer>(std::move(vocab)); }

std::vector<std::string> known_bpe_pre_tokenizers() { return pre_tokenizer_names(); }

} // namespace braid::engine
