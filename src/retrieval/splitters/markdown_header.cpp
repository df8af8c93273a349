// MarkdownHeaderTextSplitter: LangChain's line-by-line header tracking with a header stack, code-fence
// detection and aggregation of lines that share the same headers.
#include <algorithm>

#include "braid/error.hpp"
#include "braid/retrieval/markdown_header_splitter.hpp"
#include "utf8.hpp"

namespace braid::retrieval {

MarkdownHeaderTextSplitter::MarkdownHeaderTextSplitter(MarkdownHeaderSplitterOptions options) : options_(std::move(options)) {
    for (const auto& [marker, key] : options_.headers_to_split_on)
        if (marker.empty() || key.empty())
            throw Error(errc::invalid_argument, "markdown header splitter: empty header marker or metadata key");
    std::stable_sort(options_.headers_to_split_on.begin(), options_.headers_to_split_on.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

namespace {

struct Line {
    std::string content;
    Value metadata;
};

struct Header {
    std::size_t level;
    std::string key;
};

} // namespace

Documents MarkdownHeaderTextSplitter::split_text(std::string_view text) const {
    std::vector<Line> lines;
    std::vector<std::string> current;
    Value current_metadata = Value::object(), header_metadata = Value::object();
    std::vector<Header> stack;
    bool in_code = false;
    std::string fence;
    const auto flush = [&] {
        if (current.empty())
            return;
        std::string joined;
        for (std::size_t i = 0; i < current.size(); ++i)
            joined += (i ? "\n" : "") + current[i];
        lines.push_back({std::move(joined), current_metadata});
        current.clear();
    };
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = detail::strip_unicode_space(text.substr(pos, end - pos));
        pos = end + 1;
        if (!in_code) {
            for (const char* marker : {"```", "~~~"}) {
                if (line.starts_with(marker) && (std::string_view(marker) != "```" || line.find("```", 3) == std::string_view::npos)) {
                    in_code = true;
                    fence = marker;
                    break;
                }
            }
        } else if (line.starts_with(fence)) {
            in_code = false;
            fence.clear();
        }
        if (in_code || (!fence.empty())) {
            current.emplace_back(line);
            continue;
        }
        bool header = false;
        for (const auto& [marker, key] : options_.headers_to_split_on) {
            if (!line.starts_with(marker) || (line.size() > marker.size() && line[marker.size()] != ' '))
                continue;
            const auto level = static_cast<std::size_t>(std::count(marker.begin(), marker.end(), '#'));
            while (!stack.empty() && stack.back().level >= level) {
                header_metadata.erase(stack.back().key);
                stack.pop_back();
            }
            stack.push_back({level, key});
            header_metadata[key] = std::string(detail::strip_unicode_space(line.substr(marker.size())));
            flush();
            if (!options_.strip_headers)
                current.emplace_back(line);
            header = true;
            break;
        }
        if (!header) {
            if (!line.empty())
                current.emplace_back(line);
            else
                flush();
        }
        current_metadata = header_metadata;
        if (end == text.size())
            break;
    }
    flush();

    Documents documents;
    if (options_.return_each_line) {
        for (Line& line : lines)
            documents.push_back(Document{std::move(line.content), std::move(line.metadata), {}});
        return documents;
    }
    for (Line& line : lines) {
        if (!documents.empty() && documents.back().metadata == line.metadata) {
            documents.back().page_content += "  \n" + line.content;
        } else if (!documents.empty() && !options_.strip_headers && documents.back().metadata.size() < line.metadata.size() &&
                   [&] {
                       const std::string& content = documents.back().page_content;
                       const std::size_t last = content.rfind('\n');
                       const std::size_t start = last == std::string::npos ? 0 : last + 1;
                       return start < content.size() && content[start] == '#';
                   }()) {
            // A header line alone, followed by its section: they go together.
            documents.back().page_content += "  \n" + line.content;
            documents.back().metadata = std::move(line.metadata);
        } else {
            documents.push_back(Document{std::move(line.content), std::move(line.metadata), {}});
        }
    }
    return documents;
}

Documents MarkdownHeaderTextSplitter::split_documents(const Documents& documents) const {
    Documents sections;
    for (const Document& document : documents) {
        for (Document& section : split_text(document.page_content)) {
            Value metadata = document.metadata;
            for (auto it = section.metadata.begin(); it != section.metadata.end(); ++it)
                metadata[it.key()] = it.value();
            section.metadata = std::move(metadata);
            sections.push_back(std::move(section));
        }
    }
    return sections;
}

} // namespace braid::retrieval
