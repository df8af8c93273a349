// Internals of the JSON Schema → GBNF compiler shared by its source files (json_schema*.cpp,
// regex_to_gbnf.cpp): the rule builder, character sets in their JSON encoding, regex and format
// fragments, integer ranges.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace braid::engine::detail {

/// Collects GBNF rules. Rules with the same body share one name (so repeated subschemas cost one rule).
class GbnfBuilder {
public:
    /// A fresh rule name made from @p hint (letters, digits and '-' kept), unique in this grammar.
    std::string reserve(std::string_view hint);
    /// Defines a reserved rule.
    void define(const std::string& name, std::string body);
    /// A rule with @p body: the existing one with that body, or a new one named after @p hint.
    std::string rule(std::string_view hint, std::string body);
    /// Whether a rule of that name exists.
    bool has(const std::string& name) const { return rules_.count(name) != 0; }
    /// Bytes of rule text so far.
    std::size_t size() const { return size_; }
    /// The grammar text, @p root first.
    std::string text(const std::string& root) const;

private:
    std::map<std::string, std::string> rules_;
    std::vector<std::string> order_;
    std::map<std::string, std::string> by_body_;
    std::size_t size_ = 0;
};

/// A GBNF string literal matching exactly the bytes of @p utf8.
std::string gbnf_literal(std::string_view utf8);

/// A set of Unicode code points as sorted, disjoint, non-adjacent closed ranges.
struct CharSet {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;

    void add(std::uint32_t lo, std::uint32_t hi);
    void add(const CharSet& other);
    CharSet complement() const; ///< Over [0, 0x10FFFF] minus the surrogates.
    bool contains(std::uint32_t c) const;
    bool empty() const { return ranges.empty(); }
};

/// The JSON text of @p s's content (no quotes) as Python's json.dumps(ensure_ascii=False) writes it.
std::string json_escape(std::string_view s);
/// A GBNF expression for one character of @p set in a JSON string: the character itself where JSON
/// allows it raw, its escape where it must be escaped (`\"`, `\\`, control characters).
std::string json_char_expr(const CharSet& set);

/// A regex compiled to string content: the expression (a rule name) and the length bounds of what it
/// matches, in characters (max: nothing when unbounded).
struct RegexContent {
    std::string expr;
    std::size_t min_length = 0;
    std::optional<std::size_t> max_length;
    /// Set when the pattern is `^C{m,n}$` for one character class C (so lengths can be intersected).
    std::optional<CharSet> repeated_class;
};
/// Compiles an ECMAScript pattern (JSON Schema semantics: unanchored unless `^`/`$`) into rules of @p b
/// matching the JSON encoding of the strings it matches (content only, no quotes). @p any_char is the
/// rule for one arbitrary JSON string character (used for unanchored ends).
RegexContent regex_content(GbnfBuilder& b, std::string_view pattern, std::string_view hint,
                           const std::string& any_char);

/// String content for a `format` braid enforces (date, time, date-time, uuid, email, ipv4, ipv6,
/// hostname, uri, ...); nothing for a format it does not know.
std::optional<RegexContent> format_content(GbnfBuilder& b, std::string_view format);
/// Whether @p format is one validators check (JSON Schema's defined formats): one format_content does
/// not know must then be an error, not ignored.
bool is_checked_format(std::string_view format);

/// A GBNF expression for the decimal integers in [lo, hi] (either side open when absent), written as
/// JSON writes them (no leading zeros, no "-0").
std::string integer_range_expr(std::optional<std::int64_t> lo, std::optional<std::int64_t> hi);
/// A GBNF expression for the digit strings of the naturals in [lo, hi] (hi absent: unbounded).
std::string natural_range_expr(std::uint64_t lo, std::optional<std::uint64_t> hi);

using Json = nlohmann::ordered_json;

/// The JSON text of @p s's content for a JSON string as the schema compiler accepts it in one character
/// (the rule named "char"): any raw character JSON allows, any escape, surrogate pairs as one character.
std::string json_char_rule_body();

/// The schema @p ref points to ("#", "#/json/pointer" with ~0 ~1 and %-escapes, or "#name" for an
/// `$anchor`/`$id` fragment) in @p root. Throws Error(errc::unsupported) for references outside the
/// document, Error(errc::invalid_argument) for pointers that lead nowhere (both naming @p where).
/// Sets @p pointer to the canonical pointer ("" for the root).
const Json& resolve_ref(const Json& root, const std::string& ref, const std::string& where, std::string& pointer);

/// The schema both @p a and @p b describe (allOf of the two) as far as it can be written as one schema:
/// types intersected, properties merged (with each side's additionalProperties for the keys only the
/// other names), required united, bounds tightened, enums intersected, anyOf distributed. Throws
/// Error(errc::unsupported) naming the keyword (and @p where) for what it cannot merge.
Json merge_schemas(const Json& a, const Json& b, const std::string& where);

/// Whether @p value satisfies @p schema: true, false, or nothing when the check cannot tell (formats,
/// unevaluated*, patterns std::regex cannot decide on non-ASCII text). @p root resolves `$ref`.
std::optional<bool> check_instance(const Json& value, const Json& schema, const Json& root, int depth = 0);
/// True when @p value certainly satisfies @p schema (false when not, or when it cannot tell: a caller
/// that drops such values stays sound).
bool value_satisfies(const Json& value, const Json& schema, const Json& root, int depth = 0);
/// A schema accepting exactly the values @p schema rejects (or a subset of them: `integer` is negated as
/// "not a number"), built from type, enum/const of null and booleans, bounds, lengths, counts, required,
/// properties, not, anyOf, allOf and $ref; nothing when a keyword has no such complement.
std::optional<Json> negate_schema(const Json& schema, const Json& root);
/// JSON Schema's equality of values (1 == 1.0, true != 1, objects regardless of key order).
bool json_equal(const Json& a, const Json& b);

/// braid's own keyword for "a string other than these" (an array of strings): what the complement of
/// string enum/const values compiles to. Checked like any keyword; enforced on otherwise unconstrained
/// strings.
inline constexpr const char* not_in_keyword = "x-braid-not-in";

/// braid's own keyword for "exactly one of these property sets is wholly present" (an array of arrays
/// of names): what a oneOf of `required` lists compiles to, enforced by the object's property state
/// machine rather than by one object grammar per combination.
inline constexpr const char* one_of_required_keyword = "x-braid-one-of-required";

/// Whether a keyword carries no constraint (metadata and the definitions containers).
bool is_annotation_keyword(std::string_view key);
/// Whether a key is a keyword of JSON Schema (drafts 4 to 2020-12) that constrains values.
bool is_constraint_keyword(std::string_view key);

} // namespace braid::engine::detail
