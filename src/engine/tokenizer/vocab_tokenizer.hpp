// The tokenizer over a GGUF vocabulary: shared machinery (special-token partition, BOS/EOS, pieces,
// detokenization, word cache) in vocab_tokenizer.cpp; one file per algorithm: spm_tokenizer.cpp,
// bpe_tokenizer.cpp, wordpiece_tokenizer.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "braid/engine/tokenizer.hpp"
#include "engine/tokenizer/pre_tokenizer.hpp"

namespace braid::engine::tokenizer_detail {

/// U+2581 LOWER ONE EIGHTH BLOCK: how SPM (and GGUF WordPiece word starts) write a space.
inline constexpr std::string_view kSpmSpace = "\xE2\x96\x81";

/// A run of text or an already-decided token, produced by the special-token partition.
struct Fragment {
    std::string_view text;
    TokenId token = -1; ///< >= 0: a special token
};

/// Tokenizer over a validated Vocab; the algorithm follows vocab.kind().
class VocabTokenizer final : public Tokenizer {
public:
    explicit VocabTokenizer(Vocab vocab);

    std::vector<TokenId> tokenize(std::string_view text, bool add_special, bool parse_special) const override;
    std::string token_to_piece(TokenId id, bool render_special) const override;
    std::string detokenize(std::span<const TokenId> ids, bool render_special) const override;
    std::size_t vocab_size() const override { return vocab_.size(); }
    std::optional<TokenId> bos() const override { return vocab_.bos(); }
    std::optional<TokenId> eos() const override { return vocab_.eos(); }
    bool is_control(TokenId id) const override {
        return id >= 0 && static_cast<std::size_t>(id) < vocab_.size() && vocab_.type(id) == TokenType::control;
    }

private:
    // Special tokens indexed by their first two bytes (one-byte ones apart), so one pass over the text
    // finds which of them occur at all; usually none do and the partition costs that one pass.
    struct SpecialIndex {
        std::vector<std::uint32_t> start; // 65537 bucket offsets into `entries`
        std::vector<std::size_t> entries; // indices into specials_
        std::array<std::vector<std::size_t>, 256> single;
    };
    SpecialIndex build_index(const std::vector<std::size_t>& members) const;
    std::vector<std::size_t> present_specials(std::string_view text, const SpecialIndex& index) const;
    // Splits @p text around special tokens: user-defined ones always, control/unknown ones only when
    // @p parse_special. Longer specials are matched first over the whole text.
    std::vector<Fragment> partition(std::string_view text, bool parse_special) const;

    static constexpr std::size_t kMaxCachedWords = 16384;
    static constexpr std::size_t kMaxCachedWordBytes = 64;
    std::unordered_map<std::string, std::vector<TokenId>>& word_cache() const;

    // SPM: merge the adjacent pair whose merged text is the highest-scoring token, repeatedly.
    void spm(std::string_view raw, bool space_prefix, std::vector<TokenId>& out) const;
    void spm_merge(const std::string& text, std::vector<TokenId>& out) const;
    // Byte-level BPE: pre-tokenize, map bytes to the printable alphabet, merge lowest rank first.
    void bpe(std::string_view raw, std::vector<TokenId>& out) const;
    void bpe_word(const std::string& word, std::vector<TokenId>& out) const;
    std::string decode_byte_level(const std::string& text) const;
    // WordPiece: BERT basic tokenization, then greedy longest-match-first per word.
    void wordpiece(std::string_view raw, std::vector<TokenId>& out) const;

    static std::uint64_t next_serial();

    Vocab vocab_;
    std::vector<TokenId> specials_;
    SpecialIndex index_all_, index_user_;
    const std::uint64_t serial_ = next_serial();
    bool spm_words_independent_ = false;
    // GGUF does not say whether a BERT vocabulary is uncased: it is when (almost) no ordinary token has
    // an upper-case ASCII letter. Uncased: NFD, accents stripped, lowercase; cased: text kept as is.
    bool wordpiece_uncased_ = true;
    std::array<TokenId, 256> spm_bytes_{};
    PreTokenizer pre_;
};

} // namespace braid::engine::tokenizer_detail
