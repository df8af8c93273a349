// libFuzzer target: chat templates. The input is a template; after a line "\n---\n" the rest is a JSON
// context (a fixed conversation with tools otherwise). Parsing and rendering may fail only with
// braid::Error, within small limits (so the fuzzer explores instead of waiting); rendering twice gives
// the same text, and a copy of the template renders the same as the original.
#include <braid/engine/chat_template.hpp>
#include <braid/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using nlohmann::ordered_json;

const ordered_json& default_context() {
    static const ordered_json context = ordered_json::parse(R"({
        "messages": [
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "Hi \u00e9\ud83d\ude0a  \n"},
            {"role": "assistant", "content": null, "tool_calls": [{"type": "function", "id": "c1",
             "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": [1, 2.5, true]}}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "{\"t\": 22}"},
            {"role": "user", "content": [{"type": "text", "text": "and tomorrow?"}]}
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
        "documents": null, "add_generation_prompt": true, "bos_token": "<s>", "eos_token": "</s>",
        "enable_thinking": false, "n": 3, "f": -0.5
    })");
    return context;
}

void check(bool ok) {
    if (!ok) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view source = input;
    std::optional<ordered_json> context;
    if (const auto split = input.find("\n---\n"); split != std::string_view::npos) {
        source = input.substr(0, split);
        auto parsed = ordered_json::parse(input.substr(split + 5), nullptr, false);
        if (!parsed.is_discarded() && parsed.is_object()) context = std::move(parsed);
    }

    braid::engine::ChatTemplateRenderOptions options;
    options.limits.max_steps = 200'000;
    options.limits.max_output_bytes = 1 << 20;
    options.limits.max_items = 10'000;
    options.limits.max_allocated_bytes = 64 << 20;
    options.limits.max_depth = 200;
    options.now = std::chrono::system_clock::time_point{} + std::chrono::hours{24 * 20000};

    std::optional<braid::engine::ChatTemplate> tmpl;
    try {
        tmpl.emplace(source);
    } catch (const braid::Error&) {
        return 0;
    }
    const ordered_json& vars = context ? *context : default_context();
    std::string first;
    std::string first_error;
    try {
        first = tmpl->render(vars, options);
    } catch (const braid::Error& e) {
        first_error = e.what();
    }
    // Deterministic: the same text (or the same error) again, from a copy too.
    const braid::engine::ChatTemplate copy = *tmpl;
    try {
        const std::string second = copy.render(vars, options);
        check(first_error.empty() && second == first);
    } catch (const braid::Error& e) {
        check(!first_error.empty() && first_error == e.what());
    }
    return 0;
}
