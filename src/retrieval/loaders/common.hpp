// Shared pieces of the loaders (internal): UTF-8 checks with the offset in errors, the source name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "braid/core/value.hpp"
#include "braid/error.hpp"
#include "braid/retrieval/document.hpp"
#include "../splitters/utf8.hpp"

namespace braid::retrieval::detail {

/// Drops a UTF-8 BOM and checks the rest is UTF-8. @throws Error(errc::parse) naming @p source and the byte
/// offset (in the original text) of the first malformed byte.
inline std::string checked_utf8(std::string text, const std::string& source) {
    std::size_t bom = 0;
    if (text.starts_with("\xEF\xBB\xBF"))
        bom = 3;
    if (const auto bad = first_invalid_utf8(std::string_view(text).substr(bom)))
        throw Error(errc::parse, source + ": invalid UTF-8 at byte offset " + std::to_string(*bad + bom));
    if (bom)
        text.erase(0, bom);
    return text;
}

/// The path as metadata.source (generic, '/'-separated form).
inline std::string source_of(const std::filesystem::path& path) { return path.generic_string(); }

/// `{"source": source}` (built outside coroutines: GCC 12 rejects braced JSON literals in a coroutine body).
inline Value source_metadata(const std::string& source) {
    Value metadata = Value::object();
    metadata["source"] = source;
    return metadata;
}

/// A document (built outside coroutines: GCC 12 miscompiles aggregate temporaries in a co_yield operand,
/// so loaders yield named locals only).
inline Document make_document(std::string content, Value metadata) {
    Document document;
    document.page_content = std::move(content);
    document.metadata = std::move(metadata);
    return document;
}

} // namespace braid::retrieval::detail
