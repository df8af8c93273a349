// Errors: syntax errors name the line and column (errc::parse); evaluation errors are ChatTemplateError
// with the Python class Jinja raises and, where braid reproduces it, Python's exact message; the
// location is the innermost construct that failed; raise_exception's message is the template's own.
// Expectations of the table: Jinja2 3.1 with the transformers recipe, run on these templates.
#include <catch2/catch.hpp>

#include <cstring>

#include "unit/chat_template/template_test_util.hpp"

using namespace braid::engine;

namespace {

const braid_test::Expectation error_cases[] = {
    {R"~({{ 1 + 'a' }})~", R"~({})~", R"~(unsupported operand type(s) for +: 'int' and 'str')~", "TypeError"},
    {R"~({{ 'a' + 1 }})~", R"~({})~", R"~(can only concatenate str (not "int") to str)~", "TypeError"},
    {R"~({{ 'a' - 1 }})~", R"~({})~", R"~(unsupported operand type(s) for -: 'str' and 'int')~", "TypeError"},
    {R"~({{ [1] + 'a' }})~", R"~({})~", R"~(can only concatenate list (not "str") to list)~", "TypeError"},
    {R"~({{ (1,) + [1] }})~", R"~({})~", R"~(can only concatenate tuple (not "list") to tuple)~", "TypeError"},
    {R"~({{ {} + {} }})~", R"~({})~", R"~(unsupported operand type(s) for +: 'dict' and 'dict')~", "TypeError"},
    {R"~({{ none + 1 }})~", R"~({})~", R"~(unsupported operand type(s) for +: 'NoneType' and 'int')~", "TypeError"},
    {R"~({{ 'a' * 1.5 }})~", R"~({})~", R"~(can't multiply sequence by non-int of type 'float')~", "TypeError"},
    {R"~({{ 1 / 0 }})~", R"~({})~", R"~(division by zero)~", "ZeroDivisionError"},
    {R"~({{ 1 // 0 }})~", R"~({})~", R"~(integer division or modulo by zero)~", "ZeroDivisionError"},
    {R"~({{ 1 % 0 }})~", R"~({})~", R"~(integer modulo by zero)~", "ZeroDivisionError"},
    {R"~({{ 1.0 / 0 }})~", R"~({})~", R"~(float division by zero)~", "ZeroDivisionError"},
    {R"~({{ 0.0 ** -1 }})~", R"~({})~", R"~(0.0 cannot be raised to a negative power)~", "ZeroDivisionError"},
    {R"~({{ 'a' < 1 }})~", R"~({})~", R"~('<' not supported between instances of 'str' and 'int')~", "TypeError"},
    {R"~({{ [1] < (1,) }})~", R"~({})~", R"~('<' not supported between instances of 'list' and 'tuple')~", "TypeError"},
    {R"~({{ x < 1 }})~", R"~({})~", R"~('x' is undefined)~", "UndefinedError"},
    {R"~({{ 1 in 'abc' }})~", R"~({})~", R"~('in <string>' requires string as left operand, not int)~", "TypeError"},
    {R"~({{ 'a' in 1 }})~", R"~({})~", R"~(argument of type 'int' is not iterable)~", "TypeError"},
    {R"~({{ 1 in none }})~", R"~({})~", R"~(argument of type 'NoneType' is not iterable)~", "TypeError"},
    {R"~({{ -'a' }})~", R"~({})~", R"~(bad operand type for unary -: 'str')~", "TypeError"},
    {R"~({{ x + 1 }})~", R"~({})~", R"~('x' is undefined)~", "UndefinedError"},
    {R"~({{ x.y }})~", R"~({})~", R"~('x' is undefined)~", "UndefinedError"},
    {R"~({{ x['y'] }})~", R"~({})~", R"~('x' is undefined)~", "UndefinedError"},
    {R"~({{ x() }})~", R"~({})~", R"~('x' is undefined)~", "UndefinedError"},
    {R"~({{ {}.a.b }})~", R"~({})~", R"~('dict object' has no attribute 'a')~", "UndefinedError"},
    {R"~({{ none.a.b }})~", R"~({})~", R"~('None' has no attribute 'a')~", "UndefinedError"},
    {R"~({{ [1][5].x }})~", R"~({})~", R"~(list object has no element 5)~", "UndefinedError"},
    {R"~({{ x|int }})~", R"~({})~", R"~('x' is undefined)~", "UndefinedError"},
    {R"~({{ x|tojson }})~", R"~({})~", R"~(Object of type Undefined is not JSON serializable)~", "TypeError"},
    {R"~({{ x|dictsort }})~", R"~({})~", R"~('x' is undefined)~", "UndefinedError"},
    {R"~({{ 'abc'() }})~", R"~({})~", R"~('str' object is not callable)~", "TypeError"},
    {R"~({{ [1].append(2) }})~", R"~({})~", R"~(access to attribute 'append' of 'list' object is unsafe.)~", "SecurityError"},
    {R"~({{ {}.update({}) }})~", R"~({})~", R"~(access to attribute 'update' of 'dict' object is unsafe.)~", "SecurityError"},
    {R"~({{ {}.pop('a') }})~", R"~({})~", R"~(access to attribute 'pop' of 'dict' object is unsafe.)~", "SecurityError"},
    {R"~({{ [].sort() }})~", R"~({})~", R"~(access to attribute 'sort' of 'list' object is unsafe.)~", "SecurityError"},
    {R"~({{ ''.__class__() }})~", R"~({})~", R"~(access to attribute '__class__' of 'str' object is unsafe.)~", "SecurityError"},
    {R"~({{ x.__class__() }})~", R"~({})~", R"~(access to attribute '__class__' of 'Undefined' object is unsafe.)~", "SecurityError"},
    {R"~({% for x in none %}{% endfor %})~", R"~({})~", R"~('NoneType' object is not iterable)~", "TypeError"},
    {R"~({% for x in 5 %}{% endfor %})~", R"~({})~", R"~('int' object is not iterable)~", "TypeError"},
    {R"~({% for a, b in [[1, 2, 3]] %}{% endfor %})~", R"~({})~", R"~(too many values to unpack (expected 2))~", "ValueError"},
    {R"~({% for a, b in [[1]] %}{% endfor %})~", R"~({})~", R"~(not enough values to unpack (expected 2, got 1))~", "ValueError"},
    {R"~({% set x = 1 %}{% set x.y = 2 %})~", R"~({})~", R"~(cannot assign attribute on non-namespace object)~", "TemplateRuntimeError"},
    {R"~({{ range(100001)|length }})~", R"~({})~", R"~(Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).)~", "OverflowError"},
    {R"~({{ range(1, 2, 0) }})~", R"~({})~", R"~(range() arg 3 must not be zero)~", "ValueError"},
    {R"~({{ [1, 2, 3][::0] }})~", R"~({})~", R"~(slice step cannot be zero)~", "ValueError"},
    {R"~({{ 'x'|items|list }})~", R"~({})~", R"~(Can only get item pairs from a mapping.)~", "TypeError"},
    {R"~({{ none|items|list }})~", R"~({})~", R"~(Can only get item pairs from a mapping.)~", "TypeError"},
    {R"~({{ [1, 'a']|sort }})~", R"~({})~", R"~('<' not supported between instances of 'str' and 'int')~", "TypeError"},
    {R"~({{ [[1], [2]]|unique|list }})~", R"~({})~", R"~(unhashable type: 'list')~", "TypeError"},
    {R"~({{ ['a', 'b']|sum }})~", R"~({})~", R"~(unsupported operand type(s) for +: 'int' and 'str')~", "TypeError"},
    {R"~({{ 'x'|truncate(2) }})~", R"~({})~", R"~(expected length >= 3, got 2)~", "AssertionError"},
    {R"~({{ [1]|map('nofilter')|list }})~", R"~({})~", R"~(No filter named 'nofilter'.)~", "TemplateRuntimeError"},
    {R"~({{ [1]|select('notest')|list }})~", R"~({})~", R"~(No test named 'notest'.)~", "TemplateRuntimeError"},
    {R"~({{ (1|selectattr('x'))|length }})~", R"~({})~", R"~(object of type 'generator' has no len())~", "TypeError"},
    {R"~({% macro m(a) %}{% endmacro %}{{ m(1, 2) }})~", R"~({})~", R"~(macro 'm' takes not more than 1 argument(s))~", "TypeError"},
    {R"~({% macro m(a) %}{% endmacro %}{{ m(b=1) }})~", R"~({})~", R"~(macro 'm' takes no keyword argument 'b')~", "TypeError"},
    {R"~({% macro m() %}{% endmacro %}{% call m() %}x{% endcall %})~", R"~({})~", R"~(macro 'm' was invoked with two values for the special caller argument. This is most likely a bug.)~", "TypeError"},
    {R"~({{ raise_exception('Custom message: ' ~ 42) }})~", R"~({})~", R"~(Custom message: 42)~", "TemplateError"},
    {R"~({{ raise_exception() }})~", R"~({})~", R"~(raise_exception() missing 1 required positional argument: 'm')~", "TypeError"},
    {R"~({{ strftime_now(5) }})~", R"~({})~", R"~(strftime() argument 1 must be str, not int)~", "TypeError"},
    {R"~({{ 'a'.split('') }})~", R"~({})~", R"~(empty separator)~", "ValueError"},
    {R"~({{ 'abc'.index('z') }})~", R"~({})~", R"~(substring not found)~", "ValueError"},
    {R"~({{ [1].index(5) }})~", R"~({})~", R"~(5 is not in list)~", "ValueError"},
    {R"~({{ 'ab'.center(5, 'xy') }})~", R"~({})~", R"~(The fill character must be exactly one character long)~", "TypeError"},
    {R"~({{ ','.join([1]) }})~", R"~({})~", R"~(sequence item 0: expected str instance, int found)~", "TypeError"},
    {R"~({{ '%d' % 'a' }})~", R"~({})~", R"~(%d format: a real number is required, not str)~", "TypeError"},
    {R"~({{ '%s %s' % ('a',) }})~", R"~({})~", R"~(not enough arguments for format string)~", "TypeError"},
    {R"~({{ '%s' % ('a', 'b') }})~", R"~({})~", R"~(not all arguments converted during string formatting)~", "TypeError"},
    {R"~({{ '{}'.format() }})~", R"~({})~", R"~(tuple index out of range)~", "IndexError"},
    {R"~({{ '{:q}'.format(1) }})~", R"~({})~", R"~(Unknown format code 'q' for object of type 'int')~", "ValueError"},
    {R"~({{ '{0}{}'.format(1, 2) }})~", R"~({})~", R"~(cannot switch from manual field specification to automatic field numbering)~", "ValueError"},
};

// Where braid's message differs from Python's (the error class is still the same): selectattr is lazy
// in Jinja (len() of the generator fails first), and the recipe names raise_exception's parameter `m`.
bool message_differs(const char* source) {
    return std::strstr(source, "selectattr('x')") != nullptr || std::strstr(source, "raise_exception()") != nullptr;
}

ChatTemplateError syntax_error(const std::string& source) {
    try {
        ChatTemplate t(source);
    } catch (const ChatTemplateError& e) {
        return e;
    }
    FAIL("no syntax error for: " << source);
    throw;
}

ChatTemplateError render_error(const std::string& source, const braid_test::json& context = braid_test::json::object()) {
    try {
        braid_test::render(source, context);
    } catch (const ChatTemplateError& e) {
        return e;
    }
    FAIL("no error for: " << source);
    throw;
}

} // namespace

TEST_CASE("[chat_template] evaluation errors have Python's class and message", "[unit]") {
    for (const auto& e : error_cases) braid_test::check(e, !message_differs(e.source));
}

TEST_CASE("[chat_template] syntax errors name the line and column", "[unit]") {
    struct Syntax {
        const char* source;
        std::size_t line;
        std::size_t column;
        const char* message;
    };
    const Syntax cases[] = {
        {"Hello\n{% if %}", 2, 7, "expected an expression, got end of statement block"},
        {"{{ 1 + }}", 1, 8, "unexpected end of print statement"},
        {"a\n\n  {% foo %}", 3, 6, "unknown tag 'foo'"},
        {"{% if true %}never closed", 1, 4, "unexpected end of template: 'if' needs 'elif' or 'else' or 'endif'"},
        {"{{ x|nofilter }}", 1, 6, "no filter named 'nofilter'"},
        {"{{ x is notest }}", 1, 9, "no test named 'notest'"},
        {"{% break %}", 1, 4, "'break' outside loop"},
        {"{% for x in y %}{% else %}{% continue %}{% endfor %}", 1, 30, "'continue' outside loop"},
        {"{% for x in y %}{% macro m() %}{% break %}{% endmacro %}{% endfor %}", 1, 35, "'break' outside loop"},
        {"{{ 'unterminated }}", 1, 4, "unterminated string"},
        {"x{% endif %}", 1, 5, "unknown tag 'endif'"},
        {"{{ x ! y }}", 1, 6, "unexpected character '!'"},
        {"{% include 'x' %}", 1, 4, "the 'include' tag is not supported in chat templates"},
        {"\xc3\xa9\xc3\xa9{{ 1 + }}", 1, 10, "unexpected end of print statement"},  // columns count code points
        {"{{ (1 }}", 1, 7, "unexpected '}', expected closing of '('"},
        {"{% macro m(a=1, b) %}{% endmacro %}", 1, 17, "non-default argument follows default argument"},
        {"{% set 1 = 2 %}", 1, 8, "can't assign to integer"},
        {"{{ }}", 1, 4, "expected an expression, got end of print statement"},
        {"text\r\n{# never closed", 2, 1, "missing end of comment tag"},
        {"{% raw %}x", 1, 1, "missing end of raw directive"},
        {"{% call foo %}{% endcall %}", 1, 4, "expected a call after 'call'"},
        {"{{ 1 if }}", 1, 9, "unexpected end of print statement"},
        {"{{ [1, 2 }}", 1, 10, "unexpected '}', expected closing of '['"},
        {"{{ 0x }}", 1, 4, "invalid number literal"},
        {"{{ 01 }}", 1, 4, "leading zeros in decimal integer literals are not permitted"},
    };
    for (const auto& c : cases) {
        INFO(c.source);
        const ChatTemplateError e = syntax_error(c.source);
        CHECK(e.code() == braid::errc::parse);
        CHECK(e.failure() == ChatTemplateFailure::syntax);
        CHECK(e.python_type() == "TemplateSyntaxError");
        CHECK(e.line() == c.line);
        CHECK(e.column() == c.column);
        CHECK(e.message() == c.message);
        CHECK(std::string(e.what()) ==
              "line " + std::to_string(c.line) + ", column " + std::to_string(c.column) + ": " + c.message);
    }
}

TEST_CASE("[chat_template] evaluation errors point at the failing construct", "[unit]") {
    SECTION("the innermost expression") {
        const auto e = render_error("line one\n  {{ messages[0].content + 1 }}",
                                    {{"messages", {{{"role", "user"}, {"content", "hi"}}}}});
        CHECK(e.code() == braid::errc::template_error);
        CHECK(e.failure() == ChatTemplateFailure::type_error);
        CHECK(e.line() == 2);
        CHECK(e.column() == 26);
        CHECK(e.message() == "can only concatenate str (not \"int\") to str");
        CHECK(std::string(e.what()) == "line 2, column 26: can only concatenate str (not \"int\") to str");
    }
    SECTION("inside a macro, the line of the macro body") {
        const auto e = render_error("{% macro m(x) %}\n{{ x.a.b }}\n{% endmacro %}\n{{ m({}) }}");
        CHECK(e.failure() == ChatTemplateFailure::undefined);
        CHECK(e.line() == 2);
        CHECK(e.message() == "'dict object' has no attribute 'a'");
    }
    SECTION("raise_exception: the template's message, exactly") {
        const auto e = render_error("{% if true %}\n  {{ raise_exception('Roles must alternate ' ~ 'user/assistant') }}\n{% endif %}");
        CHECK(e.failure() == ChatTemplateFailure::raised);
        CHECK(e.python_type() == "TemplateError");
        CHECK(e.message() == "Roles must alternate user/assistant");
        CHECK(e.line() == 2);
        CHECK(e.column() == 6);
    }
    SECTION("the sandbox") {
        const auto e = render_error("{{ messages.append(1) }}", {{"messages", braid_test::json::array()}});
        CHECK(e.failure() == ChatTemplateFailure::security);
        CHECK(e.message() == "access to attribute 'append' of 'list' object is unsafe.");
    }
    SECTION("a context that is not an object") {
        const ChatTemplate t("x");
        try {
            (void)t.render(braid_test::json::array());
            FAIL("no error");
        } catch (const ChatTemplateError&) {
            FAIL("not a template error");
        } catch (const braid::Error& e) {
            CHECK(e.code() == braid::errc::invalid_argument);
        }
    }
}

TEST_CASE("[chat_template] integers beyond 64 bits are an OverflowError", "[unit]") {
    // Python would switch to a big integer; braid refuses rather than print a wrong number.
    for (const char* source : {"{{ 9223372036854775807 + 1 }}", "{{ 2 ** 64 }}", "{{ -9223372036854775807 - 2 }}",
                               "{{ 99999999999999999999 }}"}) {
        INFO(source);
        bool failed = false;
        try {
            braid_test::render(source);
        } catch (const ChatTemplateError& e) {
            failed = true;
            CHECK((e.python_type() == "OverflowError" || e.python_type() == "TemplateSyntaxError"));
        }
        CHECK(failed);
    }
}
