/* Model I/O through the C ABI: prompt templates, output parsers, messages and the fake chat model. */
#include "check.h"

static char *invoke(const braid_runnable *r, const char *input) {
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, r, input, NULL));
    return out;
}

#define CHECK_INVOKE(r, input, expected)                                                       \
    do {                                                                                       \
        char *check_out_ = invoke((r), (input));                                               \
        CHECK_STREQ(check_out_, (expected));                                                   \
        braid_string_free(check_out_);                                                         \
    } while (0)

static void test_prompt_template(void) {
    braid_runnable *p = NULL;
    CHECK_OK(braid_prompt_template(&p, "Tell me a {adjective} joke about {topic}. {{braces}}", NULL));
    CHECK_INVOKE(p, "{\"adjective\": \"short\", \"topic\": \"cats\", \"extra\": 1}",
                 "\"Tell me a short joke about cats. {braces}\"");
    CHECK_INVOKE(p, "{\"adjective\": 3, \"topic\": [1]}", "\"Tell me a 3 joke about [1]. {braces}\"");
    char *out = NULL;
    CHECK_OK(braid_prompt_variables(&out, p));
    CHECK_STREQ(out, "[\"adjective\",\"topic\"]");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_runnable_invoke(&out, p, "{\"adjective\": \"x\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "topic");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, p, "\"not an object\"", NULL));
    braid_runnable_free(p);

    CHECK_OK(braid_prompt_template(&p, "{a} and {b}", "{\"a\": \"fixed\"}"));
    CHECK_INVOKE(p, "{\"b\": \"given\"}", "\"fixed and given\"");
    CHECK_OK(braid_prompt_variables(&out, p));
    CHECK_STREQ(out, "[\"b\"]");
    braid_string_free(out);
    braid_runnable_free(p);

    CHECK_STATUS(BRAID_ERROR_TEMPLATE, braid_prompt_template(&p, "unclosed {brace", NULL));
    CHECK(p == NULL);
    CHECK_STATUS(BRAID_ERROR_TEMPLATE, braid_prompt_template(&p, "{not-a-name}", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_prompt_template(&p, "{a}", "{\"zzz\": 1}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_prompt_template(&p, "{a}", "[1]"));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_prompt_template(&p, "{a}", "{"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_prompt_template(&p, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_prompt_template(NULL, "x", NULL));
}

static void test_chat_prompt_template(void) {
    braid_runnable *p = NULL;
    CHECK_OK(braid_chat_prompt_template(&p,
                                        "[[\"system\", \"You are {role}.\"],"
                                        " {\"placeholder\": \"history\", \"optional\": true},"
                                        " {\"message\": {\"role\": \"assistant\", \"content\": \"fixed {not formatted}\"}},"
                                        " {\"role\": \"human\", \"content\": \"{q}\"}]",
                                        NULL));
    CHECK_INVOKE(p, "{\"role\": \"a pirate\", \"q\": \"Hi\"}",
                 "[{\"role\":\"system\",\"content\":\"You are a pirate.\"},"
                 "{\"role\":\"assistant\",\"content\":\"fixed {not formatted}\"},"
                 "{\"role\":\"user\",\"content\":\"Hi\"}]");
    CHECK_INVOKE(p, "{\"role\": \"r\", \"q\": \"Q\", \"history\": [[\"user\", \"before\"], \"plain\"]}",
                 "[{\"role\":\"system\",\"content\":\"You are r.\"},"
                 "{\"role\":\"user\",\"content\":\"before\"},{\"role\":\"user\",\"content\":\"plain\"},"
                 "{\"role\":\"assistant\",\"content\":\"fixed {not formatted}\"},"
                 "{\"role\":\"user\",\"content\":\"Q\"}]");
    char *out = NULL;
    CHECK_OK(braid_prompt_variables(&out, p));
    CHECK_STREQ(out, "[\"role\",\"q\"]");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, p, "{\"role\": \"r\", \"q\": \"Q\", \"history\": 5}", NULL));
    braid_runnable_free(p);

    CHECK_OK(braid_chat_prompt_template(&p, "[[\"user\", \"{a}{b}\"]]", "{\"b\": \"!\"}"));
    CHECK_INVOKE(p, "{\"a\": \"hey\"}", "[{\"role\":\"user\",\"content\":\"hey!\"}]");
    braid_runnable_free(p);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_prompt_template(&p, "[[\"user\"]]", NULL));
    CHECK_CONTAINS(braid_last_error(), "messages[0]");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_prompt_template(&p, "[{\"placeholder\": 3}]", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_prompt_template(&p, "[{\"role\": \"user\", \"content\": \"x\", \"more\": 1}]", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_prompt_template(&p, "[42]", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_prompt_template(&p, "{}", NULL));
    CHECK_STATUS(BRAID_ERROR_TEMPLATE, braid_chat_prompt_template(&p, "[[\"user\", \"{oops\"]]", NULL));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_chat_prompt_template(&p, "[[", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_prompt_template(&p, NULL, NULL));

    braid_runnable *not_prompt = NULL;
    CHECK_OK(braid_runnable_passthrough(&not_prompt));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_prompt_variables(&out, not_prompt));
    CHECK_CONTAINS(braid_last_error(), "not a prompt template");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_prompt_variables(&out, NULL));
    braid_runnable_free(not_prompt);
}

typedef struct chunks {
    char text[8192];
    int count;
} chunks;

static braid_status collect(const char *json, void *user_data) {
    chunks *c = (chunks *)user_data;
    ++c->count;
    strncat(c->text, json, sizeof c->text - strlen(c->text) - 2);
    strcat(c->text, "|");
    return BRAID_OK;
}

/* model answering `answer` in chunks of `chunking` | parser */
static braid_runnable *model_then(const char *config, braid_runnable *parser) {
    braid_runnable *model = NULL, *chain = NULL;
    CHECK_OK(braid_fake_chat_model(&model, config));
    CHECK_OK(braid_runnable_pipe(&chain, model, parser));
    braid_runnable_free(model);
    braid_runnable_free(parser);
    return chain;
}

static void test_str_parser(void) {
    braid_runnable *p = NULL;
    CHECK_OK(braid_parser_str(&p));
    CHECK_INVOKE(p, "\"text\"", "\"text\"");
    CHECK_INVOKE(p, "{\"role\": \"assistant\", \"content\": \"from a message\"}", "\"from a message\"");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, p, "42", NULL));
    CHECK_CONTAINS(braid_last_error(), "step 'StrOutputParser' expects braid::Message but got the Value 42: a message must be a text or a JSON object");
    CHECK_OK(braid_parser_format_instructions(&out, p));
    CHECK_STREQ(out, "");
    braid_string_free(out);
    braid_runnable_free(p);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_str(NULL));
}

static void test_json_parser(void) {
    braid_runnable *p = NULL;
    CHECK_OK(braid_parser_json(&p, NULL));
    CHECK_INVOKE(p, "\"Sure:\\n```json\\n{\\\"a\\\": [1, 2]}\\n```\"", "{\"a\":[1,2]}");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&out, p, "\"no json here\"", NULL));
    CHECK_OK(braid_parser_format_instructions(&out, p));
    CHECK_CONTAINS(out, "JSON");
    braid_string_free(out);

    /* streamed: snapshots that grow, the last one complete */
    braid_runnable *chain = model_then(
        "{\"responses\": [\"{\\\"city\\\": \\\"Paris\\\", \\\"tags\\\": [\\\"a\\\", \\\"b\\\"]}\"], \"chunking\": \"chars\", \"chunk_size\": 4}",
        p);
    chunks c = {{0}, 0};
    CHECK_OK(braid_runnable_stream(chain, "\"describe\"", NULL, collect, &c));
    CHECK(c.count >= 3);
    CHECK_CONTAINS(c.text, "{\"city\":\"Pa");
    const char *last = strrchr(c.text, '{');
    CHECK_STREQ(last, "{\"city\":\"Paris\",\"tags\":[\"a\",\"b\"]}|");
    braid_runnable_free(chain);

    braid_json_parser_options options = BRAID_JSON_PARSER_OPTIONS_INIT;
    options.allow_partial = 1;
    CHECK_OK(braid_parser_json(&p, &options));
    CHECK_INVOKE(p, "\"{\\\"a\\\": [1, 2, \\\"tex\"", "{\"a\":[1,2,\"tex\"]}"); /* a number shows once complete */
    braid_runnable_free(p);
    options.max_depth = 0;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_json(&p, &options));
    options.struct_size = 2;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_json(&p, &options));
}

static void test_list_parser(void) {
    braid_runnable *p = NULL;
    CHECK_OK(braid_parser_list(&p, BRAID_LIST_NUMBERED));
    CHECK_INVOKE(p, "\"Here:\\n1. red\\n2) green\\n\"", "[\"red\",\"green\"]");
    braid_runnable_free(p);
    CHECK_OK(braid_parser_list(&p, BRAID_LIST_COMMA));
    braid_runnable *chain = model_then("{\"responses\": [\"red, green, blue\"], \"chunking\": \"chars\"}", p);
    chunks c = {{0}, 0};
    CHECK_OK(braid_runnable_stream(chain, "\"colours\"", NULL, collect, &c));
    CHECK_STREQ(c.text, "[\"red\"]|[\"green\"]|[\"blue\"]|");
    CHECK_INVOKE(chain, "\"colours\"", "[\"red\",\"green\",\"blue\"]");
    braid_runnable_free(chain);
    CHECK_OK(braid_parser_list(&p, BRAID_LIST_MARKDOWN));
    char *out = NULL;
    CHECK_OK(braid_parser_format_instructions(&out, p));
    CHECK(out && strlen(out) > 0);
    braid_string_free(out);
    braid_runnable_free(p);
    CHECK_OK(braid_parser_list(&p, BRAID_LIST_NEWLINE));
    braid_runnable_free(p);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_list(&p, (braid_list_style)9));
}

static void test_structured_parser(void) {
    braid_runnable *p = NULL;
    const char *schema = "{\"type\": \"object\", \"required\": [\"name\"], \"properties\": {\"name\": {\"type\": \"string\"}}}";
    CHECK_OK(braid_parser_structured(&p, schema, NULL));
    CHECK_INVOKE(p, "\"{\\\"name\\\": \\\"Ann\\\"}\"", "{\"name\":\"Ann\"}");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, p, "\"{\\\"name\\\": 3}\"", NULL));
    CHECK_CONTAINS(braid_last_error(), "$.name");
    CHECK_OK(braid_parser_format_instructions(&out, p));
    CHECK_CONTAINS(out, "\"name\"");
    braid_string_free(out);
    braid_runnable_free(p);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_structured(&p, "{\"type\": 7}", NULL));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_parser_structured(&p, "{", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_structured(&p, NULL, NULL));
}

static void test_xml_parser(void) {
    braid_runnable *p = NULL;
    CHECK_OK(braid_parser_xml(&p, "[\"movie\"]"));
    CHECK_INVOKE(p, "\"<movies><movie>Heat</movie><movie>Ran</movie></movies>\"", "{\"movies\":{\"movie\":[\"Heat\",\"Ran\"]}}");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&out, p, "\"<a><b></a>\"", NULL));
    CHECK_OK(braid_parser_format_instructions(&out, p));
    CHECK_CONTAINS(out, "movie");
    braid_string_free(out);
    braid_runnable_free(p);
    CHECK_OK(braid_parser_xml(&p, NULL));
    braid_runnable_free(p);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_xml(&p, "[1]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_xml(&p, "{}"));

    braid_runnable *not_parser = NULL;
    CHECK_OK(braid_runnable_passthrough(&not_parser));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_format_instructions(&out, not_parser));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parser_format_instructions(&out, NULL));
    braid_runnable_free(not_parser);
}

static void test_messages(void) {
    char *out = NULL;
    CHECK_OK(braid_messages_normalize(&out, "{\"role\": \"human\", \"content\": [{\"type\": \"text\", \"text\": \"a\"}, {\"type\": \"text\", \"text\": \"b\"}]}"));
    CHECK_STREQ(out, "{\"role\":\"user\",\"content\":\"ab\"}");
    braid_string_free(out);
    CHECK_OK(braid_messages_normalize(&out, "[{\"role\": \"ai\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{\\\"x\\\": 1}\"}}]}]"));
    CHECK_CONTAINS(out, "\"role\":\"assistant\"");
    CHECK_CONTAINS(out, "\"arguments\":{\"x\":1}");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_messages_normalize(&out, "{\"content\": \"no role\"}"));
    CHECK_STATUS(BRAID_ERROR_TOOL, braid_messages_normalize(&out, "{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c\", \"name\": \"f\", \"arguments\": \"{bad\"}]}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_messages_normalize(&out, "3"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_messages_normalize(NULL, "{}"));

    CHECK_OK(braid_messages_to_text(&out, "[{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"U\"}, {\"role\": \"assistant\", \"content\": \"A\"}]", NULL, NULL));
    CHECK_STREQ(out, "System: S\nHuman: U\nAI: A");
    braid_string_free(out);
    CHECK_OK(braid_messages_to_text(&out, "[{\"role\": \"user\", \"content\": \"U\"}, {\"role\": \"assistant\", \"content\": \"A\"}]", "Player", "NPC"));
    CHECK_STREQ(out, "Player: U\nNPC: A");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_messages_to_text(&out, "{}", NULL, NULL));

    CHECK_OK(braid_message_chunks_concat(&out,
        "[{\"role\": \"assistant\", \"content\": \"Let me \"}, {\"content\": \"check.\", \"tool_call_chunks\": [{\"index\": 0, \"id\": \"c1\", \"name\": \"weather\", \"arguments\": \"{\\\"city\\\": \"}]},"
        " {\"content\": \"\", \"tool_call_chunks\": [{\"index\": 0, \"arguments\": \"\\\"Paris\\\"}\"}]}]"));
    CHECK_CONTAINS(out, "\"content\":\"Let me check.\"");
    CHECK_CONTAINS(out, "\"arguments\":{\"city\":\"Paris\"}");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_TOOL, braid_message_chunks_concat(&out, "[{\"content\": \"\", \"tool_call_chunks\": [{\"index\": 0, \"name\": \"f\", \"arguments\": \"{\"}]}]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_message_chunks_concat(&out, "{}"));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_message_chunks_concat(&out, "[{\"content\": 5}]"));
}

static void test_fake_chat_model(void) {
    braid_runnable *model = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "{\"responses\": [\"one\", {\"content\": \"two\"}, {\"content\": \"\", \"tool_calls\": [{\"id\": \"c1\", \"name\": \"f\", \"arguments\": {\"x\": 1}}]}], \"name\": \"npc\"}"));
    CHECK_INVOKE(model, "\"hi\"", "{\"role\":\"assistant\",\"content\":\"one\"}");
    CHECK_INVOKE(model, "[{\"role\": \"system\", \"content\": \"S\"}, \"hello\"]", "{\"role\":\"assistant\",\"content\":\"two\"}");
    char *out = invoke(model, "{\"messages\": [{\"role\": \"user\", \"content\": \"call it\"}]}");
    CHECK_CONTAINS(out, "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{\"x\":1}}}]");
    braid_string_free(out);
    CHECK_OK(braid_runnable_name(&out, model));
    CHECK_STREQ(out, "npc");
    braid_string_free(out);
    CHECK_OK(braid_fake_chat_model_calls(&out, model));
    CHECK_CONTAINS(out, "{\"call_count\":3,\"received\":[[{\"role\":\"user\",\"content\":\"hi\"}],[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"hello\"}]");
    braid_string_free(out);
    CHECK_OK(braid_fake_chat_model_reset(model));
    CHECK_OK(braid_fake_chat_model_calls(&out, model));
    CHECK_STREQ(out, "{\"call_count\":0,\"received\":[],\"options\":[]}");
    braid_string_free(out);
    CHECK_INVOKE(model, "\"again\"", "{\"role\":\"assistant\",\"content\":\"one\"}");
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, model, "5", NULL));
    braid_runnable_free(model);

    /* a scripted failure after two streamed chunks */
    CHECK_OK(braid_fake_chat_model(&model, "{\"responses\": [{\"error\": \"device\", \"message\": \"GPU lost\", \"after_chunks\": 2, \"partial\": \"a b c\"}], \"chunking\": \"words\"}"));
    chunks c = {{0}, 0};
    CHECK_STATUS(BRAID_ERROR_DEVICE, braid_runnable_stream(model, "\"go\"", NULL, collect, &c));
    CHECK(c.count == 2);
    CHECK_CONTAINS(braid_last_error(), "GPU lost");
    braid_runnable_free(model);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model(&model, "[]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model(&model, "{\"responses\": [\"x\"], \"speed\": 1}"));
    CHECK_CONTAINS(braid_last_error(), "unknown key 'speed'");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model(&model, "{\"responses\": [{\"error\": \"oops\"}]}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model(&model, "{\"responses\": [\"x\"], \"chunking\": \"lines\"}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model(&model, "{\"responses\": [\"x\"], \"chunk_size\": 0}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model(&model, "{\"responses\": [\"x\"], \"chunk_size\": -1}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model(&model, "5"));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_fake_chat_model(&model, "[\"x\""));
    CHECK(model == NULL);

    braid_runnable *other = NULL;
    CHECK_OK(braid_runnable_passthrough(&other));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model_calls(&out, other));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model_reset(other));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_fake_chat_model_reset(NULL));
    braid_runnable_free(other);
}

static const check_test tests[] = {
    {"prompt_template", test_prompt_template},
    {"chat_prompt_template", test_chat_prompt_template},
    {"str_parser", test_str_parser},
    {"json_parser", test_json_parser},
    {"list_parser", test_list_parser},
    {"structured_parser", test_structured_parser},
    {"xml_parser", test_xml_parser},
    {"messages", test_messages},
    {"fake_chat_model", test_fake_chat_model},
};

CHECK_MAIN(tests)
