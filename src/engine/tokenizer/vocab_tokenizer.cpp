// Shared machinery of the GGUF-vocabulary tokenizer: special-token partition, BOS/EOS, pieces and
// detokenization, the per-thread word cache.
#include "engine/tokenizer/vocab_tokenizer.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "braid/error.hpp"

namespace braid::engine::tokenizer_detail {

std::uint64_t VocabTokenizer::next_serial() {
    static std::atomic<std::uint64_t> counter{0};
    return ++counter;
}

VocabTokenizer::VocabTokenizer(Vocab vocab) : vocab_(std::move(vocab)) {
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
    if (vocab_.kind() == VocabKind::wordpiece) {
        std::size_t upper = 0, normal = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (vocab_.type(static_cast<TokenId>(i)) != TokenType::normal) continue;
            ++normal;
            const std::string& t = vocab_.text(static_cast<TokenId>(i));
            if (std::any_of(t.begin(), t.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) ++upper;
        }
        wordpiece_uncased_ = upper * 100 < normal; // cased BERT vocabularies have thousands of such tokens
    }
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

std::vector<TokenId> VocabTokenizer::tokenize(std::string_view text, bool add_special, bool parse_special) const {
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

std::string VocabTokenizer::token_to_piece(TokenId id, bool render_special) const {
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

std::string VocabTokenizer::detokenize(std::span<const TokenId> ids, bool render_special) const {
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

VocabTokenizer::SpecialIndex VocabTokenizer::build_index(const std::vector<std::size_t>& members) const {
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
std::vector<std::size_t> VocabTokenizer::present_specials(std::string_view text, const SpecialIndex& index) const {
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

std::vector<Fragment> VocabTokenizer::partition(std::string_view text, bool parse_special) const {
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

// The calling thread's word cache for this tokenizer. It belongs to one tokenizer instance at a time
// (by a never-reused serial number, so a new tokenizer at a freed address cannot see stale entries).
std::unordered_map<std::string, std::vector<TokenId>>& VocabTokenizer::word_cache() const {
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

} // namespace braid::engine::tokenizer_detail

namespace braid::engine {

std::unique_ptr<Tokenizer> make_tokenizer(Vocab vocab) {
    return std::make_unique<tokenizer_detail::VocabTokenizer>(std::move(vocab));
}

std::vector<std::string> known_bpe_pre_tokenizers() { return tokenizer_detail::pre_tokenizer_names(); }

} // namespace braid::engine
