// Expressions: Python arithmetic and comparisons (int/float/str/list semantics, floor division and
// modulo signs, chained comparisons), literals, Python's str()/repr() of values, indexing, slicing,
// attribute vs item access, and markupsafe's Markup escaping `+`.
// Expectations: Jinja2 3.1 with the transformers recipe, run on these templates.
#include <catch2/catch.hpp>

#include "unit/chat_template/template_test_util.hpp"

namespace {

const braid_test::Expectation expression_cases[] = {
    {R"~({{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 6 / 2 }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(7 9 64 4 3 -4 1 2 3.5 3.0)~", ""},
    {R"~({{ 1.5 + 1 }} {{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 2.5 // 1 }} {{ 7.5 % 2 }} {{ 2 ** -1 }} {{ 2 ** 0.5 }} {{ true + 1 }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(2.5 0.30000000000000004 0.3333333333333333 2.0 1.5 0.5 1.4142135623730951 2)~", ""},
    {R"~({{ 'a' ~ 1 ~ none ~ true ~ 1.0 }} {{ 'ab' * 3 }} {{ 2 * 'xy' }} {{ [1] * 2 }} {{ 'a' + 'b' }} {{ [1] + [2] }} {{ (1,) + (2,) }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(a1NoneTrue1.0 ababab xyxy [1, 1] ab [1, 2] (1, 2))~", ""},
    {R"~({{ 1 < 2 < 3 }} {{ 1 < 2 > 3 }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' != 'b' }} {{ [1, 2] < [1, 3] }} {{ 'abc' < 'abd' }} {{ (1, 2) == (1, 2) }} {{ [1] == (1,) }} {{ {'a': 1, 'b': 2} == {'b': 2, 'a': 1} }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(True False True True True True True True False True)~", ""},
    {R"~({{ 2 in [1, 2] }} {{ 'b' in 'abc' }} {{ 'x' not in 'abc' }} {{ 'k' in {'k': 1} }} {{ 1 in (1,) }} {{ 'a' in undefined_thing }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(True True True True True False)~", ""},
    {R"~({{ not true }} {{ not 0 }} {{ 1 and 2 }} {{ 0 and 2 }} {{ 0 or '' or 'z' }} {{ none or 0 }} {{ not not 'x' }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(False True 2 0 z 0 True)~", ""},
    {R"~({{ 'yes' if 1 else 'no' }} {{ 'yes' if 0 else 'no' }} [{{ 'yes' if 0 }}] {{ 1 if 0 else 2 if 0 else 3 }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(yes no [] 3)~", ""},
    {R"~({{ -1 }} {{ +1 }} {{ - - 2 }} {{ -1.5|abs }} {{ -(2|abs) }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 1e3 }} {{ 1.5e-3 }} {{ 2.0 }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(-1 1 2 1.5 -2 31 15 5 1000 1000.0 0.0015 2.0)~", ""},
    {R"~({{ 'it' 's' }} {{ "tab\there" }} {{ '\u00e9\x41\101' }} {{ 'a\\b' }} {{ 'q\'s' }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(its tab	here éAA a\b q's)~", ""},
    {R"~({{ none }} {{ true }} {{ false }} {{ True }} {{ None }} {{ 42 }} {{ -0.0 }} {{ 1e16 }} {{ 1e-5 }} {{ 123.456 }} {{ 1e100 }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(None True False True None 42 -0.0 1e+16 1e-05 123.456 1e+100)~", ""},
    {R"~({{ [1, 'a', none, true, 1.5, [2]] }} {{ (1,) }} {{ (1, 'b') }} {{ () }} {{ {'a': [1, {'b': none}], 1: 'x'} }} {{ 'x', 2 }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~([1, 'a', None, True, 1.5, [2]] (1,) (1, 'b') () {'a': [1, {'b': None}], 1: 'x'} ('x', 2))~", ""},
    {R"~({{ ["it's", 'say "hi"', 'both \' "', 'new\nline', 'tab\t', 'é', '\x01'] }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(["it's", 'say "hi"', 'both \' "', 'new\nline', 'tab\t', 'é', '\x01'])~", ""},
    {R"~({{ 'abc'[1] }} {{ 'abc'[-1] }} [{{ 'abc'[5] }}] {{ 'héllo'[1] }} {{ [1, 2, 3][0] }} {{ [1, 2, 3][-1] }} [{{ [1][3] }}] {{ {'a': 1}['a'] }} [{{ {'a': 1}['b'] }}])~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(b c [] é 1 3 [] 1 [])~", ""},
    {R"~({{ 'abcdef'[1:3] }} {{ 'abcdef'[:-2] }} {{ 'abcdef'[::2] }} {{ 'abcdef'[::-1] }} {{ 'héllo'[1:3] }} {{ [1, 2, 3, 4][1:] }} {{ [1, 2, 3, 4][-2:] }} {{ [1, 2, 3, 4][5:] }} {{ (1, 2, 3)[::-2] }} {{ [1, 2, 3][:] }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(bc abcd ace fedcba él [2, 3, 4] [3, 4] [] (3, 1) [1, 2, 3])~", ""},
    {R"~({{ x.a }} {{ x['a'] }} {{ x.b.c }} {{ x['b']['c'] }} {{ x.l.0 }} {{ x.l[1] }} [{{ x.missing }}] [{{ x.l[9] }}])~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(1 1 2 2 10 20 [] [])~", ""},
    {R"~({{ messages[0].content }}|{{ messages[0]['role'] }}|{{ messages|length }}|{{ messages[-1].role }})~", R"~({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]})~", R"~(hi|user|2|assistant)~", ""},
    {R"~({{ x }} {{ x|string }} {{ x|tojson }})~", R"~({"x": {"n": null, "t": true, "f": 1.0, "l": [1, "s"], "e": {}}})~", R"~({'n': None, 't': True, 'f': 1.0, 'l': [1, 's'], 'e': {}} {'n': None, 't': True, 'f': 1.0, 'l': [1, 's'], 'e': {}} {"n": null, "t": true, "f": 1.0, "l": [1, "s"], "e": {}})~", ""},
    {R"~({{ ('<b>'|safe) + '<i>' }} {{ '<i>' + ('<b>'|safe) }} {{ ('<b>'|safe) ~ '<i>' }} {{ ('%s'|safe) % '<x>' }} {{ ('<b>'|safe).upper() }} {{ ('a'|safe).replace('a', '<') }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(<b>&lt;i&gt; &lt;i&gt;<b> <b><i> &lt;x&gt; <B> &lt;)~", ""},
    {R"~({{ ('<b>'|safe) * 2 }} {{ ['x'|safe] }} {{ '<'|e }} {{ '<'|escape|e }} {{ '<'|forceescape }} {{ ('<'|safe) is escaped }} {{ '<' is escaped }})~", R"~({"x": {"a": 1, "b": {"c": 2}, "l": [10, 20]}})~", R"~(<b><b> [Markup('x')] &lt; &lt; &lt; True False)~", ""},
};

} // namespace

TEST_CASE("[chat_template] expressions evaluate as Python does", "[unit]") {
    for (const auto& e : expression_cases) braid_test::check(e);
}
