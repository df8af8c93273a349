// The C functions of braid/parsers.h.
#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/parsers.h"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/list_output_parser.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/parsers/structured_output_parser.hpp"
#include "braid/parsers/xml_output_parser.hpp"

namespace braid::capi {

namespace {

JsonOutputOptions json_options(const braid_json_parser_options* options) {
    static constexpr braid_json_parser_options defaults = BRAID_JSON_PARSER_OPTIONS_INIT;
    const braid_json_parser_options o = read_options(options, defaults, BRAID_JSON_PARSER_OPTIONS_V1_SIZE, "options");
    if (o.max_depth < 1)
        throw Error(errc::invalid_argument, "options->max_depth must be at least 1");
    JsonOutputOptions result;
    result.allow_partial = o.allow_partial != 0;
    result.max_depth = o.max_depth;
    return result;
}

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_parser_str(braid_runnable** out) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, StrOutputParser());
    });
}

braid_status braid_parser_json(braid_runnable** out, const braid_json_parser_options* options) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, JsonOutputParser(json_options(options)));
    });
}

braid_status braid_parser_list(braid_runnable** out, braid_list_style style) {
    return guard([&] {
        out_param(out, "out");
        switch (style) {
        case BRAID_LIST_COMMA: put_runnable(out, ListOutputParser(ListStyle::comma)); return;
        case BRAID_LIST_NEWLINE: put_runnable(out, ListOutputParser(ListStyle::newline)); return;
        case BRAID_LIST_NUMBERED: put_runnable(out, ListOutputParser(ListStyle::numbered)); return;
        case BRAID_LIST_MARKDOWN: put_runnable(out, ListOutputParser(ListStyle::markdown)); return;
        case BRAID_LIST_STYLE_MAX_ENUM: break;
        }
        throw Error(errc::invalid_argument, "style " + std::to_string(static_cast<int>(style)) + " is not a braid_list_style");
    });
}

braid_status braid_parser_structured(braid_runnable** out, const char* schema_json, const braid_json_parser_options* options) {
    return guard([&] {
        out_param(out, "out");
        Value schema = parse_json(schema_json, "schema_json");
        put_runnable(out, StructuredOutputParser(std::move(schema), json_options(options)));
    });
}

braid_status braid_parser_xml(braid_runnable** out, const char* tags_json) {
    return guard([&] {
        out_param(out, "out");
        const Value tags = parse_json_or(tags_json, "tags_json", Value::array());
        std::vector<std::string> names;
        if (!tags.is_array())
            throw Error(errc::invalid_argument, "tags_json must be an array of strings");
        for (const Value& tag : tags) {
            if (!tag.is_string())
                throw Error(errc::invalid_argument, "tags_json must be an array of strings, got " + dump_json(tag));
            names.push_back(tag.get<std::string>());
        }
        put_runnable(out, XmlOutputParser(std::move(names)));
    });
}

braid_status braid_parser_format_instructions(char** out_text, const braid_runnable* parser) {
    return guard([&] {
        out_param(out_text, "out_text");
        const AnyRunnable& runnable = use(parser, "parser").runnable;
        const auto step = find_impl<OutputParserBase>(runnable);
        if (!step)
            throw Error(errc::invalid_argument, "parser is not an output parser (it is '" + runnable.name() + "')");
        put_string(out_text, step->format_instructions());
    });
}

} // extern "C"
