/// @file
/// @brief JsonSchemaValidator: checks a JSON value against a JSON Schema, naming the failing path.
#pragma once

#include <braid/parsers/detail/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace braid {

namespace detail {
struct CompiledSchema; // the schema with its patterns compiled (src/parsers/json_schema_validator.cpp)
} // namespace detail

/// One place where a value breaks its schema.
struct SchemaViolation {
    /// JSONPath-like location of the offending value: `$`, `$.items[2].name`, `$["odd key"]`.
    std::string path;
    /// What is wrong there, e.g. `expected string, got number`.
    std::string message;

    /// `path: message`.
    std::string to_string() const { return path + ": " + message; }
};

/// Validates values against a JSON Schema (the common subset of drafts 4 to 2020-12 that structured
/// output and tool arguments use):
/// - `type` (one name or an array: null, boolean, integer, number, string, array, object; `integer`
///   accepts whole-valued numbers such as 2.0), `enum`, `const`;
/// - numbers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (number form, and the
///   draft-4 boolean form), `multipleOf`;
/// - strings: `minLength`, `maxLength` (in Unicode code points), `pattern` (ECMAScript, std::regex,
///   searched anywhere in the string as JSON Schema says);
/// - arrays: `items` (one schema, or an array of schemas for tuples with `additionalItems`),
///   `prefixItems`, `minItems`, `maxItems`, `uniqueItems`;
/// - objects: `properties`, `required`, `additionalProperties` (false or a schema),
///   `patternProperties`, `minProperties`, `maxProperties`;
/// - `allOf`, `anyOf`, `oneOf`, `not`, boolean schemas, and local `$ref` (`#`, `#/$defs/x`,
///   `#/definitions/x`, any JSON pointer into the schema).
/// Other keywords (`title`, `description`, `format`, `default`, ...) are accepted and ignored.
///
/// The schema is checked and its patterns compiled once, in the constructor. The validator is an
/// immutable, cheaply copyable handle, safe to use from many threads.
class JsonSchemaValidator {
public:
    /// Most violations collected by default.
    static constexpr std::size_t default_max_violations = 16;

    /// Compiles @p schema. Throws braid::Error(errc::invalid_argument) naming the schema location
    /// (a JSON pointer such as `#/properties/age/minimum`) when a keyword has the wrong form, a
    /// pattern does not compile or a `$ref` does not resolve.
    explicit JsonSchemaValidator(Value schema);

    /// The violations of @p value, in document order, at most @p max_violations of them.
    std::vector<SchemaViolation> violations(const Value& value,
                                            std::size_t max_violations = default_max_violations) const;

    /// True if @p value satisfies the schema.
    bool is_valid(const Value& value) const;

    /// Throws braid::Error(errc::validation) listing the violations ("$.a: expected string, got number;
    /// $.b: ...") if @p value does not satisfy the schema.
    void validate(const Value& value) const;

    /// The schema.
    const Value& schema() const noexcept;

private:
    std::shared_ptr<const detail::CompiledSchema> compiled_;
};

} // namespace braid
