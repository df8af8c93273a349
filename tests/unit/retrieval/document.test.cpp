// Document: JSON round trips (LangChain's form) and clear errors for malformed JSON.
#include <catch2/catch.hpp>

#include "braid/error.hpp"
#include "braid/retrieval/document.hpp"

using braid::Value;
using braid::retrieval::Document;

TEST_CASE("[document] JSON round trip and LangChain's form", "[unit]") {
    const Document doc{"Swords need oil.", Value{{"source", "manual.md"}, {"page", 3}}, "manual-3"};
    const Value json = doc;
    CHECK(json.dump() == R"({"page_content":"Swords need oil.","metadata":{"source":"manual.md","page":3},"id":"manual-3"})");
    CHECK(json.get<Document>() == doc);
    CHECK(Value(Document{"x", Value::object(), ""}).dump() == R"({"page_content":"x","metadata":{}})");
    CHECK(Value::parse(R"({"page_content":"x","metadata":null,"id":null})").get<Document>() == Document{"x", Value::object(), ""});
    CHECK(Value("plain").get<Document>() == Document{"plain", Value::object(), ""});
}

TEST_CASE("[document] malformed JSON names the field", "[unit]") {
    const auto fails = [](const char* text, const char* field) {
        try {
            (void)Value::parse(text).get<Document>();
        } catch (const braid::Error& e) {
            return e.kind() == braid::errc::parse && std::string(e.what()).find(field) != std::string::npos;
        }
        return false;
    };
    CHECK(fails(R"({"metadata":{}})", "page_content"));
    CHECK(fails(R"({"page_content":1})", "page_content"));
    CHECK(fails(R"({"page_content":"x","metadata":[1]})", "metadata"));
    CHECK(fails(R"({"page_content":"x","id":5})", "id"));
    CHECK(fails(R"(42)", "object or a string"));
}
