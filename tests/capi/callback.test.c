/* Steps written by the caller: outputs, errors, destroy, transform steps, checks, nested runs. */
#include "check.h"

typedef struct counter {
    int calls;
    int destroyed;
} counter;

static void destroy_counter(void *user_data) { ++((counter *)user_data)->destroyed; }

/* Wraps its input: x -> {"got": x}. */
static braid_status wrap(braid_call *call, const char *input_json, void *user_data) {
    ++((counter *)user_data)->calls;
    char out[512];
    snprintf(out, sizeof out, "{\"got\": %s}", input_json);
    return braid_call_set_output(call, out);
}

static braid_status no_output(braid_call *call, const char *input_json, void *user_data) {
    (void)call, (void)input_json, (void)user_data;
    return BRAID_OK;
}

static braid_status bad_output(braid_call *call, const char *input_json, void *user_data) {
    (void)input_json;
    *(braid_status *)user_data = braid_call_set_output(call, "{broken");
    return BRAID_OK;
}

/* Fails with the status in user_data, with a message. */
static braid_status failing(braid_call *call, const char *input_json, void *user_data) {
    (void)input_json;
    braid_call_set_error(call, "the input was not to my liking");
    return *(braid_status *)user_data;
}

static braid_status failing_silently(braid_call *call, const char *input_json, void *user_data) {
    (void)call, (void)input_json;
    return *(braid_status *)user_data;
}

static void test_callback_output(void) {
    counter c = {0, 0};
    braid_runnable *step = NULL;
    CHECK_OK(braid_runnable_from_callback(&step, "wrap", wrap, &c, destroy_counter));
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, step, "[1, \"two\"]", NULL));
    CHECK_STREQ(out, "{\"got\":[1,\"two\"]}");
    braid_string_free(out);
    CHECK_OK(braid_runnable_name(&out, step));
    CHECK_STREQ(out, "wrap");
    braid_string_free(out);
    CHECK(c.calls == 1 && c.destroyed == 0);

    braid_runnable *silent = NULL;
    CHECK_OK(braid_runnable_from_callback(&silent, NULL, no_output, NULL, NULL));
    CHECK_OK(braid_runnable_invoke(&out, silent, "1", NULL));
    CHECK_STREQ(out, "null");
    braid_string_free(out);
    CHECK_OK(braid_runnable_name(&out, silent));
    CHECK_STREQ(out, "callback");
    braid_string_free(out);
    braid_runnable_free(silent);

    braid_status set_status = BRAID_OK;
    braid_runnable *broken = NULL;
    CHECK_OK(braid_runnable_from_callback(&broken, "broken", bad_output, &set_status, NULL));
    CHECK_OK(braid_runnable_invoke(&out, broken, "1", NULL));
    CHECK(set_status == BRAID_ERROR_PARSE);
    CHECK_STREQ(out, "null");
    braid_string_free(out);
    braid_runnable_free(broken);

    braid_runnable_free(step);
    CHECK(c.destroyed == 1);
}

static void test_callback_failures(void) {
    char *out = NULL;
    braid_status status = BRAID_ERROR_VALIDATION;
    braid_runnable *step = NULL;
    CHECK_OK(braid_runnable_from_callback(&step, "picky", failing, &status, NULL));
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, step, "1", NULL));
    CHECK_CONTAINS(braid_last_error(), "callback step 'picky' failed: the input was not to my liking");
    CHECK(out == NULL);
    status = BRAID_ERROR_CALLBACK; /* e.g. a host-language exception */
    CHECK_STATUS(BRAID_ERROR_CALLBACK, braid_runnable_invoke(&out, step, "1", NULL));
    status = (braid_status)12345; /* not a braid status */
    CHECK_STATUS(BRAID_ERROR_CALLBACK, braid_runnable_invoke(&out, step, "1", NULL));
    status = BRAID_DONE; /* anything but OK fails */
    CHECK_STATUS(BRAID_ERROR_CALLBACK, braid_runnable_invoke(&out, step, "1", NULL));
    braid_runnable_free(step);

    status = BRAID_ERROR_TOOL;
    CHECK_OK(braid_runnable_from_callback(&step, "quiet", failing_silently, &status, NULL));
    CHECK_STATUS(BRAID_ERROR_TOOL, braid_runnable_invoke(&out, step, "1", NULL));
    CHECK_CONTAINS(braid_last_error(), "callback step 'quiet' failed with status -10 (tool error)");

    /* inside a chain, the failure is the chain's */
    braid_runnable *head = NULL, *chain = NULL;
    CHECK_OK(braid_runnable_passthrough(&head));
    CHECK_OK(braid_runnable_pipe(&chain, head, step));
    CHECK_STATUS(BRAID_ERROR_TOOL, braid_runnable_invoke(&out, chain, "1", NULL));
    braid_runnable_free(head);
    braid_runnable_free(chain);
    braid_runnable_free(step);
}

static void test_callback_ownership(void) {
    counter c = {0, 0};
    braid_runnable *step = NULL;
    /* a failed creation releases user_data at once */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_callback(&step, "x", NULL, &c, destroy_counter));
    CHECK(c.destroyed == 1);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_callback(NULL, "x", wrap, &c, destroy_counter));
    CHECK(c.destroyed == 2);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_from_callback(&step, "", wrap, &c, destroy_counter));
    CHECK(c.destroyed == 3);

    /* a chain keeps the step (and its user data) alive after the step's handle is freed */
    c.destroyed = 0;
    CHECK_OK(braid_runnable_from_callback(&step, "wrap", wrap, &c, destroy_counter));
    braid_runnable *retried = NULL;
    CHECK_OK(braid_runnable_with_retry(&retried, step, NULL));
    braid_runnable_free(step);
    CHECK(c.destroyed == 0);
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, retried, "3", NULL));
    CHECK_STREQ(out, "{\"got\":3}");
    braid_string_free(out);
    braid_runnable_free(retried);
    CHECK(c.destroyed == 1);
}

static void test_call_misuse(void) {
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_call_set_output(NULL, "1"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_call_emit(NULL, "1"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_call_set_error(NULL, "x"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_call_check(NULL));
    CHECK_STREQ(braid_call_configurable(NULL), "{}");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_call_invoke(&out, NULL, NULL, "1"));
}

typedef struct misuse {
    braid_status emit_in_plain;
    braid_status set_error_null;
    braid_status output_in_transform;
} misuse;

static braid_status plain_misuse(braid_call *call, const char *input_json, void *user_data) {
    misuse *m = (misuse *)user_data;
    m->emit_in_plain = braid_call_emit(call, input_json);
    m->set_error_null = braid_call_set_error(call, NULL);
    return braid_call_set_output(call, input_json);
}

/* Emits each character of a string chunk as its own chunk (upper-cased). */
static braid_status shout_chars(braid_call *call, const char *input_json, void *user_data) {
    misuse *m = (misuse *)user_data;
    if (m)
        m->output_in_transform = braid_call_set_output(call, "1");
    size_t n = strlen(input_json);
    if (n < 2 || input_json[0] != '"')
        return BRAID_ERROR_VALIDATION;
    for (size_t i = 1; i + 1 < n; ++i) {
        char piece[4] = {'"', input_json[i], '"', 0};
        if (piece[1] >= 'a' && piece[1] <= 'z')
            piece[1] = (char)(piece[1] - 'a' + 'A');
        braid_status status = braid_call_emit(call, piece);
        if (status != BRAID_OK)
            return status;
    }
    return BRAID_OK;
}

static braid_status count_chunk(const char *json, void *user_data) {
    (void)json;
    ++*(int *)user_data;
    return BRAID_OK;
}

static void test_transform_callback(void) {
    misuse m = {BRAID_OK, BRAID_OK, BRAID_OK};
    braid_runnable *plain = NULL;
    CHECK_OK(braid_runnable_from_callback(&plain, "plain", plain_misuse, &m, NULL));
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, plain, "\"x\"", NULL));
    braid_string_free(out);
    CHECK(m.emit_in_plain == BRAID_ERROR_INVALID_ARGUMENT);
    CHECK(m.set_error_null == BRAID_ERROR_INVALID_ARGUMENT);
    braid_runnable_free(plain);

    braid_runnable *model = NULL, *shout = NULL, *chain = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "{\"responses\": [\"hi you\"], \"chunking\": \"words\"}"));
    braid_runnable *parser = NULL;
    CHECK_OK(braid_parser_str(&parser));
    CHECK_OK(braid_runnable_from_transform_callback(&shout, "shout", shout_chars, &m, NULL));
    const braid_runnable *steps[] = {model, parser, shout};
    CHECK_OK(braid_runnable_sequence(&chain, steps, 3));

    int chunks = 0;
    CHECK_OK(braid_runnable_stream(chain, "\"hello\"", NULL, count_chunk, &chunks));
    CHECK(chunks == 6); /* "hi" and " you", one chunk per character */
    CHECK(m.output_in_transform == BRAID_ERROR_INVALID_ARGUMENT);
    CHECK_OK(braid_runnable_invoke(&out, chain, "\"hello\"", NULL));
    CHECK_STREQ(out, "\"HI YOU\""); /* invoked: the chunks add up */
    braid_string_free(out);
    CHECK_OK(braid_runnable_graph(&out, chain, BRAID_GRAPH_JSON));
    CHECK_CONTAINS(out, "{\"id\":3,\"name\":\"shout\",\"stream_mode\":\"transform\"");
    braid_string_free(out);
    braid_runnable_free(model);
    braid_runnable_free(parser);
    braid_runnable_free(shout);
    braid_runnable_free(chain);
}

static braid_status show_configurable(braid_call *call, const char *input_json, void *user_data) {
    (void)input_json, (void)user_data;
    return braid_call_set_output(call, braid_call_configurable(call));
}

static void test_call_configurable(void) {
    braid_runnable *step = NULL, *bound = NULL;
    CHECK_OK(braid_runnable_from_callback(&step, "show", show_configurable, NULL, NULL));
    CHECK_OK(braid_runnable_bind(&bound, step, "{\"temperature\": 0, \"user\": \"ann\"}"));
    char *out = NULL;
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.config_json = "{\"configurable\": {\"session\": 7}}";
    CHECK_OK(braid_runnable_invoke(&out, bound, "null", &options));
    CHECK_STREQ(out, "{\"session\":7,\"temperature\":0,\"user\":\"ann\"}");
    braid_string_free(out);
    braid_runnable_free(step);
    braid_runnable_free(bound);
}

/* Runs the runnable in user_data twice, as nested runs. */
static braid_status twice(braid_call *call, const char *input_json, void *user_data) {
    char *first = NULL, *second = NULL;
    braid_status status = braid_call_invoke(&first, call, (const braid_runnable *)user_data, input_json);
    if (status != BRAID_OK)
        return status;
    status = braid_call_invoke(&second, call, (const braid_runnable *)user_data, first);
    braid_string_free(first);
    if (status != BRAID_OK)
        return status;
    status = braid_call_set_output(call, second);
    braid_string_free(second);
    return status;
}

static braid_status find_nested(const char *json, void *user_data) {
    /* the wrap runs are children of the "twice" run: depth 2 */
    if (strstr(json, "\"event\":\"start\"") && strstr(json, "\"name\":\"wrap\"") && strstr(json, "\"parent_run_id\":\"\"") == NULL)
        ++*(int *)user_data;
    return BRAID_OK;
}

static void test_call_invoke(void) {
    counter c = {0, 0};
    braid_runnable *inner = NULL, *outer = NULL;
    CHECK_OK(braid_runnable_from_callback(&inner, "wrap", wrap, &c, NULL));
    CHECK_OK(braid_runnable_from_callback(&outer, "twice", twice, inner, NULL));
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, outer, "5", NULL));
    CHECK_STREQ(out, "{\"got\":{\"got\":5}}");
    braid_string_free(out);
    int nested = 0;
    CHECK_OK(braid_runnable_events(outer, "5", NULL, find_nested, &nested));
    CHECK(nested == 2);
    CHECK(c.calls == 4);
    braid_runnable_free(outer);
    braid_runnable_free(inner);
}

static const check_test tests[] = {
    {"callback_output", test_callback_output},
    {"callback_failures", test_callback_failures},
    {"callback_ownership", test_callback_ownership},
    {"call_misuse", test_call_misuse},
    {"transform_callback", test_transform_callback},
    {"call_configurable", test_call_configurable},
    {"call_invoke", test_call_invoke},
};

CHECK_MAIN(tests)
