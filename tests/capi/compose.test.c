/* Composition: sequences, passthrough, parallel, assign, pick, branch, router, retry, fallbacks,
 * with_config, bind; and freeing parts in any order. */
#include "check.h"

static braid_runnable *json_step(const char *output_json);

/* A step returning a fixed JSON value (user_data). */
static braid_status constant(braid_call *call, const char *input_json, void *user_data) {
    (void)input_json;
    return braid_call_set_output(call, (const char *)user_data);
}

static braid_runnable *json_step(const char *output_json) {
    braid_runnable *step = NULL;
    CHECK_OK(braid_runnable_from_callback(&step, "constant", constant, (void *)output_json, NULL));
    return step;
}

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

static void test_pipe_and_sequence(void) {
    braid_runnable *a = json_step("1"), *b = NULL, *ab = NULL;
    CHECK_OK(braid_runnable_passthrough(&b));
    CHECK_OK(braid_runnable_pipe(&ab, b, a));
    CHECK_INVOKE(ab, "\"x\"", "1");
    braid_runnable_free(ab);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_pipe(&ab, a, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_pipe(&ab, NULL, a));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_pipe(NULL, a, b));
    const braid_runnable *steps[] = {b, b, a};
    CHECK_OK(braid_runnable_sequence(&ab, steps, 3));
    CHECK_INVOKE(ab, "2", "1");
    braid_runnable_free(ab);
    CHECK_OK(braid_runnable_sequence(&ab, steps, 1));
    CHECK_INVOKE(ab, "2", "2");
    braid_runnable_free(ab);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_sequence(&ab, steps, 0));
    const braid_runnable *with_null[] = {a, NULL};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_sequence(&ab, with_null, 2));
    CHECK_CONTAINS(braid_last_error(), "steps[1] is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_passthrough(NULL));
    braid_runnable_free(a);
    braid_runnable_free(b);
}

static void test_parallel_and_assign(void) {
    braid_runnable *one = json_step("1"), *two = json_step("\"two\""), *p = NULL;
    const char *keys[] = {"a", "b"};
    const braid_runnable *steps[] = {one, two};
    CHECK_OK(braid_runnable_parallel(&p, keys, steps, 2));
    CHECK_INVOKE(p, "null", "{\"a\":1,\"b\":\"two\"}");
    braid_runnable_free(p);
    CHECK_OK(braid_runnable_assign(&p, keys, steps, 2));
    CHECK_INVOKE(p, "{\"q\":0,\"a\":\"old\"}", "{\"q\":0,\"a\":1,\"b\":\"two\"}");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, p, "[1]", NULL));
    braid_runnable_free(p);

    const char *same[] = {"a", "a"};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_parallel(&p, same, steps, 2));
    const char *null_key[] = {"a", NULL};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_parallel(&p, null_key, steps, 2));
    CHECK_CONTAINS(braid_last_error(), "keys[1] is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_parallel(&p, keys, steps, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_assign(&p, NULL, steps, 2));
    braid_runnable_free(one);
    braid_runnable_free(two);
}

static void test_pick(void) {
    braid_runnable *p = NULL;
    CHECK_OK(braid_runnable_pick(&p, "b"));
    CHECK_INVOKE(p, "{\"a\":1,\"b\":[2]}", "[2]");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_runnable_invoke(&out, p, "{\"a\":1}", NULL));
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, p, "3", NULL));
    braid_runnable_free(p);
    const char *keys[] = {"a", "c"};
    CHECK_OK(braid_runnable_pick_keys(&p, keys, 2));
    CHECK_INVOKE(p, "{\"a\":1,\"b\":2,\"c\":3}", "{\"a\":1,\"c\":3}");
    braid_runnable_free(p);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_pick(&p, ""));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_pick_keys(&p, keys, 0));
}

/* true when the input is a string */
static braid_status is_string(braid_call *call, const char *input_json, void *user_data) {
    (void)user_data;
    return braid_call_set_output(call, input_json[0] == '"' ? "true" : "false");
}

static void test_branch(void) {
    braid_runnable *test = NULL;
    CHECK_OK(braid_runnable_from_callback(&test, "is_string", is_string, NULL, NULL));
    braid_runnable *text = json_step("\"text\""), *other = json_step("\"other\""), *b = NULL;
    const braid_runnable *conditions[] = {test};
    const braid_runnable *steps[] = {text};
    CHECK_OK(braid_runnable_branch(&b, conditions, steps, 1, other));
    CHECK_INVOKE(b, "\"hello\"", "\"text\"");
    CHECK_INVOKE(b, "5", "\"other\"");
    braid_runnable_free(b);

    braid_runnable *not_bool = json_step("\"yes\"");
    const braid_runnable *bad[] = {not_bool};
    CHECK_OK(braid_runnable_branch(&b, bad, steps, 1, other));
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, b, "1", NULL));
    CHECK_CONTAINS(braid_last_error(), "not true or false");
    braid_runnable_free(b);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_branch(&b, conditions, steps, 1, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_branch(&b, conditions, steps, 0, other));
    braid_runnable_free(not_bool);
    braid_runnable_free(test);
    braid_runnable_free(text);
    braid_runnable_free(other);
}

static void test_router(void) {
    braid_runnable *math = json_step("\"math\""), *code = json_step("\"code\""), *general = json_step("\"general\"");
    const char *values[] = {"math", "code"};
    const braid_runnable *steps[] = {math, code};
    braid_runnable *r = NULL;
    CHECK_OK(braid_runnable_router(&r, "topic", values, steps, 2, general));
    CHECK_INVOKE(r, "{\"topic\":\"code\"}", "\"code\"");
    CHECK_INVOKE(r, "{\"topic\":\"art\"}", "\"general\"");
    braid_runnable_free(r);
    CHECK_OK(braid_runnable_router(&r, "topic", values, steps, 2, NULL));
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_runnable_invoke(&out, r, "{\"topic\":\"art\"}", NULL));
    braid_runnable_free(r);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_router(&r, NULL, values, steps, 2, NULL));
    const char *dup[] = {"math", "math"};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_router(&r, "topic", dup, steps, 2, NULL));
    braid_runnable_free(math);
    braid_runnable_free(code);
    braid_runnable_free(general);
}

/* Fails with PARSE until its counter reaches the goal, then answers the number of calls. */
typedef struct flaky {
    int calls;
    int succeed_at;
    braid_status failure;
} flaky;

static braid_status flaky_step(braid_call *call, const char *input_json, void *user_data) {
    (void)input_json;
    flaky *f = (flaky *)user_data;
    if (++f->calls < f->succeed_at) {
        braid_call_set_error(call, "not yet");
        return f->failure;
    }
    char out[32];
    snprintf(out, sizeof out, "%d", f->calls);
    return braid_call_set_output(call, out);
}

static void test_retry(void) {
    flaky f = {0, 3, BRAID_ERROR_PARSE};
    braid_runnable *step = NULL, *retried = NULL;
    CHECK_OK(braid_runnable_from_callback(&step, "flaky", flaky_step, &f, NULL));
    braid_retry_options options = BRAID_RETRY_OPTIONS_INIT;
    CHECK(options.max_attempts == 3 && options.initial_delay_ms == 100 && options.jitter == 1);
    options.initial_delay_ms = 0;
    options.max_delay_ms = 0;
    CHECK_OK(braid_runnable_with_retry(&retried, step, &options));
    CHECK_INVOKE(retried, "0", "3");
    braid_runnable_free(retried);

    /* only the listed codes are retried */
    braid_status only_timeout[] = {BRAID_ERROR_TIMEOUT};
    options.retry_on = only_timeout;
    options.retry_on_count = 1;
    CHECK_OK(braid_runnable_with_retry(&retried, step, &options));
    f.calls = 0;
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&out, retried, "0", NULL));
    CHECK(f.calls == 1);
    braid_runnable_free(retried);

    /* callback failures (host exceptions) can be selected too */
    f.calls = 0;
    f.failure = BRAID_ERROR_CALLBACK;
    braid_status only_callback[] = {BRAID_ERROR_CALLBACK};
    options.retry_on = only_callback;
    CHECK_OK(braid_runnable_with_retry(&retried, step, &options));
    CHECK_INVOKE(retried, "0", "3");
    braid_runnable_free(retried);

    options.max_attempts = 0;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_retry(&retried, step, &options));
    options.max_attempts = 2;
    braid_status not_error[] = {BRAID_OK};
    options.retry_on = not_error;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_retry(&retried, step, &options));
    options.retry_on = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_retry(&retried, step, &options));
    options.retry_on_count = 0;
    options.backoff_multiplier = 0.5;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_retry(&retried, step, &options));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_retry(&retried, NULL, NULL));
    braid_runnable_free(step);
}

static void test_fallbacks(void) {
    flaky f = {0, 100, BRAID_ERROR_TIMEOUT};
    braid_runnable *primary = NULL, *backup = json_step("\"backup\""), *safe = NULL;
    CHECK_OK(braid_runnable_from_callback(&primary, "primary", flaky_step, &f, NULL));
    const braid_runnable *backups[] = {backup};
    /* timeout is not handled by default, as for retry */
    CHECK_OK(braid_runnable_with_fallbacks(&safe, primary, backups, 1, NULL, 0));
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_TIMEOUT, braid_runnable_invoke(&out, safe, "0", NULL));
    braid_runnable_free(safe);
    f.failure = BRAID_ERROR_PARSE;
    CHECK_OK(braid_runnable_with_fallbacks(&safe, primary, backups, 1, NULL, 0));
    CHECK_INVOKE(safe, "0", "\"backup\"");
    braid_runnable_free(safe);
    braid_status only_tool[] = {BRAID_ERROR_TOOL};
    CHECK_OK(braid_runnable_with_fallbacks(&safe, primary, backups, 1, only_tool, 1));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&out, safe, "0", NULL));
    braid_runnable_free(safe);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_fallbacks(&safe, primary, backups, 0, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_fallbacks(&safe, primary, NULL, 1, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_fallbacks(&safe, primary, backups, 1, NULL, 1));
    braid_runnable_free(primary);
    braid_runnable_free(backup);
}

static braid_status find_tag(const char *json, void *user_data) {
    if (strstr(json, "\"name\":\"renamed\"") && strstr(json, "\"tags\":[\"t1\"]"))
        ++*(int *)user_data;
    return BRAID_OK;
}

static void test_with_config_and_bind(void) {
    braid_runnable *step = json_step("1"), *configured = NULL;
    CHECK_OK(braid_runnable_with_config(&configured, step, "{\"tags\": [\"t1\"], \"run_name\": \"renamed\", \"recursion_limit\": 5}"));
    int found = 0;
    CHECK_OK(braid_runnable_events(configured, "0", NULL, find_tag, &found));
    CHECK(found == 3); /* start, chunk, end */
    braid_runnable_free(configured);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_config(&configured, step, "{\"colour\": 1}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_config(&configured, step, "{\"recursion_limit\": 0}"));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_with_config(&configured, step, "{"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_config(&configured, step, NULL));
    braid_runnable_free(step);

    /* bind: a model step gets its generation options */
    braid_runnable *model = NULL, *bound = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "[\"Hello there. General Kenobi.\"]"));
    CHECK_OK(braid_runnable_bind(&bound, model, "{\"stop\": [\".\"]}"));
    char *out = invoke(bound, "\"hi\"");
    CHECK_CONTAINS(out, "\"content\":\"Hello there\"");
    braid_string_free(out);
    braid_runnable_free(bound);
    CHECK_OK(braid_runnable_bind(&bound, model, "{\"temperature\": -1}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, bound, "\"hi\"", NULL));
    CHECK_CONTAINS(braid_last_error(), "temperature");
    braid_runnable_free(bound);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_bind(&bound, model, "[1]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_bind(&bound, NULL, "{}"));
    braid_runnable_free(model);
}

static void test_free_in_any_order(void) {
    braid_runnable *prompt = NULL, *model = NULL, *parser = NULL, *head = NULL, *chain = NULL;
    CHECK_OK(braid_prompt_template(&prompt, "Say {word}", NULL));
    CHECK_OK(braid_fake_chat_model(&model, "[\"ok\"]"));
    CHECK_OK(braid_parser_str(&parser));
    CHECK_OK(braid_runnable_pipe(&head, prompt, model));
    braid_runnable_free(prompt);
    CHECK_OK(braid_runnable_pipe(&chain, head, parser));
    braid_runnable_free(model);
    braid_runnable_free(head);
    braid_stream *stream = NULL;
    CHECK_OK(braid_runnable_stream_open(&stream, chain, "{\"word\": \"hi\"}", NULL));
    braid_runnable_free(chain);
    CHECK_INVOKE(parser, "\"still here\"", "\"still here\"");
    braid_runnable_free(parser);
    char *chunk = NULL;
    CHECK_OK(braid_stream_next(&chunk, stream));
    CHECK_STREQ(chunk, "\"ok\"");
    braid_string_free(chunk);
    braid_stream_free(stream);
}

static const check_test tests[] = {
    {"pipe_and_sequence", test_pipe_and_sequence},
    {"parallel_and_assign", test_parallel_and_assign},
    {"pick", test_pick},
    {"branch", test_branch},
    {"router", test_router},
    {"retry", test_retry},
    {"fallbacks", test_fallbacks},
    {"with_config_and_bind", test_with_config_and_bind},
    {"free_in_any_order", test_free_in_any_order},
};

CHECK_MAIN(tests)
