/// @file
/// @brief braid::engine::Tokenizer: text ↔ token ids for SPM, byte-level BPE and WordPiece vocabularies
/// (from GGUF metadata) and SentencePiece `.model` files, with special tokens and BOS/EOS rules.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/engine/tokenizer_vocab.hpp"

namespace braid::engine {

/// Converts text to token ids and back. Immutable after construction: one instance may be used from
/// many threads at once.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    /// Tokenizes UTF-8 text (invalid UTF-8 is tokenized as U+FFFD).
    /// @param text          the text.
    /// @param add_special   add BOS/EOS as the vocabulary's add_bos/add_eos rules say ([CLS]/[SEP] for BERT).
    /// @param parse_special treat the text of control tokens (e.g. `<s>`, `<|im_start|>`) in @p text as
    ///                      those tokens; user-defined tokens are always matched verbatim.
    virtual std::vector<TokenId> tokenize(std::string_view text, bool add_special = false,
                                          bool parse_special = false) const = 0;

    /// The text one token stands for (byte tokens give their single raw byte, SPM's U+2581 becomes a
    /// space, byte-level BPE is decoded to bytes). Control tokens give "" unless @p render_special.
    /// Throws Error(errc::invalid_argument) for an id out of range.
    virtual std::string token_to_piece(TokenId id, bool render_special = false) const = 0;

    /// The text of a token sequence: pieces concatenated (so byte tokens reassemble UTF-8), minus the one
    /// space tokenize() adds at the start and after each special token (SPM space prefix, WordPiece word
    /// start), so `detokenize(tokenize(t)) == t` for SPM and BPE. Control tokens are skipped unless
    /// @p render_special. Throws Error(errc::invalid_argument) for an id out of range.
    virtual std::string detokenize(std::span<const TokenId> ids, bool render_special = false) const = 0;

    /// Number of tokens in the vocabulary.
    virtual std::size_t vocab_size() const = 0;
    /// Beginning-of-sequence token, if any.
    virtual std::optional<TokenId> bos() const = 0;
    /// End-of-sequence token, if any.
    virtual std::optional<TokenId> eos() const = 0;
    /// Whether @p id is a control token (BOS, EOS, chat markers...). False for ids out of range.
    virtual bool is_control(TokenId id) const = 0;
};

/// A tokenizer over a GGUF-described vocabulary (SPM, byte-level BPE or WordPiece by vocab.kind()).
/// Throws Error(errc::unsupported) for a BPE pre-tokenizer name braid does not know.
std::unique_ptr<Tokenizer> make_tokenizer(Vocab vocab);

/// A tokenizer over a SentencePiece `.model` file, through libsentencepiece.
/// Throws Error(errc::io / errc::model_format) when the file cannot be read or parsed.
std::unique_ptr<Tokenizer> load_sentencepiece_tokenizer(const std::filesystem::path& path);

/// Opens @p path as a GGUF file (magic "GGUF") or else as a SentencePiece `.model` file.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& path);

/// The pre-tokenizer names (`tokenizer.ggml.pre`) the byte-level BPE tokenizer knows.
std::vector<std::string> known_bpe_pre_tokenizers();

} // namespace braid::engine
