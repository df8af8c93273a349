// libFuzzer target: the JSON Schema → GBNF compiler (and regex → GBNF through `pattern`).
// Checks, beyond "no crash, no hang": every failure is a braid::Error; every grammar the compiler writes
// is accepted by the GBNF parser (unless it is too large for it) and accepts some text or none only as the
// grammar engine says, without throwing.
#include <braid/engine/grammar.hpp>
#include <braid/engine/json_schema.hpp>
#include <braid/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    nlohmann::ordered_json schema;
    try {
        schema = nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::exception&) {
        return 0;
    }
    braid::engine::JsonSchemaOptions options;
    options.max_compile_ms = 200;
    options.max_grammar_bytes = 1 << 16;
    for (bool ignore : {false, true}) {
        options.ignore_unsupported = ignore;
        std::string gbnf;
        try {
            gbnf = braid::engine::json_schema_to_gbnf(schema, options);
        } catch (const braid::Error&) {
            continue;
        }
        try {
            auto grammar = braid::engine::Grammar::from_gbnf(gbnf);
            (void)grammar->accepts("{}");
            (void)grammar->accepts(text);
        } catch (const braid::Error& e) {
            // The only parse error allowed is size; anything else is a grammar the compiler wrote wrong.
            if (std::string(e.what()).find("too large") == std::string::npos) __builtin_trap();
        }
    }
    return 0;
}
