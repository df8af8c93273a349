/* Running models through the C ABI: contexts, generation (greedy, seeded, stop strings, streaming,
 * cancellation from the callback, a cancel token and a deadline, continuing), embeddings (caller buffers),
 * chat templates, the log sink, and options structs that grow. */
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "check.h"

#define DATA BRAID_TEST_DATA_DIR
static const char *const stories = DATA "/models/stories260K.gguf"; /* a real trained TinyStories llama */
static const char *const bert = DATA "/models/tiny-bert-f16.gguf";  /* random-weight bert, mean pooling */
static const char *const llama_spm = DATA "/vocab/ggml-vocab-llama-spm.gguf"; /* vocabulary only */

/* What llama.cpp's greedy continuation of "Once upon a time" starts with on stories260K. */
#define STORY ", there was a little girl named Lily. She"

static braid_model *load(const char *path) {
    braid_model *model = NULL;
    CHECK_OK(braid_model_load(&model, path, NULL));
    return model;
}

static braid_context *cpu_context(const braid_model *model) {
    braid_context_options options = BRAID_CONTEXT_OPTIONS_INIT;
    options.backend = BRAID_BACKEND_CPU;
    options.n_ctx = 256;
    braid_context *ctx = NULL;
    CHECK_OK(braid_context_create(&ctx, model, &options));
    return ctx;
}

typedef struct pieces {
    char text[4096];
    int count;
    int stop_after; /* 0: never stop */
} pieces;

static braid_status collect(const char *piece, size_t len, void *user_data) {
    pieces *p = (pieces *)user_data;
    CHECK(strlen(piece) == len); /* NUL-terminated, and no NUL inside */
    strncat(p->text, piece, sizeof p->text - strlen(p->text) - 1);
    ++p->count;
    return p->stop_after && p->count >= p->stop_after ? BRAID_ERROR_CANCELLED : BRAID_OK;
}

static void test_generate_greedy(void) {
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model);
    braid_model_free(model); /* the context keeps it alive */
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    gen.max_tokens = 12;
    gen.temperature = 0.0f;
    pieces p = {{0}, 0, 0};
    char *out = NULL;
    CHECK_OK(braid_context_generate(&out, ctx, "Once upon a time", &gen, collect, &p));
    CHECK_CONTAINS(out, "{\"text\":\"" STORY "\",\"tokens\":[");
    CHECK_CONTAINS(out, "\"stop_reason\":\"length\",\"prompt_tokens\":5,");
    CHECK_STREQ(p.text, STORY); /* the streamed pieces add up to the text */
    CHECK(p.count >= 2);
    braid_string_free(out);

    /* The same again without a callback and without options (defaults: 256 tokens, sampled). */
    CHECK_OK(braid_context_generate(&out, ctx, "Once upon a time", &gen, NULL, NULL));
    CHECK_CONTAINS(out, STORY);
    braid_string_free(out);
    CHECK_OK(braid_context_generate(&out, ctx, "Once", NULL, NULL, NULL));
    CHECK_CONTAINS(out, "\"stop_reason\":");
    braid_string_free(out);

    CHECK_OK(braid_context_info(&out, ctx));
    CHECK_CONTAINS(out, "{\"backend\":\"cpu\",\"device\":\"cpu");
    CHECK_CONTAINS(out, "\"n_ctx\":256,");
    CHECK_CONTAINS(out, "\"embedding\":false}");
    braid_string_free(out);
    braid_context_free(ctx);
}

static void test_generate_stop_and_continue(void) {
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model);
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    const char *stop[] = {"named"};
    gen.max_tokens = 30;
    gen.temperature = 0.0f;
    gen.stop = stop;
    gen.stop_count = 1;
    pieces p = {{0}, 0, 0};
    char *out = NULL;
    CHECK_OK(braid_context_generate(&out, ctx, "Once upon a time", &gen, collect, &p));
    CHECK_CONTAINS(out, "{\"text\":\", there was a little girl \",");
    CHECK_CONTAINS(out, "\"stop_reason\":\"stop_string\"");
    CHECK_STREQ(p.text, ", there was a little girl "); /* no part of the stop string was streamed */
    braid_string_free(out);

    /* Continue the same sequence: the cache keeps "Once upon a time, there was a little girl named". */
    char *info = NULL;
    CHECK_OK(braid_context_info(&info, ctx));
    CHECK(strstr(info, "\"n_used\":0") == NULL);
    braid_string_free(info);
    gen.stop_count = 0;
    gen.max_tokens = 4;
    gen.flags = BRAID_GENERATE_CONTINUE;
    CHECK_OK(braid_context_generate(&out, ctx, " Lily.", &gen, NULL, NULL));
    CHECK_CONTAINS(out, "\"prompt_tokens\":");
    CHECK_CONTAINS(out, "{\"text\":\" She");
    braid_string_free(out);
    CHECK_OK(braid_context_clear(ctx));
    CHECK_OK(braid_context_info(&info, ctx));
    CHECK_CONTAINS(info, "\"n_used\":0");
    braid_string_free(info);
    braid_context_free(ctx);
    braid_model_free(model);
}

static void test_generate_seeded(void) {
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model);
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    gen.max_tokens = 24;
    gen.temperature = 1.0f;
    gen.top_k = 0;
    gen.top_p = 1.0f;
    gen.min_p = 0.0f;
    gen.seed = 1234;
    char *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(braid_context_generate(&a, ctx, "Once upon a time", &gen, NULL, NULL));
    CHECK_OK(braid_context_generate(&b, ctx, "Once upon a time", &gen, NULL, NULL));
    /* same seed, same text and tokens (the timings that follow differ) */
    CHECK(strncmp(a, b, (size_t)(strstr(a, "\"prompt_ms\"") - a)) == 0);
    gen.seed = 99;
    CHECK_OK(braid_context_generate(&c, ctx, "Once upon a time", &gen, NULL, NULL));
    CHECK(strncmp(a, c, (size_t)(strstr(a, "\"prompt_ms\"") - a)) != 0);
    braid_string_free(a);
    braid_string_free(b);
    braid_string_free(c);
    braid_context_free(ctx);
    braid_model_free(model);
}

static void test_generate_cancel_from_callback(void) {
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model);
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    gen.max_tokens = 40;
    gen.temperature = 0.0f;
    pieces p = {{0}, 0, 3};
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_context_generate(&out, ctx, "Once upon a time", &gen, collect, &p));
    CHECK_CONTAINS(braid_last_error(), "the text callback stopped the generation");
    CHECK(out == NULL && p.count == 3);
    CHECK(strncmp(p.text, ", there", 7) == 0); /* what was delivered stays delivered */
    /* The context is usable afterwards. */
    p = (pieces){{0}, 0, 0};
    gen.max_tokens = 12;
    CHECK_OK(braid_context_generate(&out, ctx, "Once upon a time", &gen, collect, &p));
    CHECK_STREQ(p.text, STORY);
    braid_string_free(out);
    braid_context_free(ctx);
    braid_model_free(model);
}

/* A callback that uses its own context again: a context belongs to one caller at a time. */
static braid_status reenter(const char *piece, size_t len, void *user_data) {
    (void)piece;
    (void)len;
    braid_context *ctx = (braid_context *)user_data;
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "x", NULL, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "context is in use by another call");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_clear(ctx));
    return BRAID_ERROR_CANCELLED;
}

static void test_context_errors(void) {
    braid_model *model = load(stories);
    braid_context *ctx = NULL;
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_create(NULL, model, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_create(&ctx, NULL, NULL));
    braid_context_options options = BRAID_CONTEXT_OPTIONS_INIT;
    options.flags = 0x80u;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_create(&ctx, model, &options));
    options = (braid_context_options)BRAID_CONTEXT_OPTIONS_INIT;
    options.backend = (braid_backend)7;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_create(&ctx, model, &options));
    CHECK_CONTAINS(braid_last_error(), "is not a braid_backend");
    options = (braid_context_options)BRAID_CONTEXT_OPTIONS_INIT;
    options.struct_size = 4;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_create(&ctx, model, &options));
    options = (braid_context_options)BRAID_CONTEXT_OPTIONS_INIT;
    options.backend = BRAID_BACKEND_CPU;
    options.n_ctx = 1u << 30;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_create(&ctx, model, &options));
    CHECK_CONTAINS(braid_last_error(), "n_ctx 1073741824 is larger than");
    CHECK(ctx == NULL);

    ctx = cpu_context(model);
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    gen.max_tokens = -1;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "Once", &gen, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "options->max_tokens is -1");
    gen = (braid_generate_options)BRAID_GENERATE_OPTIONS_INIT;
    gen.top_p = 2.0f;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "Once", &gen, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "options->top_p");
    gen = (braid_generate_options)BRAID_GENERATE_OPTIONS_INIT;
    gen.temperature = NAN;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "Once", &gen, NULL, NULL));
    gen = (braid_generate_options)BRAID_GENERATE_OPTIONS_INIT;
    gen.flags = 0x100u;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "Once", &gen, NULL, NULL));
    gen = (braid_generate_options)BRAID_GENERATE_OPTIONS_INIT;
    gen.stop_count = 2;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "Once", &gen, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "options->stop is NULL but stop_count is 2");
    const char *stops[] = {"a", NULL};
    gen.stop = stops;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "Once", &gen, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "options->stop[1] is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, NULL, NULL, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(NULL, ctx, "Once", NULL, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, NULL, "Once", NULL, NULL, NULL));
    CHECK(out == NULL);

    /* A prompt longer than the context: an error, and the context still works. */
    char long_prompt[4000] = {0};
    for (int i = 0; i < 300; ++i)
        strcat(long_prompt, "Lily ran. ");
    CHECK_STATUS(BRAID_ERROR_OUT_OF_MEMORY, braid_context_generate(&out, ctx, long_prompt, NULL, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "n_ctx");

    /* Text models do not embed. */
    float values[8];
    size_t count = 0;
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_context_embed(&count, values, 8, ctx, "Hello", 0));
    CHECK_CONTAINS(braid_last_error(), "gives text, not embeddings");
    CHECK_CONTAINS(braid_last_error(), "braid_local_embeddings_create()");

    /* Re-entering the context from its own callback is turned away; then the callback stops the run. */
    gen = (braid_generate_options)BRAID_GENERATE_OPTIONS_INIT;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_context_generate(&out, ctx, "Once", &gen, reenter, ctx));

    /* A model loaded without weights has no context. */
    braid_model *vocab = load(llama_spm);
    braid_context *none = NULL;
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_context_create(&none, vocab, NULL));
    CHECK_CONTAINS(braid_last_error(), "was loaded without weights");
    braid_model_free(vocab);
    braid_model_options metadata_only = BRAID_MODEL_OPTIONS_INIT;
    metadata_only.flags = BRAID_MODEL_METADATA_ONLY;
    CHECK_OK(braid_model_load(&vocab, stories, &metadata_only));
    CHECK_OK(braid_model_info(&out, vocab));
    CHECK_CONTAINS(out, "\"has_weights\":false");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_context_create(&none, vocab, NULL));
    braid_model_free(vocab);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_info(&out, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_info(NULL, ctx));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_clear(NULL));
    braid_context_free(ctx);
    braid_context_free(NULL);
    braid_context_free((braid_context *)model); /* a handle of another type is ignored */
    braid_model_free(model);
}

static double norm(const float *v, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += (double)v[i] * v[i];
    return sqrt(s);
}

static void test_embed(void) {
    braid_model *model = load(bert);
    char *out = NULL;
    CHECK_OK(braid_model_info(&out, model));
    CHECK_CONTAINS(out, "\"has_weights\":true,\"embedding\":true");
    braid_string_free(out);
    braid_context *ctx = cpu_context(model);
    size_t count = 0;
    CHECK_OK(braid_context_embed(&count, NULL, 0, ctx, "Hello world", 0)); /* the size */
    CHECK(count == 128);
    float unit[128], raw[128], again[128];
    CHECK_OK(braid_context_embed(&count, unit, 128, ctx, "Hello world", 0));
    CHECK(fabs(norm(unit, 128) - 1.0) < 1e-5);
    CHECK_OK(braid_context_embed(&count, raw, 128, ctx, "Hello world", BRAID_EMBED_RAW));
    const double n = norm(raw, 128);
    CHECK(n > 0 && fabs(n - 1.0) > 1e-3);
    for (size_t i = 0; i < 128; ++i)
        CHECK(fabsf(raw[i] / (float)n - unit[i]) < 1e-5f);
    CHECK_OK(braid_context_embed(&count, again, 128, ctx, "Hello world", 0));
    CHECK(memcmp(again, unit, sizeof unit) == 0); /* deterministic */
    CHECK_OK(braid_context_embed(&count, again, 128, ctx, "Something else entirely", 0));
    CHECK(memcmp(again, unit, sizeof unit) != 0);

    CHECK_STATUS(BRAID_ERROR_BUFFER_TOO_SMALL, braid_context_embed(&count, again, 64, ctx, "Hello", 0));
    CHECK(count == 128);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_embed(&count, NULL, 4, ctx, "Hello", 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_embed(&count, again, 128, ctx, "Hello", 0x10u));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_embed(&count, again, 128, ctx, NULL, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_embed(NULL, again, 128, ctx, "Hello", 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_embed(&count, again, 128, NULL, "Hello", 0));
    /* Embedding models do not generate. */
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_context_generate(&out, ctx, "Hello", NULL, NULL, NULL));
    braid_context_free(ctx);
    braid_model_free(model);
}

static void test_chat_template(void) {
    char *out = NULL;
    const char *chatml = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
                         "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
    CHECK_OK(braid_chat_template_render(&out, chatml,
                                        "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi!\"}],"
                                        " \"add_generation_prompt\": true}"));
    CHECK_STREQ(out, "<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n");
    braid_string_free(out);
    CHECK_OK(braid_chat_template_render(&out, "{{ bos_token }}x", NULL)); /* no context: undefined prints "" */
    CHECK_STREQ(out, "x");
    braid_string_free(out);

    CHECK_STATUS(BRAID_ERROR_PARSE, braid_chat_template_render(&out, "line one\n{% if %}", NULL));
    CHECK_CONTAINS(braid_last_error(), "line 2, column");
    CHECK_STATUS(BRAID_ERROR_TEMPLATE, braid_chat_template_render(&out, "{{ raise_exception('no system role') }}", NULL));
    CHECK_CONTAINS(braid_last_error(), "no system role");
    CHECK_STATUS(BRAID_ERROR_TEMPLATE, braid_chat_template_render(&out, "{{ messages[0].content }}", "{}"));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_chat_template_render(&out, chatml, "{\"messages\": ["));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_template_render(&out, chatml, "[1, 2]"));
    CHECK_CONTAINS(braid_last_error(), "context_json must be a JSON object");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_template_render(&out, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_template_render(NULL, chatml, NULL));
    CHECK(out == NULL);

    /* A model without a template says so. */
    braid_model *model = load(stories);
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_model_chat_template(&out, model));
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_model_apply_chat_template(&out, model, "{\"messages\": []}"));
    CHECK_CONTAINS(braid_last_error(), "has no chat template");
    braid_model_free(model);

    /* A model with one (stories260K with tests/data/capi/chat_template.jinja, made by the
     * capi.make_chat_model fixture): its template, rendered with transformers' defaults (BOS text from the
     * vocabulary, tools and documents none, no generation prompt), then generated from. */
    model = load(BRAID_CHAT_MODEL);
    CHECK_OK(braid_model_info(&out, model));
    CHECK_CONTAINS(out, "\"has_chat_template\":true");
    braid_string_free(out);
    CHECK_OK(braid_model_chat_template(&out, model));
    CHECK_CONTAINS(out, "{{ bos_token }}{% for m in messages %}");
    braid_string_free(out);
    CHECK_OK(braid_model_apply_chat_template(&out, model, "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"));
    CHECK_STREQ(out, "<s><|im_start|>user\nHi<|im_end|>\n");
    braid_string_free(out);
    CHECK_OK(braid_model_apply_chat_template(&out, model, "{\"messages\": [], \"tools\": [], \"bos_token\": \"B\"}"));
    CHECK_STREQ(out, "B[tools]"); /* what the context gives wins */
    braid_string_free(out);
    CHECK_OK(braid_model_apply_chat_template(&out, model,
                                             "{\"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}],"
                                             " \"add_generation_prompt\": true}"));
    CHECK_STREQ(out, "<s><|im_start|>user\nOnce upon a time<|im_end|>\n<|im_start|>assistant\n");
    braid_context *ctx = cpu_context(model);
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    gen.max_tokens = 4;
    gen.temperature = 0.0f;
    gen.flags = BRAID_GENERATE_PARSE_SPECIAL;
    char *result = NULL;
    CHECK_OK(braid_context_generate(&result, ctx, out, &gen, NULL, NULL));
    CHECK_CONTAINS(result, "\"stop_reason\":");
    braid_string_free(result);
    braid_string_free(out);
    braid_context_free(ctx);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_apply_chat_template(&out, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_chat_template(NULL, model));
    braid_model_free(model);
}

/* A callback's own error status comes back from the call (a binding's exception: BRAID_ERROR_CALLBACK);
 * a status that is not an error stops the generation as cancelled. */
static braid_status fail_with(const char *piece, size_t len, void *user_data) {
    (void)piece;
    (void)len;
    return *(const braid_status *)user_data;
}

static void test_generate_callback_status(void) {
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model);
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    gen.max_tokens = 8;
    gen.temperature = 0.0f;
    char *out = NULL;
    braid_status returned = BRAID_ERROR_CALLBACK;
    CHECK_STATUS(BRAID_ERROR_CALLBACK, braid_context_generate(&out, ctx, "Once upon a time", &gen, fail_with, &returned));
    CHECK_CONTAINS(braid_last_error(), "the text callback stopped the generation after 1 tokens (it returned -100");
    returned = BRAID_ERROR_TOOL;
    CHECK_STATUS(BRAID_ERROR_TOOL, braid_context_generate(&out, ctx, "Once upon a time", &gen, fail_with, &returned));
    returned = BRAID_DONE; /* not an error: a request to stop */
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_context_generate(&out, ctx, "Once upon a time", &gen, fail_with, &returned));
    CHECK(out == NULL);
    braid_context_free(ctx);
    braid_model_free(model);
}

/* The cancel token of the options, cancelled from the text callback (as another thread would), stops the
 * generation before the next token; a deadline gives BRAID_ERROR_TIMEOUT. */
static braid_status cancel_after_two(const char *piece, size_t len, void *user_data) {
    (void)piece;
    (void)len;
    static int calls = 0;
    if (++calls == 2)
        CHECK_OK(braid_cancel_token_cancel((braid_cancel_token *)user_data));
    return BRAID_OK;
}

static braid_status slow(const char *piece, size_t len, void *user_data) {
    (void)piece;
    (void)len;
    (void)user_data;
    const clock_t start = clock();
    while ((double)(clock() - start) < 0.002 * CLOCKS_PER_SEC) {
    }
    return BRAID_OK;
}

static void test_generate_cancel_token_and_timeout(void) {
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model);
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
    gen.max_tokens = 40;
    gen.temperature = 0.0f;
    gen.cancel = token;
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_context_generate(&out, ctx, "Once upon a time", &gen, cancel_after_two, token));
    CHECK_CONTAINS(braid_last_error(), "generate was cancelled");
    CHECK(out == NULL);
    /* a cancelled token stops the next generation at once, in its prompt */
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_context_generate(&out, ctx, "Once upon a time", &gen, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "decode was cancelled");
    braid_cancel_token_free(token);

    /* A deadline of 20 ms, and a callback that takes 2 ms of CPU time per piece: the 256 cells of the
     * context would take over half a second to fill. */
    gen.cancel = NULL;
    gen.max_tokens = 1000;
    gen.flags = BRAID_GENERATE_IGNORE_EOS;
    gen.timeout_ms = 20;
    CHECK_STATUS(BRAID_ERROR_TIMEOUT, braid_context_generate(&out, ctx, "Once upon a time", &gen, slow, NULL));
    CHECK_CONTAINS(braid_last_error(), "passed its deadline"); /* in the prompt, under valgrind */
    gen.timeout_ms = 0;
    gen.max_tokens = 12;
    gen.flags = 0;
    pieces p = {{0}, 0, 0};
    CHECK_OK(braid_context_generate(&out, ctx, "Once upon a time", &gen, collect, &p)); /* usable afterwards */
    CHECK_STREQ(p.text, STORY);
    braid_string_free(out);
    braid_context_free(ctx);
    braid_model_free(model);
}

/* Options structs that grow: a caller built against a newer braid (a struct with one more field, set) is
 * turned away by this library rather than silently ignored; one built against version 1 is served. */
typedef struct generate_options_v3 {
    braid_generate_options v2;
    uint64_t a_future_field;
} generate_options_v3;

static void test_options_growth(void) {
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model);
    char *out = NULL;
    generate_options_v3 newer;
    memset(&newer, 0, sizeof newer);
    braid_generate_options defaults = BRAID_GENERATE_OPTIONS_INIT;
    newer.v2 = defaults;
    newer.v2.struct_size = (uint32_t)sizeof newer;
    newer.v2.max_tokens = 2;
    newer.a_future_field = 7;
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_context_generate(&out, ctx, "Once", &newer.v2, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "sets fields this version of braid");
    newer.a_future_field = 0; /* unset fields of a newer version are fine */
    CHECK_OK(braid_context_generate(&out, ctx, "Once", &newer.v2, NULL, NULL));
    braid_string_free(out);

    /* A version-1 caller: struct_size 72, and its tail padding (now _reserved0) may hold anything. */
    braid_generate_options v1 = BRAID_GENERATE_OPTIONS_INIT;
    v1.struct_size = BRAID_GENERATE_OPTIONS_V1_SIZE;
    v1.max_tokens = 12;
    v1.temperature = 0.0f;
    v1._reserved0 = 0xdeadbeefu;
    v1.timeout_ms = 1; /* past what the caller said it filled: not read */
    CHECK_OK(braid_context_generate(&out, ctx, "Once upon a time", &v1, NULL, NULL));
    CHECK_CONTAINS(out, STORY);
    braid_string_free(out);
    v1.struct_size = BRAID_GENERATE_OPTIONS_V1_SIZE - 4;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_generate(&out, ctx, "Once", &v1, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "less than the 72 bytes of its first version");

    braid_embed_options e = BRAID_EMBED_OPTIONS_INIT;
    CHECK(e.struct_size == BRAID_EMBED_OPTIONS_V1_SIZE);
    braid_context_free(ctx);
    braid_model_free(model);
}

typedef struct log_capture {
    int messages;
    char last[512];
    char component[32];
    int destroyed;
} log_capture;

static void capture(braid_log_level level, const char *component, const char *message, void *user_data) {
    log_capture *c = (log_capture *)user_data;
    CHECK(level == BRAID_LOG_INFO);
    ++c->messages;
    snprintf(c->last, sizeof c->last, "%s", message);
    snprintf(c->component, sizeof c->component, "%s", component);
}

static void destroy_capture(void *user_data) { ((log_capture *)user_data)->destroyed = 1; }

static void test_log_sink(void) {
    log_capture c;
    memset(&c, 0, sizeof c);
    CHECK_OK(braid_log_set_sink(capture, &c, destroy_capture, BRAID_LOG_INFO));
    CHECK(braid_log_get_level() == BRAID_LOG_INFO);
    braid_model *model = load(stories);
    braid_context *ctx = cpu_context(model); /* a context says what it runs on, at level info */
    CHECK(c.messages == 1);
    CHECK_STREQ(c.component, "context");
    CHECK_CONTAINS(c.last, "llama context on cpu");
    CHECK_CONTAINS(c.last, "n_ctx 256");
    CHECK_OK(braid_log_set_level(BRAID_LOG_WARNING)); /* below the level: not delivered */
    braid_context_free(ctx);
    ctx = cpu_context(model);
    CHECK(c.messages == 1);
    CHECK(!c.destroyed);
    CHECK_OK(braid_log_set_sink(NULL, NULL, NULL, BRAID_LOG_WARNING)); /* back to standard error */
    CHECK(c.destroyed);                                                /* the old sink's user data let go */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_log_set_level((braid_log_level)9));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_log_set_sink(capture, &c, NULL, (braid_log_level)-1));
    CHECK(braid_log_get_level() == BRAID_LOG_WARNING);
    braid_context_free(ctx);
    braid_model_free(model);
}

static void test_embed_v2(void) {
    braid_model *model = load(bert);
    braid_context *ctx = cpu_context(model);
    float unit[128], again[128];
    size_t count = 0;
    CHECK_OK(braid_context_embed(&count, unit, 128, ctx, "Hello world", 0));
    CHECK_OK(braid_context_embed_v2(&count, again, 128, ctx, "Hello world", NULL));
    CHECK(memcmp(again, unit, sizeof unit) == 0);
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    CHECK_OK(braid_cancel_token_cancel(token));
    braid_embed_options o = BRAID_EMBED_OPTIONS_INIT;
    o.cancel = token;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_context_embed_v2(&count, again, 128, ctx, "Hello world", &o));
    CHECK(count == 0);
    o.flags = 0x10u;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_context_embed_v2(&count, again, 128, ctx, "Hello world", &o));
    braid_cancel_token_free(token);
    braid_context_free(ctx);
    braid_model_free(model);
}

static const check_test tests[] = {
    {"generate_greedy", test_generate_greedy},
    {"generate_stop_and_continue", test_generate_stop_and_continue},
    {"generate_seeded", test_generate_seeded},
    {"generate_cancel_from_callback", test_generate_cancel_from_callback},
    {"context_errors", test_context_errors},
    {"embed", test_embed},
    {"chat_template", test_chat_template},
    {"generate_callback_status", test_generate_callback_status},
    {"generate_cancel_token_and_timeout", test_generate_cancel_token_and_timeout},
    {"options_growth", test_options_growth},
    {"log_sink", test_log_sink},
    {"embed_v2", test_embed_v2},
};

CHECK_MAIN(tests)
