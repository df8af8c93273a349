// Tests (`is defined`, `is string`, `is divisibleby 3`, ...) and the methods of str, dict, list and
// tuple that templates call, with Python's str.format and printf-style `%` formatting.
// Expectations: Jinja2 3.1 with the transformers recipe, run on these templates.
#include <catch2/catch.hpp>

#include "unit/chat_template/template_test_util.hpp"

namespace {

const braid_test::Expectation test_and_method_cases[] = {
    {R"~({{ x is defined }} {{ x is undefined }} {{ none is none }} {{ none is defined }} {{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ 1 is integer }} {{ true is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ false is false }} {{ true is true }} {{ 1 is true }})~", R"~({})~", R"~(False True True True True True True True False True True True True False)~", ""},
    {R"~({{ 'a' is string }} {{ 1 is string }} {{ {} is mapping }} {{ [] is mapping }} {{ [] is iterable }} {{ 'a' is iterable }} {{ {} is iterable }} {{ 1 is iterable }} {{ none is iterable }} {{ x is iterable }} {{ [] is sequence }} {{ 'a' is sequence }} {{ {} is sequence }} {{ {}.items() is sequence }} {{ 1 is sequence }})~", R"~({})~", R"~(True False True False True True True False False True True True True False False)~", ""},
    {R"~({{ 3 is odd }} {{ 4 is even }} {{ 3.0 is odd }} {{ 9 is divisibleby 3 }} {{ 10 is divisibleby(3) }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'aB' is lower }} {{ 1 is in [1, 2] }} {{ 'b' is in 'abc' }})~", R"~({})~", R"~(True True True True False True True False True True)~", ""},
    {R"~({{ 1 is eq 1 }} {{ 1 is equalto 2 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 1 is lessthan 1 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 3 is greaterthan 4 }} {{ 2 is ge 3 }} {{ none is sameas none }} {{ [] is sameas [] }} {{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ range is callable }} {{ 'x' is callable }})~", R"~({})~", R"~(True False True True False True True False False True False True False True True False)~", ""},
    {R"~({{ x is not defined }} {{ not x is defined }} {{ 1 is not none }} {{ 'a' is not string }} {{ [1] is not mapping and [1] is iterable }})~", R"~({})~", R"~(True True True False True)~", ""},
    {"[{{ '  a b  '.strip() }}][{{ 'xxaxx'.strip('x') }}][{{ '  a'.lstrip() }}][{{ 'a  '.rstrip() }}][{{ '--a--'.lstrip('-') }}][{{ '\343\200\200a\302\240'.strip() }}]", R"~({})~", R"~([a b][a][a][a][a--][a])~", ""},
    {R"~({{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a b c'.rsplit(' ', 1) }} {{ 'a  b  '.split(None, 1) }} {{ '  a b'.rsplit(None, 1) }} {{ 'a<x>b<x>'.split('<x>') }} {{ ''.split() }} {{ ''.split(',') }})~", R"~({})~", R"~(['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b c'] ['a b', 'c'] ['a', 'b  '] ['  a', 'b'] ['a', 'b', ''] [] [''])~", ""},
    {"{{ 'a\nb\015\nc\n'.splitlines() }} {{ 'a\nb'.splitlines(true) }} {{ 'a=b=c'.partition('=') }} {{ 'a=b=c'.rpartition('=') }} {{ 'abc'.partition('x') }}", R"~({})~", R"~(['a', 'b', 'c'] ['a\n', 'b'] ('a', '=', 'b=c') ('a=b', '=', 'c') ('abc', '', ''))~", ""},
    {R"~({{ 'Hello'.startswith('He') }} {{ 'Hello'.startswith(('x', 'H')) }} {{ 'Hello'.endswith('lo') }} {{ 'Hello'.endswith('l', 0, 4) }} {{ 'Hello'.startswith('l', 2) }})~", R"~({})~", R"~(True True True True True)~", ""},
    {R"~({{ 'hello World'.upper() }} {{ 'HeLLo'.lower() }} {{ 'hello world 2nd-try'.title() }} {{ "they're".title() }} {{ 'hELLO wORLD'.capitalize() }} {{ 'AbC'.swapcase() }} {{ 'ÉCOLE'.lower() }} {{ 'straße'.upper() == 'STRASSE' }})~", R"~({})~", R"~(HELLO WORLD hello Hello World 2Nd-Try They'Re Hello world aBc école True)~", ""},
    {R"~({{ 'abcabc'.replace('b', 'X') }} {{ 'abcabc'.replace('b', 'X', 1) }} {{ 'ab'.replace('', '-') }} {{ 'a-b'.find('-') }} {{ 'abcabc'.rfind('b') }} {{ 'abc'.find('z') }} {{ 'abcabc'.count('b') }} {{ 'abcabc'.index('c') }} {{ 'héllo'.find('l') }})~", R"~({})~", R"~(aXcaXc aXcabc -a-b- 1 4 -1 2 2 2)~", ""},
    {R"~([{{ 'x'.center(5, '*') }}][{{ 'ab'.center(5) }}][{{ 'a'.ljust(3) }}][{{ 'a'.rjust(3, '.') }}][{{ '5'.zfill(3) }}][{{ '-5'.zfill(4) }}][{{ ', '.join(['a', 'b']) }}][{{ ''.join('abc') }}])~", R"~({})~", R"~([**x**][  ab ][a  ][..a][005][-005][a, b][abc])~", ""},
    {R"~({{ 'abc'.isalpha() }} {{ 'ab1'.isalnum() }} {{ '123'.isdigit() }} {{ '  '.isspace() }} {{ 'abc'.islower() }} {{ 'ABC'.isupper() }} {{ 'Ab Cd'.istitle() }} {{ ''.isalpha() }} {{ 'prefix_rest'.removeprefix('prefix_') }} {{ 'file.txt'.removesuffix('.txt') }})~", R"~({})~", R"~(True True True True True True True False rest file)~", ""},
    {R"~({{ {'a': 1}.get('a') }} {{ {'a': 1}.get('b') }} {{ {'a': 1}.get('b', 2) }} {{ {'a': 1, 'b': 2}.keys() }} {{ {'a': 1}.values() }} {{ {'a': 1}.items() }} {{ {'a': 1}.items()|list }} {{ {'a': 1}.copy() }} {{ {'items': 5}['items'] }})~", R"~({})~", R"~(1 None 2 dict_keys(['a', 'b']) dict_values([1]) dict_items([('a', 1)]) [('a', 1)] {'a': 1} 5)~", ""},
    {R"~({{ [1, 2, 2].count(2) }} {{ [1, 2, 3].index(2) }} {{ (1, 2).index(2) }} {{ (1, 1).count(1) }} {{ [3, 4].copy() }})~", R"~({})~", R"~(2 1 1 2 [3, 4])~", ""},
    {R"~({{ '{} and {}'.format(1, 2) }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{x:>5}|{y:.2f}|{z:05d}|{w:^7}'.format(x='ab', y=3.14159, z=42, w='c') }} {{ '{:,}'.format(1234567) }} {{ '{:#x} {:b} {:o} {:X}'.format(255, 5, 8, 255) }})~", R"~({})~", R"~(1 and 2 aba    ab|3.14|00042|   c    1,234,567 0xff 101 10 FF)~", ""},
    {R"~({{ '{:+d} {: d} {:e} {:.3g} {:%} {:.1%}'.format(5, 5, 1234.5, 0.00012345, 0.25, 0.125) }} {{ '{!r} {!s}'.format('a', 'b') }} {{ '{0[0]} {0[k]}'.format({0: 'zero', 'k': 'kay'}) }} {{ '{{}} {}'.format(1) }} {{ '{:*^9.2f}'.format(3.14159) }})~", R"~({})~", R"~(+5  5 1.234500e+03 0.000123 25.000000% 12.5% 'a' b zero kay {} 1 **3.14***)~", ""},
    {R"~({{ '{:.2}'.format(1.0) }} {{ '{:.3}'.format(100.0) }} {{ '{}'.format(1e16) }} {{ '{:10.3f}|'.format(-3.14159) }} {{ '{:010.2f}'.format(-3.14159) }} {{ '{}'.format(none) }} {{ '{}'.format([1]) }} {{ '{:5}|'.format(true) }} {{ '{:>4}'.format(12) }})~", R"~({})~", R"~(1.0 1e+02 1e+16     -3.142| -000003.14 None [1]     1|   12)~", ""},
    {R"~({{ '%s is %d years' % ('Bob', 30) }} {{ '%5.2f|%-5s|%05d|%x|%#o|%r|%c' % (3.14159, 'ab', 42, 255, 8, 'q', 65) }} {{ '%(a)s-%(b)03d' % {'a': 'x', 'b': 7} }} {{ '%s' % none }} {{ '%.2e %g %G' % (12345.678, 0.0001, 1e20) }} {{ '%+d %% % d' % (3, 4) }})~", R"~({})~", R"~(Bob is 30 years  3.14|ab   |00042|ff|0o10|'q'|A x-007 None 1.23e+04 0.0001 1E+20 +3 %  4)~", ""},
};

} // namespace

TEST_CASE("[chat_template] tests and the methods of built-in values", "[unit]") {
    for (const auto& e : test_and_method_cases) braid_test::check(e);
}
