// Whitespace control as transformers configures Jinja: trim_blocks (the newline after a block tag
// goes), lstrip_blocks (indentation before a block tag goes), `-` and `+` markers, comments, raw
// blocks, and the source normalization (CRLF and CR read as LF, one trailing newline dropped).
// Expectations: Jinja2 3.1 with the transformers recipe, run on these templates.
#include <catch2/catch.hpp>

#include "unit/chat_template/template_test_util.hpp"

namespace {

const braid_test::Expectation whitespace_cases[] = {
    {R"~(a
{% if true %}
b
{% endif %}
c)~", R"~({})~", R"~(a
b
c)~", ""},
    {R"~(a
    {% if true %}
    b
    {% endif %}
c)~", R"~({})~", R"~(a
    b
c)~", ""},
    {R"~(a
	 {% for x in [1, 2] %}
	 {{ x }}
	 {% endfor %}
z)~", R"~({})~", R"~(a
	 1
	 2
z)~", ""},
    {R"~(  {{ 'v' }}  
  {{ 'w' }})~", R"~({})~", R"~(  v  
  w)~", ""},
    {R"~(x  {% if true %}y{% endif %})~", R"~({})~", R"~(x  y)~", ""},
    {R"~(a
  {# comment #}
b)~", R"~({})~", R"~(a
b)~", ""},
    {R"~(a {{- ' b ' -}} c)~", R"~({})~", R"~(a b c)~", ""},
    {R"~(a

  {%- if true -%}

  b  

  {%- endif -%}

c)~", R"~({})~", R"~(abc)~", ""},
    {R"~(  {%+ if true %}kept{% endif %})~", R"~({})~", R"~(  kept)~", ""},
    {R"~({% if true +%}
kept newline{% endif %})~", R"~({})~", R"~(
kept newline)~", ""},
    {R"~({% raw %}{{ not rendered }} {% if %}{% endraw %})~", R"~({})~", R"~({{ not rendered }} {% if %})~", ""},
    {R"~(x {%- raw -%}  {{ y }}  {%- endraw -%}  z)~", R"~({})~", R"~(x{{ y }}z)~", ""},
    {R"~(a
  {% raw %}
  r
  {% endraw %}
b)~", R"~({})~", R"~(a

  r
b)~", ""},
    {R"~({{ 'trailing' }}
)~", R"~({})~", R"~(trailing)~", ""},
    {R"~(one trailing

)~", R"~({})~", R"~(one trailing
)~", ""},
    {"crlf\015\nline\015end", R"~({})~", R"~(crlf
line
end)~", ""},
    {"a\342\200\250b\014c", R"~({})~", "a\342\200\250b\014c", ""},
    {R"~({#- only a comment -#})~", R"~({})~", R"~()~", ""},
    {R"~({{ '\n' }}|\n|)~", R"~({})~", R"~(
|\n|)~", ""},
};

} // namespace

TEST_CASE("[chat_template] whitespace control matches trim_blocks and lstrip_blocks", "[unit]") {
    for (const auto& e : whitespace_cases) braid_test::check(e);
}
