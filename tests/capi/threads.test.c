/* 16 threads share one chain: invoke, stream, batch and errors at once, with identical results, and a
 * thread-local error message per thread. Set BRAID_TEST_QUICK for fewer iterations (valgrind). */
#include <stdatomic.h>
#include <threads.h>

#include "check.h"

enum { threads_count = 16 };

static atomic_int step_calls;
static atomic_int failures;

static braid_status count_and_pass(braid_call *call, const char *input_json, void *user_data) {
    (void)user_data;
    atomic_fetch_add(&step_calls, 1);
    return braid_call_set_output(call, input_json);
}

typedef struct shared {
    const braid_runnable *chain;
    int iterations;
} shared;

static int iterations(void) { return getenv("BRAID_TEST_QUICK") ? 40 : 2000; }

#define THREAD_CHECK(cond)                                                                     \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: thread check %s failed (%s)\n", __FILE__, __LINE__, #cond, \
                    braid_last_error());                                                       \
            atomic_fetch_add(&failures, 1);                                                    \
        }                                                                                      \
    } while (0)

static int worker(void *arg) {
    const shared *s = (const shared *)arg;
    char input[128];
    for (int i = 0; i < s->iterations; ++i) {
        snprintf(input, sizeof input, "{\"role\": \"a pirate\", \"q\": \"question %d\"}", i);
        char *out = NULL;
        THREAD_CHECK(braid_runnable_invoke(&out, s->chain, input, NULL) == BRAID_OK);
        THREAD_CHECK(out && strcmp(out, "\"Arr, Paris it be.\"") == 0);
        braid_string_free(out);

        if (i % 10 == 0) { /* a stream, pulled to its end */
            braid_stream *stream = NULL;
            THREAD_CHECK(braid_runnable_stream_open(&stream, s->chain, input, NULL) == BRAID_OK);
            char text[128] = "";
            char *chunk = NULL;
            while (braid_stream_next(&chunk, stream) == BRAID_OK) {
                strncat(text, chunk, sizeof text - strlen(text) - 1);
                braid_string_free(chunk);
            }
            /* the callback step at the end buffers: one chunk */
            THREAD_CHECK(strcmp(text, "\"Arr, Paris it be.\"") == 0);
            braid_stream_free(stream);
        }
        if (i % 25 == 0) { /* a small batch inside the thread */
            const char *inputs[] = {input, input, input};
            char *outputs[3];
            braid_run_options options = BRAID_RUN_OPTIONS_INIT;
            options.max_concurrency = 2;
            THREAD_CHECK(braid_runnable_batch(outputs, s->chain, inputs, 3, &options) == BRAID_OK);
            for (int k = 0; k < 3; ++k) {
                THREAD_CHECK(outputs[k] && strcmp(outputs[k], "\"Arr, Paris it be.\"") == 0);
                braid_string_free(outputs[k]);
            }
        }
        if (i % 7 == 0) { /* each thread's own error message */
            char key[64];
            snprintf(key, sizeof key, "missing-%p-%d", (void *)&key, i);
            braid_runnable *p = NULL;
            THREAD_CHECK(braid_runnable_pick(&p, key) == BRAID_OK);
            THREAD_CHECK(braid_runnable_invoke(&out, p, "{}", NULL) == BRAID_ERROR_NOT_FOUND);
            THREAD_CHECK(strstr(braid_last_error(), key) != NULL);
            braid_runnable_free(p);
        }
    }
    return 0;
}

static void test_sixteen_threads(void) {
    braid_runnable *prompt = NULL, *model = NULL, *parser = NULL, *step = NULL, *chain = NULL;
    CHECK_OK(braid_chat_prompt_template(&prompt, "[[\"system\", \"You are {role}.\"], [\"user\", \"{q}\"]]", NULL));
    CHECK_OK(braid_fake_chat_model(&model, "{\"responses\": [\"Arr, Paris it be.\"], \"record\": false}"));
    CHECK_OK(braid_parser_str(&parser));
    CHECK_OK(braid_runnable_from_callback(&step, "count", count_and_pass, NULL, NULL));
    const braid_runnable *steps[] = {prompt, model, parser, step};
    CHECK_OK(braid_runnable_sequence(&chain, steps, 4));
    for (int i = 0; i < 4; ++i)
        braid_runnable_free((braid_runnable *)steps[i]);

    shared s = {chain, iterations()};
    thrd_t threads[threads_count];
    for (int t = 0; t < threads_count; ++t)
        CHECK(thrd_create(&threads[t], worker, &s) == thrd_success);
    for (int t = 0; t < threads_count; ++t)
        thrd_join(threads[t], NULL);
    CHECK(atomic_load(&failures) == 0);
    /* every invoke, stream and batch item went through the callback step once */
    const int per_thread = s.iterations + (s.iterations + 9) / 10 + 3 * ((s.iterations + 24) / 25);
    CHECK(atomic_load(&step_calls) == threads_count * per_thread);
    braid_runnable_free(chain);
}

typedef struct canceller {
    braid_cancel_token *token;
} canceller;

static int cancel_soon(void *arg) {
    thrd_sleep(&(struct timespec){.tv_nsec = 20 * 1000000}, NULL);
    braid_cancel_token_cancel(((canceller *)arg)->token);
    return 0;
}

static void test_cancel_from_another_thread(void) {
    braid_runnable *model = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "{\"responses\": [\"a b c d e f g h i j k l m n o p q r s t u v w x y z\"],"
                                           " \"chunking\": \"words\", \"chunk_delay_us\": 20000}"));
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.cancel = token;
    braid_stream *stream = NULL;
    CHECK_OK(braid_runnable_stream_open(&stream, model, "\"go\"", &options));
    canceller c = {token};
    thrd_t thread;
    CHECK(thrd_create(&thread, cancel_soon, &c) == thrd_success);
    char *chunk = NULL;
    int chunks = 0;
    braid_status status;
    while ((status = braid_stream_next(&chunk, stream)) == BRAID_OK) {
        braid_string_free(chunk);
        ++chunks;
    }
    thrd_join(thread, NULL);
    CHECK(status == BRAID_ERROR_CANCELLED);
    CHECK(chunks < 26);
    braid_stream_free(stream);
    braid_cancel_token_free(token);
    braid_runnable_free(model);
}

static const check_test tests[] = {
    {"sixteen_threads", test_sixteen_threads},
    {"cancel_from_another_thread", test_cancel_from_another_thread},
};

CHECK_MAIN(tests)
