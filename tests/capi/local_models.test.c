/* Local models through the C ABI: the chat model runnable (invoke, stream, cancellation, options), the
 * embedder (caller buffers, runnable form), grammars and the tool-call parser. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, unlink, rmdir */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define DATA BRAID_TEST_DATA_DIR
static const char *const stories = DATA "/models/stories260K.gguf";
static const char *const tiny_bert = DATA "/models/tiny-bert-f16.gguf";

/* A template that writes the messages' text alone: the prompt of "Once upon a time" is that text, so the
 * chat model's greedy answer must equal braid_context_generate()'s on the same text. */
static const char *const bare_template = "{% for m in messages %}{{ m.content }}{% endfor %}";

/* The JSON string value of the first "content" key of `json` after `from`, unescaped (ASCII escapes and
 * \\uXXXX below 0x80), appended to `out` (room for `room` bytes). Returns the position after the value,
 * or NULL when there is none. */
static const char *append_content(const char *json, char *out, size_t room) {
    const char *p = strstr(json, "\"content\":\"");
    if (!p)
        return NULL;
    p += strlen("\"content\":\"");
    size_t n = strlen(out);
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            char e = *p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4 && *p; ++i, ++p)
                    v = v * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
                c = (char)v;
                break;
            }
            default: c = e; break;
            }
        }
        if (n + 1 < room)
            out[n++] = c;
    }
    out[n] = '\0';
    return *p ? p + 1 : p;
}

static braid_model *load(const char *path) {
    braid_model *model = NULL;
    CHECK_OK(braid_model_load(&model, path, NULL));
    return model;
}

static braid_runnable *make_chat(braid_model *model, uint32_t n_seq, const char *defaults) {
    braid_local_chat_model_options o = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
    o.backend = BRAID_BACKEND_CPU;
    o.threads = 2;
    o.n_seq_max = n_seq;
    o.n_ctx = 256 * n_seq;
    o.chat_template = bare_template;
    o.defaults_json = defaults;
    o.name = "stories";
    braid_runnable *chat = NULL;
    CHECK_OK(braid_local_chat_model_create(&chat, model, &o));
    return chat;
}

static void test_chat_invoke_equals_engine(void) {
    braid_model *model = load(stories);
    braid_runnable *chat = make_chat(model, 2, "{\"temperature\": 0, \"max_tokens\": 24}");
    braid_model_free(model); /* the runnable keeps the model alive */
    model = load(stories);

    char *answer = NULL;
    CHECK_OK(braid_runnable_invoke(&answer, chat, "\"Once upon a time\"", NULL));
    CHECK_CONTAINS(answer, "\"finish_reason\":");
    CHECK_CONTAINS(answer, "\"completion_tokens\":24");
    CHECK_CONTAINS(answer, "\"role\":\"assistant\"");
    char content[4096] = "";
    CHECK(answer && append_content(answer, content, sizeof content) != NULL);
    CHECK(strlen(content) > 0);

    /* The same prompt, greedy, straight through the engine. */
    braid_context_options co = BRAID_CONTEXT_OPTIONS_INIT;
    co.backend = BRAID_BACKEND_CPU;
    co.threads = 2;
    co.n_ctx = 256;
    braid_context *ctx = NULL;
    CHECK_OK(braid_context_create(&ctx, model, &co));
    braid_generate_options g = BRAID_GENERATE_OPTIONS_INIT;
    g.max_tokens = 24;
    g.temperature = 0.0f;
    g.flags = BRAID_GENERATE_PARSE_SPECIAL;
    char *result = NULL;
    CHECK_OK(braid_context_generate(&result, ctx, "Once upon a time", &g, NULL, NULL));
    char text[4096] = "";
    const char *t = result ? strstr(result, "\"text\":\"") : NULL;
    CHECK(t != NULL);
    if (t) { /* reuse the content reader on {"content": <text>} */
        char wrapped[8192];
        snprintf(wrapped, sizeof wrapped, "{\"content\":%s", t + strlen("\"text\":"));
        append_content(wrapped, text, sizeof text);
    }
    CHECK_STREQ(content, text);
    braid_string_free(result);
    braid_context_free(ctx);

    /* A list of messages, and options bound per call. */
    char *name = NULL;
    CHECK_OK(braid_runnable_name(&name, chat));
    CHECK_STREQ(name, "stories");
    braid_string_free(name);
    braid_runnable *short_answers = NULL;
    CHECK_OK(braid_runnable_bind(&short_answers, chat, "{\"max_tokens\": 3}"));
    char *short_answer = NULL;
    CHECK_OK(braid_runnable_invoke(&short_answer, short_answers,
                                   "[{\"role\": \"user\", \"content\": \"Once upon a time\"}]", NULL));
    CHECK_CONTAINS(short_answer, "\"finish_reason\":\"length\"");
    CHECK_CONTAINS(short_answer, "\"completion_tokens\":3");
    braid_string_free(short_answer);
    braid_runnable_free(short_answers);

    braid_string_free(answer);
    braid_runnable_free(chat);
    braid_model_free(model);
}

typedef struct chunks {
    int count;
    int stop_after; /* 0: never */
    char content[4096];
} chunks;

static braid_status on_chunk(const char *json, void *user_data) {
    chunks *c = (chunks *)user_data;
    ++c->count;
    CHECK(json && json[0] == '{');
    if (c->count == 1)
        CHECK_CONTAINS(json, "\"role\":\"assistant\"");
    append_content(json, c->content, sizeof c->content);
    return c->stop_after > 0 && c->count >= c->stop_after ? BRAID_ERROR_CANCELLED : BRAID_OK;
}

static void test_chat_stream(void) {
    braid_model *model = load(stories);
    braid_runnable *chat = make_chat(model, 1, "{\"temperature\": 0, \"max_tokens\": 16}");
    char *answer = NULL;
    CHECK_OK(braid_runnable_invoke(&answer, chat, "\"Once upon a time\"", NULL));
    char content[4096] = "";
    if (answer)
        append_content(answer, content, sizeof content);

    chunks c = {0, 0, ""};
    CHECK_OK(braid_runnable_stream(chat, "\"Once upon a time\"", NULL, on_chunk, &c));
    CHECK(c.count >= 2); /* the text, then at least the last chunk with response_metadata */
    CHECK_STREQ(c.content, content);

    /* Pulled. */
    braid_stream *stream = NULL;
    CHECK_OK(braid_runnable_stream_open(&stream, chat, "\"Once upon a time\"", NULL));
    char pulled[4096] = "";
    int pulls = 0;
    char *chunk = NULL;
    while (braid_stream_next(&chunk, stream) == BRAID_OK && chunk) {
        append_content(chunk, pulled, sizeof pulled);
        braid_string_free(chunk);
        chunk = NULL;
        ++pulls;
    }
    CHECK(pulls >= 2);
    CHECK_STREQ(pulled, content);
    braid_stream_free(stream);

    /* The callback stops it. */
    chunks stopped = {0, 2, ""};
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_runnable_stream(chat, "\"Once upon a time\"", NULL, on_chunk, &stopped));
    CHECK(stopped.count == 2);
    CHECK_CONTAINS(braid_last_error(), "callback");

    braid_string_free(answer);
    braid_runnable_free(chat);
    braid_model_free(model);
}

static void test_chat_cancel_and_timeout(void) {
    braid_model *model = load(stories);
    braid_runnable *chat = make_chat(model, 1, "{\"temperature\": 0, \"max_tokens\": 200}");
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    CHECK_OK(braid_cancel_token_cancel(token));
    braid_run_options run = BRAID_RUN_OPTIONS_INIT;
    run.cancel = token;
    char *answer = NULL;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_runnable_invoke(&answer, chat, "\"Once upon a time\"", &run));
    CHECK(answer == NULL);

    /* A deadline that passes during the generation. */
    braid_run_options timed = BRAID_RUN_OPTIONS_INIT;
    timed.timeout_ms = 1;
    const braid_status s = braid_runnable_invoke(&answer, chat, "\"Once upon a time\"", &timed);
    CHECK(s == BRAID_ERROR_TIMEOUT);
    braid_string_free(answer);
    answer = NULL;

    /* Still usable afterwards. */
    run.cancel = NULL;
    CHECK_OK(braid_runnable_invoke(&answer, chat, "\"Once upon a time\"", NULL));
    braid_string_free(answer);
    braid_cancel_token_free(token);
    braid_runnable_free(chat);
    braid_model_free(model);
}

static void test_chat_bad_arguments(void) {
    braid_model *model = load(stories);
    braid_runnable *chat = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_create(&chat, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "model");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_create(NULL, model, NULL));
    braid_local_chat_model_options o = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
    o.defaults_json = "{\"temperature\": ";
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_local_chat_model_create(&chat, model, &o));
    CHECK_CONTAINS(braid_last_error(), "options->defaults_json");
    o.defaults_json = "[1]";
    CHECK(braid_local_chat_model_create(&chat, model, &o) != BRAID_OK);
    CHECK_CONTAINS(braid_last_error(), "options->defaults_json");
    o.defaults_json = NULL;
    o.flags = 0x100u;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_create(&chat, model, &o));
    CHECK_CONTAINS(braid_last_error(), "options->flags");
    o.flags = 0;
    o.overflow = (braid_context_overflow)7;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_create(&chat, model, &o));
    CHECK_CONTAINS(braid_last_error(), "options->overflow");
    o.overflow = BRAID_CONTEXT_OVERFLOW_ERROR;
    o.backend = (braid_backend)9;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_create(&chat, model, &o));
    CHECK_CONTAINS(braid_last_error(), "options->backend");
    o.backend = BRAID_BACKEND_CPU;
    o.struct_size = 8;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_create(&chat, model, &o));
    CHECK_CONTAINS(braid_last_error(), "struct_size");
    CHECK(chat == NULL);

    /* An embedding model gives no text; a model without weights runs nothing. */
    braid_model *bert = load(tiny_bert);
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_local_chat_model_create(&chat, bert, NULL));
    CHECK_CONTAINS(braid_last_error(), "embeddings");
    braid_model *metadata = NULL;
    braid_model_options mo = BRAID_MODEL_OPTIONS_INIT;
    mo.flags = BRAID_MODEL_METADATA_ONLY;
    CHECK_OK(braid_model_load(&metadata, stories, &mo));
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_local_chat_model_create(&chat, metadata, NULL));
    CHECK_CONTAINS(braid_last_error(), "without weights");

    /* Malformed input to a working model. */
    chat = make_chat(model, 1, "{\"temperature\": 0, \"max_tokens\": 4}");
    char *answer = NULL;
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_invoke(&answer, chat, "[{\"type\": ", NULL));
    CHECK(braid_runnable_invoke(&answer, chat, "42", NULL) != BRAID_OK);
    CHECK(answer == NULL);
    braid_runnable_free(chat);
    braid_model_free(metadata);
    braid_model_free(bert);
    braid_model_free(model);
}

static void test_chat_structured_output(void) {
    braid_model *model = load(stories);
    braid_runnable *chat = make_chat(model, 1, "{\"temperature\": 0, \"max_tokens\": 24}");
    braid_runnable *json = NULL;
    CHECK_OK(braid_runnable_bind(&json, chat,
                                 "{\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"schema\": "
                                 "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}, "
                                 "\"required\": [\"n\"]}}}}"));
    char *answer = NULL;
    CHECK_OK(braid_runnable_invoke(&answer, json, "\"Once upon a time\"", NULL));
    char content[4096] = "";
    if (answer)
        append_content(answer, content, sizeof content);
    /* The schema's grammar: the answer is {"n": <digits>...} (possibly cut by max_tokens). */
    CHECK(strncmp(content, "{\"n\":", 5) == 0);
    braid_string_free(answer);
    answer = NULL;
    braid_runnable_free(json);

    /* Bad structured output is named. */
    CHECK_OK(braid_runnable_bind(&json, chat, "{\"response_format\": {\"not\": {\"multipleOf\": 3}}}"));
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_runnable_invoke(&answer, json, "\"Once upon a time\"", NULL));
    CHECK(answer == NULL);
    braid_runnable_free(json);

    /* An unknown tool-call format is refused at creation, listing the known ones. */
    braid_local_chat_model_options o = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
    o.backend = BRAID_BACKEND_CPU; /* no Vulkan loader under valgrind */
    o.threads = 2;
    o.n_ctx = 256;
    o.n_seq_max = 1;
    o.tool_call_format = "nonsense";
    braid_runnable *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_create(&bad, model, &o));
    CHECK_CONTAINS(braid_last_error(), "hermes");
    o.tool_call_format = "hermes";
    o.flags = BRAID_LOCAL_CHAT_MALFORMED_TOOL_CALLS_AS_CONTENT;
    o.grammar_cache_size = 2;
    CHECK_OK(braid_local_chat_model_create(&bad, model, &o));
    braid_runnable_free(bad);
    braid_runnable_free(chat);
    braid_model_free(model);
}

typedef struct tool_chunks {
    int with_tool_call_chunks;
    int with_name;
} tool_chunks;

static braid_status on_tool_chunk(const char *json, void *user_data) {
    tool_chunks *t = (tool_chunks *)user_data;
    if (strstr(json, "\"tool_call_chunks\""))
        ++t->with_tool_call_chunks;
    if (strstr(json, "\"name\":\"get_weather\""))
        ++t->with_name;
    return BRAID_OK;
}

/* Bound tools with tool_choice "required": the grammar forces a hermes call of the tool, which streams
 * as tool_call_chunks and ends as the message's tool_calls. */
static void test_chat_tool_calls(void) {
    braid_model *model = load(stories);
    braid_local_chat_model_options o = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
    o.backend = BRAID_BACKEND_CPU;
    o.threads = 2;
    o.n_ctx = 512;
    o.n_seq_max = 1;
    o.chat_template = bare_template;
    o.defaults_json = "{\"temperature\": 0, \"max_tokens\": 200}";
    o.tool_call_format = "hermes";
    braid_runnable *chat = NULL;
    CHECK_OK(braid_local_chat_model_create(&chat, model, &o));
    braid_runnable *with_tools = NULL;
    CHECK_OK(braid_runnable_bind(&with_tools, chat,
                                 "{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
                                 "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"enum\": [\"Paris\"]}}, "
                                 "\"required\": [\"city\"]}}}], \"tool_choice\": \"required\"}"));
    char *answer = NULL;
    CHECK_OK(braid_runnable_invoke(&answer, with_tools, "\"What is the weather in Paris?\"", NULL));
    CHECK_CONTAINS(answer, "\"tool_calls\":[{");
    CHECK_CONTAINS(answer, "\"name\":\"get_weather\"");
    CHECK_CONTAINS(answer, "\"city\":\"Paris\"");
    CHECK_CONTAINS(answer, "\"finish_reason\":\"tool_calls\"");
    braid_string_free(answer);
    tool_chunks t = {0, 0};
    CHECK_OK(braid_runnable_stream(with_tools, "\"What is the weather in Paris?\"", NULL, on_tool_chunk, &t));
    CHECK(t.with_tool_call_chunks >= 1);
    CHECK(t.with_name == 1);
    braid_runnable_free(with_tools);
    braid_runnable_free(chat);
    braid_model_free(model);
}

static void test_chat_sessions(void) {
    char dir[] = "/tmp/braid_capi_local_XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char path[128], corrupt[128];
    snprintf(path, sizeof path, "%s/story.session", dir);
    snprintf(corrupt, sizeof corrupt, "%s/corrupt.session", dir);
    const char *conversation = "\"Once upon a time, there was a little girl named Lily\"";

    braid_model *model = load(stories);
    braid_runnable *chat = make_chat(model, 1, "{\"temperature\": 0, \"max_tokens\": 8}");
    size_t saved = 0;
    CHECK_OK(braid_local_chat_model_save_session(&saved, chat, conversation, path, NULL));
    CHECK(saved > 5);
    char *cold = NULL;
    braid_runnable *fresh = make_chat(model, 1, "{\"temperature\": 0, \"max_tokens\": 8}");
    CHECK_OK(braid_runnable_invoke(&cold, fresh, conversation, NULL));
    CHECK_CONTAINS(cold, "\"prompt_tokens_cached\":0");
    braid_runnable_free(fresh);

    /* A new chat model restores it: the same conversation then comes from the cache, with the same answer. */
    fresh = make_chat(model, 1, "{\"temperature\": 0, \"max_tokens\": 8}");
    size_t restored = 0;
    CHECK_OK(braid_local_chat_model_load_session(&restored, fresh, path));
    CHECK(restored == saved);
    char *warm = NULL;
    CHECK_OK(braid_runnable_invoke(&warm, fresh, conversation, NULL));
    CHECK(warm && strstr(warm, "\"prompt_tokens_cached\":0") == NULL);
    char a[1024] = "", b[1024] = "";
    if (cold && warm) {
        append_content(cold, a, sizeof a);
        append_content(warm, b, sizeof b);
    }
    CHECK_STREQ(a, b);
    braid_string_free(cold);
    braid_string_free(warm);

    /* Bad files and handles are named. */
    FILE *f = fopen(corrupt, "wb");
    if (f) {
        fputs("not a session", f);
        fclose(f);
    }
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_load_session(&restored, fresh, corrupt));
    CHECK(restored == 0);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.session", dir);
    CHECK_STATUS(BRAID_ERROR_IO, braid_local_chat_model_load_session(NULL, fresh, missing));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_local_chat_model_save_session(NULL, chat, "[{", path, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_save_session(NULL, chat, conversation, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_save_session(NULL, NULL, conversation, path, NULL));
    braid_runnable *bound = NULL;
    CHECK_OK(braid_runnable_bind(&bound, chat, "{\"max_tokens\": 2}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_chat_model_load_session(NULL, bound, path));
    CHECK_CONTAINS(braid_last_error(), "braid_local_chat_model_create");
    braid_runnable_free(bound);

    unlink(path);
    unlink(corrupt);
    rmdir(dir);
    braid_runnable_free(fresh);
    braid_runnable_free(chat);
    braid_model_free(model);
}

static void test_embeddings(void) {
    braid_model *model = load(tiny_bert);
    braid_local_embeddings_options o = BRAID_LOCAL_EMBEDDINGS_OPTIONS_INIT;
    o.backend = BRAID_BACKEND_CPU;
    o.threads = 2;
    braid_embeddings *emb = NULL;
    CHECK_OK(braid_local_embeddings_create(&emb, model, &o));
    const size_t dim = braid_embeddings_dimension(emb);
    CHECK(dim > 0);

    const char *texts = "[\"a cat sat on the mat\", \"stock markets fell today\"]";
    size_t needed = 0;
    CHECK_OK(braid_embeddings_embed(&needed, NULL, 0, emb, texts, NULL));
    CHECK(needed == 2 * dim);
    float small[4];
    CHECK_STATUS(BRAID_ERROR_BUFFER_TOO_SMALL, braid_embeddings_embed(&needed, small, 4, emb, texts, NULL));
    CHECK(needed == 2 * dim);
    CHECK_CONTAINS(braid_last_error(), "needed");
    float *vectors = (float *)calloc(needed, sizeof(float));
    size_t count = 0;
    CHECK_OK(braid_embeddings_embed(&count, vectors, needed, emb, texts, NULL));
    CHECK(count == 2 * dim);

    /* Equal to the engine's embedding of each text (braid_context_embed, normalized). */
    braid_context *ctx = NULL;
    braid_context_options co = BRAID_CONTEXT_OPTIONS_INIT;
    co.backend = BRAID_BACKEND_CPU;
    co.threads = 2;
    CHECK_OK(braid_context_create(&ctx, model, &co));
    float *one = (float *)calloc(dim, sizeof(float));
    const char *each[2] = {"a cat sat on the mat", "stock markets fell today"};
    for (int k = 0; k < 2; ++k) {
        size_t n = 0;
        CHECK_OK(braid_context_embed(&n, one, dim, ctx, each[k], 0));
        CHECK(n == dim);
        double worst = 0.0, norm = 0.0;
        for (size_t i = 0; i < dim; ++i) {
            const double d = fabs((double)one[i] - (double)vectors[k * dim + i]);
            worst = d > worst ? d : worst;
            norm += (double)vectors[k * dim + i] * vectors[k * dim + i];
        }
        CHECK(worst < 1e-4);
        CHECK(fabs(norm - 1.0) < 1e-4);
    }
    free(one);
    braid_context_free(ctx);

    /* One string is one text; the runnable form. */
    CHECK_OK(braid_embeddings_embed(&count, vectors, needed, emb, "\"a cat sat on the mat\"", NULL));
    CHECK(count == dim);
    braid_runnable *r = NULL;
    CHECK_OK(braid_embeddings_runnable(&r, emb));
    braid_embeddings_free(emb); /* the runnable keeps the embedder alive */
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, r, texts, NULL));
    CHECK(out && out[0] == '[' && out[1] == '[');
    braid_string_free(out);
    out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, r, "\"one\"", NULL));
    CHECK(out && out[0] == '[' && out[1] != '[');
    braid_string_free(out);
    braid_runnable_free(r);

    /* A cancelled run writes nothing. */
    CHECK_OK(braid_local_embeddings_create(&emb, model, &o));
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    CHECK_OK(braid_cancel_token_cancel(token));
    braid_run_options run = BRAID_RUN_OPTIONS_INIT;
    run.cancel = token;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_embeddings_embed(&count, vectors, needed, emb, texts, &run));
    braid_cancel_token_free(token);

    /* Bad arguments. */
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_embeddings_embed(&count, vectors, needed, emb, "[\"a\", ", NULL));
    CHECK_CONTAINS(braid_last_error(), "texts_json");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_embeddings_embed(&count, vectors, needed, emb, "[\"a\", 3]", NULL));
    CHECK_CONTAINS(braid_last_error(), "texts_json[1]");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_embeddings_embed(&count, vectors, needed, emb, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_embeddings_embed(&count, NULL, 5, emb, texts, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_embeddings_embed(NULL, vectors, needed, emb, texts, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_embeddings_embed(&count, vectors, needed, NULL, texts, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_embeddings_runnable(&r, NULL));
    CHECK(braid_embeddings_dimension(NULL) == 0);
    o.normalize = (braid_embeddings_normalize)5;
    braid_embeddings *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_embeddings_create(&bad, model, &o));
    CHECK_CONTAINS(braid_last_error(), "options->normalize");
    braid_embeddings_free(NULL);

    /* A decoder model embeds too (its final hidden states, mean-pooled: stories260K has no pooling_type);
       a batch gives what each text gives alone. */
    braid_model *text_model = load(stories);
    o.normalize = BRAID_EMBEDDINGS_NORMALIZE_DEFAULT;
    braid_embeddings *decoder = NULL;
    CHECK_OK(braid_local_embeddings_create(&decoder, text_model, &o));
    const size_t decoder_dim = braid_embeddings_dimension(decoder);
    CHECK(decoder_dim == 64);
    float *pair = (float *)calloc(2 * decoder_dim, sizeof(float));
    float *single = (float *)calloc(decoder_dim, sizeof(float));
    CHECK_OK(braid_embeddings_embed(&count, pair, 2 * decoder_dim, decoder, "[\"Once upon a time\", \"Tom had a big red ball.\"]", NULL));
    CHECK(count == 2 * decoder_dim);
    CHECK_OK(braid_embeddings_embed(&count, single, decoder_dim, decoder, "\"Tom had a big red ball.\"", NULL));
    CHECK(count == decoder_dim);
    double worst = 0.0, norm = 0.0;
    for (size_t i = 0; i < decoder_dim; ++i) {
        const double d = fabs((double)single[i] - (double)pair[decoder_dim + i]);
        worst = d > worst ? d : worst;
        norm += (double)single[i] * single[i];
    }
    CHECK(worst < 1e-4);
    CHECK(fabs(norm - 1.0) < 1e-4);
    free(single);
    free(pair);
    braid_embeddings_free(decoder);

    braid_model_free(text_model);
    free(vectors);
    braid_embeddings_free(emb);
    braid_model_free(model);
}

/* The vectors of @p texts (2 of them) from stories260K embedded with @p o; NULL when create or embed failed. */
static float *decoder_vectors(braid_model *model, const braid_local_embeddings_options *o, const char *texts) {
    braid_embeddings *emb = NULL;
    if (braid_local_embeddings_create(&emb, model, o) != BRAID_OK)
        return NULL;
    const size_t dim = braid_embeddings_dimension(emb);
    float *vectors = (float *)calloc(2 * dim, sizeof(float));
    size_t count = 0;
    const braid_status status = braid_embeddings_embed(&count, vectors, 2 * dim, emb, texts, NULL);
    braid_embeddings_free(emb);
    if (status != BRAID_OK || count != 2 * dim) {
        free(vectors);
        return NULL;
    }
    return vectors;
}

static double largest_difference(const float *a, const float *b, size_t n) {
    double worst = 0.0;
    for (size_t i = 0; i < n; ++i) {
        const double d = fabs((double)a[i] - (double)b[i]);
        worst = d > worst ? d : worst;
    }
    return worst;
}

static void test_embeddings_pooling(void) {
    braid_model *model = load(stories);
    const char *texts = "[\"Once upon a time\", \"Tom had a big red ball.\"]";
    const size_t n = 2 * 64;
    braid_local_embeddings_options o = BRAID_LOCAL_EMBEDDINGS_OPTIONS_INIT;
    o.backend = BRAID_BACKEND_CPU; /* no Vulkan loader under valgrind */
    CHECK(o.pooling == BRAID_EMBEDDINGS_POOLING_DEFAULT);
    float *by_default = decoder_vectors(model, &o, texts);
    o.pooling = BRAID_EMBEDDINGS_POOLING_MEAN;
    float *by_mean = decoder_vectors(model, &o, texts);
    o.pooling = BRAID_EMBEDDINGS_POOLING_LAST;
    float *by_last = decoder_vectors(model, &o, texts);
    o.pooling = BRAID_EMBEDDINGS_POOLING_CLS;
    float *by_first = decoder_vectors(model, &o, texts);
    CHECK(by_default && by_mean && by_last && by_first);
    if (by_default && by_mean && by_last && by_first) {
        /* stories260K has no llama.pooling_type: the default is mean. */
        CHECK(largest_difference(by_default, by_mean, n) < 1e-6);
        CHECK(largest_difference(by_last, by_mean, n) > 1e-2);
        /* The first token, the last and the mean are three different vectors. */
        CHECK(largest_difference(by_first, by_last, n) > 1e-2);
        CHECK(largest_difference(by_first, by_mean, n) > 1e-2);
    }

    /* A version-1 caller (struct_size 32, no pooling field) gets the default, whatever lies past it. */
    o.struct_size = BRAID_LOCAL_EMBEDDINGS_OPTIONS_V1_SIZE;
    o.pooling = BRAID_EMBEDDINGS_POOLING_LAST;
    float *by_v1 = decoder_vectors(model, &o, texts);
    CHECK(by_v1 != NULL);
    if (by_v1 && by_mean)
        CHECK(largest_difference(by_v1, by_mean, n) < 1e-6);

    /* A caller built against a later version, one field past pooling set: refused, not ignored. */
    struct {
        braid_local_embeddings_options o;
        uint32_t later;
    } grown;
    memset(&grown, 0, sizeof grown);
    grown.o = o;
    grown.o.struct_size = (uint32_t)sizeof grown;
    grown.o.pooling = BRAID_EMBEDDINGS_POOLING_LAST;
    grown.later = 1;
    braid_embeddings *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED,
                 braid_local_embeddings_create(&bad, model, (const braid_local_embeddings_options *)&grown));
    grown.later = 0;
    float *by_grown = decoder_vectors(model, (const braid_local_embeddings_options *)&grown, texts);
    CHECK(by_grown != NULL);
    if (by_grown && by_last)
        CHECK(largest_difference(by_grown, by_last, n) < 1e-6);
    free(by_grown);

    o.struct_size = sizeof(braid_local_embeddings_options);
    o.pooling = (braid_embeddings_pooling)4;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_embeddings_create(&bad, model, &o));
    CHECK_CONTAINS(braid_last_error(), "options->pooling");
    CHECK(bad == NULL);
    o.pooling = BRAID_EMBEDDINGS_POOLING_MAX_ENUM;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_local_embeddings_create(&bad, model, &o));
    CHECK_CONTAINS(braid_last_error(), "options->pooling");

    free(by_v1);
    free(by_first);
    free(by_last);
    free(by_mean);
    free(by_default);
    braid_model_free(model);
}

static void test_grammar(void) {
    braid_grammar *g = NULL;
    CHECK_OK(braid_grammar_compile_gbnf(&g, "root ::= (\"yes\" | \"no\") \"!\"*"));
    uint32_t ok = 7;
    CHECK_OK(braid_grammar_accepts(g, "yes!!", &ok));
    CHECK(ok == 1);
    CHECK_OK(braid_grammar_accepts(g, "maybe", &ok));
    CHECK(ok == 0);
    CHECK_OK(braid_grammar_accepts(g, "", &ok));
    CHECK(ok == 0);
    char *source = NULL;
    CHECK_OK(braid_grammar_source(&source, g));
    CHECK_CONTAINS(source, "root ::=");
    braid_string_free(source);

    braid_grammar *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_grammar_compile_gbnf(&bad, "root ::= (\"a\""));
    CHECK_CONTAINS(braid_last_error(), "line 1");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_grammar_compile_gbnf(&bad, "start ::= \"a\""));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_grammar_compile_gbnf(&bad, "root ::= other"));
    CHECK(bad == NULL);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_compile_gbnf(&bad, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_compile_gbnf(NULL, "root ::= \"a\""));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_accepts(NULL, "a", &ok));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_accepts(g, NULL, &ok));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_accepts(g, "a", NULL));
    /* A handle of another type is refused, not used. */
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_accepts((const braid_grammar *)token, "a", &ok));
    CHECK_CONTAINS(braid_last_error(), "not a live braid_grammar");
    braid_cancel_token_free(token);
    braid_grammar_free(g);
    braid_grammar_free(NULL);
}

static void test_grammar_from_json_schema(void) {
    const char *schema = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}, "
                         "\"required\": [\"n\"], \"additionalProperties\": false}";
    braid_grammar *g = NULL;
    CHECK_OK(braid_grammar_from_json_schema(&g, schema, NULL));
    uint32_t ok = 0;
    CHECK_OK(braid_grammar_accepts(g, "{\"n\": 42}", &ok));
    CHECK(ok == 1);
    CHECK_OK(braid_grammar_accepts(g, "{\"n\": \"x\"}", &ok));
    CHECK(ok == 0);
    CHECK_OK(braid_grammar_accepts(g, "{\"n\":1,\"m\":2}", &ok));
    CHECK(ok == 0);
    char *gbnf = NULL;
    CHECK_OK(braid_grammar_source(&gbnf, g));
    CHECK_CONTAINS(gbnf, "root ::=");
    braid_string_free(gbnf);
    braid_grammar_free(g);
    g = NULL;

    /* Flexible whitespace lets a newline in; the default does not. */
    braid_json_schema_options o = BRAID_JSON_SCHEMA_OPTIONS_INIT;
    o.flags = BRAID_JSON_SCHEMA_FLEXIBLE_WHITESPACE;
    CHECK_OK(braid_grammar_from_json_schema(&g, schema, &o));
    CHECK_OK(braid_grammar_accepts(g, "{\n  \"n\": 1\n}", &ok));
    CHECK(ok == 1);
    braid_grammar_free(g);
    g = NULL;
    CHECK_OK(braid_grammar_from_json_schema(&g, schema, NULL));
    CHECK_OK(braid_grammar_accepts(g, "{\n  \"n\": 1\n}", &ok));
    CHECK(ok == 0);
    braid_grammar_free(g);
    g = NULL;

    CHECK_STATUS(BRAID_ERROR_PARSE, braid_grammar_from_json_schema(&g, "{\"type\": ", NULL));
    CHECK_CONTAINS(braid_last_error(), "schema_json");
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_grammar_from_json_schema(&g, "{\"not\": {\"pattern\": \"^a\"}}", NULL));
    CHECK_CONTAINS(braid_last_error(), "not");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_from_json_schema(&g, "{\"type\": 7}", NULL));
    o.flags = 0x100u;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_from_json_schema(&g, schema, &o));
    CHECK_CONTAINS(braid_last_error(), "options->flags");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_from_json_schema(&g, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_grammar_from_json_schema(NULL, schema, NULL));
    CHECK(g == NULL);
}

static void test_tool_calls_parse(void) {
    char *message = NULL;
    CHECK_OK(braid_tool_calls_parse(&message, "hermes",
                                    "Sure.<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>",
                                    NULL));
    CHECK_CONTAINS(message, "\"name\":\"get_weather\"");
    CHECK_CONTAINS(message, "\"city\":\"Paris\"");
    CHECK_CONTAINS(message, "\"content\":\"Sure.\"");
    braid_string_free(message);
    message = NULL;

    CHECK_OK(braid_tool_calls_parse(&message, "qwen3+thinking", "<think>hmm</think>Hello", NULL));
    CHECK_CONTAINS(message, "hmm");
    CHECK_CONTAINS(message, "\"content\":\"Hello\"");
    braid_string_free(message);
    message = NULL;

    /* A tool not bound is malformed; malformed tools, formats and JSON are named. */
    const char *tools = "[{\"type\": \"function\", \"function\": {\"name\": \"search\"}}]";
    CHECK_STATUS(BRAID_ERROR_PARSE,
                 braid_tool_calls_parse(&message, "hermes", "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", tools));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_tool_calls_parse(&message, "hermes", "<tool_call>{\"name\": </tool_call>", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tool_calls_parse(&message, "nonsense", "text", NULL));
    CHECK_CONTAINS(braid_last_error(), "hermes");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_tool_calls_parse(&message, "hermes", "text", "[{"));
    CHECK_CONTAINS(braid_last_error(), "tools_json");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tool_calls_parse(&message, "hermes", "text", "42"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tool_calls_parse(&message, NULL, "text", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tool_calls_parse(&message, "hermes", NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tool_calls_parse(NULL, "hermes", "text", NULL));
    CHECK(message == NULL);
}

static const check_test tests[] = {
    {"chat_invoke_equals_engine", test_chat_invoke_equals_engine},
    {"chat_stream", test_chat_stream},
    {"chat_cancel_and_timeout", test_chat_cancel_and_timeout},
    {"chat_bad_arguments", test_chat_bad_arguments},
    {"chat_structured_output", test_chat_structured_output},
    {"chat_sessions", test_chat_sessions},
    {"chat_tool_calls", test_chat_tool_calls},
    {"embeddings", test_embeddings},
    {"embeddings_pooling", test_embeddings_pooling},
    {"grammar", test_grammar},
    {"grammar_from_json_schema", test_grammar_from_json_schema},
    {"tool_calls_parse", test_tool_calls_parse},
};

CHECK_MAIN(tests)
