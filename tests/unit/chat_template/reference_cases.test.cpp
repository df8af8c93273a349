// Every case of tests/data/templates/cases.jsonl: 37 real chat templates × 7 conversations, rendered
// by transformers (Jinja2 3.1.2). Each expected rendering must match byte for byte; each expected
// error must be an error of the same Python class, with the exact message for raise_exception.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "unit/chat_template/template_test_util.hpp"

using namespace braid::engine;
using braid_test::Case;

TEST_CASE("[chat_template] the reference cases render byte for byte", "[unit]") {
    const std::vector<Case> cases = braid_test::load_cases();
    REQUIRE(cases.size() == 259);
    std::map<std::string, std::string> sources;
    std::size_t rendered = 0;
    std::size_t errors = 0;
    for (const Case& c : cases) {
        INFO(c.name);
        auto& source = sources[c.template_name];
        if (source.empty()) source = braid_test::read_file(braid_test::templates_dir() + "/" + c.template_name + ".jinja");
        const ChatTemplate tmpl(source);
        ChatTemplateRenderOptions options;
        options.now = braid_test::reference_now();
        if (!c.expects_error) {
            std::string out;
            try {
                out = tmpl.render(c.context, options);
            } catch (const braid::Error& e) {
                FAIL_CHECK("unexpected error: " << e.what());
                continue;
            }
            CHECK(out == c.expected);
            if (out == c.expected) ++rendered;
            continue;
        }
        try {
            const std::string out = tmpl.render(c.context, options);
            FAIL_CHECK("expected " << c.error_type << " '" << c.expected << "', rendered: " << out);
        } catch (const ChatTemplateError& e) {
            CHECK(e.python_type() == c.error_type);
            if (c.error_type == "TemplateError") {
                CHECK(e.failure() == ChatTemplateFailure::raised);
                CHECK(e.message() == c.expected);
            }
            CHECK(e.line() > 0);
            CHECK(e.column() > 0);
            if (e.python_type() == c.error_type && (c.error_type != "TemplateError" || e.message() == c.expected))
                ++errors;
        }
    }
    // 237 renderings and 22 errors (12 from raise_exception, 10 from Python itself).
    CHECK(rendered == 237);
    CHECK(errors == 22);
}

TEST_CASE("[chat_template] the reference templates are the files their provenance names", "[unit]") {
    // Each template listed in the README's sources table is present, and every case names one of them.
    const std::string readme = braid_test::read_file(braid_test::templates_dir() + "/README.md");
    std::set<std::string> names;
    for (const Case& c : braid_test::load_cases()) names.insert(c.template_name);
    CHECK(names.size() == 37);
    for (const auto& name : names) {
        INFO(name);
        CHECK(readme.find("| `" + name + "` |") != std::string::npos);
        CHECK_NOTHROW(ChatTemplate(braid_test::read_file(braid_test::templates_dir() + "/" + name + ".jinja")));
    }
}
