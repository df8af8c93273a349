// Structured output on LocalChatModel: response_format json_object / json_schema / a bare schema and
// extra.grammar constrain decoding in the scheduler (a matcher per request), so seeded samples from
// stories260K and random-weight models all parse and validate; with_structured_output parses and
// validates, typed through from_json; bad grammars and schemas are errors naming what was wrong.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "braid/core/runnable.hpp"
#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "braid/models/structured_output.hpp"
#include "braid/parsers/json_schema_validator.hpp"
#include "local_test_util.hpp"

using braid::GenerationOptions;
using braid::LocalChatModel;
using braid::LocalChatModelOptions;
using braid::Message;
using braid::Messages;
using braid::Value;

namespace structured_output_test {

std::string chatml() {
    std::ifstream in(local_test::models_dir() / "chatml.jinja", std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

LocalChatModelOptions options(int n_seq = 4) {
    LocalChatModelOptions o;
    o.scheduler.n_seq_max = n_seq;
    o.scheduler.n_ctx = 512 * n_seq;
    o.scheduler.threads = 2;
    o.chat_template = chatml();
    o.defaults.max_tokens = 160;
    return o;
}

const Value& person_schema() {
    static const Value schema = Value::parse(R"({
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 12},
            "age": {"type": "integer", "minimum": 0, "maximum": 150},
            "mood": {"enum": ["happy", "sad", "sleepy"]},
            "pets": {"type": "array", "items": {"type": "string", "maxLength": 8}, "maxItems": 3}
        },
        "required": ["name", "age", "mood"]
    })");
    return schema;
}

Message so_ask(const LocalChatModel& model, const GenerationOptions& o) {
    return model.generate({Message::user("Describe a person as JSON.")}, o, braid::RunContext(braid::default_run_config()));
}

struct Person {
    std::string name;
    int age = 0;
    std::string mood;
};

void from_json(const Value& j, Person& p) {
    p.name = j.at("name").get<std::string>();
    p.age = j.at("age").get<int>();
    p.mood = j.at("mood").get<std::string>();
}

} // namespace structured_output_test

using namespace structured_output_test;

TEST_CASE("[local_structured_output] seeded samples under a JSON schema all parse and validate", "[engine]") {
    const braid::JsonSchemaValidator validator(person_schema());
    for (const char* file : {"stories260K.gguf", "tiny-llama-gqa-q4_k_m.gguf", "tiny-qwen2-q8_0.gguf"}) {
        INFO(file);
        LocalChatModel model(local_test::model(file), options());
        GenerationOptions o;
        o.temperature = 1.0;
        o.response_format = braid::json_schema_response_format(person_schema());
        for (std::uint64_t seed = 1; seed <= (std::string(file) == "stories260K.gguf" ? 24u : 8u); ++seed) {
            o.seed = seed;
            const Message m = so_ask(model, o);
            INFO("seed " << seed << ": " << m.content);
            CHECK(m.response_metadata["finish_reason"] == "stop");
            Value v;
            REQUIRE_NOTHROW(v = Value::parse(m.content));
            CHECK(validator.is_valid(v));
        }
    }
}

TEST_CASE("[local_structured_output] json_object, a bare schema and extra.grammar constrain the answer", "[engine]") {
    LocalChatModel model(local_test::stories(), options());
    GenerationOptions o;
    o.temperature = 0.8;
    o.seed = 3;
    o.response_format = Value{{"type", "json_object"}};
    o.max_tokens = 400;
    const Message object = so_ask(model, o);
    INFO(object.content);
    if (object.response_metadata["finish_reason"] == "stop")
        CHECK(Value::parse(object.content).is_object());
    else
        CHECK(object.content.front() == '{');

    o.response_format = Value{{"type", "array"}, {"items", {{"type", "boolean"}}}, {"minItems", 2}, {"maxItems", 2}};
    const Message bare = so_ask(model, o);
    const Value arr = Value::parse(bare.content);
    REQUIRE(arr.is_array());
    CHECK(arr.size() == 2);

    o.response_format = nullptr;
    o.extra["grammar"] = R"(root ::= ("yes" | "no") "!")";
    const Message yn = so_ask(model, o);
    CHECK((yn.content == "yes!" || yn.content == "no!"));
    CHECK(yn.response_metadata["finish_reason"] == "stop");

    o.response_format = Value{{"type", "text"}};
    o.extra = Value::object();
    o.max_tokens = 8;
    CHECK_FALSE(so_ask(model, o).content.empty());
}

TEST_CASE("[local_structured_output] grammars are compiled once per text and cached", "[engine]") {
    LocalChatModelOptions opts = options();
    opts.grammar_cache_size = 2;
    LocalChatModel model(local_test::stories(), opts);
    GenerationOptions a, b, c;
    a.response_format = braid::json_schema_response_format(person_schema());
    b.extra["grammar"] = R"(root ::= "b")";
    c.extra["grammar"] = R"(root ::= "c")";
    const auto ga = model.grammar_for(a);
    REQUIRE(ga);
    CHECK(model.grammar_for(a) == ga);
    CHECK(model.grammar_for(b) != ga);
    model.grammar_for(c); // evicts a, the least recently used
    CHECK(model.grammar_for(a) != ga);
    CHECK(model.grammar_for(GenerationOptions{}) == nullptr);
}

TEST_CASE("[local_structured_output] bad grammars and formats are errors naming what was wrong", "[engine]") {
    LocalChatModel model(local_test::stories(), options());
    auto kind = [&](const GenerationOptions& o) { return local_test::kind_of([&] { so_ask(model, o); }); };
    GenerationOptions o;
    o.extra["grammar"] = "root ::= \"unterminated";
    CHECK(kind(o) == braid::errc::parse);
    o.extra["grammar"] = 42;
    CHECK(kind(o) == braid::errc::invalid_argument);
    o.extra = Value::object();
    o.response_format = Value{{"type", "json_schema"}, {"json_schema", {{"name", "x"}}}};
    CHECK(kind(o) == braid::errc::invalid_argument);
    o.response_format = Value{{"type", "object"}, {"not", {{"pattern", "^a"}}}};
    CHECK(kind(o) == braid::errc::unsupported);
    try {
        o.response_format = Value{{"type", "json_schema"}, {"json_schema", {{"name", "x"}}}};
        so_ask(model, o);
    } catch (const braid::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("json_schema"));
    }
}

TEST_CASE("[local_structured_output] with_structured_output returns the validated value, typed or not", "[engine]") {
    auto chat = braid::make_runnable(std::make_shared<LocalChatModel>(local_test::stories(), options()));
    Value schema = person_schema();
    schema["properties"].erase("pets");
    auto extract = braid::with_structured_output(chat, schema);
    const Value v = extract.invoke(braid::PromptValue(Messages{Message::user("Who?")}));
    CHECK(braid::JsonSchemaValidator(schema).is_valid(v));

    auto typed = braid::with_structured_output<Person>(chat, schema);
    const Person p = typed.invoke(braid::PromptValue(Messages{Message::user("Who?")}));
    CHECK(p.name == v["name"].get<std::string>());
    CHECK(p.age == v["age"].get<int>());

    std::vector<Value> snapshots;
    for (const Value& s : extract.stream(braid::PromptValue(Messages{Message::user("Who?")})))
        snapshots.push_back(s);
    REQUIRE_FALSE(snapshots.empty());
    CHECK(snapshots.back() == v); // greedy: the same answer, streamed as growing values

    CHECK(local_test::kind_of([&] { braid::with_structured_output(chat, Value{{"type", 42}}); }) ==
          braid::errc::invalid_argument);
}

TEST_CASE("[local_structured_output] requests in one pass each follow their own grammar", "[engine]") {
    LocalChatModel model(local_test::stories(), options(4));
    const braid::JsonSchemaValidator validator(person_schema());
    std::vector<Message> answers(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < answers.size(); ++i)
        threads.emplace_back([&, i] {
            GenerationOptions o;
            o.temperature = 1.0;
            o.seed = 100 + i;
            if (i % 3 == 0)
                o.response_format = braid::json_schema_response_format(person_schema());
            else if (i % 3 == 1)
                o.extra["grammar"] = R"(root ::= [a-z]{3} "-" [0-9]{2})";
            else
                o.max_tokens = 12; // free
            answers[i] = so_ask(model, o);
        });
    for (auto& t : threads)
        t.join();
    for (std::size_t i = 0; i < answers.size(); ++i) {
        INFO(i << ": " << answers[i].content);
        if (i % 3 == 0) {
            CHECK(validator.is_valid(Value::parse(answers[i].content)));
        } else if (i % 3 == 1) {
            REQUIRE(answers[i].content.size() == 6);
            CHECK(answers[i].content[3] == '-');
        } else {
            CHECK_FALSE(answers[i].content.empty());
        }
    }
    CHECK(model.scheduler().stats().max_active > 1);
}
