/// @file
/// @brief braid::retrieval::MetadataFilter: a condition on a document's metadata, written in JSON in the
/// Chroma / LangChain style, that vector stores apply during a search.
///
/// @code
/// auto f = MetadataFilter::parse(Value::parse(R"({"genre": "sf", "year": {"$gte": 2000, "$lt": 2010}})"));
/// bool yes = f.matches(Value{{"genre", "sf"}, {"year", 2004}});   // true
/// @endcode
///
/// Grammar: a filter is an object; each key is either a metadata field or `$and` / `$or` (an array of
/// filters, at least one). A field's value is a plain JSON value (equality, like `{"$eq": value}`) or an
/// object of operators `$eq $ne $gt $gte $lt $lte` (a value) and `$in $nin` (an array). Several keys in one
/// object must all hold. The empty object matches everything.
///
/// Semantics: `$eq`/`$ne`/`$in`/`$nin` use JSON equality (1 equals 1.0); `$gt $gte $lt $lte` compare two
/// numbers or two strings (bytewise) and are false for any other pair; a field missing from the metadata
/// satisfies only `$ne` and `$nin`. Field names are top-level metadata keys (no dotted paths).
#pragma once

#include "braid/core/value.hpp"

namespace braid::retrieval {

/// A validated metadata filter: a regular value type (copyable, comparable). Default: matches everything.
class MetadataFilter {
public:
    /// The filter that matches every document.
    MetadataFilter() = default;

    /// Parses and validates @p json (see the file comment). Null is the empty filter.
    /// @throws Error(errc::invalid_argument) naming the operator or field that is malformed (an unknown
    /// `$op`, `$in` without an array, `$and` without a non-empty array, a filter that is not an object).
    static MetadataFilter parse(const Value& json);

    /// Whether @p metadata (a JSON object; anything else has no fields) satisfies the filter.
    bool matches(const Value& metadata) const;

    /// True when the filter matches everything.
    bool empty() const noexcept { return json_.is_null() || json_.empty(); }

    /// The filter's JSON form (as parsed).
    const Value& json() const noexcept { return json_; }

    /// Equality of the JSON forms.
    friend bool operator==(const MetadataFilter&, const MetadataFilter&) = default;

private:
    Value json_;
};

/// Writes the filter's JSON form.
void to_json(Value& json, const MetadataFilter& filter);
/// Reads (and validates) a filter. @throws Error(errc::invalid_argument) as MetadataFilter::parse.
void from_json(const Value& json, MetadataFilter& filter);

} // namespace braid::retrieval
