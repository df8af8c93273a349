/// @file
/// @brief JSON Schema → GBNF grammar compiler, and ECMAScript regex → GBNF (for `pattern`).
///
/// Structured output: a JSON Schema becomes a grammar (llama.cpp's GBNF text) whose language is a subset
/// of the schema's valid instances, serialized as JSON. The grammar engine (braid/engine/grammar*.hpp)
/// compiles that text and masks tokens with it.
/// @code
/// nlohmann::ordered_json schema = nlohmann::ordered_json::parse(R"({"type":"object",
///     "properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
///     "required":["name"]})");
/// std::string gbnf = braid::engine::json_schema_to_gbnf(schema);   // root rule: "root"
/// @endcode
/// Rules that matter:
/// - **Sound first.** Every text the grammar accepts is a valid instance. Where the compiler cannot
///   enforce a keyword exactly it either narrows the language (documented per keyword in
///   docs/guides/structured_output.md: e.g. numbers with bounds are written without exponent) or fails
///   with Error(errc::unsupported) naming the keyword and its JSON pointer. With
///   JsonSchemaOptions::ignore_unsupported such a keyword is dropped instead, with a warning through
///   braid's log sink (component "json_schema"), and soundness is no longer promised.
/// - Metadata keywords (title, description, default, examples, $schema, $id, $comment, deprecated,
///   readOnly, writeOnly, ...) and keywords JSON Schema does not define are ignored, as the spec says.
/// - Strings are accepted in the form JSON encoders write them: the escapes a string needs (`\"`, `\\`,
///   control characters) and any other escape where the schema does not constrain the characters.
/// - Thread-safe: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "braid/engine/grammar.hpp"

namespace braid::engine {

/// Where the grammar lets whitespace appear between JSON tokens.
enum class JsonWhitespace {
    /// At most one space after `,` and `:` (both `{"a":1}` and Python's `{"a": 1}`), nowhere else.
    compact,
    /// Up to 20 JSON whitespace characters (space, tab, newline, carriage return) wherever JSON allows
    /// whitespace (bounded, so that a model cannot loop on whitespace forever).
    flexible,
};

/// In which order object properties may come.
enum class JsonPropertyOrder {
    /// The order of `properties` (optional ones may be left out; additional properties may come anywhere).
    schema,
    /// Any order, each property at most once, for objects with at most
    /// JsonSchemaOptions::max_any_order_properties properties (the grammar has one rule per subset of
    /// them); larger objects fall back to schema order.
    any,
};

/// How json_schema_to_gbnf compiles.
struct JsonSchemaOptions {
    /// Whitespace between tokens.
    JsonWhitespace whitespace = JsonWhitespace::compact;
    /// Property order policy.
    JsonPropertyOrder property_order = JsonPropertyOrder::any;
    /// Largest object compiled in any order (2^n rules); larger ones follow schema order.
    std::size_t max_any_order_properties = 8;
    /// What an absent `additionalProperties` means: true as the spec says; false closes every object to
    /// its `properties` (what most users of structured output want).
    bool additional_properties_default = true;
    /// Drop keywords that cannot be enforced, with a warning, instead of failing (unsound then).
    bool ignore_unsupported = false;
    /// Upper bound of the grammar text's size in bytes; a larger grammar is Error(errc::unsupported).
    std::size_t max_grammar_bytes = std::size_t{1} << 20;
    /// Upper bound of compile time in milliseconds; exceeding it is Error(errc::timeout). 0: none.
    unsigned max_compile_ms = 1000;
};

/// Compiles @p schema (a JSON Schema, draft 4 to 2020-12; an object or a boolean) into GBNF text whose
/// start rule is `root`.
/// Throws Error(errc::unsupported) for a keyword or keyword value it cannot enforce (the message names
/// the keyword and its JSON pointer, e.g. `unsupported keyword 'not' at /properties/a`),
/// Error(errc::invalid_argument) for a malformed schema (a wrong keyword type, an unresolvable `$ref`)
/// or one that no value satisfies, Error(errc::timeout) past JsonSchemaOptions::max_compile_ms.
std::string json_schema_to_gbnf(const nlohmann::ordered_json& schema, const JsonSchemaOptions& options = {});

/// json_schema_to_gbnf compiled by Grammar::from_gbnf: the grammar a GrammarMatcher or
/// GenerateOptions::grammar takes. Throws what both throw (a grammar too large for the engine is
/// Error(errc::parse) from Grammar::from_gbnf).
std::shared_ptr<const Grammar> json_schema_grammar(const nlohmann::ordered_json& schema,
                                                   const JsonSchemaOptions& options = {});

/// GBNF for a JSON *string* (quotes included) whose decoded content matches the ECMAScript regular
/// expression @p pattern with JSON Schema's semantics (unanchored: `^`/`$` anchor it), with rules named
/// after @p rule_prefix. The result is a set of rules; the one named @p rule_prefix is the string.
/// Supported: literals, escapes (`\t \n \r \v \f \0 \xHH \uHHHH \u{H...} \cX`), classes with ranges and
/// negation, `\d \w \s \D \W \S`, `.`, groups (capturing, `(?:)`, named), alternation, quantifiers
/// `* + ? {n} {n,} {n,m}` and their lazy forms, `^` at the start and `$` at the end of a branch.
/// Throws Error(errc::unsupported) naming backreferences, lookarounds, word boundaries and anchors
/// elsewhere; Error(errc::parse) for a malformed pattern (the message gives the offset).
std::string regex_to_gbnf(std::string_view pattern, std::string_view rule_prefix = "root");

/// @p value serialized exactly as Python's `json.dumps(value, ensure_ascii=False)` writes it: separators
/// ", " and ": ", non-ASCII kept, escapes `\" \\ \n \r \t \b \f` and `\u00xx` for other control
/// characters, floats as Python's repr (`1.0`, `1e-05`, `1e+20`, `Infinity`, `NaN`). The MaskBench
/// procedure (braid-cli grammar bench) feeds grammars this text.
std::string to_python_json(const nlohmann::ordered_json& value);

} // namespace braid::engine
