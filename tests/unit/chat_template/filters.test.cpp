// The built-in filters, with transformers' tojson (json.dumps with ensure_ascii, indent, separators,
// sort_keys) and Jinja's lazy filters (map/select/unique... are generators: no len()).
// Expectations: Jinja2 3.1 with the transformers recipe, run on these templates.
#include <catch2/catch.hpp>

#include "unit/chat_template/template_test_util.hpp"

namespace {

const braid_test::Expectation filter_cases[] = {
    {R"~({{ s|trim }}|{{ 'xxaxx'|trim('x') }}|{{ s|upper }}|{{ s|lower }}|{{ 'hello wORLD-foo(bar'|title }}|{{ 'aBC dEF'|capitalize }}|{{ s|length }}|{{ s|wordcount }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(Hello World|a|  HELLO WORLD  |  hello world  |Hello World-Foo(Bar|Abc def|15|2)~", ""},
    {R"~({{ 'abcabc'|replace('b', 'X') }} {{ 'abcabc'|replace('b', 'X', 1) }} {{ 'abc'|reverse }} {{ 'x'|center(7) }}| {{ 'a
b

c'|indent }}|{{ 'a
b'|indent(2, true) }}|{{ 'a

b'|indent('> ', blank=true) }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(aXcaXc aXcabc cba    x   | a
    b

    c|  a
  b|a
> 
> b)~", ""},
    {R"~({{ 'hello world, how are you'|truncate(12) }}|{{ 'hello world'|truncate(9, true) }}|{{ 'hello'|truncate(10) }}|{{ 'a b c d e f g h i j'|truncate(10, false, '…', 0) }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(hello...|hello world|hello|a b c d…)~", ""},
    {R"~({{ '<p>a  <b>b</b></p> &amp; c'|striptags }}|{{ '%s=%d'|format('a', 3) }}|{{ '%(k)s'|format(k='v') }}|{{ 1|string }}{{ none|string }}{{ [1]|string }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(a b & c|a=3|v|1None[1])~", ""},
    {R"~({{ n|length }} {{ n|count }} {{ n|first }} {{ n|last }} {{ n|min }} {{ n|max }} {{ n|sum }} {{ n|sum(start=10) }} {{ n|join('-') }} {{ n|join }} {{ n|list }} {{ n|sort }} {{ n|sort(reverse=true) }} {{ n|unique|list }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(4 4 3 3 1 3 9 19 3-1-2-3 3123 [3, 1, 2, 3] [1, 2, 3, 3] [3, 3, 2, 1] [3, 1, 2])~", ""},
    {R"~({{ w|sort }} {{ w|sort(case_sensitive=true) }} {{ w|unique|list }} {{ w|unique(case_sensitive=true)|list }} {{ w|min }} {{ w|max(case_sensitive=true) }} {{ w|reverse|list }} {{ w|map('upper')|join }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(['A', 'a', 'b', 'c'] ['A', 'a', 'b', 'c'] ['b', 'A', 'c'] ['b', 'A', 'a', 'c'] A c ['c', 'a', 'A', 'b'] BAAC)~", ""},
    {R"~({{ people|map(attribute='name')|join(', ') }} | {{ people|map(attribute='tags.0', default='-')|list }} | {{ people|sort(attribute='age,name')|map(attribute='name')|list }} | {{ people|selectattr('age', 'gt', 26)|map(attribute='name')|list }} | {{ people|rejectattr('age', 'equalto', 30)|list }} | {{ people|selectattr('tags')|length is defined }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(object of type 'generator' has no len())~", "TypeError"},
    {R"~({{ people|selectattr('tags', 'defined')|list|length }} {{ people|sum(attribute='age') }} {{ people|min(attribute='age') }} {{ people|join(',', attribute='name') }} {{ people|unique(attribute='age')|list|length }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(1 85 {'name': 'al', 'age': 25} Bo,al,Cy 2)~", ""},
    {R"~({% for g in people|groupby('age') %}{{ g.grouper }}:{{ g.list|map(attribute='name')|join('+') }} {% endfor %}{% for age, ps in people|groupby('age') %}{{ age }}={{ ps|length }} {% endfor %})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(25:al 30:Bo+Cy 25=1 30=2 )~", ""},
    {R"~({{ d|dictsort }} {{ d|dictsort(true) }} {{ d|dictsort(by='value') }} {{ d|dictsort(reverse=true) }} {{ d|items|list }} {{ d|list }} {{ d|length }} {{ d|first }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~([('A', 3), ('a', 1), ('b', 2)] [('A', 3), ('a', 1), ('b', 2)] [('a', 1), ('b', 2), ('A', 3)] [('b', 2), ('A', 3), ('a', 1)] [('b', 2), ('A', 3), ('a', 1)] ['b', 'A', 'a'] 3 b)~", ""},
    {R"~({{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ [1, 2, 3, 4, 5]|batch(2, 0)|list }} {{ [1, 2, 3, 4, 5]|slice(3)|list }} {{ [1, 2, 3, 4]|slice(3, 'x')|list }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~([[1, 2], [3, 4], [5]] [[1, 2], [3, 4], [5, 0]] [[1, 2], [3, 4], [5]] [[1, 2], [3, 'x'], [4, 'x']])~", ""},
    {R"~({{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3, 4]|reject('odd')|list }} {{ [0, 1, '', 'a', none]|select|list }} {{ ['a', 'b']|select('in', 'abc')|list }} {{ [1, 2, 3]|select('divisibleby', 3)|list }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~([1, 3] [2, 4] [1, 'a'] ['a', 'b'] [3])~", ""},
    {R"~({{ '3'|int + 1 }} {{ '3.7'|int }} {{ 3.7|int }} {{ 'x'|int }} {{ 'x'|int(-1) }} {{ '0x1f'|int(0, 16) }} {{ 'ff'|int(base=16) }} {{ '0b11'|int(0, 0) }} {{ '1_000'|int }} {{ true|int }} {{ none|int }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(4 3 3 0 -1 31 255 3 1000 1 0)~", ""},
    {R"~({{ '3.5'|float }} {{ 'x'|float }} {{ 2|float }} {{ -3|abs }} {{ -2.5|abs }} {{ 3.14159|round(2) }} {{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1234.5|round(-2) }} {{ 3|round }} {{ 3.14159|round(1, 'floor') }} {{ 3.14159|round(1, 'ceil') }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(3.5 0.0 2.0 3 2.5 3.14 2.0 4.0 2.67 1200.0 3 3.1 3.2)~", ""},
    {R"~({{ x|default('d') }} {{ none|default('d') }} {{ ''|default('d', true) }} {{ 0|d('zero', boolean=true) }} {{ x|d }}|)~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(d None d zero |)~", ""},
    {R"~({{ 'x'|attr('upper') is callable }} {{ {'upper': 1}|attr('upper') is callable }} [{{ {'k': 1}|attr('k') }}] {{ [1, [2]]|pprint }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~(True True [] [1, [2]])~", ""},
    {R"~({{ tool|tojson }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~({"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}})~", ""},
    {R"~({{ tool|tojson(indent=2) }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~({
  "name": "get_weather",
  "parameters": {
    "type": "object",
    "properties": {
      "city": {
        "type": "string",
        "description": "Città"
      }
    },
    "required": [
      "city"
    ]
  }
})~", ""},
    {R"~({{ tool|tojson(indent=4, sort_keys=true) }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~({
    "name": "get_weather",
    "parameters": {
        "properties": {
            "city": {
                "description": "Città",
                "type": "string"
            }
        },
        "required": [
            "city"
        ],
        "type": "object"
    }
})~", ""},
    {R"~({{ tool|tojson(separators=(',', ':')) }} {{ tool.parameters.properties|tojson(ensure_ascii=true) }} {{ tool.parameters.required|tojson(indent='	') }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~({"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string","description":"Città"}},"required":["city"]}} {"city": {"type": "string", "description": "Citt\u00e0"}} [
	"city"
])~", ""},
    {"{{ {'a': [], 'b': {}, 'c': [1, [2, {}]]}|tojson(indent=2) }} {{ [1.0, 1e16, 1e-7, -0.0, 100]|tojson }} {{ '\"\\\\\n\011\001\177<>&\303\251\360\237\230\212'|tojson }} {{ '\360\237\230\212\303\251\177'|tojson(ensure_ascii=true) }}", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    [\n      2,\n      {}\n    ]\n  ]\n} [1.0, 1e+16, 1e-07, -0.0, 100] \"\\\"\\\\\\n\\t\\u0001\177<>&\303\251\360\237\230\212\" \"\\ud83d\\ude0a\\u00e9\\u007f\"", ""},
    {R"~({{ {1: 'int', true: 'bool', none: 'null', 1.5: 'float'}|tojson }} {{ (1, 2)|tojson }} {{ {'b': 1, 'a': 2}|tojson(sort_keys=true, indent=0) }})~", R"~({"n": [3, 1, 2, 3], "w": ["b", "A", "a", "c"], "people": [{"name": "Bo", "age": 30, "tags": ["x"]}, {"name": "al", "age": 25}, {"name": "Cy", "age": 30}], "d": {"b": 2, "A": 3, "a": 1}, "s": "  Hello World  ", "tool": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "Città"}}, "required": ["city"]}}})~", R"~({"1": "bool", "null": "null", "1.5": "float"} [1, 2] {
"a": 2,
"b": 1
})~", ""},
};

} // namespace

TEST_CASE("[chat_template] filters", "[unit]") {
    for (const auto& e : filter_cases) braid_test::check(e);
}
