/// @file
/// @brief Document loaders: text, Markdown, CSV, JSON / JSON Lines, HTML, PDF files and whole folders,
/// each a lazy braid::Stream<Document> (LangChain's BaseLoader.lazy_load), so a large folder never sits in
/// memory: a file is read when the consumer pulls its first document.
///
/// @code
/// using namespace braid::retrieval;
/// for (Document& doc : load_pdf("manual.pdf")) ...                // one per page: metadata.page, total_pages
/// Documents rows = load_csv("npcs.csv", {.content_columns = {"bio"}, .metadata_columns = {"name"}}).collect();
/// DirectoryLoader folder("docs", {.glob = {"**/*.md", "**/*.html"}});
/// DirectoryLoad all = folder.load();   // documents + one FileError per file that failed
/// @endcode
///
/// Every document has metadata.source (the file path as given/joined, or the caller's name for text
/// sources). Errors: a file that cannot be opened or read is Error(errc::io) naming the path; malformed
/// content is Error(errc::parse) naming the path and the place (byte offset, line, page). Loaders that take a
/// string (the *_text functions) parse it with the same rules and report @p source in errors. Errors are
/// thrown from the stream when the document they concern is pulled, so documents before it arrive first.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "braid/core/stream.hpp"
#include "braid/error.hpp"
#include "braid/retrieval/document.hpp"

namespace braid::retrieval {

/// Reads a whole file. @throws Error(errc::io) naming @p path and the system's reason.
std::string read_file_bytes(const std::filesystem::path& path);

// ---- plain text and Markdown ---------------------------------------------------------------------------

/// One document with the whole text. The text must be UTF-8: a leading BOM is dropped, a malformed byte is
/// Error(errc::parse) naming its byte offset (in the file, BOM included).
Stream<Document> load_text(std::filesystem::path path);
/// load_text over a string; metadata.source = @p source.
Stream<Document> load_text_string(std::string text, std::string source);

/// Options of the Markdown loader.
struct MarkdownLoaderOptions {
    /// Read a leading front matter block (`---` line, `key: value` lines, `---` line) into metadata: values
    /// true/false, numbers, quoted or plain strings. A block with other lines (lists, nesting) is kept as
    /// metadata.front_matter (its text). Either way the block is removed from the content.
    bool front_matter = true;
};
/// One document per Markdown file (UTF-8 checked as in load_text).
Stream<Document> load_markdown(std::filesystem::path path, MarkdownLoaderOptions options = {});
/// load_markdown over a string.
Stream<Document> load_markdown_string(std::string text, std::string source, MarkdownLoaderOptions options = {});

// ---- CSV ------------------------------------------------------------------------------------------------

/// Options of the CSV loader (LangChain's CSVLoader).
struct CsvLoaderOptions {
    char delimiter = ',';  ///< Field separator.
    char quote = '"';      ///< Quote character ("" inside quotes is one quote, RFC 4180).
    bool has_header = true; ///< First row names the columns; otherwise they are named "0", "1", ...
    /// Columns whose `name: value` lines make the content (in file order). Empty: every column not in
    /// metadata_columns (LangChain's behaviour).
    std::vector<std::string> content_columns{};
    std::vector<std::string> metadata_columns{}; ///< Columns copied into metadata under their names.
    std::string source_column{}; ///< When set, metadata.source is this column's value instead of the path.
};
/// One document per row: content `column: value` lines (values and names trimmed), metadata.source and
/// metadata.row (0-based data row). Fields may hold delimiters and newlines inside quotes.
/// @throws (from the stream) Error(errc::parse) naming the line of an unterminated quote, of a quote inside
/// an unquoted field or of a row whose field count differs from the header's; Error(errc::invalid_argument)
/// naming a content/metadata column the header does not have.
Stream<Document> load_csv(std::filesystem::path path, CsvLoaderOptions options = {});
/// load_csv over a string.
Stream<Document> load_csv_string(std::string text, std::string source, CsvLoaderOptions options = {});

// ---- JSON and JSON Lines ----------------------------------------------------------------------------------

/// Options of the JSON loaders (LangChain's JSONLoader, with JSON pointers instead of jq).
struct JsonLoaderOptions {
    /// JSON file: pointer to the documents (an array gives one per item, anything else one document).
    /// JSON Lines: unused (each line is an item).
    std::string items_pointer{};
    /// Pointer inside each item to the content ("" = the item itself). Strings are taken as they are, other
    /// values as their compact JSON text.
    std::string content_pointer{};
    /// Metadata key → pointer inside the item; a pointer that does not resolve is an error naming it.
    std::map<std::string, std::string> metadata_pointers{};
};
/// Documents of a JSON file: metadata.source and metadata.seq_num (1-based, as LangChain).
/// @throws (from the stream) Error(errc::parse) for malformed JSON (with its byte offset) or a pointer that
/// is malformed or does not resolve (naming it and the item).
Stream<Document> load_json(std::filesystem::path path, JsonLoaderOptions options = {});
/// load_json over a string.
Stream<Document> load_json_string(std::string text, std::string source, JsonLoaderOptions options = {});
/// Documents of a JSON Lines file, one per non-blank line: metadata.source, seq_num and line (1-based).
/// A line that is not JSON is Error(errc::parse) naming the line, after the documents before it.
Stream<Document> load_json_lines(std::filesystem::path path, JsonLoaderOptions options = {});
/// load_json_lines over a string.
Stream<Document> load_json_lines_string(std::string text, std::string source, JsonLoaderOptions options = {});

// ---- HTML and PDF -----------------------------------------------------------------------------------------

/// The visible text of an HTML page (gumbo): script, style, noscript, template and head content dropped;
/// block elements (p, div, h1-h6, li, tr, ...) end lines, paragraphs and headings are separated by a blank
/// line; white space inside text collapsed to one space; `pre` kept as written. metadata.title is the
/// `<title>` text (when present). Input must be UTF-8 (a page declaring an ISO-8859-1 / windows-1252
/// charset is converted from Latin-1); otherwise Error(errc::parse) with the byte offset.
Stream<Document> load_html(std::filesystem::path path);
/// load_html over a string.
Stream<Document> load_html_string(std::string html, std::string source);

/// One document per page (poppler-cpp): text in reading order, metadata.page (0-based, as LangChain's
/// PyPDFLoader) and metadata.total_pages. An encrypted (password-protected) PDF or one poppler cannot
/// read is Error(errc::parse) / Error(errc::unsupported) naming the file.
Stream<Document> load_pdf(std::filesystem::path path);
/// load_pdf over the bytes of a PDF.
Stream<Document> load_pdf_bytes(std::string bytes, std::string source);

// ---- folders ----------------------------------------------------------------------------------------------

/// Makes the documents of one file.
using FileLoader = std::function<Stream<Document>(const std::filesystem::path&)>;

/// The default loader per extension (lower case, with the dot): .txt .text .log → text, .md .markdown →
/// Markdown, .csv → CSV, .json → JSON, .jsonl .ndjson → JSON Lines, .html .htm .xhtml → HTML, .pdf → PDF.
std::map<std::string, FileLoader> default_file_loaders();

/// A file that failed, and why.
struct FileError {
    std::filesystem::path path; ///< The file.
    errc code;                  ///< The error kind.
    std::string message;        ///< The error's message.
};

/// Options of DirectoryLoader.
struct DirectoryLoaderOptions {
    /// Patterns matched against the path relative to the folder, with '/' separators: `*` (not '/'), `?`,
    /// `[abc]`/`[a-z]`/`[!a]`, and `**` as a whole segment for any number of folders. A file matching any
    /// pattern is loaded. Default: every file.
    std::vector<std::string> glob = {"**/*"};
    bool recursive = true;    ///< Descend into sub-folders (false: only the folder's own files).
    bool skip_hidden = true;  ///< Skip files and folders whose name starts with '.'.
    std::map<std::string, FileLoader> loaders = default_file_loaders(); ///< By extension (lower case, with the dot).
    FileLoader fallback{};      ///< For other extensions; empty: such files are skipped.
};

/// Every document of a folder, and the files that failed.
struct DirectoryLoad {
    Documents documents;            ///< In path order.
    std::vector<FileError> errors;  ///< One per file that failed (its earlier documents are kept).
};

/// LangChain's DirectoryLoader: the matching files in sorted path order (deterministic), each through the
/// loader for its extension; a file that fails is reported and the others go on.
class DirectoryLoader {
public:
    /// @throws Error(errc::invalid_argument) when the glob list is empty or a pattern is empty.
    explicit DirectoryLoader(std::filesystem::path folder, DirectoryLoaderOptions options = {});
    /// The matching files, sorted. @throws Error(errc::io) when the folder cannot be listed.
    std::vector<std::filesystem::path> files() const;
    /// The documents, lazily: the file list is made now (paths only), each file is read when its first
    /// document is pulled. A file that fails is passed to @p on_error (path, kind, message) and loading goes
    /// on with the next file; with no @p on_error the error is thrown from the stream. The stream keeps
    /// copies of what it needs and may outlive this loader.
    /// @throws Error(errc::io) when the folder cannot be listed.
    Stream<Document> lazy_load(std::function<void(const FileError&)> on_error = {}) const;
    /// Everything at once, with the per-file errors.
    DirectoryLoad load() const;

private:
    std::filesystem::path folder_;
    DirectoryLoaderOptions options_;
};

/// Whether @p relative_path ('/'-separated) matches @p pattern (DirectoryLoaderOptions::glob syntax).
bool glob_match(std::string_view pattern, std::string_view relative_path);

} // namespace braid::retrieval
