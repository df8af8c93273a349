// Plain-text and Markdown loaders: whole-file documents, UTF-8 checked, Markdown front matter as metadata.
#include <cerrno>
#include <cstring>
#include <fstream>

#include "braid/retrieval/loaders.hpp"
#include "common.hpp"

namespace braid::retrieval {

std::string read_file_bytes(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw Error(errc::io, "cannot read " + path.string() + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(errc::io, "cannot open " + path.string() + ": " + std::strerror(errno));
    std::string bytes;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (in.bad())
        throw Error(errc::io, "cannot read " + path.string() + ": " + std::strerror(errno));
    return bytes;
}

Stream<Document> load_text_string(std::string text, std::string source) {
    std::string content = detail::checked_utf8(std::move(text), source);
    Document document = detail::make_document(std::move(content), detail::source_metadata(source));
    co_yield std::move(document);
}

Stream<Document> load_text(std::filesystem::path path) {
    const std::string source = detail::source_of(path);
    std::string content = detail::checked_utf8(read_file_bytes(path), source);
    Document document = detail::make_document(std::move(content), detail::source_metadata(source));
    co_yield std::move(document);
}

namespace {

std::string_view trim(std::string_view s) {
    const auto begin = s.find_first_not_of(" \t\r");
    if (begin == std::string_view::npos)
        return {};
    return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

/// A YAML scalar as JSON: true/false, integers and decimals, quoted or plain strings.
Value scalar(std::string_view text) {
    if (text == "true" || text == "false")
        return text == "true";
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front())
        return std::string(text.substr(1, text.size() - 2));
    if (!text.empty() && text.find_first_not_of("+-0123456789.eE") == std::string_view::npos) {
        try {
            Value number = Value::parse(text);
            if (number.is_number())
                return number;
        } catch (const std::exception&) {
        }
    }
    return std::string(text);
}

/// Moves a leading front-matter block of @p text into @p metadata.
void take_front_matter(std::string& text, Value& metadata) {
    if (!text.starts_with("---\n") && !text.starts_with("---\r\n"))
        return;
    const std::size_t body_start = text.find('\n') + 1;
    std::size_t pos = body_start;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        if (trim(std::string_view(text).substr(pos, end - pos)) == "---") {
            const std::string_view block = std::string_view(text).substr(body_start, pos - body_start);
            Value fields = Value::object();
            bool simple = true;
            for (std::size_t line_start = 0; line_start < block.size() && simple;) {
                std::size_t line_end = block.find('\n', line_start);
                if (line_end == std::string_view::npos)
                    line_end = block.size();
                const std::string_view line = trim(block.substr(line_start, line_end - line_start));
                line_start = line_end + 1;
                if (line.empty() || line.front() == '#')
                    continue;
                const std::size_t colon = line.find(':');
                if (colon == std::string_view::npos || colon == 0 || line.front() == '-' || line.front() == ' ' ||
                    trim(line.substr(colon + 1)).empty()) {
                    simple = false;
                    break;
                }
                fields[std::string(trim(line.substr(0, colon)))] = scalar(trim(line.substr(colon + 1)));
            }
            if (simple) {
                for (auto it = fields.begin(); it != fields.end(); ++it)
                    metadata[it.key()] = it.value();
            } else {
                metadata["front_matter"] = std::string(block);
            }
            text.erase(0, end == text.size() ? end : end + 1);
            return;
        }
        pos = end + 1;
    }
}

} // namespace

Stream<Document> load_markdown_string(std::string text, std::string source, MarkdownLoaderOptions options) {
    std::string content = detail::checked_utf8(std::move(text), source);
    Value metadata = detail::source_metadata(source);
    if (options.front_matter)
        take_front_matter(content, metadata);
    Document document = detail::make_document(std::move(content), std::move(metadata));
    co_yield std::move(document);
}

Stream<Document> load_markdown(std::filesystem::path path, MarkdownLoaderOptions options) {
    std::string bytes = read_file_bytes(path);
    for (Document& document : load_markdown_string(std::move(bytes), detail::source_of(path), options))
        co_yield std::move(document);
}

} // namespace braid::retrieval
