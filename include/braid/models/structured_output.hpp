/// @file
/// @brief braid::with_structured_output: a chat model step whose output is a JSON value that follows a
/// JSON Schema — the model is asked for it through `response_format` (a local model enforces it while
/// decoding, with a grammar compiled from the schema), and the answer is parsed and validated.
///
/// @code
/// braid::Value schema = {{"type", "object"},
///                        {"properties", {{"name", {{"type", "string"}}}, {"age", {{"type", "integer"}}}}},
///                        {"required", {"name", "age"}}};
/// auto chat = braid::make_runnable(std::make_shared<braid::LocalChatModel>(model, options));
/// auto extract = prompt | braid::with_structured_output(chat, schema);
/// braid::Value person = extract.invoke({{"text", "Ada is 36."}});   // {"name": "Ada", "age": 36}
///
/// struct Person { std::string name; int age; };                     // with from_json(Value, Person&)
/// auto typed = prompt | braid::with_structured_output<Person>(chat, schema);
/// Person p = typed.invoke({{"text", "Ada is 36."}});
/// @endcode
///
/// Rules:
/// - the model step is bound to `response_format = {"type": "json_schema", "json_schema": {"name":
///   "output", "schema": schema}}` (OpenAI's shape, which LocalChatModel and OpenAI-compatible servers
///   read); a model that ignores it still gets its answer parsed and checked;
/// - the answer is parsed by StructuredOutputParser: Error(errc::parse) for text without JSON,
///   Error(errc::validation) naming each path that breaks the schema;
/// - streaming yields partial values (snapshots) as the JSON grows, the last one validated;
/// - the typed form converts the validated value with `from_json` (ADL), as nlohmann::json does.
/// Thread-safe like every runnable: immutable, callable from many threads.
#pragma once

#include <string>
#include <utility>

#include "braid/core/lambda.hpp"
#include "braid/core/runnable.hpp"
#include "braid/parsers/structured_output_parser.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid {

/// The `response_format` value that asks a model for JSON following @p schema, named @p name.
inline Value json_schema_response_format(Value schema, std::string name = "output") {
    return Value{{"type", "json_schema"}, {"json_schema", {{"name", std::move(name)}, {"schema", std::move(schema)}}}};
}

/// @p model bound to answer in JSON following @p schema, then parsed and validated (see the file
/// comment). Throws Error(errc::invalid_argument) for a malformed schema.
inline Runnable<PromptValue, Value> with_structured_output(const Runnable<PromptValue, Message>& model, Value schema) {
    StructuredOutputParser parser(schema); // validates the schema before anything runs
    Runnable<PromptValue, Message> bound = model.bind(Value{{"response_format", json_schema_response_format(schema)}});
    return bound | static_cast<const Runnable<Message, Value>&>(parser);
}

/// The typed form: the validated value converted to @p T with `from_json` (found by ADL).
template <class T>
Runnable<PromptValue, T> with_structured_output(const Runnable<PromptValue, Message>& model, Value schema) {
    return with_structured_output(model, std::move(schema)) |
           Runnable<Value, T>(Lambda<Value, T>([](const Value& v) { return v.get<T>(); }, "from_json"));
}

} // namespace braid
