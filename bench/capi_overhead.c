/* The LCEL overhead benchmark through the C ABI: chain1 of bench/lcel_overhead (ChatPromptTemplate
 * (system + user) | FakeChatModel | StrOutputParser) built with libbraid and invoked with JSON text in
 * and out, and the same chain with a C callback step at the end. Prints µs per invoke, the median of
 * 15 runs: capi_chain1_invoke_us=..., capi_chain1_callback_invoke_us=... ("capi_overhead 5": longer runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "braid.h"

static double now_us(void) {
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static braid_status identity(braid_call *call, const char *input_json, void *user_data) {
    (void)user_data;
    return braid_call_set_output(call, input_json);
}

static double median_us(const braid_runnable *chain, const char *input, int iterations) {
    double runs[15];
    for (int r = 0; r < 15; ++r) {
        const double start = now_us();
        for (int i = 0; i < iterations; ++i) {
            char *out = NULL;
            if (braid_runnable_invoke(&out, chain, input, NULL) != BRAID_OK) {
                fprintf(stderr, "capi_overhead: %s\n", braid_last_error());
                exit(1);
            }
            braid_string_free(out);
        }
        runs[r] = (now_us() - start) / iterations;
    }
    qsort(runs, 15, sizeof runs[0], compare);
    return runs[7];
}

int main(int argc, char **argv) {
    const int scale = argc > 1 && atoi(argv[1]) > 0 ? atoi(argv[1]) : 1;
    braid_runnable *prompt = NULL, *model = NULL, *parser = NULL, *step = NULL, *chain = NULL, *with_step = NULL;
    if (braid_chat_prompt_template(&prompt, "[[\"system\", \"You are {role}.\"], [\"user\", \"{q}\"]]", NULL) != BRAID_OK ||
        braid_fake_chat_model(&model, "{\"responses\": [\"Paris is the capital of France.\"], \"record\": false}") != BRAID_OK ||
        braid_parser_str(&parser) != BRAID_OK || braid_runnable_from_callback(&step, "identity", identity, NULL, NULL) != BRAID_OK) {
        fprintf(stderr, "capi_overhead: %s\n", braid_last_error());
        return 1;
    }
    const braid_runnable *steps[] = {prompt, model, parser, step};
    braid_runnable_sequence(&chain, steps, 3);
    braid_runnable_sequence(&with_step, steps, 4);
    const char *input = "{\"role\": \"a helpful assistant\", \"q\": \"What is the capital of France?\"}";
    char *out = NULL;
    if (braid_runnable_invoke(&out, with_step, input, NULL) != BRAID_OK || strcmp(out, "\"Paris is the capital of France.\"") != 0) {
        fprintf(stderr, "capi_overhead: unexpected output %s\n", out ? out : braid_last_error());
        return 1;
    }
    braid_string_free(out);
    printf("capi_chain1_invoke_us=%.3f\n", median_us(chain, input, 20000 * scale));
    printf("capi_chain1_callback_invoke_us=%.3f\n", median_us(with_step, input, 20000 * scale));
    for (int i = 0; i < 4; ++i)
        braid_runnable_free((braid_runnable *)steps[i]);
    braid_runnable_free(chain);
    braid_runnable_free(with_step);
    return 0;
}
