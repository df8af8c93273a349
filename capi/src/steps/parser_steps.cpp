#include "parser_steps.hpp"

#include "content.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/parsers/structured_output_parser.hpp"
#include "braid/parsers/xml_output_parser.hpp"

namespace braid::capi {

namespace {

class StrParserStep final : public ParserStep {
public:
    Value invoke(const Value& input, const RunContext&) const override { return Value(text_of(input, name())); }
    Stream<Value> transform(Stream<Value> input, const RunContext&) const override { return pass(std::move(input)); }
    std::string name() const override { return "StrOutputParser"; }
    std::string format_instructions() const override { return {}; }

private:
    static Stream<Value> pass(Stream<Value> input) {
        StrOutputParser::Stream parser;
        while (auto chunk = input.next())
            if (auto text = parser.feed(text_of(*chunk, "StrOutputParser")))
                co_yield Value(std::move(*text));
    }
};

// The JSON-like parsers: JSON, structured and XML share this shape (the parser P has a Stream with
// feed() / finish() returning optional values, and parse()).
template <class P>
class ValueParserStep final : public ParserStep {
public:
    ValueParserStep(P parser, std::string name, std::string instructions)
        : parser_(std::move(parser)), name_(std::move(name)), instructions_(std::move(instructions)) {}

    Value invoke(const Value& input, const RunContext&) const override { return parser_.parse(text_of(input, name_)); }
    Stream<Value> transform(Stream<Value> input, const RunContext&) const override { return parse(this, std::move(input)); }
    std::string name() const override { return name_; }
    std::string format_instructions() const override { return instructions_; }

private:
    static Stream<Value> parse(const ValueParserStep* self, Stream<Value> input) {
        auto parser = self->parser_.stream();
        while (auto chunk = input.next())
            if (auto value = parser.feed(text_of(*chunk, self->name_)))
                co_yield std::move(*value);
        if (auto value = parser.finish())
            co_yield std::move(*value);
    }

    P parser_;
    std::string name_;
    std::string instructions_;
};

// Chunks are arrays of the items completed, so that they add up (array + array) to the whole list.
class ListParserStep final : public ParserStep {
public:
    explicit ListParserStep(ListStyle style) : parser_(style) {}

    Value invoke(const Value& input, const RunContext&) const override { return Value(parser_.parse(text_of(input, name()))); }
    Stream<Value> transform(Stream<Value> input, const RunContext&) const override { return parse(this, std::move(input)); }
    std::string name() const override { return "ListOutputParser"; }
    std::string format_instructions() const override { return parser_.format_instructions(); }

private:
    static Stream<Value> parse(const ListParserStep* self, Stream<Value> input) {
        ListOutputParser::Stream parser = self->parser_.stream();
        while (auto chunk = input.next()) {
            std::vector<std::string> items = parser.feed(text_of(*chunk, "ListOutputParser"));
            if (!items.empty())
                co_yield Value(std::move(items));
        }
        std::vector<std::string> last = parser.finish();
        if (!last.empty())
            co_yield Value(std::move(last));
    }

    ListOutputParser parser_;
};

} // namespace

AnyRunnable make_str_parser() { return AnyRunnable(std::make_shared<StrParserStep>()); }

AnyRunnable make_json_parser(JsonOutputOptions options) {
    return AnyRunnable(std::make_shared<ValueParserStep<JsonOutputParser>>(
        JsonOutputParser(options), "JsonOutputParser", JsonOutputParser::format_instructions()));
}

AnyRunnable make_list_parser(ListStyle style) { return AnyRunnable(std::make_shared<ListParserStep>(style)); }

AnyRunnable make_structured_parser(Value schema, JsonOutputOptions options) {
    StructuredOutputParser parser(std::move(schema), options);
    std::string instructions = parser.format_instructions();
    return AnyRunnable(std::make_shared<ValueParserStep<StructuredOutputParser>>(
        std::move(parser), "StructuredOutputParser", std::move(instructions)));
}

AnyRunnable make_xml_parser(std::vector<std::string> tags) {
    XmlOutputParser parser(std::move(tags));
    std::string instructions = parser.format_instructions();
    return AnyRunnable(std::make_shared<ValueParserStep<XmlOutputParser>>(std::move(parser), "XmlOutputParser",
                                                                          std::move(instructions)));
}

} // namespace braid::capi
