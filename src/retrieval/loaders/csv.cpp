// CSV loader: an RFC 4180 record reader (quoted fields with delimiters, doubled quotes and newlines) that
// yields one document per row, with errors naming the physical line.
#include <algorithm>

#include "braid/retrieval/loaders.hpp"
#include "common.hpp"

namespace braid::retrieval {

namespace {

/// Reads records one by one from a text, counting physical lines.
class CsvReader {
public:
    CsvReader(std::string_view text, const CsvLoaderOptions& options, const std::string& source)
        : text_(text), options_(options), source_(source) {}

    /// The next record's fields, or false at the end. Sets line() to the record's first line (1-based).
    bool next(std::vector<std::string>& fields) {
        fields.clear();
        if (pos_ >= text_.size())
            return false;
        record_line_ = line_;
        std::string field;
        bool quoted = false, was_quoted = false;
        std::size_t quote_line = 0;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (quoted) {
                if (c == options_.quote) {
                    if (pos_ < text_.size() && text_[pos_] == options_.quote) {
                        field += c;
                        ++pos_;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n')
                        ++line_;
                    field += c;
                }
                continue;
            }
            if (c == options_.delimiter) {
                fields.push_back(std::move(field));
                field.clear();
                was_quoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n')
                    ++pos_;
                ++line_;
                fields.push_back(std::move(field));
                return true;
            } else if (c == options_.quote) {
                if (!field.empty() || was_quoted)
                    throw Error(errc::parse, source_ + ": line " + std::to_string(line_) +
                                                 ": quote inside an unquoted field (field " + std::to_string(fields.size() + 1) + ")");
                quoted = was_quoted = true;
                quote_line = line_;
            } else {
                if (was_quoted)
                    throw Error(errc::parse, source_ + ": line " + std::to_string(line_) +
                                                 ": characters after the closing quote of field " + std::to_string(fields.size() + 1));
                field += c;
            }
        }
        if (quoted)
            throw Error(errc::parse, source_ + ": line " + std::to_string(quote_line) + ": unterminated quoted field");
        fields.push_back(std::move(field));
        return true;
    }

    std::size_t line() const noexcept { return record_line_; }

private:
    std::string_view text_;
    const CsvLoaderOptions& options_;
    const std::string& source_;
    std::size_t pos_ = 0, line_ = 1, record_line_ = 1;
};

std::string trimmed(std::string_view s) {
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string_view::npos)
        return {};
    return std::string(s.substr(begin, s.find_last_not_of(" \t") - begin + 1));
}

std::size_t column_index(const std::vector<std::string>& header, const std::string& name, const std::string& source) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
        throw Error(errc::invalid_argument, source + ": no column named '" + name + "' in the CSV header");
    return static_cast<std::size_t>(it - header.begin());
}

} // namespace

Stream<Document> load_csv_string(std::string text, std::string source, CsvLoaderOptions options) {
    text = detail::checked_utf8(std::move(text), source);
    if (options.delimiter == options.quote || options.delimiter == '\n' || options.delimiter == '\r')
        throw Error(errc::invalid_argument, source + ": CSV delimiter and quote must differ and not be a line break");
    CsvReader reader(text, options, source);
    std::vector<std::string> header, fields;
    bool have_header = false;
    std::vector<std::size_t> content, metadata;
    std::size_t source_column = 0;
    std::size_t row = 0;
    while (reader.next(fields)) {
        if (fields.size() == 1 && fields[0].empty())
            continue; // a blank line
        if (!have_header) {
            have_header = true;
            if (options.has_header) {
                for (std::string& name : fields)
                    header.push_back(trimmed(name));
            } else {
                for (std::size_t i = 0; i < fields.size(); ++i)
                    header.push_back(std::to_string(i));
            }
            for (const std::string& name : options.metadata_columns)
                metadata.push_back(column_index(header, name, source));
            if (!options.source_column.empty())
                source_column = column_index(header, options.source_column, source);
            if (options.content_columns.empty()) {
                for (std::size_t i = 0; i < header.size(); ++i)
                    if (std::find(metadata.begin(), metadata.end(), i) == metadata.end())
                        content.push_back(i);
            } else {
                for (const std::string& name : options.content_columns)
                    content.push_back(column_index(header, name, source));
            }
            if (options.has_header)
                continue;
        }
        if (fields.size() != header.size())
            throw Error(errc::parse, source + ": line " + std::to_string(reader.line()) + ": row has " +
                                         std::to_string(fields.size()) + " fields, the header has " + std::to_string(header.size()));
        std::string page;
        for (std::size_t i : content) {
            if (!page.empty())
                page += '\n';
            page += header[i] + ": " + trimmed(fields[i]);
        }
        Value meta = detail::source_metadata(options.source_column.empty() ? source : fields[source_column]);
        meta["row"] = row;
        for (std::size_t i : metadata)
            meta[header[i]] = fields[i];
        ++row;
        Document document = detail::make_document(std::move(page), std::move(meta));
        co_yield std::move(document);
    }
}

Stream<Document> load_csv(std::filesystem::path path, CsvLoaderOptions options) {
    std::string bytes = read_file_bytes(path);
    for (Document& document : load_csv_string(std::move(bytes), detail::source_of(path), std::move(options)))
        co_yield std::move(document);
}

} // namespace braid::retrieval
