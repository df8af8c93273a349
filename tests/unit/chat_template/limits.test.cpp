// What keeps hostile templates bounded: the step budget (endless loops), the output and string size
// limits (doubling strings), the item limit, the allocation budget, the recursion depth, value nesting,
// the parser's nesting limits, and the sandbox's range limit. Each is a ChatTemplateError (failure
// `limit`, or Python's OverflowError for range), never a hang, a crash or an exhausted memory.
#include <catch2/catch.hpp>

#include "unit/chat_template/template_test_util.hpp"

using namespace braid::engine;

namespace {

ChatTemplateError failure_of(const std::string& source, const ChatTemplateLimits& limits = {}) {
    ChatTemplateRenderOptions options;
    options.limits = limits;
    try {
        const ChatTemplate t(source);
        (void)t.render(braid_test::json::object(), options);
    } catch (const ChatTemplateError& e) {
        return e;
    }
    FAIL("no error for: " << source);
    throw;
}

std::string repeated(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

} // namespace

TEST_CASE("[chat_template] limits stop hostile templates", "[unit]") {
    SECTION("an endless loop runs out of steps") {
        ChatTemplateLimits limits;
        limits.max_steps = 100000;
        const auto e = failure_of("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", limits);
        CHECK(e.failure() == ChatTemplateFailure::limit);
        CHECK(e.message().find("100000 evaluation steps") != std::string::npos);
        CHECK(e.line() == 1);
    }
    SECTION("the default step budget ends a 10^10-iteration loop") {
        const auto e = failure_of("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}");
        CHECK(e.failure() == ChatTemplateFailure::limit);
    }
    SECTION("the output is bounded") {
        ChatTemplateLimits limits;
        limits.max_output_bytes = 1000;
        const auto e = failure_of("{% for i in range(1000) %}0123456789{% endfor %}", limits);
        CHECK(e.failure() == ChatTemplateFailure::limit);
        CHECK(e.message() == "a string of 1010 bytes exceeds the limit of 1000 bytes");
    }
    SECTION("a doubling string is stopped before it is built") {
        const auto e = failure_of("{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}");
        CHECK(e.failure() == ChatTemplateFailure::limit);
        CHECK(failure_of("{{ 'a' * 100000000000 }}").failure() == ChatTemplateFailure::limit);
        CHECK(failure_of("{{ 'ab'.center(1000000000) }}").failure() == ChatTemplateFailure::limit);
        CHECK(failure_of("{{ 'x'|indent(1000000000) }}").failure() == ChatTemplateFailure::limit);
    }
    SECTION("lists are bounded") {
        const auto e = failure_of("{{ [1] * 10000000000 }}");
        CHECK(e.failure() == ChatTemplateFailure::limit);
        CHECK(e.message() == "a list of 10000000000 items exceeds the limit of 1048576 items");
    }
    SECTION("the total allocation is bounded") {
        ChatTemplateLimits limits;
        limits.max_allocated_bytes = 1 << 20;
        const auto e = failure_of("{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
                                  "{% set ns.l = ns.l + [i ~ ''] %}{% endfor %}",
                                  limits);
        CHECK(e.failure() == ChatTemplateFailure::limit);
    }
    SECTION("runaway recursion") {
        const auto e = failure_of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        CHECK(e.failure() == ChatTemplateFailure::limit);
        CHECK(e.message().find("nested more than 400 levels") != std::string::npos);
        const auto loop = failure_of("{% set t = [[]] %}{% for x in t recursive %}{{ loop(t) }}{% endfor %}");
        CHECK(loop.failure() == ChatTemplateFailure::limit);
    }
    SECTION("values cannot nest without end") {
        const auto e = failure_of("{% set ns = namespace(l=[]) %}{% for i in range(1000) %}{% set ns.l = [ns.l] %}{% endfor %}");
        CHECK(e.message() == "values nested more than 256 levels deep");
        // A namespace that holds itself cannot be printed (Python would print <Namespace {...}>).
        CHECK(failure_of("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}").failure() == ChatTemplateFailure::limit);
        // ... and its reference cycle is broken after the render (checked by the sanitizer build).
        CHECK(braid_test::render("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns.me.me is defined }}") == "True");
    }
    SECTION("the sandbox's range limit") {
        const auto e = failure_of("{{ range(100001)|length }}");
        CHECK(e.python_type() == "OverflowError");
        CHECK(e.message() == "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
        CHECK(braid_test::render("{{ range(100000)|length }}") == "100000");
    }
}

TEST_CASE("[chat_template] the parser bounds nesting", "[unit]") {
    auto parse_error = [](const std::string& source) {
        try {
            ChatTemplate t(source);
        } catch (const ChatTemplateError& e) {
            CHECK(e.failure() == ChatTemplateFailure::syntax);
            return e.message();
        }
        return std::string("no error");
    };
    CHECK(parse_error("{{ 1" + repeated(" + 1", 300) + " }}") == "expression nested more than 256 levels deep");
    CHECK(parse_error("{{ x" + repeated("|trim", 5000) + " }}") == "expression nested more than 256 levels deep");
    CHECK(parse_error("{{ x" + repeated(".a", 100000) + " }}") == "expression nested more than 256 levels deep");
    CHECK(parse_error("{{ " + repeated("-", 100000) + "1 }}") == "template nested more than 128 levels deep");
    CHECK(parse_error("{{ " + repeated("not ", 100000) + "1 }}") == "template nested more than 128 levels deep");
    CHECK(parse_error(repeated("{% if 1 %}", 1000)) == "template nested more than 128 levels deep");
    CHECK(parse_error("{{ " + repeated("(", 1000) + "1" + repeated(")", 1000) + " }}").find("nested") != std::string::npos);
    CHECK(parse_error("{{ 1" + repeated(" if 1 else 1", 2000) + " }}") == "template nested more than 128 levels deep");
    // Real templates nest far less: 100 levels of parentheses and a 200-term sum are fine.
    CHECK(braid_test::render("{{ " + repeated("(", 100) + "1" + repeated(")", 100) + " }}") == "1");
    CHECK(braid_test::render("{{ 0" + repeated(" + 1", 200) + " }}") == "200");
}

TEST_CASE("[chat_template] invalid UTF-8 in templates and values passes through", "[unit]") {
    // Bytes that are not UTF-8 are copied as they are (Jinja would have refused to decode them).
    CHECK(braid_test::render("a\xff{{ 'b\xfe' }}\xc3") == "a\xff" "b\xfe" "\xc3");
    CHECK(braid_test::render("{{ x|length }} {{ x[1:] }} {{ x|upper }}", {{"x", "\xe2\x82"}}) .size() > 0);
}
