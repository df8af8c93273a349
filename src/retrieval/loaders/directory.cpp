// DirectoryLoader: glob matching over relative paths, sorted file lists, per-extension loaders and
// per-file error collection.
#include <algorithm>
#include <cctype>

#include "braid/retrieval/loaders.hpp"
#include "common.hpp"

namespace braid::retrieval {

namespace {

/// `[...]` at @p pattern[p] against @p c; returns the position after the class, or npos when malformed.
std::size_t match_class(std::string_view pattern, std::size_t p, char c, bool& matched) {
    std::size_t i = p + 1;
    bool negate = false;
    if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
        negate = true;
        ++i;
    }
    bool found = false, first = true;
    for (; i < pattern.size() && (first || pattern[i] != ']'); ++i, first = false) {
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            found |= pattern[i] <= c && c <= pattern[i + 2];
            i += 2;
        } else {
            found |= pattern[i] == c;
        }
    }
    if (i >= pattern.size())
        return std::string_view::npos;
    matched = found != negate;
    return i + 1;
}

/// One path segment against one pattern segment (`*`, `?`, classes).
bool match_segment(std::string_view pattern, std::string_view name) {
    std::size_t p = 0, n = 0, star_p = std::string_view::npos, star_n = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star_p = p++;
            star_n = n;
            continue;
        }
        if (p < pattern.size() && pattern[p] == '[') {
            bool matched = false;
            const std::size_t after = match_class(pattern, p, name[n], matched);
            if (after != std::string_view::npos && matched) {
                p = after;
                ++n;
                continue;
            }
            if (after == std::string_view::npos && name[n] == '[') { // a lone '[' is literal
                ++p;
                ++n;
                continue;
            }
        } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p;
            ++n;
            continue;
        }
        if (star_p == std::string_view::npos)
            return false;
        p = star_p + 1;
        n = ++star_n;
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

std::vector<std::string_view> segments(std::string_view s) {
    std::vector<std::string_view> out;
    for (std::size_t pos = 0; pos <= s.size();) {
        std::size_t end = s.find('/', pos);
        if (end == std::string_view::npos)
            end = s.size();
        if (end > pos)
            out.push_back(s.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

bool match_segments(const std::vector<std::string_view>& pattern, std::size_t p, const std::vector<std::string_view>& path, std::size_t n) {
    while (p < pattern.size()) {
        if (pattern[p] == "**") {
            for (std::size_t skip = n; skip <= path.size(); ++skip)
                if (match_segments(pattern, p + 1, path, skip))
                    return true;
            return false;
        }
        if (n >= path.size() || !match_segment(pattern[p], path[n]))
            return false;
        ++p;
        ++n;
    }
    return n == path.size();
}

std::string lower_extension(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    for (char& c : extension)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return extension;
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view relative_path) {
    auto pattern_segments = segments(pattern);
    // Consecutive "**" are one.
    pattern_segments.erase(std::unique(pattern_segments.begin(), pattern_segments.end(),
                                       [](std::string_view a, std::string_view b) { return a == "**" && b == "**"; }),
                           pattern_segments.end());
    return match_segments(pattern_segments, 0, segments(relative_path), 0);
}

std::map<std::string, FileLoader> default_file_loaders() {
    const FileLoader text = [](const std::filesystem::path& p) { return load_text(p); };
    const FileLoader markdown = [](const std::filesystem::path& p) { return load_markdown(p); };
    const FileLoader html = [](const std::filesystem::path& p) { return load_html(p); };
    const FileLoader json_lines = [](const std::filesystem::path& p) { return load_json_lines(p); };
    return {{".txt", text},
            {".text", text},
            {".log", text},
            {".md", markdown},
            {".markdown", markdown},
            {".csv", [](const std::filesystem::path& p) { return load_csv(p); }},
            {".json", [](const std::filesystem::path& p) { return load_json(p); }},
            {".jsonl", json_lines},
            {".ndjson", json_lines},
            {".html", html},
            {".htm", html},
            {".xhtml", html},
            {".pdf", [](const std::filesystem::path& p) { return load_pdf(p); }}};
}

DirectoryLoader::DirectoryLoader(std::filesystem::path folder, DirectoryLoaderOptions options)
    : folder_(std::move(folder)), options_(std::move(options)) {
    if (options_.glob.empty())
        throw Error(errc::invalid_argument, "directory loader: no glob pattern");
    for (const std::string& pattern : options_.glob)
        if (pattern.empty())
            throw Error(errc::invalid_argument, "directory loader: empty glob pattern");
}

std::vector<std::filesystem::path> DirectoryLoader::files() const {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(folder_, ec))
        throw Error(errc::io, "directory loader: " + folder_.string() + " is not a readable folder");
    std::vector<std::pair<std::string, fs::path>> found;
    fs::recursive_directory_iterator it(folder_, fs::directory_options::skip_permission_denied, ec), end;
    if (ec)
        throw Error(errc::io, "directory loader: cannot list " + folder_.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec)
            throw Error(errc::io, "directory loader: cannot list " + folder_.string() + ": " + ec.message());
        const fs::path& path = it->path();
        const std::string name = path.filename().string();
        const bool is_folder = it->is_directory(ec);
        if (options_.skip_hidden && name.starts_with(".")) {
            if (is_folder)
                it.disable_recursion_pending();
            continue;
        }
        if (is_folder) {
            if (!options_.recursive)
                it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec) && !it->is_symlink(ec))
            continue;
        std::string relative = path.lexically_relative(folder_).generic_string();
        for (const std::string& pattern : options_.glob) {
            if (glob_match(pattern, relative)) {
                found.emplace_back(std::move(relative), path);
                break;
            }
        }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<fs::path> paths;
    paths.reserve(found.size());
    for (auto& entry : found)
        paths.push_back(std::move(entry.second));
    return paths;
}

Stream<Document> DirectoryLoader::lazy_load(std::function<void(const FileError&)> on_error) const {
    // Copies: the stream may outlive this loader.
    const std::vector<std::filesystem::path> paths = files();
    const std::map<std::string, FileLoader> loaders = options_.loaders;
    const FileLoader fallback = options_.fallback;
    return [](std::vector<std::filesystem::path> paths, std::map<std::string, FileLoader> loaders, FileLoader fallback,
              std::function<void(const FileError&)> on_error) -> Stream<Document> {
        for (const std::filesystem::path& path : paths) {
            const auto found = loaders.find(lower_extension(path));
            const FileLoader& loader = found != loaders.end() ? found->second : fallback;
            if (!loader)
                continue;
            Stream<Document> documents;
            std::optional<FileError> failed;
            for (bool first = true;; first = false) {
                std::optional<Document> document;
                try {
                    if (first)
                        documents = loader(path);
                    document = documents.next();
                } catch (const Error& e) {
                    failed = FileError{path, e.kind(), e.what()};
                } catch (const std::exception& e) {
                    failed = FileError{path, errc::internal, e.what()};
                }
                if (failed) {
                    if (!on_error)
                        throw Error(failed->code, failed->message);
                    on_error(*failed);
                    break;
                }
                if (!document)
                    break;
                co_yield std::move(*document);
            }
        }
    }(paths, loaders, fallback, std::move(on_error));
}

DirectoryLoad DirectoryLoader::load() const {
    DirectoryLoad result;
    for (Document& document : lazy_load([&](const FileError& error) { result.errors.push_back(error); }))
        result.documents.push_back(std::move(document));
    return result;
}

} // namespace braid::retrieval
