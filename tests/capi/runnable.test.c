/* Running runnables: invoke, batch, streams, events, cancellation, deadlines, names and graphs. */
#include <threads.h>
#include <time.h>

#include "check.h"

/* prompt | fake model | str parser, the chain most tests run. */
static braid_runnable *make_chain(const char *model_config) {
    braid_runnable *prompt = NULL, *model = NULL, *parser = NULL, *chain = NULL;
    CHECK_OK(braid_chat_prompt_template(&prompt, "[[\"system\", \"You are {role}.\"], [\"user\", \"{q}\"]]", NULL));
    CHECK_OK(braid_fake_chat_model(&model, model_config));
    CHECK_OK(braid_parser_str(&parser));
    const braid_runnable *steps[] = {prompt, model, parser};
    CHECK_OK(braid_runnable_sequence(&chain, steps, 3));
    braid_runnable_free(prompt);
    braid_runnable_free(model);
    braid_runnable_free(parser);
    return chain;
}

static const char *const question = "{\"role\": \"a pirate\", \"q\": \"What is the capital of France?\"}";

static void test_invoke_chain(void) {
    braid_runnable *chain = make_chain("[\"Paris is the capital of France.\"]");
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, chain, question, NULL));
    CHECK_STREQ(out, "\"Paris is the capital of France.\"");
    braid_string_free(out);
    /* UTF-8 passes through unchanged */
    braid_runnable *echo = NULL;
    CHECK_OK(braid_runnable_passthrough(&echo));
    CHECK_OK(braid_runnable_invoke(&out, echo, "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"", NULL));
    CHECK_STREQ(out, "\"h\xC3\xA9llo \xF0\x9F\x98\x80\"");
    braid_string_free(out);
    braid_runnable_free(echo);
    braid_runnable_free(chain);
}

static void test_invoke_bad_arguments(void) {
    braid_runnable *chain = make_chain("[\"Paris.\"]");
    char *out = (char *)"garbage";
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(NULL, chain, question, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, NULL, question, NULL));
    CHECK(out == NULL); /* cleared on failure */
    CHECK_CONTAINS(braid_last_error(), "runnable is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, chain, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&out, chain, "{\"role\": ", NULL));
    CHECK_CONTAINS(braid_last_error(), "input_json is not valid JSON");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&out, chain, "\xFF\xFE", NULL));

    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.config_json = "{not json";
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&out, chain, question, &options));
    options.config_json = "{\"tags\": \"one\"}";
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, chain, question, &options));
    CHECK_CONTAINS(braid_last_error(), "tags must be an array of strings");
    options.config_json = "{\"max_concurrency\": 2}"; /* limits are fields of the struct, not of config_json */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, chain, question, &options));
    CHECK_CONTAINS(braid_last_error(), "unknown key 'max_concurrency'");
    options.config_json = "[]";
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, chain, question, &options));
    options.config_json = "{\"tags\": [\"t\"], \"metadata\": {\"k\": 1}, \"run_name\": \"mine\", \"configurable\": {}}";
    CHECK_OK(braid_runnable_invoke(&out, chain, question, &options));
    braid_string_free(out);
    braid_runnable_free(chain);
}

static void test_invoke_step_errors(void) {
    braid_runnable *chain = make_chain("[\"Paris.\"]");
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_runnable_invoke(&out, chain, "{\"role\": \"x\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "q");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, chain, "[1, 2]", NULL));
    braid_runnable_free(chain);

    braid_runnable *failing = make_chain("{\"responses\": [{\"error\": \"timeout\", \"message\": \"model too slow\"}]}");
    CHECK_STATUS(BRAID_ERROR_TIMEOUT, braid_runnable_invoke(&out, failing, question, NULL));
    CHECK_CONTAINS(braid_last_error(), "model too slow");
    braid_runnable_free(failing);
}

static void test_batch(void) {
    braid_runnable *chain = make_chain("[\"Paris.\"]");
    const char *inputs[] = {question, question, question};
    char *outputs[3] = {NULL, NULL, NULL};
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.max_concurrency = 2;
    CHECK_OK(braid_runnable_batch(outputs, chain, inputs, 3, &options));
    for (int i = 0; i < 3; ++i) {
        CHECK_STREQ(outputs[i], "\"Paris.\"");
        braid_string_free(outputs[i]);
    }
    CHECK_OK(braid_runnable_batch(NULL, chain, NULL, 0, NULL)); /* nothing to do */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_batch(NULL, chain, inputs, 3, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_batch(outputs, chain, NULL, 3, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_batch(outputs, NULL, inputs, 3, NULL));

    const char *bad[] = {question, "{oops", question};
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_batch(outputs, chain, bad, 3, NULL));
    CHECK_CONTAINS(braid_last_error(), "inputs[1]");
    for (int i = 0; i < 3; ++i)
        CHECK(outputs[i] == NULL);

    const char *missing[] = {question, "{\"role\": \"x\"}", question};
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_runnable_batch(outputs, chain, missing, 3, NULL));
    for (int i = 0; i < 3; ++i)
        CHECK(outputs[i] == NULL);
    braid_runnable_free(chain);
}

static void test_batch_results(void) {
    braid_runnable *chain = make_chain("[\"Paris.\"]");
    const char *inputs[] = {question, "{oops", "{\"role\": \"x\"}", question};
    char *outputs[4];
    char *errors[4];
    braid_status statuses[4];
    CHECK_OK(braid_runnable_batch_results(outputs, statuses, errors, chain, inputs, 4, NULL));
    CHECK(statuses[0] == BRAID_OK && statuses[3] == BRAID_OK);
    CHECK_STREQ(outputs[0], "\"Paris.\"");
    CHECK_STREQ(outputs[3], "\"Paris.\"");
    CHECK(errors[0] == NULL && errors[3] == NULL);
    CHECK(statuses[1] == BRAID_ERROR_PARSE && outputs[1] == NULL);
    CHECK_CONTAINS(errors[1], "inputs[1] is not valid JSON");
    CHECK(statuses[2] == BRAID_ERROR_NOT_FOUND && outputs[2] == NULL);
    CHECK_CONTAINS(errors[2], "q");
    for (int i = 0; i < 4; ++i) {
        braid_string_free(outputs[i]);
        braid_string_free(errors[i]);
    }
    /* errors may be NULL */
    CHECK_OK(braid_runnable_batch_results(outputs, statuses, NULL, chain, inputs, 2, NULL));
    CHECK(statuses[1] == BRAID_ERROR_PARSE);
    braid_string_free(outputs[0]);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_batch_results(outputs, NULL, NULL, chain, inputs, 2, NULL));
    braid_runnable_free(chain);
}

typedef struct chunks {
    char text[4096];
    int count;
    int stop_after; /* 0 = never */
} chunks;

static braid_status collect(const char *json, void *user_data) {
    chunks *c = (chunks *)user_data;
    ++c->count;
    strncat(c->text, json, sizeof c->text - strlen(c->text) - 1);
    return c->stop_after && c->count >= c->stop_after ? BRAID_ERROR_CANCELLED : BRAID_OK;
}

static void test_stream(void) {
    braid_runnable *chain = make_chain("{\"responses\": [\"Paris is the capital of France.\"], \"chunking\": \"words\"}");
    chunks c = {{0}, 0, 0};
    CHECK_OK(braid_runnable_stream(chain, question, NULL, collect, &c));
    CHECK(c.count == 6); /* one chunk per word: streaming flows through the parser */
    CHECK_STREQ(c.text, "\"Paris\"\" is\"\" the\"\" capital\"\" of\"\" France.\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_stream(chain, question, NULL, NULL, &c));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_stream(NULL, question, NULL, collect, &c));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_stream(chain, "nope", NULL, collect, &c));
    braid_runnable_free(chain);
}

static double seconds_now(void) {
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_stream_cancel_from_callback(void) {
    /* 200 words, 5 ms each: a second in all, unless stopping the stream stops the model */
    char config[4096] = "{\"chunking\": \"words\", \"chunk_delay_us\": 5000, \"responses\": [\"";
    for (int i = 0; i < 200; ++i)
        strcat(config, "word ");
    strcat(config, "\"]}");
    braid_runnable *chain = make_chain(config);
    chunks c = {{0}, 0, 2};
    const double start = seconds_now();
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_runnable_stream(chain, question, NULL, collect, &c));
    const double elapsed = seconds_now() - start;
    CHECK_CONTAINS(braid_last_error(), "chunk callback stopped the stream");
    CHECK(c.count == 2);
    CHECK(elapsed < 0.5);
    braid_runnable_free(chain);
}

static void test_stream_open(void) {
    braid_runnable *chain = make_chain("{\"responses\": [\"one two three\"], \"chunking\": \"words\"}");
    braid_stream *stream = NULL;
    CHECK_OK(braid_runnable_stream_open(&stream, chain, question, NULL));
    braid_runnable_free(chain); /* the stream holds what it needs */
    char *chunk = NULL;
    char text[256] = "";
    int count = 0;
    braid_status status;
    while ((status = braid_stream_next(&chunk, stream)) == BRAID_OK) {
        strcat(text, chunk);
        braid_string_free(chunk);
        ++count;
    }
    CHECK(status == BRAID_DONE);
    CHECK(chunk == NULL);
    CHECK(count == 3);
    CHECK_STREQ(text, "\"one\"\" two\"\" three\"");
    CHECK_STATUS(BRAID_DONE, braid_stream_next(&chunk, stream)); /* and every call after */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_stream_next(NULL, stream));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_stream_next(&chunk, NULL));
    braid_stream_free(stream);

    /* freed before its end: the run stops */
    chain = make_chain("{\"responses\": [\"a b c d e f\"], \"chunking\": \"words\", \"chunk_delay_us\": 1000}");
    CHECK_OK(braid_runnable_stream_open(&stream, chain, question, NULL));
    CHECK_OK(braid_stream_next(&chunk, stream));
    CHECK_STREQ(chunk, "\"a\"");
    braid_string_free(chunk);
    braid_stream_free(stream);

    /* an error ends the stream */
    CHECK_OK(braid_runnable_stream_open(&stream, chain, "{\"role\": \"x\"}", NULL));
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_stream_next(&chunk, stream));
    CHECK_STATUS(BRAID_DONE, braid_stream_next(&chunk, stream));
    braid_stream_free(stream);
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_stream_open(&stream, chain, "[", NULL));
    CHECK(stream == NULL);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_stream_open(NULL, chain, "1", NULL));
    braid_runnable_free(chain);
}

static void test_events(void) {
    braid_runnable *chain = make_chain("{\"responses\": [\"Hi there\"], \"chunking\": \"words\"}");
    chunks c = {{0}, 0, 0};
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.config_json = "{\"tags\": [\"demo\"]}";
    CHECK_OK(braid_runnable_events(chain, question, &options, collect, &c));
    CHECK_CONTAINS(c.text, "\"event\":\"start\"");
    CHECK_CONTAINS(c.text, "\"event\":\"chunk\"");
    CHECK_CONTAINS(c.text, "\"event\":\"end\"");
    CHECK_CONTAINS(c.text, "\"name\":\"ChatPromptTemplate\"");
    CHECK_CONTAINS(c.text, "\"name\":\"fake_chat_model\"");
    CHECK_CONTAINS(c.text, "\"name\":\"StrOutputParser\"");
    CHECK_CONTAINS(c.text, "\"tags\":[\"demo\"]");
    CHECK_CONTAINS(c.text, "\"parent_run_id\"");

    chunks failed = {{0}, 0, 0};
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_runnable_events(chain, "{\"role\": \"x\"}", NULL, collect, &failed));
    CHECK_CONTAINS(failed.text, "\"event\":\"error\"");
    CHECK_CONTAINS(failed.text, "\"kind\":\"not_found\"");

    chunks stopped = {{0}, 0, 1};
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_runnable_events(chain, question, NULL, collect, &stopped));
    CHECK(stopped.count == 1);
    CHECK_CONTAINS(braid_last_error(), "event callback stopped");

    braid_stream *stream = NULL;
    CHECK_OK(braid_runnable_events_open(&stream, chain, question, NULL));
    char *event = NULL;
    int count = 0;
    while (braid_stream_next(&event, stream) == BRAID_OK) {
        CHECK_CONTAINS(event, "\"run_id\"");
        braid_string_free(event);
        ++count;
    }
    CHECK(count == c.count);
    braid_stream_free(stream);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_events(chain, question, NULL, NULL, NULL));
    braid_runnable_free(chain);
}

/* A step that works until the run must stop, checking now and then. */
static braid_status patient(braid_call *call, const char *input_json, void *user_data) {
    (void)user_data;
    for (int i = 0; i < 2000; ++i) {
        braid_status status = braid_call_check(call);
        if (status != BRAID_OK)
            return status;
        thrd_sleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    return braid_call_set_output(call, input_json);
}

static void test_cancellation_and_timeout(void) {
    braid_runnable *chain = make_chain("[\"Paris.\"]");
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.cancel = token;
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, chain, question, &options));
    braid_string_free(out);
    CHECK_OK(braid_cancel_token_cancel(token));
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_runnable_invoke(&out, chain, question, &options));
    braid_cancel_token_free(token);
    braid_runnable_free(chain);

    braid_runnable *slow = NULL;
    CHECK_OK(braid_runnable_from_callback(&slow, "patient", patient, NULL, NULL));
    braid_run_options timed = BRAID_RUN_OPTIONS_INIT;
    timed.timeout_ms = 30;
    const double start = seconds_now();
    CHECK_STATUS(BRAID_ERROR_TIMEOUT, braid_runnable_invoke(&out, slow, "1", &timed));
    CHECK(seconds_now() - start < 1.5);
    braid_runnable_free(slow);
}

static void test_name_and_graph(void) {
    braid_runnable *chain = make_chain("[\"Paris.\"]");
    char *text = NULL;
    CHECK_OK(braid_runnable_name(&text, chain));
    CHECK(text && strlen(text) > 0);
    braid_string_free(text);
    CHECK_OK(braid_runnable_graph(&text, chain, BRAID_GRAPH_MERMAID));
    CHECK_CONTAINS(text, "graph TD");
    CHECK_CONTAINS(text, "fake_chat_model");
    CHECK_CONTAINS(text, "buffers"); /* the prompt template buffers */
    braid_string_free(text);
    CHECK_OK(braid_runnable_graph(&text, chain, BRAID_GRAPH_ASCII));
    CHECK_CONTAINS(text, "StrOutputParser");
    braid_string_free(text);
    CHECK_OK(braid_runnable_graph(&text, chain, BRAID_GRAPH_JSON));
    CHECK_CONTAINS(text, "{\"nodes\":[{\"id\":0,\"name\":\"Input\"");
    CHECK_CONTAINS(text, "\"stream_mode\":\"generate\"");
    braid_string_free(text);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_graph(&text, chain, (braid_graph_format)7));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_graph(NULL, chain, BRAID_GRAPH_ASCII));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_name(&text, NULL));
    braid_runnable_free(chain);
}

/* A chunk callback's own error status comes back from the call: a binding tells its exception
 * (BRAID_ERROR_CALLBACK) from a stop it asked for; a status that is not an error is a stop. */
static braid_status return_status(const char *json, void *user_data) {
    (void)json;
    return *(const braid_status *)user_data;
}

static void test_stream_callback_status(void) {
    braid_runnable *chain = make_chain("[\"Paris is the capital of France.\"]");
    braid_status returned = BRAID_ERROR_CALLBACK;
    CHECK_STATUS(BRAID_ERROR_CALLBACK, braid_runnable_stream(chain, question, NULL, return_status, &returned));
    CHECK_CONTAINS(braid_last_error(), "the chunk callback stopped the stream (it returned -100");
    returned = BRAID_ERROR_VALIDATION;
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_events(chain, question, NULL, return_status, &returned));
    CHECK_CONTAINS(braid_last_error(), "the event callback stopped the stream");
    returned = (braid_status)7;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_runnable_stream(chain, question, NULL, return_status, &returned));
    braid_runnable_free(chain);
}

static const check_test tests[] = {
    {"stream_callback_status", test_stream_callback_status},
    {"invoke_chain", test_invoke_chain},
    {"invoke_bad_arguments", test_invoke_bad_arguments},
    {"invoke_step_errors", test_invoke_step_errors},
    {"batch", test_batch},
    {"batch_results", test_batch_results},
    {"stream", test_stream},
    {"stream_cancel_from_callback", test_stream_cancel_from_callback},
    {"stream_open", test_stream_open},
    {"events", test_events},
    {"cancellation_and_timeout", test_cancellation_and_timeout},
    {"name_and_graph", test_name_and_graph},
};

CHECK_MAIN(tests)
