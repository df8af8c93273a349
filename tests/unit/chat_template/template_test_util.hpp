// Helpers for the chat-template tests: the reference cases of tests/data/templates and a one-call
// render with the reference recipe's fixed clock.
#pragma once

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "braid/engine/chat_template.hpp"

namespace braid_test {

using json = nlohmann::ordered_json;

inline std::string templates_dir() { return std::string(BRAID_TEST_DATA_DIR) + "/templates"; }

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The time the reference renderings used for strftime_now: 2026-01-15 09:30:00.
inline std::chrono::system_clock::time_point reference_now() {
    using namespace std::chrono;
    return sys_days{year{2026} / January / 15} + hours{9} + minutes{30};
}

/// One line of cases.jsonl with the context built as the reference recipe does.
struct Case {
    std::string name;          // "template/conversation"
    std::string template_name;
    json context;
    bool expects_error = false;
    std::string expected;      // the rendering, or the error message
    std::string error_type;
};

inline std::vector<Case> load_cases() {
    const json conversations = json::parse(read_file(templates_dir() + "/conversations.json"));
    std::vector<Case> cases;
    std::istringstream lines(read_file(templates_dir() + "/cases.jsonl"));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        const json c = json::parse(line);
        const json& conv = conversations.at(c.at("conversation").get<std::string>());
        Case k;
        k.template_name = c.at("template").get<std::string>();
        k.name = k.template_name + "/" + c.at("conversation").get<std::string>();
        k.context = json::object();
        k.context["messages"] = conv.at("messages");
        k.context["tools"] = conv.at("tools");
        k.context["documents"] = nullptr;
        k.context["add_generation_prompt"] = c.at("add_generation_prompt");
        k.context["bos_token"] = c.at("bos_token");
        k.context["eos_token"] = c.at("eos_token");
        for (auto it = c.at("extra_context").begin(); it != c.at("extra_context").end(); ++it)
            k.context[it.key()] = it.value();
        if (c.contains("expected")) {
            k.expected = c.at("expected").get<std::string>();
        } else {
            k.expects_error = true;
            k.expected = c.at("expected_error").get<std::string>();
            k.error_type = c.at("error_type").get<std::string>();
        }
        cases.push_back(std::move(k));
    }
    return cases;
}

/// Renders @p source with @p context (an object) and the reference clock.
inline std::string render(const std::string& source, const json& context = json::object()) {
    braid::engine::ChatTemplateRenderOptions options;
    options.now = reference_now();
    return braid::engine::ChatTemplate(source).render(context, options);
}

/// One interpreter check: a template, its context (JSON text), and what the transformers recipe on
/// Jinja2 produced for them: the rendering, or (with `error` set) the error message and Python class.
struct Expectation {
    const char* source;
    const char* context;
    const char* expected;
    const char* error;  // "" for a rendering, else the Python exception class
};

/// Checks one Expectation. For an error, the class must match and, with @p exact_message, the message.
inline void check(const Expectation& e, bool exact_message = true) {
    INFO("template: " << e.source);
    INFO("context: " << e.context);
    const json context = json::parse(e.context);
    if (std::string(e.error).empty()) {
        try {
            CHECK(render(e.source, context) == e.expected);
        } catch (const braid::Error& err) {
            FAIL_CHECK("unexpected error: " << err.what());
        }
        return;
    }
    try {
        const std::string out = render(e.source, context);
        FAIL_CHECK("expected " << e.error << ", rendered: " << out);
    } catch (const braid::engine::ChatTemplateError& err) {
        CHECK(err.python_type() == e.error);
        if (exact_message) CHECK(err.message() == e.expected);
        CHECK(err.line() >= 1);
    }
}

} // namespace braid_test
