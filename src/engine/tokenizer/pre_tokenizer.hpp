// The pre-tokenizers of byte-level BPE vocabularies, by `tokenizer.ggml.pre` name: a list of patterns
// applied one after the other, each splitting the pieces the previous ones produced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/split_regex.hpp"

namespace braid::engine::tokenizer_detail {

/// A named pre-tokenizer.
struct PreTokenizer {
    std::vector<SplitRegex> patterns;
    bool ignore_merges = false; ///< a whole piece that is a token is emitted as-is (LLaMA 3)
};

/// The pre-tokenizer called @p name; throws Error(errc::unsupported) for an unknown name.
PreTokenizer make_pre_tokenizer(std::string_view name);

/// Whether vocabularies with this pre-tokenizer add BOS when the metadata does not say (the LLaMA 3 family).
bool pre_tokenizer_adds_bos(std::string_view name);

/// Every name make_pre_tokenizer accepts.
std::vector<std::string> pre_tokenizer_names();

/// Splits @p text into pieces (lengths in code points).
std::vector<std::size_t> pre_tokenize(const PreTokenizer& pre, const std::u32string& text);

} // namespace braid::engine::tokenizer_detail
