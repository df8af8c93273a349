/// @file
/// @brief braid::retrieval::Document: a piece of text with metadata and an id — what loaders produce,
/// splitters cut, vector stores keep and retrievers return (LangChain's Document).
///
/// @code
/// braid::retrieval::Document doc{"Swords need oil.", {{"source", "manual.md"}, {"page", 3}}, "manual-3"};
/// braid::Value json = doc;    // {"page_content": "...", "metadata": {...}, "id": "manual-3"}
/// @endcode
#pragma once

#include <string>
#include <vector>

#include "braid/core/value.hpp"

namespace braid::retrieval {

/// A text with metadata: a regular value type (copyable, comparable).
///
/// JSON form (LangChain's): `{"page_content": "...", "metadata": {...}, "id": "..."}`; `id` is left out
/// when empty and may be absent or null when read; `metadata` must be an object (absent: empty).
struct Document {
    std::string page_content;         ///< The text (UTF-8).
    Value metadata = Value::object(); ///< Any JSON object: source, page, start_index, headers, ...
    std::string id;                   ///< Identifier in a store ("" until one is given).

    /// Member-wise equality.
    friend bool operator==(const Document&, const Document&) = default;
};

/// A list of documents.
using Documents = std::vector<Document>;

/// Writes @p document (see Document).
void to_json(Value& json, const Document& document);
/// Reads a document; a plain JSON string reads as a document with that text and no metadata.
/// @throws Error(errc::parse) naming the field that is missing or of the wrong type.
void from_json(const Value& json, Document& document);

} // namespace braid::retrieval
