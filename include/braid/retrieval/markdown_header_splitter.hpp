/// @file
/// @brief MarkdownHeaderTextSplitter: cut Markdown at its headers and put the headers a section is under
/// into its metadata (LangChain's MarkdownHeaderTextSplitter).
///
/// @code
/// using namespace braid::retrieval;
/// MarkdownHeaderTextSplitter splitter({.headers_to_split_on = {{"#", "Header 1"}, {"##", "Header 2"}}});
/// Documents sections = splitter.split_text("# Foo\n\n## Bar\n\nHi\n");
/// // sections[0]: "Hi", metadata {"Header 1": "Foo", "Header 2": "Bar"}
/// @endcode
///
/// Rules (LangChain's): lines are stripped; a line is a header when it starts with one of the markers
/// followed by a space or nothing; a header closes the headers of its level and deeper; lines inside
/// lines inside code fences (three backticks or tildes) are never headers; consecutive lines under the same headers are joined into one
/// section with "  \n" (unless return_each_line); blank lines end a run of lines. Markers are matched
/// longest first.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "braid/retrieval/document.hpp"

namespace braid::retrieval {

/// Options of MarkdownHeaderTextSplitter.
struct MarkdownHeaderSplitterOptions {
    /// (marker, metadata key) pairs, e.g. {"#", "Header 1"}. Default: levels 1 to 6 named "Header N".
    std::vector<std::pair<std::string, std::string>> headers_to_split_on = {
        {"#", "Header 1"}, {"##", "Header 2"}, {"###", "Header 3"},
        {"####", "Header 4"}, {"#####", "Header 5"}, {"######", "Header 6"}};
    bool return_each_line = false; ///< One document per line instead of per section.
    bool strip_headers = true;     ///< Leave the header lines out of the content.
};

/// Splits Markdown into sections with their headers in metadata (see the file comment).
class MarkdownHeaderTextSplitter {
public:
    /// @throws Error(errc::invalid_argument) when a marker or a key is empty.
    explicit MarkdownHeaderTextSplitter(MarkdownHeaderSplitterOptions options = {});
    /// The sections of @p text.
    Documents split_text(std::string_view text) const;
    /// The sections of every document; each keeps its metadata, with the header keys added.
    Documents split_documents(const Documents& documents) const;

private:
    MarkdownHeaderSplitterOptions options_;
};

} // namespace braid::retrieval
