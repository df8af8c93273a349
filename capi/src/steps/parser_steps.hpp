// Output parsers as Value steps: an answer (text, message or chunks) in, the parsed value out; every
// one transforms a stream.
#pragma once

#include <string>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/list_output_parser.hpp"

namespace braid::capi {

/// What the parser steps share: format instructions for the prompt.
class ParserStep : public RunnableImpl<Value, Value> {
public:
    StreamMode stream_mode() const override { return StreamMode::transform; }
    /// Text telling a model how to answer ("" when the parser needs none).
    virtual std::string format_instructions() const = 0;
};

/// StrOutputParser.
AnyRunnable make_str_parser();
/// JsonOutputParser with @p options.
AnyRunnable make_json_parser(JsonOutputOptions options);
/// ListOutputParser for @p style.
AnyRunnable make_list_parser(ListStyle style);
/// StructuredOutputParser for @p schema.
AnyRunnable make_structured_parser(Value schema, JsonOutputOptions options);
/// XmlOutputParser suggesting @p tags.
AnyRunnable make_xml_parser(std::vector<std::string> tags);

} // namespace braid::capi
