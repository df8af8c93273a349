// The C functions of braid/grammar.h: compiled GBNF grammars and the tool-call parser.
#include <memory>
#include <string>
#include <string_view>

#include "handles.hpp"
#include "json_io.hpp"
#include "braid/grammar.h"
#include "braid/engine/grammar.hpp"
#include "braid/engine/json_schema.hpp"
#include "options.hpp"
#include "braid/models/tool_call_parser.hpp"

namespace braid::capi {

/// The object behind a braid_grammar handle ("BRGR").
struct GrammarHandle {
    static constexpr Tag tag_value = static_cast<Tag>(0x52475242);
    static constexpr const char* type_name = "braid_grammar";
    Tag tag = tag_value;
    std::shared_ptr<const engine::Grammar> grammar;
};

template <> struct Internal<braid_grammar> { using type = GrammarHandle; };

namespace {

// "hermes" or "hermes+thinking".
ToolCallSyntax grammar_tool_syntax(std::string_view format) {
    static constexpr std::string_view thinking = "+thinking";
    ToolCallSyntax syntax;
    if (format.size() > thinking.size() && format.substr(format.size() - thinking.size()) == thinking) {
        syntax.thinking = true;
        format.remove_suffix(thinking.size());
    }
    syntax.format = tool_call_format_from_name(format);
    return syntax;
}

engine::JsonSchemaOptions grammar_schema_options(const braid_json_schema_options& o) {
    check_flags(o.flags,
                BRAID_JSON_SCHEMA_FLEXIBLE_WHITESPACE | BRAID_JSON_SCHEMA_SCHEMA_ORDER | BRAID_JSON_SCHEMA_CLOSED_OBJECTS |
                    BRAID_JSON_SCHEMA_IGNORE_UNSUPPORTED,
                "options->flags");
    engine::JsonSchemaOptions options;
    if (o.flags & BRAID_JSON_SCHEMA_FLEXIBLE_WHITESPACE)
        options.whitespace = engine::JsonWhitespace::flexible;
    if (o.flags & BRAID_JSON_SCHEMA_SCHEMA_ORDER)
        options.property_order = engine::JsonPropertyOrder::schema;
    if (o.flags & BRAID_JSON_SCHEMA_CLOSED_OBJECTS)
        options.additional_properties_default = false;
    options.ignore_unsupported = (o.flags & BRAID_JSON_SCHEMA_IGNORE_UNSUPPORTED) != 0;
    if (o.max_compile_ms > 0)
        options.max_compile_ms = o.max_compile_ms;
    return options;
}

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_grammar_compile_gbnf(braid_grammar** out, const char* gbnf) {
    return guard([&] {
        out_param(out, "out");
        require(gbnf, "gbnf");
        auto handle = std::make_unique<GrammarHandle>();
        handle->grammar = engine::Grammar::from_gbnf(gbnf);
        *out = to_handle<braid_grammar>(handle.release());
    });
}

braid_status braid_grammar_from_json_schema(braid_grammar** out, const char* schema_json,
                                            const braid_json_schema_options* options) {
    return guard([&] {
        out_param(out, "out");
        const Value schema = parse_json(schema_json, "schema_json");
        static constexpr braid_json_schema_options defaults = BRAID_JSON_SCHEMA_OPTIONS_INIT;
        const braid_json_schema_options o = read_options(options, defaults, BRAID_JSON_SCHEMA_OPTIONS_V1_SIZE, "options");
        auto handle = std::make_unique<GrammarHandle>();
        handle->grammar = engine::json_schema_grammar(schema, grammar_schema_options(o));
        *out = to_handle<braid_grammar>(handle.release());
    });
}

void braid_grammar_free(braid_grammar* grammar) { release(grammar); }

braid_status braid_grammar_accepts(const braid_grammar* grammar, const char* text, uint32_t* out_accepted) {
    return guard([&] {
        *require(out_accepted, "out_accepted") = 0;
        const engine::Grammar& g = *use(grammar, "grammar").grammar;
        require(text, "text");
        *out_accepted = g.accepts(text) ? 1u : 0u;
    });
}

braid_status braid_grammar_source(char** out_gbnf, const braid_grammar* grammar) {
    return guard([&] {
        out_param(out_gbnf, "out_gbnf");
        put_string(out_gbnf, use(grammar, "grammar").grammar->source());
    });
}

braid_status braid_tool_calls_parse(char** out_json, const char* format, const char* text, const char* tools_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        require(format, "format");
        require(text, "text");
        const ToolCallSyntax syntax = grammar_tool_syntax(format);
        ToolCallParseOptions options;
        if (tools_json)
            options.tools = parse_json(tools_json, "tools_json");
        const Message message = parse_tool_calls(text, syntax, options);
        put_string(out_json, dump_json(Value(message)));
    });
}

} // extern "C"
