// The public API: a ChatTemplate is parsed once, copied cheaply, rendered from many threads at once;
// the context's keys are the template variables; strftime_now uses the fixed time when given, else
// the local clock; errors are braid::Error with the documented codes.
#include <catch2/catch.hpp>

#include <atomic>
#include <ctime>
#include <thread>

#include "unit/chat_template/template_test_util.hpp"

using namespace braid::engine;
using braid_test::json;

TEST_CASE("[chat_template] API: parse once, render with a context", "[unit]") {
    const ChatTemplate chatml(
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}");
    const json context = {{"messages", {{{"role", "user"}, {"content", "Hi"}}}}, {"add_generation_prompt", true}};
    CHECK(chatml.render(context) == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");

    SECTION("copies share the parsed template") {
        const ChatTemplate copy = chatml;
        CHECK(copy.render(context) == chatml.render(context));
        CHECK(&copy.source() == &chatml.source());
    }
    SECTION("source() is the text as given (the trailing newline and CRLF included)") {
        const ChatTemplate t("a\r\nb\n");
        CHECK(t.source() == "a\r\nb\n");
        CHECK(t.render(json::object()) == "a\nb");
    }
    SECTION("extra keys and missing variables") {
        const ChatTemplate t("{{ bos_token }}[{{ eos_token }}]{{ custom.flag }}{{ missing }}");
        CHECK(t.render({{"bos_token", "<s>"}, {"custom", {{"flag", true}}}}) == "<s>[]True");
    }
    SECTION("errors are braid::Error") {
        try {
            ChatTemplate("{% if %}");
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.code() == braid::errc::parse);
        }
        try {
            (void)ChatTemplate("{{ raise_exception('no') }}").render(json::object());
            FAIL("no error");
        } catch (const braid::Error& e) {
            CHECK(e.code() == braid::errc::template_error);
            CHECK(std::string(e.what()) == "line 1, column 4: no");
        }
    }
}

TEST_CASE("[chat_template] strftime_now: the fixed time, or the local clock", "[unit]") {
    const ChatTemplate t("{{ strftime_now('%Y-%m-%d %H:%M') }}");
    ChatTemplateRenderOptions fixed;
    fixed.now = braid_test::reference_now();
    CHECK(t.render(json::object(), fixed) == "2026-01-15 09:30");

    // ISO weeks and week numbers at year boundaries (Python's datetime.strftime on glibc).
    const ChatTemplate weeks("{{ strftime_now('%G %V %U %W %j %a %e') }}");
    using namespace std::chrono;
    auto at = [](int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / day{d}} + hours{12}; };
    const std::pair<system_clock::time_point, const char*> dates[] = {
        {at(2026, 1, 1), "2026 01 00 00 001 Thu  1"},
        {at(2021, 1, 3), "2020 53 01 00 003 Sun  3"},
        {at(2020, 12, 31), "2020 53 52 52 366 Thu 31"},
        {at(2026, 1, 15), "2026 03 02 02 015 Thu 15"},
    };
    for (const auto& [when, expected] : dates) {
        ChatTemplateRenderOptions o;
        o.now = when;
        CHECK(weeks.render(json::object(), o) == expected);
    }

    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    const std::string year = ChatTemplate("{{ strftime_now('%Y') }}").render(json::object());
    CHECK((year == std::to_string(local.tm_year + 1900) || year == std::to_string(local.tm_year + 1901)));
}

TEST_CASE("[chat_template] one template renders on many threads at once", "[unit]") {
    const auto cases = braid_test::load_cases();
    std::vector<const braid_test::Case*> rendered;
    for (const auto& c : cases)
        if (!c.expects_error && c.template_name == "Qwen3.5-4B") rendered.push_back(&c);
    REQUIRE(rendered.size() >= 5);
    const ChatTemplate t(braid_test::read_file(braid_test::templates_dir() + "/Qwen3.5-4B.jinja"));
    ChatTemplateRenderOptions options;
    options.now = braid_test::reference_now();
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 8; ++k) {
        threads.emplace_back([&, k] {
            for (int i = 0; i < 100; ++i) {
                const auto& c = *rendered[static_cast<std::size_t>(i + k) % rendered.size()];
                if (t.render(c.context, options) != c.expected) ++mismatches;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(mismatches == 0);
}
