// What the retrieval functions of the C ABI (braid/retrieval.h) read from JSON: option objects whose
// values are checked (a wrong type is an error naming the key, never a JSON library exception), lists of
// documents and ids; and the vector store handle.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handles.hpp"
#include "braid/retrieval.h"
#include "braid/core/value.hpp"
#include "braid/retrieval/document.hpp"
#include "braid/retrieval/loaders.hpp"
#include "braid/retrieval/metadata_filter.hpp"
#include "braid/retrieval/vector_store.hpp"

namespace braid::capi {

/// The object behind a braid_vector_store handle ("BRVS").
struct VectorStoreHandle {
    static constexpr Tag tag_value = static_cast<Tag>(0x53565242);
    static constexpr const char* type_name = "braid_vector_store";
    Tag tag = tag_value;
    std::shared_ptr<retrieval::VectorStore> store; // shared with the retrievers made from it
};

template <> struct Internal<braid_vector_store> { using type = VectorStoreHandle; };

/// The JSON object @p text of argument @p what (NULL: an empty object); keys not in @p known are an error.
Value options_object(const char* text, const char* what, std::initializer_list<std::string_view> known);

/// The whole number ≥ 0 under @p key of @p options, or @p fallback when absent.
std::size_t size_option(const Value& options, const char* key, std::size_t fallback, const std::string& what);

/// The number under @p key, or @p fallback when absent.
double number_option(const Value& options, const char* key, double fallback, const std::string& what);

/// The number under @p key, or nothing when absent.
std::optional<double> optional_number_option(const Value& options, const char* key, const std::string& what);

/// The boolean under @p key, or @p fallback when absent.
bool flag_option(const Value& options, const char* key, bool fallback, const std::string& what);

/// The string under @p key, or @p fallback when absent.
std::string text_option(const Value& options, const char* key, std::string fallback, const std::string& what);

/// The array of strings under @p key, or nothing when absent.
std::optional<std::vector<std::string>> strings_option(const Value& options, const char* key, const std::string& what);

/// The metadata filter under "filter" (empty when absent).
retrieval::MetadataFilter filter_option(const Value& options, const std::string& what);

/// Documents from a JSON array of documents (or strings), or from the object braid_documents_load() gives
/// (its "documents"). A malformed one is Error(errc::parse) naming its index.
retrieval::Documents documents_of(const Value& json, const std::string& what);

/// documents_of() of the JSON text @p text.
retrieval::Documents parse_documents(const char* text, const char* what);

/// A JSON array of @p documents.
Value documents_value(const retrieval::Documents& documents);

/// The directory loader options of braid_documents_load()'s @p options ("glob", "recursive", "skip_hidden",
/// "loader", "csv", "json", "markdown"; other keys are the caller's to check). Defined in retrieval_documents.cpp.
retrieval::DirectoryLoaderOptions directory_loader_options(const Value& options);

/// The chunks of @p documents by braid_documents_split()'s @p options (an object whose keys were checked
/// against the splitters' keys). Defined in retrieval_documents.cpp.
retrieval::Documents split_by_options(const retrieval::Documents& documents, const Value& options);

/// Rejects a key of @p object that is not an option of braid_documents_split(), naming it and @p what.
/// Defined in retrieval_documents.cpp.
void reject_unknown_splitter_keys(const Value& object, const std::string& what);

/// The strings of the JSON array text @p text (ids).
std::vector<std::string> parse_strings(const char* text, const char* what);

} // namespace braid::capi
