/* braid from C: prompt | model | parser through the C ABI, invoked and streamed, with a C step in the
 * chain and errors reported by status and message. The chat model is the SCRIPTED FAKE MODEL (its
 * answers are fixed below, it does not read the prompt). */
#include <stdio.h>
#include <string.h>

#include "braid.h"

/* A step written in C: wraps the parser's text in an object. */
static braid_status to_reply(braid_call *call, const char *text_json, void *user_data) {
    (void)user_data;
    char out[1024];
    if (snprintf(out, sizeof out, "{\"reply\": %s}", text_json) >= (int)sizeof out) {
        braid_call_set_error(call, "the answer is too long for this sample's buffer");
        return BRAID_ERROR_INVALID_ARGUMENT;
    }
    return braid_call_set_output(call, out);
}

static braid_status print_chunk(const char *chunk_json, void *user_data) {
    (void)user_data;
    printf("  chunk: %s\n", chunk_json);
    return BRAID_OK;
}

static int fail(const char *what, braid_status status) {
    fprintf(stderr, "%s failed: %s (%s)\n", what, braid_status_str(status), braid_last_error());
    return 1;
}

int main(void) {
    printf("braid %s C sample (the chat model is a scripted fake, not a real model)\n\n", braid_version());
    braid_runnable *prompt = NULL, *model = NULL, *parser = NULL, *reply = NULL, *chain = NULL;
    braid_status s = braid_chat_prompt_template(&prompt, "[[\"system\", \"You are {role}.\"], [\"user\", \"{question}\"]]", NULL);
    if (s != BRAID_OK)
        return fail("braid_chat_prompt_template", s);
    if ((s = braid_fake_chat_model(&model, "{\"responses\": [\"Arr, Paris it be, matey!\"], \"chunking\": \"words\"}")) != BRAID_OK)
        return fail("braid_fake_chat_model", s);
    if ((s = braid_parser_str(&parser)) != BRAID_OK)
        return fail("braid_parser_str", s);
    if ((s = braid_runnable_from_callback(&reply, "to_reply", to_reply, NULL, NULL)) != BRAID_OK)
        return fail("braid_runnable_from_callback", s);
    const braid_runnable *steps[] = {prompt, model, parser};
    if ((s = braid_runnable_sequence(&chain, steps, 3)) != BRAID_OK)
        return fail("braid_runnable_sequence", s);

    const char *input = "{\"role\": \"a pirate\", \"question\": \"What is the capital of France?\"}";
    char *answer = NULL;
    if ((s = braid_runnable_invoke(&answer, chain, input, NULL)) != BRAID_OK)
        return fail("braid_runnable_invoke", s);
    printf("1) prompt | model | parser: %s\n", answer);
    braid_string_free(answer);

    printf("2) streamed (chunks flow through the parser):\n");
    if ((s = braid_runnable_stream(chain, input, NULL, print_chunk, NULL)) != BRAID_OK)
        return fail("braid_runnable_stream", s);

    braid_runnable *with_reply = NULL;
    if ((s = braid_runnable_pipe(&with_reply, chain, reply)) != BRAID_OK)
        return fail("braid_runnable_pipe", s);
    if ((s = braid_runnable_invoke(&answer, with_reply, input, NULL)) != BRAID_OK)
        return fail("braid_runnable_invoke", s);
    printf("3) ... | a C step: %s\n", answer);
    braid_string_free(answer);

    s = braid_runnable_invoke(&answer, chain, "{\"role\": \"a pirate\"}", NULL);
    printf("4) a missing variable: status %d (%s): %s\n", (int)s, braid_status_str(s), braid_last_error());

    braid_runnable_free(with_reply);
    braid_runnable_free(chain);
    braid_runnable_free(reply);
    braid_runnable_free(parser);
    braid_runnable_free(model);
    braid_runnable_free(prompt);
    return s == BRAID_ERROR_NOT_FOUND ? 0 : 1;
}
