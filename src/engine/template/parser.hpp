// The template parser: tokens → statement nodes and expression trees, following Jinja's grammar
// (operator precedence, tests binding tighter than `not`, filters after unary minus, ...).
#pragma once

#include <vector>

#include "engine/template/ast.hpp"
#include "engine/template/lexer.hpp"

namespace braid::jinja {

/// Most levels statements and expressions may nest in a template (deeper is a syntax error).
inline constexpr int max_parse_depth = 128;

/// Most levels an expression tree may have (chains like `a + b + ...` count one level per operator).
inline constexpr unsigned max_expression_depth = 256;

/// Parses a token stream. Throws a syntax Failure (with the offset of the offending token) on bad
/// syntax, unknown tags, filters or tests, `break`/`continue` outside a loop, and nesting deeper than
/// max_parse_depth.
Body parse(const std::vector<Token>& tokens);

} // namespace braid::jinja
