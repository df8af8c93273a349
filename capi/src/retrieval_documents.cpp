// The C functions of braid/retrieval.h that take documents in and out as JSON: loading files and folders,
// and splitting documents into chunks.
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "json_io.hpp"
#include "retrieval_common.hpp"
#include "braid/retrieval/loaders.hpp"
#include "braid/retrieval/markdown_header_splitter.hpp"
#include "braid/retrieval/text_splitter.hpp"

namespace braid::capi {

namespace {

// How the CSV, JSON and Markdown loaders read, from options_json's "csv", "json" and "markdown" objects.
struct FormatOptions {
    retrieval::CsvLoaderOptions csv;
    retrieval::JsonLoaderOptions json;
    retrieval::MarkdownLoaderOptions markdown;
};

char single_character_option(const Value& options, const char* key, char fallback, const std::string& what) {
    const std::string text = text_option(options, key, std::string(1, fallback), what);
    if (text.size() != 1)
        throw Error(errc::invalid_argument, what + "'s \"" + key + "\" must be one ASCII character, got \"" + text + "\"");
    return text[0];
}

FormatOptions format_options(const Value& options) {
    FormatOptions o;
    if (const auto csv = options.find("csv"); csv != options.end()) {
        const std::string what = "options_json's \"csv\"";
        require_object(*csv, what);
        reject_unknown_keys(*csv, {"delimiter", "quote", "has_header", "content_columns", "metadata_columns", "source_column"},
                            what);
        o.csv.delimiter = single_character_option(*csv, "delimiter", o.csv.delimiter, what);
        o.csv.quote = single_character_option(*csv, "quote", o.csv.quote, what);
        o.csv.has_header = flag_option(*csv, "has_header", o.csv.has_header, what);
        o.csv.content_columns = strings_option(*csv, "content_columns", what).value_or(std::vector<std::string>{});
        o.csv.metadata_columns = strings_option(*csv, "metadata_columns", what).value_or(std::vector<std::string>{});
        o.csv.source_column = text_option(*csv, "source_column", "", what);
    }
    if (const auto json = options.find("json"); json != options.end()) {
        const std::string what = "options_json's \"json\"";
        require_object(*json, what);
        reject_unknown_keys(*json, {"items_pointer", "content_pointer", "metadata_pointers"}, what);
        o.json.items_pointer = text_option(*json, "items_pointer", "", what);
        o.json.content_pointer = text_option(*json, "content_pointer", "", what);
        if (const auto pointers = json->find("metadata_pointers"); pointers != json->end()) {
            if (!pointers->is_object())
                throw Error(errc::invalid_argument, what + "'s \"metadata_pointers\" must be an object of JSON pointers, got " +
                                                        dump_json(*pointers));
            for (const auto& item : pointers->items()) {
                if (!item.value().is_string())
                    throw Error(errc::invalid_argument, what + "'s \"metadata_pointers\" value of \"" + item.key() +
                                                            "\" must be a string (a JSON pointer)");
                o.json.metadata_pointers[item.key()] = item.value().get<std::string>();
            }
        }
    }
    if (const auto markdown = options.find("markdown"); markdown != options.end()) {
        const std::string what = "options_json's \"markdown\"";
        require_object(*markdown, what);
        reject_unknown_keys(*markdown, {"front_matter"}, what);
        o.markdown.front_matter = flag_option(*markdown, "front_matter", o.markdown.front_matter, what);
    }
    return o;
}

// The loader of a format ("text", "markdown", ...) with the caller's options for it; empty for another name.
retrieval::FileLoader format_loader(const std::string& name, const FormatOptions& o) {
    using retrieval::FileLoader;
    namespace fs = std::filesystem;
    if (name == "text")
        return FileLoader([](const fs::path& p) { return retrieval::load_text(p); });
    if (name == "markdown")
        return FileLoader([m = o.markdown](const fs::path& p) { return retrieval::load_markdown(p, m); });
    if (name == "csv")
        return FileLoader([c = o.csv](const fs::path& p) { return retrieval::load_csv(p, c); });
    if (name == "json")
        return FileLoader([j = o.json](const fs::path& p) { return retrieval::load_json(p, j); });
    if (name == "jsonl")
        return FileLoader([j = o.json](const fs::path& p) { return retrieval::load_json_lines(p, j); });
    if (name == "html")
        return FileLoader([](const fs::path& p) { return retrieval::load_html(p); });
    if (name == "pdf")
        return FileLoader([](const fs::path& p) { return retrieval::load_pdf(p); });
    return {};
}

// The loader named by a "loader" option.
retrieval::FileLoader named_file_loader(const std::string& name, const FormatOptions& o) {
    retrieval::FileLoader loader = format_loader(name, o);
    if (!loader)
        throw Error(errc::invalid_argument, "options_json's \"loader\" must be \"text\", \"markdown\", \"csv\", \"json\", "
                                            "\"jsonl\", \"html\" or \"pdf\", got \"" + name + "\"");
    return loader;
}

// The loaders by extension (those of default_file_loaders()), reading with the caller's format options.
std::map<std::string, retrieval::FileLoader> file_loaders(const FormatOptions& o) {
    std::map<std::string, retrieval::FileLoader> loaders = retrieval::default_file_loaders();
    static constexpr std::pair<const char*, const char*> formats[] = {
        {".md", "markdown"}, {".markdown", "markdown"}, {".csv", "csv"},
        {".json", "json"},   {".jsonl", "jsonl"},       {".ndjson", "jsonl"}};
    for (const auto& [extension, format] : formats)
        loaders[extension] = format_loader(format, o);
    return loaders;
}

// The documents of one file, by the named loader or the one of its extension.
retrieval::Documents load_one_file(const std::filesystem::path& path, const std::string& loader_name,
                                   const FormatOptions& o) {
    if (!loader_name.empty())
        return named_file_loader(loader_name, o)(path).collect();
    std::string extension = path.extension().string();
    for (char& c : extension)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const std::map<std::string, retrieval::FileLoader> loaders = file_loaders(o);
    const auto found = loaders.find(extension);
    if (found == loaders.end())
        throw Error(errc::unsupported, path.string() + ": no loader for the extension '" + extension +
                                           "' (name one with options_json's \"loader\")");
    return found->second(path).collect();
}

Value file_errors_value(const std::vector<retrieval::FileError>& errors) {
    Value list = Value::array();
    for (const retrieval::FileError& error : errors) {
        Value item = Value::object();
        item["path"] = error.path.string();
        item["error"] = errc_name(error.code);
        item["message"] = error.message;
        list.push_back(std::move(item));
    }
    return list;
}

retrieval::DirectoryLoad load_folder(const std::filesystem::path& folder, const Value& options) {
    return retrieval::DirectoryLoader(folder, directory_loader_options(options)).load();
}

retrieval::KeepSeparator keep_separator_of(const std::string& name) {
    if (name == "start")
        return retrieval::KeepSeparator::start;
    if (name == "end")
        return retrieval::KeepSeparator::end;
    if (name == "none")
        return retrieval::KeepSeparator::none;
    throw Error(errc::invalid_argument,
                "options_json's \"keep_separator\" must be \"start\", \"end\" or \"none\", got \"" + name + "\"");
}

retrieval::Documents split_recursive(const retrieval::Documents& documents, const Value& options) {
    retrieval::TextSplitterOptions o;
    const std::string what = "options_json";
    o.chunk_size = size_option(options, "chunk_size", o.chunk_size, what);
    o.chunk_overlap = size_option(options, "chunk_overlap", o.chunk_overlap, what);
    o.is_separator_regex = flag_option(options, "is_separator_regex", o.is_separator_regex, what);
    o.keep_separator = keep_separator_of(text_option(options, "keep_separator", "start", what));
    o.strip_whitespace = flag_option(options, "strip_whitespace", o.strip_whitespace, what);
    o.add_start_index = flag_option(options, "add_start_index", o.add_start_index, what);
    std::optional<std::vector<std::string>> separators = strings_option(options, "separators", what);
    const std::string language = text_option(options, "language", "", what);
    if (!language.empty()) {
        if (separators)
            throw Error(errc::invalid_argument, "options_json gives both \"separators\" and \"language\": choose one");
        return retrieval::RecursiveCharacterTextSplitter::from_language(retrieval::language_from_string(language), o)
            .split_documents(documents);
    }
    if (separators)
        o.separators = std::move(*separators);
    return retrieval::RecursiveCharacterTextSplitter(o).split_documents(documents);
}

retrieval::Documents split_markdown_headers(const retrieval::Documents& documents, const Value& options) {
    retrieval::MarkdownHeaderSplitterOptions o;
    const std::string what = "options_json";
    if (const auto headers = options.find("headers_to_split_on"); headers != options.end() && !headers->is_null()) {
        const auto bad = [&] {
            throw Error(errc::invalid_argument, what + "'s \"headers_to_split_on\" must be an array of [marker, name] "
                                                       "string pairs, got " + dump_json(*headers));
        };
        if (!headers->is_array())
            bad();
        o.headers_to_split_on.clear();
        for (const Value& pair : *headers) {
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
                bad();
            o.headers_to_split_on.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
        }
    }
    o.strip_headers = flag_option(options, "strip_headers", o.strip_headers, what);
    o.return_each_line = flag_option(options, "return_each_line", o.return_each_line, what);
    return retrieval::MarkdownHeaderTextSplitter(o).split_documents(documents);
}

// An option of one splitter given to the other is a mistake, not something to ignore.
void reject_other_splitter_keys(const Value& options, const std::string& splitter) {
    static constexpr const char* markdown_only[] = {"headers_to_split_on", "strip_headers", "return_each_line"};
    const bool markdown = splitter == "markdown_header";
    for (const auto& item : options.items()) {
        bool is_markdown_key = false;
        for (const char* key : markdown_only)
            is_markdown_key = is_markdown_key || item.key() == key;
        if (item.key() != "splitter" && is_markdown_key != markdown)
            throw Error(errc::invalid_argument, "options_json's \"" + item.key() + "\" is not an option of the \"" +
                                                    splitter + "\" splitter");
    }
}

} // namespace

retrieval::DirectoryLoaderOptions directory_loader_options(const Value& options) {
    retrieval::DirectoryLoaderOptions o;
    if (std::optional<std::vector<std::string>> glob = strings_option(options, "glob", "options_json"))
        o.glob = std::move(*glob);
    o.recursive = flag_option(options, "recursive", o.recursive, "options_json");
    o.skip_hidden = flag_option(options, "skip_hidden", o.skip_hidden, "options_json");
    const FormatOptions formats = format_options(options);
    o.loaders = file_loaders(formats);
    const std::string loader = text_option(options, "loader", "", "options_json");
    if (!loader.empty()) {
        o.loaders.clear();
        o.fallback = named_file_loader(loader, formats);
    }
    return o;
}

void reject_unknown_splitter_keys(const Value& object, const std::string& what) {
    reject_unknown_keys(object,
                        {"splitter", "chunk_size", "chunk_overlap", "separators", "is_separator_regex", "keep_separator",
                         "strip_whitespace", "add_start_index", "language", "headers_to_split_on", "strip_headers",
                         "return_each_line"},
                        what);
}

retrieval::Documents split_by_options(const retrieval::Documents& documents, const Value& options) {
    const std::string splitter = text_option(options, "splitter", "recursive_character", "options_json");
    if (splitter != "recursive_character" && splitter != "markdown_header")
        throw Error(errc::invalid_argument, "options_json's \"splitter\" must be \"recursive_character\" or "
                                            "\"markdown_header\", got \"" + splitter + "\"");
    reject_other_splitter_keys(options, splitter);
    return splitter == "markdown_header" ? split_markdown_headers(documents, options) : split_recursive(documents, options);
}

} // namespace braid::capi

// At global scope: the definitions must be the header's declarations (BRAID_API, exported).
using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_documents_load(char** out_json, const char* path, const char* options_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        require(path, "path");
        const Value options = options_object(options_json, "options_json",
                                             {"loader", "glob", "recursive", "skip_hidden", "csv", "json", "markdown"});
        const std::filesystem::path where(path);
        std::error_code ec;
        if (where.empty() || !std::filesystem::exists(where, ec))
            throw Error(errc::not_found, "path '" + where.string() + "' does not exist");
        Value result = Value::object();
        if (std::filesystem::is_directory(where, ec)) {
            const retrieval::DirectoryLoad load = load_folder(where, options);
            result["documents"] = documents_value(load.documents);
            result["errors"] = file_errors_value(load.errors);
        } else {
            if (options.contains("glob") || options.contains("recursive") || options.contains("skip_hidden"))
                throw Error(errc::invalid_argument,
                            "options_json's \"glob\", \"recursive\" and \"skip_hidden\" are for folders; path '" +
                                where.string() + "' is a file");
            result["documents"] = documents_value(
                load_one_file(where, text_option(options, "loader", "", "options_json"), format_options(options)));
            result["errors"] = Value::array();
        }
        put_string(out_json, dump_json(result));
    });
}

braid_status braid_documents_split(char** out_json, const char* documents_json, const char* options_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const retrieval::Documents documents = parse_documents(documents_json, "documents_json");
        const Value options = options_object(options_json, "options_json",
                                             {"splitter", "chunk_size", "chunk_overlap", "separators",
                                              "is_separator_regex", "keep_separator", "strip_whitespace",
                                              "add_start_index", "language", "headers_to_split_on", "strip_headers",
                                              "return_each_line"});
        put_string(out_json, dump_json(documents_value(split_by_options(documents, options))));
    });
}

braid_status braid_documents_split_tokens(char** out_json, const char* documents_json, const braid_tokenizer* tokenizer,
                                          const char* options_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        std::shared_ptr<const engine::Tokenizer> counter = use(tokenizer, "tokenizer").tokenizer;
        const retrieval::Documents documents = parse_documents(documents_json, "documents_json");
        const Value options = options_object(options_json, "options_json", {"chunk_size", "chunk_overlap"});
        retrieval::TokenTextSplitterOptions o;
        o.chunk_size = size_option(options, "chunk_size", o.chunk_size, "options_json");
        o.chunk_overlap = size_option(options, "chunk_overlap", o.chunk_overlap, "options_json");
        // No special tokens: the chunks are plain text, whatever the model adds around them when it runs.
        o.encode = [counter](std::string_view text) { return counter->tokenize(text, false); };
        o.decode = [counter](std::span<const std::int32_t> ids) { return counter->detokenize(ids, false); };
        put_string(out_json, dump_json(documents_value(retrieval::TokenTextSplitter(std::move(o)).split_documents(documents))));
    });
}

} // extern "C"
