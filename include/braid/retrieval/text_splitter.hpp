/// @file
/// @brief Text splitters: cut documents into chunks that fit a model — LangChain's
/// RecursiveCharacterTextSplitter (characters or tokens), language-aware separators and TokenTextSplitter.
///
/// @code
/// using namespace braid::retrieval;
/// RecursiveCharacterTextSplitter splitter({.chunk_size = 1000, .chunk_overlap = 200, .add_start_index = true});
/// Documents chunks = splitter.split_documents(loaded);   // metadata copied, plus metadata.start_index
/// // Source code: separators for the language first ("\nclass ", "\nvoid ", ...), then lines, words.
/// auto code = RecursiveCharacterTextSplitter::from_language(Language::cpp, {.chunk_size = 400, .chunk_overlap = 0});
/// // Sizes in tokens of a real tokenizer (any counting function):
/// auto tokens = RecursiveCharacterTextSplitter({.chunk_size = 256, .chunk_overlap = 32,
///     .length_function = [&](std::string_view s) { return tokenizer.encode(s).size(); }});
/// @endcode
///
/// The algorithm is LangChain's (langchain_text_splitters.character): pick the first separator found in
/// the text, split on it (keeping the separator at the start of the next piece by default), merge pieces
/// shorter than chunk_size back into chunks of at most chunk_size with up to chunk_overlap of the previous
/// chunk repeated, and recurse with the remaining separators into pieces that are still too long. A piece
/// that no separator can cut (one long word when "" is not a separator) is kept whole, longer than
/// chunk_size. Lengths are measured by `length_function`; the default counts Unicode code points (as
/// Python's len), and no chunk ever ends inside a UTF-8 sequence ("" splits between code points).
///
/// Splitters are immutable after construction and safe to use from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "braid/retrieval/document.hpp"

namespace braid::retrieval {

/// Measures a text in the units of chunk_size (code points, tokens, ...).
using LengthFunction = std::function<std::size_t(std::string_view)>;

/// The number of Unicode code points of UTF-8 @p text (Python's len; bytes of an invalid sequence count one each).
std::size_t code_point_length(std::string_view text) noexcept;

/// Where the separator goes when text is split on it.
enum class KeepSeparator {
    none,  ///< Dropped (chunks are joined back with it when merged).
    start, ///< At the start of the next piece (LangChain's keep_separator=True / "start").
    end,   ///< At the end of the previous piece (LangChain's keep_separator="end").
};

/// Options of RecursiveCharacterTextSplitter (LangChain's names and defaults).
struct TextSplitterOptions {
    std::size_t chunk_size = 4000;  ///< Largest chunk, in length_function units (> 0).
    std::size_t chunk_overlap = 200; ///< Most of the previous chunk repeated at the start of the next (<= chunk_size).
    /// Separators tried in order; "" splits between code points. Default `{"\n\n", "\n", " ", ""}`.
    std::vector<std::string> separators = {"\n\n", "\n", " ", ""};
    /// Separators are ECMAScript regular expressions (std::regex) rather than literal strings.
    bool is_separator_regex = false;
    KeepSeparator keep_separator = KeepSeparator::start; ///< LangChain's default for the recursive splitter.
    bool strip_whitespace = true; ///< Strip Unicode white space (Python's str.strip) from both ends of each chunk.
    /// Put metadata.start_index on each chunk: the offset of the chunk in the source text, counted in
    /// **code points** (as LangChain does in Python), not bytes. -1 when the chunk does not occur in the
    /// text, which happens only with KeepSeparator::none (pieces around an empty piece are joined by one
    /// separator, as in LangChain).
    bool add_start_index = false;
    LengthFunction length_function{}; ///< Empty: code_point_length.
};

/// Languages with known separators (LangChain's Language enum, the ones braid lists).
enum class Language { cpp, c, csharp, java, python, js, ts, lua, markdown, html, chinese };

/// The separators LangChain uses for @p language (RecursiveCharacterTextSplitter.get_separators_for_language),
/// plus Chinese-aware ones (sentence and clause punctuation before spaces). Markdown's are regular
/// expressions (from_language sets is_separator_regex), the others literal.
std::vector<std::string> separators_for_language(Language language);

/// The language named @p name ("cpp", "c", "csharp", "java", "python", "js", "ts", "lua", "markdown",
/// "html", "chinese"). @throws Error(errc::invalid_argument) naming the unknown language.
Language language_from_string(std::string_view name);

/// LangChain's RecursiveCharacterTextSplitter (see the file comment).
class RecursiveCharacterTextSplitter {
public:
    /// @throws Error(errc::invalid_argument) when chunk_size is 0, chunk_overlap > chunk_size, the separator
    /// list is empty, or a separator is an invalid regular expression.
    explicit RecursiveCharacterTextSplitter(TextSplitterOptions options = {});

    /// A splitter with the separators of @p language (options.separators and is_separator_regex are replaced).
    static RecursiveCharacterTextSplitter from_language(Language language, TextSplitterOptions options = {});

    /// Splits @p text into chunks (split_text). Invalid UTF-8 is split byte-wise where it is malformed.
    std::vector<std::string> split_text(std::string_view text) const;

    /// One document per chunk of each input document; its metadata is copied (plus start_index when asked).
    Documents split_documents(const Documents& documents) const;

    /// Chunks of @p texts with @p metadatas (same length, or empty: no metadata) — LangChain's create_documents.
    /// @throws Error(errc::invalid_argument) when the lengths differ.
    Documents create_documents(const std::vector<std::string>& texts, const std::vector<Value>& metadatas = {}) const;

    /// The options in use (length_function filled).
    const TextSplitterOptions& options() const noexcept { return options_; }

private:
    struct Separators;
    std::vector<std::string> split(std::string_view text, std::size_t first_separator) const;
    std::vector<std::string> merge(const std::vector<std::string_view>& splits, std::string_view separator) const;

    TextSplitterOptions options_;
    std::shared_ptr<const Separators> compiled_;
};

/// LangChain's TokenTextSplitter: encode the whole text, take windows of chunk_size tokens that advance by
/// chunk_size - chunk_overlap, decode each window. Give it any tokenizer's encode/decode (for example
/// braid::engine::Tokenizer's), so the chunks are exact token windows.
struct TokenTextSplitterOptions {
    std::size_t chunk_size = 4000;  ///< Tokens per chunk (> 0).
    std::size_t chunk_overlap = 200; ///< Tokens shared by consecutive chunks (< chunk_size).
    std::function<std::vector<std::int32_t>(std::string_view)> encode{}; ///< Text → token ids (required).
    std::function<std::string(std::span<const std::int32_t>)> decode{}; ///< Token ids → text (required).
};

/// Exact token windows (see TokenTextSplitterOptions). For chunks that follow separators and are measured
/// in tokens, use RecursiveCharacterTextSplitter with a token-counting length_function instead.
class TokenTextSplitter {
public:
    /// @throws Error(errc::invalid_argument) when chunk_size is 0, chunk_overlap >= chunk_size, or
    /// encode/decode is missing.
    explicit TokenTextSplitter(TokenTextSplitterOptions options);
    /// The decoded windows of @p text (none for an empty text).
    std::vector<std::string> split_text(std::string_view text) const;
    /// One document per window of each input document; metadata copied.
    Documents split_documents(const Documents& documents) const;

private:
    TokenTextSplitterOptions options_;
};

} // namespace braid::retrieval
