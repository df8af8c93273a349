/// @file
/// @brief braid::engine::Vocab: the validated description of a tokenizer (tokens, scores, types, merges,
/// special ids, flags), built from the `tokenizer.ggml.*` metadata of a GGUF file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace braid::engine {

/// A token id: an index into the vocabulary.
using TokenId = std::int32_t;

/// The kind of a token, with the numeric values GGUF stores in `tokenizer.ggml.token_type`.
enum class TokenType : std::int32_t {
    normal = 1,       ///< An ordinary piece of text.
    unknown = 2,      ///< The unknown token (`<unk>`, `[UNK]`).
    control = 3,      ///< A control token (BOS, EOS, `<|im_start|>`): rendered only on request.
    user_defined = 4, ///< A token added by the model author; always matched verbatim in the input.
    unused = 5,       ///< A reserved slot.
    byte = 6,         ///< A byte-fallback token `<0xXX>` (SentencePiece).
};

/// The tokenization algorithm (`tokenizer.ggml.model`).
enum class VocabKind {
    spm,       ///< "llama": SentencePiece-style BPE over UTF-8 characters driven by token scores.
    bpe,       ///< "gpt2": byte-level BPE with merge ranks and a regex pre-tokenizer.
    wordpiece, ///< "bert": BERT basic tokenization + greedy longest-match WordPiece.
};

/// The raw `tokenizer.ggml.*` values, as a GGUF file (or a test) provides them. Optional fields are absent
/// in the file when empty / std::nullopt. Vocab::from_spec validates them.
struct VocabSpec {
    std::string model;                       ///< `tokenizer.ggml.model`: "llama", "gpt2" or "bert".
    std::string pre;                         ///< `tokenizer.ggml.pre` (BPE pre-tokenizer name); "" = default.
    std::vector<std::string> tokens;         ///< `tokenizer.ggml.tokens` (required, non-empty).
    std::vector<float> scores;               ///< `tokenizer.ggml.scores` (empty or one per token).
    std::vector<std::int32_t> token_types;   ///< `tokenizer.ggml.token_type` (empty or one per token).
    std::vector<std::string> merges;         ///< `tokenizer.ggml.merges` ("left right", rank = index).
    std::optional<std::uint32_t> bos_id;     ///< `tokenizer.ggml.bos_token_id`.
    std::optional<std::uint32_t> eos_id;     ///< `tokenizer.ggml.eos_token_id`.
    std::optional<std::uint32_t> unk_id;     ///< `tokenizer.ggml.unknown_token_id`.
    std::optional<std::uint32_t> pad_id;     ///< `tokenizer.ggml.padding_token_id`.
    std::optional<std::uint32_t> sep_id;     ///< `tokenizer.ggml.seperator_token_id` (sic, GGUF's spelling).
    std::optional<std::uint32_t> cls_id;     ///< `tokenizer.ggml.cls_token_id`.
    std::optional<std::uint32_t> mask_id;    ///< `tokenizer.ggml.mask_token_id`.
    std::optional<bool> add_bos;             ///< `tokenizer.ggml.add_bos_token`.
    std::optional<bool> add_eos;             ///< `tokenizer.ggml.add_eos_token`.
    std::optional<bool> add_space_prefix;    ///< `tokenizer.ggml.add_space_prefix`.
};

/// A validated, immutable vocabulary: what every tokenizer algorithm reads.
class Vocab {
public:
    /// Validates @p spec and builds the lookup tables. Throws Error(errc::model_format) naming the
    /// problem: unknown model, empty tokens, array lengths that differ, a merge naming an unknown token,
    /// a special id out of range, an unknown token type.
    static Vocab from_spec(VocabSpec spec);

    /// Reads the `tokenizer.ggml.*` metadata of a GGUF file into a VocabSpec (no tensor data is read).
    /// Throws Error(errc::io) when the file cannot be read, Error(errc::model_format) when it is malformed.
    static VocabSpec read_gguf_spec(const std::filesystem::path& path);

    /// Vocab::from_spec(read_gguf_spec(path)).
    static Vocab from_gguf(const std::filesystem::path& path);

    /// The algorithm.
    VocabKind kind() const noexcept { return kind_; }
    /// The pre-tokenizer name (`tokenizer.ggml.pre`, "default" when absent).
    const std::string& pre() const noexcept { return pre_; }
    /// Number of tokens.
    std::size_t size() const noexcept { return tokens_.size(); }
    /// Text of token @p id (as stored: SPM uses U+2581 for spaces, BPE the byte-to-unicode alphabet).
    /// Throws Error(errc::invalid_argument) for an id out of range.
    const std::string& text(TokenId id) const;
    /// Score of token @p id (0 when the file has no scores).
    float score(TokenId id) const;
    /// Type of token @p id.
    TokenType type(TokenId id) const;
    /// The id of the token whose text is exactly @p text, if any.
    std::optional<TokenId> find(std::string_view text) const;
    /// Merge rank of the pair (@p left, @p right), if it is a merge (BPE).
    std::optional<std::int32_t> merge_rank(std::string_view left, std::string_view right) const;
    /// The merge of token @p left followed by token @p right (BPE), if it is one.
    struct Merge {
        std::int32_t rank; ///< Position in `tokenizer.ggml.merges`: lower merges first.
        TokenId result;    ///< Id of the merged text, or -1 when the merged text is not itself a token.
    };
    /// The merge of ids (@p left, @p right), if any (the fast path of the BPE tokenizer).
    std::optional<Merge> merge(TokenId left, TokenId right) const;
    /// Number of merges.
    std::size_t merge_count() const noexcept { return merge_count_; }

    /// Beginning-of-sequence id (BERT: [CLS]), if any.
    std::optional<TokenId> bos() const noexcept { return bos_; }
    /// End-of-sequence id (BERT: [SEP]), if any.
    std::optional<TokenId> eos() const noexcept { return eos_; }
    /// Unknown-token id, if any.
    std::optional<TokenId> unk() const noexcept { return unk_; }
    /// Padding id, if any.
    std::optional<TokenId> pad() const noexcept { return pad_; }
    /// Separator id, if any.
    std::optional<TokenId> sep() const noexcept { return sep_; }
    /// Classifier id, if any.
    std::optional<TokenId> cls() const noexcept { return cls_; }
    /// Mask id, if any.
    std::optional<TokenId> mask() const noexcept { return mask_; }
    /// Whether tokenize(..., add_special = true) prepends BOS (metadata, else the model kind's default).
    bool add_bos() const noexcept { return add_bos_; }
    /// Whether tokenize(..., add_special = true) appends EOS.
    bool add_eos() const noexcept { return add_eos_; }
    /// Whether SPM prepends a space to the text (metadata, default true for SPM).
    bool add_space_prefix() const noexcept { return add_space_prefix_; }
    /// Length in bytes of the longest token text.
    std::size_t max_token_length() const noexcept { return max_token_length_; }

private:
    Vocab() = default;

    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

    VocabKind kind_ = VocabKind::spm;
    std::string pre_;
    std::vector<std::string> tokens_;
    std::vector<float> scores_;
    std::vector<TokenType> types_;
    std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> ids_;
    // Merge (left id, right id) packed into 64 bits -> rank and merged id.
    std::unordered_map<std::uint64_t, Merge> merges_;
    std::size_t merge_count_ = 0;
    std::optional<TokenId> bos_, eos_, unk_, pad_, sep_, cls_, mask_;
    bool add_bos_ = false;
    bool add_eos_ = false;
    bool add_space_prefix_ = false;
    std::size_t max_token_length_ = 0;
};

} // namespace braid::engine
