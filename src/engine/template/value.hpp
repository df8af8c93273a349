// The values a chat template computes with: Python's object model in miniature (None, bool, int, float,
// str and markupsafe's Markup, list, tuple, iterators and dict views, dict with insertion order,
// callables, Jinja's Namespace and lenient Undefined, loop objects).
// Lists, tuples and dicts are immutable once built (the sandbox forbids mutating them), so they are
// shared by pointer; only a Namespace and the loop/cycler objects change, and they have reference
// semantics as in Python.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace braid::jinja {

class Value;
class Renderer;
struct Args;

/// What went wrong, named after the Python exception Jinja would raise.
enum class FailureKind : std::uint8_t {
    syntax,         // TemplateSyntaxError (lexer, parser)
    raised,         // TemplateError from raise_exception()
    type,           // TypeError
    undefined,      // UndefinedError
    security,       // SecurityError (the sandbox refused)
    runtime,        // TemplateRuntimeError
    value,          // ValueError
    zero_division,  // ZeroDivisionError
    overflow,       // OverflowError
    index,          // IndexError
    key,            // KeyError
    assertion,      // AssertionError (Jinja's filters assert their arguments)
    limit,          // a braid limit (steps, output size, nesting) was exceeded
};

/// Python's class name for a failure kind ("TypeError", ...).
const char* python_name(FailureKind kind) noexcept;

/// A failure while lexing, parsing or evaluating. `offset` is the byte offset in the template source
/// of the innermost construct that failed (npos until the renderer or parser fills it in).
struct Failure {
    FailureKind kind;
    std::string message;
    std::size_t offset = static_cast<std::size_t>(-1);
};

/// Throws Failure{kind, message}.
[[noreturn]] void fail(FailureKind kind, std::string message);

/// Jinja's lenient Undefined: empty when printed or iterated, an error when used otherwise. It keeps
/// the message to report (e.g. "'x' is undefined") and whether using it is a sandbox violation.
struct Undefined {
    std::shared_ptr<const std::string> message;
    bool unsafe = false;
};

struct None {};

/// A str; `safe` marks markupsafe's Markup (from the `safe` filter), whose `+` escapes plain strings.
struct Str {
    std::string text;
    bool safe = false;
};

/// What kind of Python sequence a Sequence stands for. Iterators (generators from `map`/`select`,
/// `reversed`, `|items`) print as objects, have no len() and cannot be indexed; views (dict.items())
/// have a len() but cannot be indexed; ranges print as `range(a, b)`.
enum class SeqKind : std::uint8_t { list, tuple, iterator, view, range };

struct Sequence {
    std::vector<Value> items;
    SeqKind kind = SeqKind::list;
    const char* type = "list";     // Python's type name: list, tuple, generator, dict_items, range, ...
    std::int64_t range_start = 0;  // for ranges: the arguments, as repr() prints them
    std::int64_t range_stop = 0;
    std::int64_t range_step = 1;
    unsigned depth = 1;            // nesting depth (1 + deepest item), bounded when built
};

/// A dict: keys in insertion order, looked up by Python equality (small dicts: a linear scan).
struct Dict {
    std::vector<std::pair<Value, Value>> items;
    unsigned depth = 1;
    const Value* find(const Value& key) const;
    const Value* find(std::string_view key) const;
};

/// Anything callable: macros, built-in globals, bound methods.
struct Function {
    enum class Kind : std::uint8_t { builtin, macro, method };
    std::string name;
    Kind kind = Kind::builtin;
    std::string owner;  // for methods: the type name of the object it is bound to
    std::function<Value(Renderer&, Args&)> call;
};

/// Jinja's namespace(): a mutable attribute bag (`{% set ns.x = ... %}`).
struct Namespace {
    std::vector<std::pair<std::string, Value>> attrs;
    Value* find(std::string_view name);
    void set(std::string_view name, Value value);
};

/// A stateful object with attributes (the `loop` variable, cycler()). Not thread-shared: it lives in
/// one render.
class Object;

class Value {
public:
    enum class Type : std::uint8_t {
        undefined, none, boolean, integer, floating, string, sequence, dict, function, ns, object
    };

    Value() : data_(Undefined{}) {}
    static Value undefined(std::string message, bool unsafe = false);
    static Value none() { return Value(None{}); }
    static Value boolean(bool b) { return Value(b); }
    static Value integer(std::int64_t i) { return Value(i); }
    static Value floating(double d) { return Value(d); }
    /// A str (or a Markup when @p safe); checks the size limit of the current render.
    static Value string(std::string s, bool safe = false);
    static Value list(std::vector<Value> items);
    static Value tuple(std::vector<Value> items);
    /// Any sequence kind; fills in `depth` and checks the nesting and size limits.
    static Value sequence(Sequence s);
    static Value dict(Dict d);
    static Value function(std::string name, std::function<Value(Renderer&, Args&)> call,
                          Function::Kind kind = Function::Kind::builtin, std::string owner = {});
    static Value ns(std::shared_ptr<Namespace> n) { return Value(std::move(n)); }
    static Value object(std::shared_ptr<Object> o) { return Value(std::move(o)); }

    Type type() const noexcept { return static_cast<Type>(data_.index()); }
    bool is_undefined() const noexcept { return type() == Type::undefined; }
    bool is_none() const noexcept { return type() == Type::none; }
    bool is_bool() const noexcept { return type() == Type::boolean; }
    bool is_int() const noexcept { return type() == Type::integer; }
    bool is_float() const noexcept { return type() == Type::floating; }
    /// int or bool (Python's bool is an int).
    bool is_integral() const noexcept { return is_int() || is_bool(); }
    /// int, float or bool (Python's numbers.Number includes bool).
    bool is_number() const noexcept { return is_int() || is_float() || is_bool(); }
    bool is_string() const noexcept { return type() == Type::string; }
    bool is_safe() const noexcept { return is_string() && string_data().safe; }
    bool is_sequence() const noexcept { return type() == Type::sequence; }
    bool is_list() const noexcept { return is_sequence() && seq().kind == SeqKind::list; }
    bool is_tuple() const noexcept { return is_sequence() && seq().kind == SeqKind::tuple; }
    /// A list, tuple or range: len() and indexing work.
    bool is_indexable() const noexcept {
        return is_sequence() && (seq().kind == SeqKind::list || seq().kind == SeqKind::tuple ||
                                 seq().kind == SeqKind::range);
    }
    bool is_dict() const noexcept { return type() == Type::dict; }
    bool is_function() const noexcept { return type() == Type::function; }
    bool is_ns() const noexcept { return type() == Type::ns; }
    bool is_object() const noexcept { return type() == Type::object; }

    bool as_bool() const { return std::get<bool>(data_); }
    std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
    double as_float() const { return std::get<double>(data_); }
    /// int or bool as an integer (Python treats True as 1).
    std::int64_t int_like() const { return is_bool() ? (as_bool() ? 1 : 0) : as_int(); }
    /// Any number as a double.
    double number() const { return is_float() ? as_float() : static_cast<double>(int_like()); }
    const std::string& str() const { return string_data().text; }
    const Str& string_data() const { return *std::get<std::shared_ptr<const Str>>(data_); }
    const Sequence& seq() const { return *std::get<std::shared_ptr<const Sequence>>(data_); }
    const std::vector<Value>& items() const { return seq().items; }
    const Dict& dict() const { return *std::get<std::shared_ptr<const Dict>>(data_); }
    const Function& fn() const { return *std::get<std::shared_ptr<const Function>>(data_); }
    Namespace& ns_ref() const { return *std::get<std::shared_ptr<Namespace>>(data_); }
    const std::shared_ptr<Namespace>& ns_ptr() const { return std::get<std::shared_ptr<Namespace>>(data_); }
    Object& obj() const { return *std::get<std::shared_ptr<Object>>(data_); }
    const std::string& undefined_message() const;
    bool undefined_is_unsafe() const { return std::get<Undefined>(data_).unsafe; }

    /// Identity of shared objects (Python `is`); null for immediate values.
    const void* identity() const noexcept;
    /// Nesting depth: 0 for scalars, the stored depth for sequences and dicts.
    unsigned depth() const noexcept;

private:
    using Data = std::variant<Undefined, None, bool, std::int64_t, double, std::shared_ptr<const Str>,
                              std::shared_ptr<const Sequence>, std::shared_ptr<const Dict>,
                              std::shared_ptr<const Function>, std::shared_ptr<Namespace>, std::shared_ptr<Object>>;
    template <class T>
    explicit Value(T v) : data_(std::move(v)) {}
    Data data_;
};

/// Positional and keyword arguments of a call.
struct Args {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keyword;
};

class Object {
public:
    virtual ~Object() = default;
    /// Python's type name, for messages.
    virtual std::string type_name() const = 0;
    /// `obj.name`; an Undefined when there is no such attribute.
    virtual Value attribute(Renderer& r, std::string_view name) = 0;
    /// Whether the object can be called (a recursive loop can).
    virtual bool callable() const { return false; }
    /// Calls the object; only when callable().
    virtual Value call(Renderer& r, Args& args);
    /// Python repr().
    virtual std::string repr() const;
};

/// Most levels a value may nest (lists in lists, ...): deeper values are refused when built, so
/// printing, comparing and destroying them never recurses deeper.
inline constexpr unsigned max_value_depth = 256;

/// Python's name of a value's type ('str', 'int', 'NoneType', 'dict', ...), for error messages.
std::string type_name(const Value& v);
/// Jinja's name of an object in "has no attribute" messages ("dict object", "None").
std::string object_description(const Value& v);

/// Python truthiness.
bool truthy(const Value& v);

/// Python ==.
bool equals(const Value& a, const Value& b);

/// Python str() and repr().
std::string to_str(const Value& v);
std::string repr(const Value& v);
/// Python's repr() of a str.
std::string repr_string(std::string_view s);

/// Python's repr() of a float ("1.0", "0.1", "1e+16", "inf").
std::string float_repr(double d);

/// markupsafe.escape() of a text: & < > ' " as HTML entities.
std::string html_escape(std::string_view s);

/// json.dumps options (the tojson filter of transformers).
struct JsonOptions {
    bool ensure_ascii = false;
    bool indent_set = false;
    std::string indent;
    bool separators_set = false;
    std::string item_separator;
    std::string key_separator;
    bool sort_keys = false;
};
/// Python json.dumps(value, ...); a TypeError failure for values JSON cannot hold (Undefined, functions).
std::string to_json_text(const Value& v, const JsonOptions& options);

/// nlohmann JSON → Value (objects keep their order). A limit failure on nesting deeper than max_value_depth.
Value from_json(const nlohmann::ordered_json& j);

} // namespace braid::jinja
