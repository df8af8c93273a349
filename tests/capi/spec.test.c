/* Chains described in JSON (braid_runnable_from_spec). */
#include "check.h"

static braid_status exclaim(braid_call *call, const char *input_json, void *user_data) {
    (void)user_data;
    char out[512];
    size_t n = strlen(input_json);
    if (n < 2 || input_json[0] != '"' || n > 400)
        return BRAID_ERROR_VALIDATION;
    snprintf(out, sizeof out, "%.*s!\"", (int)(n - 1), input_json);
    return braid_call_set_output(call, out);
}

static void test_spec_chain(void) {
    braid_runnable *shout = NULL;
    CHECK_OK(braid_runnable_from_callback(&shout, "exclaim", exclaim, NULL, NULL));
    const char *names[] = {"exclaim"};
    const braid_runnable *refs[] = {shout};
    braid_runnable *chain = NULL;
    CHECK_OK(braid_runnable_from_spec(&chain,
        "[{\"type\": \"chat_prompt\", \"messages\": [[\"system\", \"You are {role}.\"], [\"user\", \"{q}\"]]},"
        " {\"type\": \"fake_chat_model\", \"responses\": [\"Arr, Paris\"], \"chunking\": \"words\"},"
        " {\"type\": \"str_parser\"},"
        " {\"type\": \"ref\", \"name\": \"exclaim\"}]",
        names, refs, 1));
    braid_runnable_free(shout); /* the chain holds it */
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, chain, "{\"role\": \"a pirate\", \"q\": \"Capital of France?\"}", NULL));
    CHECK_STREQ(out, "\"Arr, Paris!\"");
    braid_string_free(out);
    braid_runnable_free(chain);
}

static void test_spec_kinds(void) {
    braid_runnable *r = NULL;
    char *out = NULL;
    CHECK_OK(braid_runnable_from_spec(&r,
        "{\"type\": \"sequence\", \"steps\": ["
        "  {\"type\": \"assign\", \"branches\": {\"n\": {\"type\": \"pick\", \"key\": \"q\"}}},"
        "  {\"type\": \"parallel\", \"branches\": {\"both\": {\"type\": \"pick\", \"keys\": [\"q\", \"n\"]}, \"same\": {\"type\": \"passthrough\"}}},"
        "  {\"type\": \"pick\", \"key\": \"both\"},"
        "  {\"type\": \"router\", \"key\": \"q\", \"routes\": {\"hi\": {\"type\": \"prompt\", \"template\": \"greeting {q}\"}},"
        "   \"default\": {\"type\": \"prompt\", \"template\": \"other {q}\"}}"
        "]}",
        NULL, NULL, 0));
    CHECK_OK(braid_runnable_invoke(&out, r, "{\"q\": \"hi\"}", NULL));
    CHECK_STREQ(out, "\"greeting hi\"");
    braid_string_free(out);
    CHECK_OK(braid_runnable_invoke(&out, r, "{\"q\": \"yo\"}", NULL));
    CHECK_STREQ(out, "\"other yo\"");
    braid_string_free(out);
    braid_runnable_free(r);

    CHECK_OK(braid_runnable_from_spec(&r,
        "{\"type\": \"branch\", \"cases\": [{\"when\": {\"type\": \"pick\", \"key\": \"flag\"},"
        " \"then\": {\"type\": \"prompt\", \"template\": \"yes\"}}], \"default\": {\"type\": \"prompt\", \"template\": \"no\"}}",
        NULL, NULL, 0));
    CHECK_OK(braid_runnable_invoke(&out, r, "{\"flag\": true}", NULL));
    CHECK_STREQ(out, "\"yes\"");
    braid_string_free(out);
    CHECK_OK(braid_runnable_invoke(&out, r, "{\"flag\": false}", NULL));
    CHECK_STREQ(out, "\"no\"");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, r, "{\"flag\": 1}", NULL));
    braid_runnable_free(r);

    const char *parsers[] = {
        "{\"type\": \"json_parser\", \"allow_partial\": true}", "{\"type\": \"list_parser\", \"style\": \"markdown\"}",
        "{\"type\": \"structured_parser\", \"schema\": {\"type\": \"object\"}}", "{\"type\": \"xml_parser\", \"tags\": [\"a\"]}",
    };
    for (size_t i = 0; i < sizeof parsers / sizeof parsers[0]; ++i) {
        CHECK_OK(braid_runnable_from_spec(&r, parsers[i], NULL, NULL, 0));
        CHECK_OK(braid_parser_format_instructions(&out, r));
        braid_string_free(out);
        braid_runnable_free(r);
    }
}

static void test_spec_modifiers(void) {
    braid_runnable *r = NULL;
    char *out = NULL;
    CHECK_OK(braid_runnable_from_spec(&r,
        "{\"type\": \"fake_chat_model\", \"responses\": [{\"error\": \"parse\", \"message\": \"bad\"}, \"fine. really\"],"
        " \"retry\": {\"max_attempts\": 2, \"initial_delay_ms\": 0, \"jitter\": false, \"on\": [\"parse\"]},"
        " \"bind\": {\"stop\": [\".\"]}, \"config\": {\"run_name\": \"model\"}}",
        NULL, NULL, 0));
    CHECK_OK(braid_runnable_invoke(&out, r, "\"hi\"", NULL));
    CHECK_STREQ(out, "{\"role\":\"assistant\",\"content\":\"fine\"}");
    braid_string_free(out);
    braid_runnable_free(r);

    CHECK_OK(braid_runnable_from_spec(&r,
        "{\"type\": \"fake_chat_model\", \"responses\": [{\"error\": \"tool\", \"message\": \"x\"}],"
        " \"fallbacks\": [{\"type\": \"fake_chat_model\", \"responses\": [\"backup\"]}], \"fallbacks_on\": [\"tool\"]}",
        NULL, NULL, 0));
    CHECK_OK(braid_runnable_invoke(&out, r, "\"hi\"", NULL));
    CHECK_CONTAINS(out, "backup");
    braid_string_free(out);
    braid_runnable_free(r);
}

static void test_spec_errors(void) {
    braid_runnable *r = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "{\"type\": \"sequence\", \"steps\": [{\"type\": \"str_parser\"}, {\"type\": \"teleport\"}]}", NULL, NULL, 0));
    CHECK_CONTAINS(braid_last_error(), "spec at /steps/1/type: unknown type 'teleport'");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "[{\"type\": \"str_parser\", \"colour\": 1}]", NULL, NULL, 0));
    CHECK_CONTAINS(braid_last_error(), "spec at /0/colour");
    CHECK_STATUS(BRAID_ERROR_TEMPLATE, braid_runnable_from_spec(&r, "[{\"type\": \"prompt\", \"template\": \"{bad\"}]", NULL, NULL, 0));
    CHECK_CONTAINS(braid_last_error(), "spec at /0: ");
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_runnable_from_spec(&r, "{\"type\": \"ref\", \"name\": \"nobody\"}", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "{\"steps\": []}", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "[]", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "42", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "{\"type\": \"pick\"}", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "{\"type\": \"passthrough\", \"retry\": {\"max_attempts\": 0}}", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "{\"type\": \"passthrough\", \"fallbacks_on\": [\"parse\"]}", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "{\"type\": \"passthrough\", \"retry\": {\"on\": [\"bogus\"]}}", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_from_spec(&r, "[{", NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, NULL, NULL, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "[]", NULL, NULL, 1));
    braid_runnable *p = NULL;
    CHECK_OK(braid_runnable_passthrough(&p));
    const char *names[] = {"a", "a"};
    const braid_runnable *refs[] = {p, p};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_spec(&r, "{\"type\": \"ref\", \"name\": \"a\"}", names, refs, 2));
    CHECK_CONTAINS(braid_last_error(), "given twice");
    braid_runnable_free(p);
    CHECK(r == NULL);
}

static const check_test tests[] = {
    {"spec_chain", test_spec_chain},
    {"spec_kinds", test_spec_kinds},
    {"spec_modifiers", test_spec_modifiers},
    {"spec_errors", test_spec_errors},
};

CHECK_MAIN(tests)
