#include <braid/parsers/structured_output_parser.hpp>

namespace braid {

std::optional<Value> StructuredOutputParser::Stream::finish() {
    auto last = json_.finish();
    validator_.validate(json_.result());
    return last;
}

Value StructuredOutputParser::parse(std::string_view text) const {
    Value value = JsonOutputParser(options_).parse(text);
    validator_.validate(value);
    return value;
}

std::string StructuredOutputParser::format_instructions() const {
    // Drop the keywords that only document the schema itself, so the model sees the shape.
    Value shown = validator_.schema();
    if (shown.is_object()) {
        shown.erase("$schema");
        shown.erase("$id");
    }
    return "Answer with a single JSON value that conforms to the JSON Schema below. Output only the JSON, "
           "inside a ```json code block: no comments, no trailing commas, no extra keys that the schema "
           "does not allow. Fill in every required property.\n\n"
           "Schema:\n```json\n" +
           shown.dump(2, ' ', false, Value::error_handler_t::replace) + "\n```";
}

} // namespace braid
