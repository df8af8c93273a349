/* braid RAG from C: the C++ sample (main.cpp) through the C ABI. A folder is indexed into an SQLite store
 * (braid_index_directory: only what changed since the last run is embedded, through the embeddings cache),
 * then each stdin line is a question: the retriever finds 3 chunks, braid_format_documents numbers them for
 * the prompt, prompt | LocalChatModel | parser streams the answer, and the sources are listed with those
 * the answer cites.
 *
 *   braid_sample_rag_c [DOCS] [EMBED.gguf] [CHAT.gguf] [STORE.sqlite]
 *
 * The defaults are the shipped tiny models (random or toy weights: the answers are nonsense); give real
 * GGUF models (bge-small, a Qwen2.5-Instruct) for real answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid.h"

enum { line_capacity = 1024, answer_capacity = 8192 };

static int fail(const char *what, braid_status status) {
    fprintf(stderr, "%s failed: %s (%s)\n", what, braid_status_str(status), braid_last_error());
    return 1;
}

/* `text` as a JSON string into `out` (NUL-terminated); 0 when it does not fit. */
static int json_quote(const char *text, char *out, size_t capacity) {
    size_t n = 0;
    if (capacity < 3)
        return 0;
    out[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)text; *p; ++p) {
        char escaped[8] = {0};
        if (*p == '"' || *p == '\\')
            snprintf(escaped, sizeof escaped, "\\%c", *p);
        else if (*p == '\n')
            strcpy(escaped, "\\n");
        else if (*p < 0x20)
            snprintf(escaped, sizeof escaped, "\\u%04x", *p);
        else
            escaped[0] = (char)*p;
        size_t length = strlen(escaped);
        if (n + length + 2 > capacity)
            return 0;
        memcpy(out + n, escaped, length);
        n += length;
    }
    out[n++] = '"';
    out[n] = '\0';
    return 1;
}

/* Appends the text of the JSON string `json` (what the string parser streams) to `out`: the escapes this
 * sample meets are decoded, others are kept as written. */
static void append_json_string(char *out, size_t capacity, const char *json) {
    size_t n = strlen(out);
    for (const char *p = json + 1; *p && *p != '"' && n + 1 < capacity; ++p) {
        if (*p == '\\' && p[1]) {
            ++p;
            out[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* Prints each streamed piece of the answer and keeps the whole answer for the citations. */
static braid_status print_piece(const char *chunk_json, void *user_data) {
    char *answer = (char *)user_data;
    size_t before = strlen(answer);
    append_json_string(answer, answer_capacity, chunk_json);
    fputs(answer + before, stdout);
    fflush(stdout);
    return BRAID_OK;
}

/* The store, over the embedder behind an embeddings cache in the same file. */
static braid_status open_store(braid_vector_store **store, braid_embeddings **local, braid_embeddings **cached,
                               braid_model **model, const char *embed_path, const char *store_path) {
    braid_status s = braid_model_load(model, embed_path, NULL);
    if (s != BRAID_OK || (s = braid_local_embeddings_create(local, *model, NULL)) != BRAID_OK)
        return s;
    /* the identity names the model file: the cache keys on it */
    const char *identity = strrchr(embed_path, '/') ? strrchr(embed_path, '/') + 1 : embed_path;
    if ((s = braid_cached_embeddings_create(cached, *local, store_path, identity)) != BRAID_OK)
        return s;
    char path_json[1100], spec[1200];
    if (!json_quote(store_path, path_json, sizeof path_json))
        return BRAID_ERROR_INVALID_ARGUMENT;
    snprintf(spec, sizeof spec, "{\"type\": \"sqlite\", \"path\": %s}", path_json);
    return braid_vector_store_create(store, spec, *cached);
}

/* prompt | chat model | string parser; stories260K has no chat template: ChatML, as its tests use. */
static braid_status make_chain(braid_runnable **chain, braid_runnable **parts, braid_model **model, const char *chat_path,
                               const char *chatml_path) {
    braid_status s = braid_model_load(model, chat_path, NULL);
    char *info = NULL;
    if (s == BRAID_OK)
        s = braid_model_info(&info, *model);
    static char chatml[8192];
    braid_local_chat_model_options options = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
    options.n_seq_max = 1;
    options.n_ctx = 4096;
    options.defaults_json = "{\"temperature\": 0, \"max_tokens\": 64}";
    if (s == BRAID_OK && strstr(info, "\"has_chat_template\":false")) {
        FILE *f = fopen(chatml_path, "rb");
        size_t length = f ? fread(chatml, 1, sizeof chatml - 1, f) : 0;
        if (f)
            fclose(f);
        chatml[length] = '\0';
        options.chat_template = chatml;
    }
    braid_string_free(info);
    if (s == BRAID_OK)
        s = braid_chat_prompt_template(&parts[0],
                                       "[[\"system\", \"Answer the question from the numbered sources below and cite them "
                                       "as [n].\\n\\n{context}\"], [\"user\", \"{question}\"]]",
                                       NULL);
    if (s == BRAID_OK)
        s = braid_local_chat_model_create(&parts[1], *model, &options);
    if (s == BRAID_OK)
        s = braid_parser_str(&parts[2]);
    if (s == BRAID_OK)
        s = braid_runnable_sequence(chain, (const braid_runnable *const *)parts, 3);
    return s;
}

/* One question: retrieve, format, stream the answer, list the sources and the cited ones. */
static braid_status answer(const braid_runnable *retriever, const braid_runnable *chain, const char *question) {
    static char quoted[2 * line_capacity + 8], input[65536], answer_text[answer_capacity];
    if (!json_quote(question, quoted, sizeof quoted))
        return BRAID_ERROR_INVALID_ARGUMENT;
    char *sources = NULL, *context = NULL, *listed = NULL, *cited = NULL;
    braid_status s = braid_runnable_invoke(&sources, retriever, quoted, NULL);
    if (s == BRAID_OK)
        s = braid_format_documents(&context, sources, NULL);
    if (s == BRAID_OK) {
        size_t n = (size_t)snprintf(input, sizeof input, "{\"question\": %s, \"context\": ", quoted);
        if (!json_quote(context, input + n, sizeof input - n - 1))
            s = BRAID_ERROR_INVALID_ARGUMENT;
        strcat(input, "}");
    }
    answer_text[0] = '\0';
    if (s == BRAID_OK)
        s = braid_runnable_stream(chain, input, NULL, print_piece, answer_text);
    /* the sources as a list: the same formatter, another template */
    if (s == BRAID_OK)
        s = braid_format_documents(&listed, sources, "{\"template\": \"  [{index}] {source}\", \"separator\": \"\\n\"}");
    if (s == BRAID_OK)
        s = braid_parse_citations(&cited, answer_text, sources);
    if (s == BRAID_OK) {
        const char *numbers = strstr(cited, "\"numbers\":");
        const char *end = numbers ? strchr(numbers, ']') : NULL;
        printf("\n\nSources:\n%s\nCited by the answer: %.*s\n", listed, end ? (int)(end - numbers + 1) : 0,
               numbers ? numbers : "");
    }
    braid_string_free(cited);
    braid_string_free(listed);
    braid_string_free(context);
    braid_string_free(sources);
    return s;
}

int main(int argc, char **argv) {
    const char *folder = argc > 1 ? argv[1] : BRAID_SAMPLE_DOCS;
    const char *embed_path = argc > 2 ? argv[2] : BRAID_SAMPLE_EMBED_MODEL;
    const char *chat_path = argc > 3 ? argv[3] : BRAID_SAMPLE_CHAT_MODEL;
    const char *store_path = argc > 4 ? argv[4] : "braid_rag_c.sqlite";

    braid_model *embed_model = NULL, *chat_model = NULL;
    braid_embeddings *local = NULL, *cached = NULL;
    braid_vector_store *store = NULL;
    braid_runnable *retriever = NULL, *chain = NULL, *parts[3] = {NULL, NULL, NULL};
    char *indexed = NULL;
    braid_status s = open_store(&store, &local, &cached, &embed_model, embed_path, store_path);
    if (s != BRAID_OK)
        return fail("opening the store", s);
    /* small chunks, so that the three retrieved ones fit the tiny chat model's prompt */
    s = braid_index_directory(&indexed, store, folder, store_path,
                              "{\"namespace\": \"braid_sample_rag\", \"cleanup\": \"incremental\","
                              " \"split\": {\"chunk_size\": 300, \"chunk_overlap\": 40, \"add_start_index\": true}}");
    if (s != BRAID_OK)
        return fail("braid_index_directory", s);
    printf("indexed: %s\n", indexed);
    braid_string_free(indexed);
    if ((s = braid_vector_store_retriever(&retriever, store, "{\"k\": 3}")) != BRAID_OK)
        return fail("braid_vector_store_retriever", s);
    if ((s = make_chain(&chain, parts, &chat_model, chat_path, BRAID_SAMPLE_CHATML)) != BRAID_OK)
        return fail("making the chain", s);

    char question[line_capacity];
    while (printf("question> "), fflush(stdout), fgets(question, sizeof question, stdin)) {
        question[strcspn(question, "\r\n")] = '\0';
        if (question[0] && (s = answer(retriever, chain, question)) != BRAID_OK)
            return fail("answering", s);
    }
    printf("\n");
    braid_runnable_free(chain);
    for (int i = 0; i < 3; ++i)
        braid_runnable_free(parts[i]);
    braid_runnable_free(retriever);
    braid_vector_store_free(store);
    braid_embeddings_free(cached);
    braid_embeddings_free(local);
    braid_model_free(chat_model);
    braid_model_free(embed_model);
    return 0;
}
