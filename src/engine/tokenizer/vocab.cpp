// Vocab: validation of the raw tokenizer metadata and the lookup tables every algorithm shares.
#include "braid/engine/tokenizer_vocab.hpp"

#include "braid/error.hpp"
#include "engine/tokenizer/pre_tokenizer.hpp"

namespace braid::engine {

namespace {

[[noreturn]] void bad(const std::string& message) { throw Error(errc::model_format, "tokenizer: " + message); }

std::optional<TokenId> checked_id(const std::optional<std::uint32_t>& id, std::size_t n, const char* name) {
    if (!id) return std::nullopt;
    if (*id >= n)
        bad(std::string(name) + " id " + std::to_string(*id) + " is out of range (vocabulary has " +
            std::to_string(n) + " tokens)");
    return static_cast<TokenId>(*id);
}

} // namespace

Vocab Vocab::from_spec(VocabSpec spec) {
    Vocab v;
    if (spec.model == "llama") v.kind_ = VocabKind::spm;
    else if (spec.model == "gpt2") v.kind_ = VocabKind::bpe;
    else if (spec.model == "bert") v.kind_ = VocabKind::wordpiece;
    else if (spec.model.empty()) bad("tokenizer.ggml.model is missing");
    else throw Error(errc::unsupported, "tokenizer: unsupported tokenizer.ggml.model '" + spec.model + "'");

    const std::size_t n = spec.tokens.size();
    if (n == 0) bad("tokenizer.ggml.tokens is missing or empty");
    if (n > 0x7fffffff) bad("tokenizer.ggml.tokens has too many tokens");
    if (!spec.scores.empty() && spec.scores.size() != n)
        bad("tokenizer.ggml.scores has " + std::to_string(spec.scores.size()) + " entries but there are " +
            std::to_string(n) + " tokens");
    if (!spec.token_types.empty() && spec.token_types.size() != n)
        bad("tokenizer.ggml.token_type has " + std::to_string(spec.token_types.size()) +
            " entries but there are " + std::to_string(n) + " tokens");

    v.pre_ = spec.pre.empty() ? "default" : spec.pre;
    v.tokens_ = std::move(spec.tokens);
    v.scores_ = std::move(spec.scores);
    v.types_.resize(n, TokenType::normal);
    for (std::size_t i = 0; i < spec.token_types.size(); ++i) {
        auto t = spec.token_types[i];
        if (t == 0) continue; // "undefined" in old files: treat as normal
        if (t < 1 || t > 6) bad("token " + std::to_string(i) + " has unknown token type " + std::to_string(t));
        v.types_[i] = static_cast<TokenType>(t);
    }
    v.ids_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        v.ids_[v.tokens_[i]] = static_cast<TokenId>(i); // a duplicated text resolves to its last id
        v.max_token_length_ = std::max(v.max_token_length_, v.tokens_[i].size());
    }

    v.merges_.reserve(spec.merges.size());
    for (std::size_t r = 0; r < spec.merges.size(); ++r) {
        const std::string& m = spec.merges[r];
        auto space = m.size() > 1 ? m.find(' ', 1) : std::string::npos;
        if (space == std::string::npos) bad("merge " + std::to_string(r) + " '" + m + "' has no space separator");
        auto left = v.find(std::string_view(m).substr(0, space));
        auto right = v.find(std::string_view(m).substr(space + 1));
        if (!left || !right) bad("merge " + std::to_string(r) + " '" + m + "' names a token not in the vocabulary");
        auto key = (static_cast<std::uint64_t>(*left) << 32) | static_cast<std::uint32_t>(*right);
        std::string joined = m.substr(0, space) + m.substr(space + 1);
        v.merges_.emplace(key, Merge{static_cast<std::int32_t>(r), v.find(joined).value_or(-1)}); // lowest rank wins
    }
    v.merge_count_ = spec.merges.size();
    if (v.kind_ == VocabKind::bpe && v.merges_.empty()) bad("a gpt2 (BPE) tokenizer needs tokenizer.ggml.merges");

    v.bos_ = checked_id(spec.bos_id, n, "BOS");
    v.eos_ = checked_id(spec.eos_id, n, "EOS");
    v.unk_ = checked_id(spec.unk_id, n, "unknown-token");
    v.pad_ = checked_id(spec.pad_id, n, "padding");
    v.sep_ = checked_id(spec.sep_id, n, "separator");
    v.cls_ = checked_id(spec.cls_id, n, "CLS");
    v.mask_ = checked_id(spec.mask_id, n, "mask");

    switch (v.kind_) {
    case VocabKind::spm:
        v.add_bos_ = spec.add_bos.value_or(true);
        v.add_eos_ = spec.add_eos.value_or(false);
        v.add_space_prefix_ = spec.add_space_prefix.value_or(true);
        break;
    case VocabKind::bpe:
        v.add_bos_ = spec.add_bos.value_or(tokenizer_detail::pre_tokenizer_adds_bos(v.pre_));
        v.add_eos_ = spec.add_eos.value_or(false);
        v.add_space_prefix_ = spec.add_space_prefix.value_or(false);
        break;
    case VocabKind::wordpiece:
        // BERT wraps a sequence as [CLS] ... [SEP].
        if (!v.bos_) v.bos_ = v.cls_;
        if (!v.eos_) v.eos_ = v.sep_;
        v.add_bos_ = spec.add_bos.value_or(true);
        v.add_eos_ = spec.add_eos.value_or(true);
        v.add_space_prefix_ = false;
        break;
    }
    if (v.kind_ == VocabKind::spm && !v.unk_) {
        for (std::size_t i = 0; i < n; ++i)
            if (v.types_[i] == TokenType::unknown) { v.unk_ = static_cast<TokenId>(i); break; }
    }
    return v;
}

const std::string& Vocab::text(TokenId id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size())
        throw Error(errc::invalid_argument, "token id " + std::to_string(id) + " is out of range (vocabulary has " +
                                                std::to_string(tokens_.size()) + " tokens)");
    return tokens_[static_cast<std::size_t>(id)];
}

float Vocab::score(TokenId id) const {
    (void)text(id);
    return scores_.empty() ? 0.0f : scores_[static_cast<std::size_t>(id)];
}

TokenType Vocab::type(TokenId id) const {
    (void)text(id);
    return types_[static_cast<std::size_t>(id)];
}

std::optional<TokenId> Vocab::find(std::string_view text) const {
    auto it = ids_.find(text);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::int32_t> Vocab::merge_rank(std::string_view left, std::string_view right) const {
    auto l = find(left);
    if (!l) return std::nullopt;
    auto r = find(right);
    if (!r) return std::nullopt;
    auto m = merge(*l, *r);
    if (!m) return std::nullopt;
    return m->rank;
}

std::optional<Vocab::Merge> Vocab::merge(TokenId left, TokenId right) const {
    auto it = merges_.find((static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
                           static_cast<std::uint32_t>(right));
    if (it == merges_.end()) return std::nullopt;
    return it->second;
}

} // namespace braid::engine
