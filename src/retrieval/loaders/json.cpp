// JSON and JSON Lines loaders: JSON pointers pick the items, their content and metadata.
#include "braid/retrieval/loaders.hpp"
#include "common.hpp"

namespace braid::retrieval {

namespace {

Value::json_pointer pointer(const std::string& text, const std::string& source, const char* what) {
    try {
        return Value::json_pointer(text);
    } catch (const std::exception& e) {
        throw Error(errc::invalid_argument, source + ": " + what + " '" + text + "' is not a JSON pointer: " + e.what());
    }
}

const Value& resolve(const Value& item, const Value::json_pointer& at, const std::string& text, const std::string& where) {
    try {
        return item.at(at);
    } catch (const std::exception&) {
        throw Error(errc::parse, where + ": JSON pointer '" + text + "' does not resolve");
    }
}

/// The document of @p item (seq_num 1-based); @p where names it in errors.
Document make_document(const Value& item, const JsonLoaderOptions& options, const std::string& source, std::size_t seq_num,
                       const std::string& where) {
    const Value& content = resolve(item, pointer(options.content_pointer, source, "content pointer"), options.content_pointer, where);
    Document document{content.is_string() ? content.get<std::string>() : content.dump(), Value{{"source", source}, {"seq_num", seq_num}}, {}};
    for (const auto& [key, text] : options.metadata_pointers)
        document.metadata[key] = resolve(item, pointer(text, source, "metadata pointer"), text, where);
    return document;
}

Value parse_json(std::string_view text, const std::string& where) {
    try {
        return Value::parse(text);
    } catch (const Value::parse_error& e) {
        throw Error(errc::parse, where + ": invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
    } catch (const Value::exception& e) { // e.g. a number too large for a double (out_of_range 406)
        throw Error(errc::parse, where + ": invalid JSON: " + e.what());
    }
}

} // namespace

Stream<Document> load_json_string(std::string text, std::string source, JsonLoaderOptions options) {
    const Value root = parse_json(detail::checked_utf8(std::move(text), source), source);
    const Value& items = resolve(root, pointer(options.items_pointer, source, "items pointer"), options.items_pointer, source);
    if (!items.is_array()) {
        Document document = make_document(items, options, source, 1, source);
        co_yield std::move(document);
        co_return;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string where = source + ": item " + std::to_string(i);
        Document document = make_document(items[i], options, source, i + 1, where);
        co_yield std::move(document);
    }
}

Stream<Document> load_json(std::filesystem::path path, JsonLoaderOptions options) {
    std::string bytes = read_file_bytes(path);
    for (Document& document : load_json_string(std::move(bytes), detail::source_of(path), std::move(options)))
        co_yield std::move(document);
}

Stream<Document> load_json_lines_string(std::string text, std::string source, JsonLoaderOptions options) {
    text = detail::checked_utf8(std::move(text), source);
    std::size_t seq_num = 0, line_number = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string_view line = std::string_view(text).substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        const std::string where = source + ": line " + std::to_string(line_number);
        Document document = make_document(parse_json(line, where), options, source, ++seq_num, where);
        document.metadata["line"] = line_number;
        co_yield std::move(document);
    }
}

Stream<Document> load_json_lines(std::filesystem::path path, JsonLoaderOptions options) {
    std::string bytes = read_file_bytes(path);
    for (Document& document : load_json_lines_string(std::move(bytes), detail::source_of(path), std::move(options)))
        co_yield std::move(document);
}

} // namespace braid::retrieval
