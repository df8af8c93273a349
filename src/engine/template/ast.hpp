// The parsed form of a template: statement nodes holding expression trees. Built once by the parser
// and only read afterwards, so one parsed template renders on many threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/template/value.hpp"

namespace braid::jinja {

/// A filter: value | name(args). The subject may be Undefined.
using FilterFn = Value (*)(Renderer&, const Value& subject, Args& args);
/// A test: value is name(args).
using TestFn = bool (*)(Renderer&, const Value& subject, Args& args);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
    constant,  // literal
    name,      // variable
    list,      // [a, b]
    tuple,     // (a, b)
    dict,      // {k: v}: args alternate keys and values
    getattr,   // args[0].name
    getitem,   // args[0][args[1]]
    slice,     // args[0][args[1]:args[2]:args[3]], missing parts null
    call,      // args[0](args[1..], kwargs, *dyn_args, **dyn_kwargs)
    filter,    // args[0] | name(args[1..], kwargs); args[0] null in a filter block or set block
    test,      // args[0] is name(args[1..], kwargs)
    not_,      // not args[0]
    neg,       // -args[0]
    pos,       // +args[0]
    binary,    // args[0] op args[1]
    compare,   // args[0] cmp[0] args[1] cmp[1] args[2] ... (chained as in Python)
    and_,      // args[0] and args[1]
    or_,       // args[0] or args[1]
    concat,    // args joined with ~
    cond,      // args[1] if args[0] else args[2] (args[2] may be null)
};

enum class BinaryOp { add, sub, mul, div, floordiv, mod, pow };
enum class CompareOp { eq, ne, lt, le, gt, ge, in, not_in };

struct Expr {
    ExprKind kind = ExprKind::constant;
    std::size_t offset = 0;  // byte offset in the source, for error messages
    Value constant;
    std::string name;        // variable, attribute, filter or test name
    std::vector<ExprPtr> args;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    ExprPtr dyn_args;        // *args of a call
    ExprPtr dyn_kwargs;      // **kwargs of a call
    BinaryOp op = BinaryOp::add;
    std::vector<CompareOp> compare_ops;
    FilterFn filter = nullptr;
    TestFn test = nullptr;
    unsigned depth = 1;      // levels of this tree (bounded by the parser)
};

/// What a `for`, `set` or `with` assigns to: a name, a namespace attribute (`ns.x`) or a tuple of targets.
struct Target {
    std::string name;
    std::string attr;           // non-empty for `ns.attr`
    std::vector<Target> items;  // for a tuple
    bool tuple = false;
    std::size_t offset = 0;
};

struct Node;
using Body = std::vector<Node>;

enum class NodeKind {
    text,          // literal output
    output,        // {{ expr }}
    if_,           // branches (cond, body)..., else_body
    for_,          // for target in expr [if condition] [recursive]: body, else_body
    set,           // set target = expr
    set_block,     // set target [| filters]: body (expr: the filter chain applied to the body, or null)
    macro,         // macro name(params): body
    call_block,    // call(params) expr: body is the caller
    filter_block,  // filter chain (expr) over body
    break_,
    continue_,
    with,          // with assignments: body
    scope,         // a body rendered in its own scope ({% generation %})
};

/// A macro or caller parameter: its name and default value (null when it has none).
struct Param {
    std::string name;
    ExprPtr default_value;
};

struct Node {
    NodeKind kind = NodeKind::text;
    std::size_t offset = 0;
    std::string text;                               // text; macro name
    ExprPtr expr;                                   // output, set value, for iterable, call, filter chain
    ExprPtr condition;                              // for: the `if` filter
    std::vector<std::pair<ExprPtr, Body>> branches; // if / elif
    Body body;
    Body else_body;
    Target target;
    std::vector<Param> params;                      // macro / caller parameters
    std::vector<std::pair<Target, ExprPtr>> assignments;  // with
    bool recursive = false;                         // for ... recursive
    bool uses_caller = false;                       // macro body refers to `caller`
    bool uses_varargs = false;                      // ... to `varargs`
    bool uses_kwargs = false;                       // ... to `kwargs`
};

} // namespace braid::jinja
