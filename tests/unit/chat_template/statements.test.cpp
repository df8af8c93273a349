// Statements: if/elif/else, for loops (loop.* variables, cycle, changed, break/continue, else, the
// `if` filter, unpacking, recursion), scoping (a fresh scope per iteration, namespaces), set and
// block set, macros (defaults, varargs, kwargs, caller, closures), call, filter and with blocks,
// {% generation %}, print, and the globals range/dict/namespace/cycler/joiner/strftime_now.
// Expectations: Jinja2 3.1 with the transformers recipe, run on these templates.
#include <catch2/catch.hpp>

#include "unit/chat_template/template_test_util.hpp"

namespace {

const braid_test::Expectation statement_cases[] = {
    {R"~({% if 0 %}a{% elif none %}b{% elif 'x' %}c{% else %}d{% endif %}{% if [] %}e{% else %}f{% endif %})~", R"~({})~", R"~(cf)~", ""},
    {R"~({% for x in [1, 2, 3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %})~", R"~({})~", R"~(1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;)~", ""},
    {R"~({% for x in 'abc' %}[{{ loop.previtem }}|{{ x }}|{{ loop.nextitem }}]{% endfor %})~", R"~({})~", R"~([|a|b][a|b|c][b|c|])~", ""},
    {R"~({% for x in range(5) %}{{ loop.cycle('a', 'b', 'c') }}{% endfor %} {% for x in [1, 1, 2, 2, 1] %}{{ loop.changed(x) }},{% endfor %})~", R"~({})~", R"~(abcab True,False,True,False,True,)~", ""},
    {R"~({% for x in [1, 2] %}{% for y in 'ab' %}{{ loop.depth }}{{ loop.index }}{{ x }}{{ y }} {% endfor %}{{ loop.index }}|{% endfor %})~", R"~({})~", R"~(111a 121b 1|112a 122b 2|)~", ""},
    {R"~({% for x in range(10) %}{% if x is odd %}{% continue %}{% endif %}{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %})~", R"~({})~", R"~(0246)~", ""},
    {R"~({% for x in [] %}never{% else %}empty{% endfor %}|{% for x in [1] %}{{ x }}{% else %}no{% endfor %}|{% for x in [1, 2, 3] if x > 5 %}{{ x }}{% else %}filtered{% endfor %})~", R"~({})~", R"~(empty|1|filtered)~", ""},
    {R"~({% for x in [3, 1, 4, 1, 5] if x > 1 %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %})~", R"~({})~", R"~(1/3:3 2/3:4 3/3:5 )~", ""},
    {R"~({% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}{% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %}{% for a, b in [[1, 2], (3, 4), 'ef'] %}{{ a }}{{ b }}{% endfor %})~", R"~({})~", R"~(a=1;b=2;xy1234ef)~", ""},
    {R"~({% for c in 'héllo' %}[{{ c }}]{% endfor %}{% for x in undefined_thing %}never{% endfor %})~", R"~({})~", R"~([h][é][l][l][o])~", ""},
    {R"~({% for item in tree recursive %}{{ loop.depth }}{{ item.n }}{% if item.c %}({{ loop(item.c) }}){% endif %}{% endfor %})~", R"~({"tree": [{"n": "a", "c": [{"n": "b", "c": [{"n": "c"}]}, {"n": "d"}]}, {"n": "e"}]})~", R"~(1a(2b(3c)2d)1e)~", ""},
    {R"~({% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = x + 10 %}{{ x }},{% endfor %}{{ x }})~", R"~({})~", R"~(111,111,1)~", ""},
    {R"~({% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }})~", R"~({})~", R"~(2)~", ""},
    {R"~({% set ns = namespace(total=0, seen=[]) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% set ns.seen = ns.seen + [i] %}{% endfor %}{{ ns.total }} {{ ns.seen }} {{ ns }})~", R"~({})~", R"~(6 [1, 2, 3] <Namespace {'total': 6, 'seen': [1, 2, 3]}>)~", ""},
    {R"~({% set a, b = 1, 2 %}{{ a }}{{ b }}{% set (c, d) = ['x', 'y'] %}{{ c }}{{ d }}{% set t = 1, 2 %}{{ t }})~", R"~({})~", R"~(12xy(1, 2))~", ""},
    {R"~({% set block %}Hello {{ 'World' }}!{% endset %}[{{ block }}]{% set shout | upper | replace('!', '?') %}hi!{% endset %}[{{ shout }}])~", R"~({})~", R"~([Hello World!][HI?])~", ""},
    {R"~({% macro greet(name, greeting='Hello', punct='!') %}{{ greeting }}, {{ name }}{{ punct }}{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', 'Hi') }} {{ greet('Cy', punct='?') }} {{ greet(greeting='Yo', name='Di') }})~", R"~({})~", R"~(Hello, Ann! Hi, Bob! Hello, Cy? Yo, Di!)~", ""},
    {R"~({% macro m(a, b=a * 2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(3) }} {{ m(3, 1) }}{% macro n(x) %}[{{ x }}]{% endmacro %}{{ n() }})~", R"~({})~", R"~(3-6 3-1[])~", ""},
    {R"~({% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k='v') }})~", R"~({})~", R"~(1(2, 3){'k': 'v'})~", ""},
    {R"~({% macro m() %}{{ m.name if false }}x{% endmacro %}{{ m() }}{{ m }})~", R"~({})~", R"~(x<Macro 'm'>)~", ""},
    {R"~({% macro rec(n) %}{% if n > 0 %}{{ n }}{{ rec(n - 1) }}{% endif %}{% endmacro %}{{ rec(4) }})~", R"~({})~", R"~(4321)~", ""},
    {R"~({% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold {{ 1 + 1 }}{% endcall %})~", R"~({})~", R"~(<b>bold 2</b>)~", ""},
    {R"~({% macro each(items) %}{% for i in items %}{{ caller(i, loop.index) }}{% endfor %}{% endmacro %}{% call(item, n) each(['x', 'y']) %}{{ n }}:{{ item }} {% endcall %})~", R"~({})~", R"~(1:x 2:y )~", ""},
    {R"~({% macro outer() %}{% macro inner() %}in{% endmacro %}[{{ inner() }}]{% endmacro %}{{ outer() }}|{{ inner }}|)~", R"~({})~", R"~([in]||)~", ""},
    {R"~({% set v = 'outer' %}{% macro show() %}{{ v }}{% endmacro %}{% set v = 'late' %}{{ show() }})~", R"~({})~", R"~(late)~", ""},
    {R"~({% filter upper %}abc {{ 'def' }}{% endfilter %}{% filter replace('a', 'b') | title %}aaa aa{% endfilter %})~", R"~({})~", R"~(ABC DEFBbb Bb)~", ""},
    {R"~({% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]{% with %}{% set inner = 5 %}{{ inner }}{% endwith %}[{{ inner }}])~", R"~({})~", R"~(3[]5[])~", ""},
    {R"~({% generation %}gen {{ 1 }}{% endgeneration %}|{% set ns = namespace(x=0) %}{% generation %}{% set ns.x = 7 %}{% set local = 1 %}{% endgeneration %}{{ ns.x }}[{{ local }}])~", R"~({})~", R"~(gen 1|7[])~", ""},
    {R"~({% print 'printed', 2 %})~", R"~({})~", R"~(printed2)~", ""},
    {R"~({% set c = cycler('x', 'y') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}{{ c.reset() }}{{ c.next() }})~", R"~({})~", R"~(xyxyNonex)~", ""},
    {R"~({% set j = joiner(' | ') %}{% for x in 'abc' %}{{ j() }}{{ x }}{% endfor %})~", R"~({})~", R"~(a | b | c)~", ""},
    {R"~({{ range(4)|list }} {{ range(1, 8, 3)|list }} {{ range(5, 0, -2)|list }} {{ range(3) }} {{ range(0) }} {{ range(2, 10, 2) }})~", R"~({})~", R"~([0, 1, 2, 3] [1, 4, 7] [5, 3, 1] range(0, 3) range(0, 0) range(2, 10, 2))~", ""},
    {R"~({{ dict(a=1, b=2) }} {{ dict([('k', 'v')]) }} {{ dict({'a': 1}, b=2) }} {{ namespace(a=1).a }} {{ namespace({'z': 9}).z }})~", R"~({})~", R"~({'a': 1, 'b': 2} {'k': 'v'} {'a': 1, 'b': 2} 1 9)~", ""},
    {R"~({{ strftime_now('%Y-%m-%d %H:%M:%S') }}|{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%d %B %Y') }}|{{ strftime_now('%a %A %j %p %I %y %-d %e %U %W %V %G %u %w') }}|{{ strftime_now('%x %X %c %D %F %T %R %%') }})~", R"~({})~", R"~(2026-01-15 09:30:00|15 Jan 2026|15 January 2026|Thu Thursday 015 AM 09 26 15 15 02 02 03 2026 4 4|01/15/26 09:30:00 Thu Jan 15 09:30:00 2026 01/15/26 2026-01-15 09:30:00 09:30 %)~", ""},
};

} // namespace

TEST_CASE("[chat_template] statements, scoping, macros and loops", "[unit]") {
    for (const auto& e : statement_cases) braid_test::check(e);
}
