#include "models/local/request_grammar.hpp"

#include "braid/engine/json_schema.hpp"
#include "braid/error.hpp"
#include "models/local/tool_grammar.hpp"

namespace braid::local_detail {

namespace {

std::string compile_schema(const Value& schema, bool closed_objects, engine::JsonPropertyOrder order) {
    engine::JsonSchemaOptions o;
    o.additional_properties_default = !closed_objects;
    o.property_order = order;
    return engine::json_schema_to_gbnf(schema, o);
}

} // namespace

std::optional<Value> response_schema(const Value& format) {
    if (format.is_null())
        return std::nullopt;
    if (!format.is_object())
        throw Error(errc::invalid_argument, std::string("response_format must be an object, got ") + format.type_name());
    const auto type = format.find("type");
    if (type != format.end() && type->is_string()) {
        const std::string t = type->get<std::string>();
        if (t == "text")
            return std::nullopt;
        if (t == "json_object")
            return Value{{"type", "object"}};
        if (t == "json_schema") {
            const auto js = format.find("json_schema");
            if (js == format.end() || !js->is_object() || !js->contains("schema") ||
                !((*js)["schema"].is_object() || (*js)["schema"].is_boolean()))
                throw Error(errc::invalid_argument, "response_format json_schema needs {\"json_schema\": {\"schema\": {...}}}, got " +
                                                        format.dump());
            return (*js)["schema"];
        }
    }
    return format; // a bare JSON Schema
}

std::optional<GrammarSpec> request_grammar(const GenerationOptions& o, const ToolCallSyntax& syntax,
                                           const engine::Model& model) {
    if (o.extra.is_object()) {
        if (auto it = o.extra.find("grammar"); it != o.extra.end() && !it->is_null()) {
            if (!it->is_string() || it->get<std::string>().empty())
                throw Error(errc::invalid_argument, "extra.grammar must be GBNF text, got " + it->dump());
            GrammarSpec spec;
            spec.gbnf = it->get<std::string>();
            return spec;
        }
    }
    if (std::optional<Value> schema = response_schema(o.response_format)) {
        // json_object: any object; a schema: objects closed to their properties unless it says otherwise.
        const bool any_object = o.response_format.value("type", Value()) == "json_object";
        GrammarSpec spec;
        spec.gbnf = compile_schema(*schema, !any_object, engine::JsonPropertyOrder::schema);
        return spec;
    }
    return tool_grammar(o, syntax, model);
}

} // namespace braid::local_detail
