/* Retrieval through the C ABI: loading and splitting documents, vector stores (exact, HNSW, FAISS, SQLite)
 * over the deterministic test embedder and the tiny bert model, retrievers as runnables (vector store, BM25,
 * ensemble, parent document) composed with other steps, indexing documents and folders with a record
 * manager, the embeddings cache, the RAG helpers (formatting, a retriever as a tool, citations), and bad
 * arguments. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, unlink, rmdir, mkdir */
#include <stdint.h>
#include <threads.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define DATA BRAID_TEST_DATA_DIR
static const char *const tiny_bert = DATA "/models/tiny-bert-f16.gguf";
static const char *const stories = DATA "/models/stories260K.gguf";

static const char *const village =
    "[{\"page_content\": \"The blacksmith forges swords near the old bridge\", \"id\": \"smith\","
    "  \"metadata\": {\"place\": \"village\", \"year\": 1200}},"
    " {\"page_content\": \"The baker bakes bread every morning\", \"id\": \"baker\","
    "  \"metadata\": {\"place\": \"village\", \"year\": 1300}},"
    " {\"page_content\": \"Dragons sleep in the mountain cave\", \"id\": \"dragon\","
    "  \"metadata\": {\"place\": \"mountain\", \"year\": 900}}]";

static char temp_dir[64];

static void make_temp_dir(void) {
    strcpy(temp_dir, "/tmp/braid_capi_retrieval_XXXXXX");
    if (!mkdtemp(temp_dir)) {
        fprintf(stderr, "mkdtemp failed\n");
        exit(1);
    }
}

static const char *temp_path(const char *name) {
    static char path[4][160];
    static int next = 0;
    char *p = path[next++ % 4];
    snprintf(p, 160, "%s/%s", temp_dir, name);
    return p;
}

static void write_file(const char *name, const char *content) {
    FILE *f = fopen(temp_path(name), "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", name);
        exit(1);
    }
    fwrite(content, 1, strlen(content), f);
    fclose(f);
}

/* Removes the named files (NULL-terminated list), then the folder. */
static void remove_temp_dir(const char *const *names) {
    for (; *names; ++names) {
        if (unlink(temp_path(*names)) != 0)
            rmdir(temp_path(*names));
    }
    rmdir(temp_dir);
}

static braid_embeddings *test_embedder(void) {
    braid_embeddings *embedder = NULL;
    CHECK_OK(braid_deterministic_embeddings(&embedder, 64));
    return embedder;
}

/* A store of `spec` holding the village documents. */
static braid_vector_store *village_store(const char *spec, braid_embeddings *embedder) {
    braid_vector_store *store = NULL;
    CHECK_OK(braid_vector_store_create(&store, spec, embedder));
    char *ids = NULL;
    CHECK_OK(braid_vector_store_add_documents(&ids, store, village, NULL));
    CHECK_STREQ(ids, "[\"smith\",\"baker\",\"dragon\"]");
    braid_string_free(ids);
    return store;
}

/* The search of `query` must give `first_id` first; returns the result for more checks (caller frees). */
static char *search_first(const braid_vector_store *store, const char *query, const char *options,
                          const char *first_id) {
    char *out = NULL;
    CHECK_OK(braid_vector_store_search(&out, store, query, options));
    char expected[96];
    snprintf(expected, sizeof expected, "[{\"document\":{\"page_content\":");
    CHECK(out && strncmp(out, expected, strlen(expected)) == 0);
    char id[64];
    snprintf(id, sizeof id, "\"id\":\"%s\"}", first_id);
    const char *end_of_first = out ? strstr(out, "},\"score\"") : NULL;
    const char *found = out ? strstr(out, id) : NULL;
    CHECK(found && end_of_first && found < end_of_first + 1);
    return out;
}

static void test_deterministic_embeddings(void) {
    braid_embeddings *embedder = test_embedder();
    CHECK(braid_embeddings_dimension(embedder) == 64);
    float vectors[128];
    size_t count = 0;
    CHECK_OK(braid_embeddings_embed(&count, vectors, 128, embedder, "[\"swords and shields\", \"Shields AND swords\"]", NULL));
    CHECK(count == 128);
    double dot = 0.0;
    for (int i = 0; i < 64; ++i)
        dot += (double)vectors[i] * (double)vectors[64 + i];
    CHECK(dot > 0.999); /* same words, same vector, unit length */
    braid_embeddings_free(embedder);

    braid_embeddings *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_deterministic_embeddings(&bad, 0));
    CHECK(bad == NULL);
    CHECK_CONTAINS(braid_last_error(), "dimension");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_deterministic_embeddings(NULL, 8));
    CHECK_CONTAINS(braid_last_error(), "out is NULL");
}

static void test_load_documents(void) {
    make_temp_dir();
    mkdir(temp_path("sub"), 0700);
    write_file("a.txt", "Alpha text.");
    write_file("b.md", "---\ntitle: Bee\n---\n# Bees\nThey buzz.");
    write_file("sub/c.txt", "Gamma text.");
    write_file("bad.txt", "ok \xff\xfe broken");
    write_file("notes.xyz", "unknown kind");

    char *out = NULL;
    CHECK_OK(braid_documents_load(&out, temp_dir, NULL));
    CHECK_CONTAINS(out, "\"page_content\":\"Alpha text.\"");
    CHECK_CONTAINS(out, "They buzz.");
    CHECK_CONTAINS(out, "\"title\":\"Bee\"");
    CHECK_CONTAINS(out, "\"page_content\":\"Gamma text.\"");
    CHECK(out && !strstr(out, "unknown kind")); /* no loader for .xyz: skipped */
    CHECK_CONTAINS(out, "\"errors\":[{\"path\":");
    CHECK_CONTAINS(out, "bad.txt\",\"error\":\"parse\"");
    CHECK_CONTAINS(out, "offset 3");
    braid_string_free(out);

    CHECK_OK(braid_documents_load(&out, temp_dir, "{\"glob\": [\"*.txt\"], \"recursive\": false}"));
    CHECK_CONTAINS(out, "Alpha text.");
    CHECK(out && !strstr(out, "Gamma") && !strstr(out, "buzz"));
    braid_string_free(out);

    CHECK_OK(braid_documents_load(&out, temp_path("a.txt"), NULL));
    CHECK_CONTAINS(out, "{\"documents\":[{\"page_content\":\"Alpha text.\",\"metadata\":{\"source\":");
    CHECK_CONTAINS(out, "\"errors\":[]}");
    braid_string_free(out);
    CHECK_OK(braid_documents_load(&out, temp_path("notes.xyz"), "{\"loader\": \"text\"}"));
    CHECK_CONTAINS(out, "unknown kind");
    braid_string_free(out);

    /* a single file's failure is the call's */
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_documents_load(&out, temp_path("bad.txt"), NULL));
    CHECK(out == NULL);
    CHECK_CONTAINS(braid_last_error(), "offset 3");
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_documents_load(&out, temp_path("notes.xyz"), NULL));
    CHECK_CONTAINS(braid_last_error(), "'.xyz'");
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_documents_load(&out, temp_path("missing"), NULL));
    CHECK_CONTAINS(braid_last_error(), "does not exist");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_dir, "{\"loader\": \"docx\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"loader\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_dir, "{\"recursive\": 1}"));
    CHECK_CONTAINS(braid_last_error(), "\"recursive\" must be true or false");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_dir, "{\"globs\": []}"));
    CHECK_CONTAINS(braid_last_error(), "unknown key 'globs'");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_path("a.txt"), "{\"glob\": [\"*\"]}"));
    CHECK_CONTAINS(braid_last_error(), "for folders");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_documents_load(&out, temp_dir, "{\"glob\":"));
    CHECK_CONTAINS(braid_last_error(), "options_json is not valid JSON");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "path is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(NULL, temp_dir, NULL));
    CHECK_CONTAINS(braid_last_error(), "out_json is NULL");

    const char *const names[] = {"a.txt", "b.md", "sub/c.txt", "sub", "bad.txt", "notes.xyz", NULL};
    remove_temp_dir(names);
}

static void test_load_with_format_options(void) {
    make_temp_dir();
    write_file("npcs.csv", "name;trade;town\nAda;smith;Oakvale\nBo;baker;Elmford\n");
    write_file("npcs.json", "{\"npcs\": [{\"name\": \"Ada\", \"line\": \"Steel is patient.\"}, {\"name\": \"Bo\", \"line\": \"Bread!\"}]}");
    char *out = NULL;
    CHECK_OK(braid_documents_load(&out, temp_dir,
                                  "{\"csv\": {\"delimiter\": \";\", \"content_columns\": [\"trade\"], \"metadata_columns\": [\"name\"]},"
                                  " \"json\": {\"items_pointer\": \"/npcs\", \"content_pointer\": \"/line\","
                                  " \"metadata_pointers\": {\"who\": \"/name\"}}}"));
    CHECK_CONTAINS(out, "{\"page_content\":\"trade: smith\",\"metadata\":{\"source\":");
    CHECK_CONTAINS(out, "\"name\":\"Bo\"");
    CHECK_CONTAINS(out, "{\"page_content\":\"Steel is patient.\",\"metadata\":{\"source\":");
    CHECK_CONTAINS(out, "\"who\":\"Bo\"");
    CHECK_CONTAINS(out, "\"errors\":[]");
    braid_string_free(out);
    /* a single file reads with the same options */
    CHECK_OK(braid_documents_load(&out, temp_path("npcs.json"), "{\"json\": {\"items_pointer\": \"/npcs\", \"content_pointer\": \"/name\"}}"));
    CHECK_CONTAINS(out, "\"page_content\":\"Ada\"");
    braid_string_free(out);
    /* a pointer that does not resolve is the file's error */
    CHECK_OK(braid_documents_load(&out, temp_dir, "{\"json\": {\"items_pointer\": \"/people\"}}"));
    CHECK_CONTAINS(out, "npcs.json\",\"error\":\"parse\"");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_dir, "{\"csv\": {\"delimiter\": \";;\"}}"));
    CHECK_CONTAINS(braid_last_error(), "\"delimiter\" must be one ASCII character");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_dir, "{\"json\": {\"pointer\": \"/a\"}}"));
    CHECK_CONTAINS(braid_last_error(), "options_json's \"json\" has an unknown key 'pointer'");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_dir, "{\"json\": {\"metadata_pointers\": {\"a\": 1}}}"));
    CHECK_CONTAINS(braid_last_error(), "must be a string (a JSON pointer)");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_load(&out, temp_dir, "{\"markdown\": true}"));
    CHECK_CONTAINS(braid_last_error(), "options_json's \"markdown\" must be a JSON object");
    CHECK(out == NULL);
    const char *const names[] = {"npcs.csv", "npcs.json", NULL};
    remove_temp_dir(names);
}

static void test_split_documents(void) {
    char *out = NULL;
    const char *docs = "[{\"page_content\": \"one two three four five six seven eight\", \"metadata\": {\"source\": \"s\"}}]";
    CHECK_OK(braid_documents_split(&out, docs, "{\"chunk_size\": 10, \"chunk_overlap\": 0, \"add_start_index\": true}"));
    /* LangChain's default keep_separator ("start"): " four" is 5 long, so "three" + " four" is 11 */
    CHECK_STREQ(out, "[{\"page_content\":\"one two\",\"metadata\":{\"source\":\"s\",\"start_index\":0}},"
                     "{\"page_content\":\"three\",\"metadata\":{\"source\":\"s\",\"start_index\":8}},"
                     "{\"page_content\":\"four five\",\"metadata\":{\"source\":\"s\",\"start_index\":14}},"
                     "{\"page_content\":\"six seven\",\"metadata\":{\"source\":\"s\",\"start_index\":24}},"
                     "{\"page_content\":\"eight\",\"metadata\":{\"source\":\"s\",\"start_index\":34}}]");
    braid_string_free(out);

    /* the object braid_documents_load() gives is accepted too, and strings are documents */
    CHECK_OK(braid_documents_split(&out, "{\"documents\": [\"a b\"], \"errors\": []}", NULL));
    CHECK_STREQ(out, "[{\"page_content\":\"a b\",\"metadata\":{}}]");
    braid_string_free(out);

    CHECK_OK(braid_documents_split(&out, "[\"# Forge\\nHot iron.\\n## Tools\\nHammer.\"]",
                                   "{\"splitter\": \"markdown_header\"}"));
    CHECK_STREQ(out, "[{\"page_content\":\"Hot iron.\",\"metadata\":{\"Header 1\":\"Forge\"}},"
                     "{\"page_content\":\"Hammer.\",\"metadata\":{\"Header 1\":\"Forge\",\"Header 2\":\"Tools\"}}]");
    braid_string_free(out);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_documents_split(&out, docs, "{\"chunk_size\": 10, \"chunk_overlap\": 20}"));
    CHECK_CONTAINS(braid_last_error(), "overlap");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_split(&out, docs, "{\"chunk_size\": \"ten\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"chunk_size\" must be a whole number");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_split(&out, docs, "{\"chunk_size\": -1}"));
    CHECK_CONTAINS(braid_last_error(), "\"chunk_size\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_split(&out, docs, "{\"language\": \"cobol\"}"));
    CHECK_CONTAINS(braid_last_error(), "cobol");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_documents_split(&out, docs, "{\"splitter\": \"markdown_header\", \"chunk_size\": 5}"));
    CHECK_CONTAINS(braid_last_error(), "\"chunk_size\" is not an option of the \"markdown_header\" splitter");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_split(&out, docs, "{\"splitter\": \"semantic\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"splitter\" must be");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_documents_split(&out, "[{\"metadata\": {}}]", NULL));
    CHECK_CONTAINS(braid_last_error(), "documents_json[0]: document: 'page_content' must be a string");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_documents_split(&out, "[\"a\", 3]", NULL));
    CHECK_CONTAINS(braid_last_error(), "documents_json[1]");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_documents_split(&out, "{\"page_content\": \"x\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "must be a JSON array of documents");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_split(&out, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "documents_json is NULL");
    CHECK(out == NULL);
}

/* The number of `tokenizer`'s tokens in the next "page_content" string of a JSON text from `*from` on (plain
 * ASCII content without escapes), moving `*from` past it; -1 when there is none. */
static long content_tokens(const braid_tokenizer *tokenizer, const char **from) {
    const char *p = strstr(*from, "\"page_content\":\"");
    if (!p)
        return -1;
    p += strlen("\"page_content\":\"");
    const char *end = strchr(p, '"');
    char text[256];
    size_t n = (size_t)(end - p) < sizeof text - 1 ? (size_t)(end - p) : sizeof text - 1;
    memcpy(text, p, n);
    text[n] = '\0';
    *from = end;
    size_t count = 0;
    CHECK_OK(braid_tokenizer_tokenize(&count, NULL, 0, tokenizer, text, n, 0));
    return (long)count;
}

static void test_split_by_tokens(void) {
    braid_tokenizer *tokenizer = NULL;
    CHECK_OK(braid_tokenizer_load(&tokenizer, stories));
    const char *docs = "[{\"page_content\": \"Once upon a time there was a little girl who liked to play in the park\","
                       " \"metadata\": {\"source\": \"story\"}}]";
    char *out = NULL;
    CHECK_OK(braid_documents_split_tokens(&out, docs, tokenizer, "{\"chunk_size\": 6, \"chunk_overlap\": 2}"));
    CHECK(out && strncmp(out, "[{\"page_content\":\"Once upon", 26) == 0);
    CHECK_CONTAINS(out, "park\",\"metadata\":{\"source\":\"story\"}}]");
    int chunks = 0;
    const char *at = out ? out : "";
    for (long tokens; (tokens = content_tokens(tokenizer, &at)) >= 0; ++chunks)
        CHECK(tokens > 0 && tokens <= 7); /* 6, give or take the one a word start may merge differently alone */
    CHECK(chunks >= 4);
    braid_string_free(out);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_documents_split_tokens(&out, docs, tokenizer, "{\"chunk_size\": 4, \"chunk_overlap\": 4}"));
    CHECK_CONTAINS(braid_last_error(), "overlap");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_split_tokens(&out, docs, tokenizer, "{\"separators\": []}"));
    CHECK_CONTAINS(braid_last_error(), "unknown key 'separators'");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_documents_split_tokens(&out, docs, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "tokenizer is NULL");
    CHECK(out == NULL);
    braid_tokenizer_free(tokenizer);
}

/* add, get, search (k, filter, threshold, mmr), delete on a store of `spec`. */
static void exercise_store(const char *spec) {
    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = village_store(spec, embedder);
    braid_embeddings_free(embedder); /* the store keeps it */
    CHECK(braid_vector_store_size(store) == 3);
    CHECK(braid_vector_store_dimension(store) == 64);

    char *out = search_first(store, "blacksmith swords", "{\"k\": 2}", "smith");
    CHECK_CONTAINS(out, "\"relevance_score\":");
    braid_string_free(out);
    out = search_first(store, "blacksmith swords", "{\"filter\": {\"place\": \"mountain\"}}", "dragon");
    CHECK(out && !strstr(out, "smith") && !strstr(out, "baker"));
    braid_string_free(out);
    out = search_first(store, "bread", "{\"filter\": {\"year\": {\"$gte\": 1250}}, \"k\": 1}", "baker");
    braid_string_free(out);
    out = search_first(store, "dragons mountain", "{\"search_type\": \"mmr\", \"k\": 2, \"fetch_k\": 3, \"lambda_mult\": 0.5}",
                       "dragon");
    braid_string_free(out);
    CHECK_OK(braid_vector_store_search(&out, store, "blacksmith swords bridge", "{\"score_threshold\": 0.99}"));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);

    CHECK_OK(braid_vector_store_get(&out, store, "[\"dragon\", \"nobody\", \"smith\"]"));
    CHECK_STREQ(out, "[{\"page_content\":\"Dragons sleep in the mountain cave\",\"metadata\":{\"place\":\"mountain\",\"year\":900},\"id\":\"dragon\"},"
                     "{\"page_content\":\"The blacksmith forges swords near the old bridge\",\"metadata\":{\"place\":\"village\",\"year\":1200},\"id\":\"smith\"}]");
    braid_string_free(out);
    size_t deleted = 99;
    CHECK_OK(braid_vector_store_delete(&deleted, store, "[\"smith\", \"nobody\"]"));
    CHECK(deleted == 1);
    CHECK(braid_vector_store_size(store) == 2);
    out = search_first(store, "blacksmith swords", NULL, "baker");
    CHECK(out && !strstr(out, "\"smith\""));
    braid_string_free(out);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_search(&out, store, "x", "{\"k\": \"two\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"k\" must be a whole number");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_search(&out, store, "x", "{\"filter\": {\"year\": {\"$near\": 3}}}"));
    CHECK_CONTAINS(braid_last_error(), "options_json's \"filter\": metadata filter");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_search(&out, store, "x", "{\"search_type\": \"mmr\", \"ef\": 3}"));
    CHECK_CONTAINS(braid_last_error(), "\"ef\" is not an option of mmr");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_search(&out, store, "x", "{\"fetch_k\": 3}"));
    CHECK_CONTAINS(braid_last_error(), "\"fetch_k\" is an option of mmr only");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_vector_store_delete(NULL, store, "[1]"));
    CHECK_CONTAINS(braid_last_error(), "ids_json[0] must be a string");
    braid_vector_store_free(store);
}

static void test_exact_store(void) { exercise_store("{\"type\": \"exact\"}"); }
static void test_exact_store_int8(void) { exercise_store("{\"type\": \"exact\", \"storage\": \"int8\", \"metric\": \"cosine\"}"); }
static void test_hnsw_store(void) { exercise_store("{\"type\": \"hnsw\", \"M\": 8, \"ef_construction\": 50}"); }
static void test_faiss_store(void) { exercise_store("{\"type\": \"faiss\", \"factory\": \"Flat\"}"); }

static void test_sqlite_store(void) {
    make_temp_dir();
    char spec[256];
    snprintf(spec, sizeof spec, "{\"type\": \"sqlite\", \"path\": \"%s\"}", temp_path("kb.db"));
    exercise_store(spec);
    /* reopened: what was written is there, no re-embedding needed */
    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = NULL;
    CHECK_OK(braid_vector_store_create(&store, spec, embedder));
    CHECK(braid_vector_store_size(store) == 2);
    char *out = search_first(store, "dragons", NULL, "dragon");
    braid_string_free(out);
    braid_vector_store_free(store);
    CHECK_OK(braid_vector_store_load(&store, "sqlite", temp_path("kb.db"), embedder));
    CHECK(braid_vector_store_size(store) == 2);
    braid_vector_store_free(store);
    braid_embeddings_free(embedder);
    const char *const names[] = {"kb.db", "kb.db-wal", "kb.db-shm", NULL};
    remove_temp_dir(names);
}

static void test_save_and_load(void) {
    make_temp_dir();
    const char *types[] = {"exact", "hnsw", "faiss"};
    const char *specs[] = {"{\"type\": \"exact\"}", "{\"type\": \"hnsw\"}", "{\"type\": \"faiss\"}"};
    braid_embeddings *embedder = test_embedder();
    for (int i = 0; i < 3; ++i) {
        braid_vector_store *store = village_store(specs[i], embedder);
        CHECK_OK(braid_vector_store_save(store, temp_path(types[i])));
        braid_vector_store_free(store);
        braid_vector_store *loaded = NULL;
        CHECK_OK(braid_vector_store_load(&loaded, types[i], temp_path(types[i]), embedder));
        CHECK(braid_vector_store_size(loaded) == 3);
        char *out = search_first(loaded, "baker bread", NULL, "baker");
        braid_string_free(out);
        braid_vector_store_free(loaded);
    }
    braid_vector_store *store = NULL;
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_vector_store_load(&store, "exact", temp_path("none"), embedder));
    CHECK_CONTAINS(braid_last_error(), "does not exist");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_load(&store, "chroma", temp_path("exact"), embedder));
    CHECK_CONTAINS(braid_last_error(), "type must be \"exact\", \"hnsw\", \"faiss\" or \"sqlite\", got \"chroma\"");
    /* a file of another kind is refused, not misread */
    CHECK(braid_vector_store_load(&store, "hnsw", temp_path("exact"), embedder) != BRAID_OK);
    CHECK(store == NULL);
    braid_embeddings_free(embedder);
    const char *const names[] = {"exact", "hnsw", "faiss", NULL};
    remove_temp_dir(names);
}

static void test_local_embeddings_store(void) {
    braid_model *model = NULL;
    CHECK_OK(braid_model_load(&model, tiny_bert, NULL));
    braid_local_embeddings_options o = BRAID_LOCAL_EMBEDDINGS_OPTIONS_INIT;
    o.backend = BRAID_BACKEND_CPU;
    o.threads = 2;
    braid_embeddings *embedder = NULL;
    CHECK_OK(braid_local_embeddings_create(&embedder, model, &o));
    braid_model_free(model); /* the embedder keeps it */
    braid_vector_store *store = village_store("{\"type\": \"exact\"}", embedder);
    braid_embeddings_free(embedder);
    CHECK(braid_vector_store_dimension(store) > 0);
    /* a document's own text is its nearest neighbour, with a relevance of 1 up to the rounding that the
       number of texts in a pass changes (docs/guides/local_models.md: cosine >= 0.99999) */
    char *out = search_first(store, "Dragons sleep in the mountain cave", "{\"k\": 1}", "dragon");
    const char *relevance = strstr(out, "\"relevance_score\":");
    CHECK(relevance != NULL);
    if (relevance) {
        const double score = strtod(relevance + strlen("\"relevance_score\":"), NULL);
        CHECK(score >= 0.99999 && score <= 1.00001);
    }
    braid_string_free(out);
    out = search_first(store, "The baker bakes bread every morning", "{\"k\": 1}", "baker");
    braid_string_free(out);
    braid_vector_store_free(store);
}

static void test_vector_store_retriever(void) {
    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = village_store("{\"type\": \"exact\"}", embedder);
    braid_runnable *retriever = NULL;
    CHECK_OK(braid_vector_store_retriever(&retriever, store, "{\"k\": 1}"));
    braid_vector_store_free(store); /* the retriever keeps it */
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, retriever, "\"blacksmith swords\"", NULL));
    CHECK_STREQ(out, "[{\"page_content\":\"The blacksmith forges swords near the old bridge\","
                     "\"metadata\":{\"place\":\"village\",\"year\":1200},\"id\":\"smith\"}]");
    braid_string_free(out);

    /* prompt | retriever, and in a parallel map next to the question */
    braid_runnable *prompt = NULL;
    CHECK_OK(braid_prompt_template(&prompt, "{creature} in the mountain", NULL));
    braid_runnable *chain = NULL;
    CHECK_OK(braid_runnable_pipe(&chain, prompt, retriever));
    CHECK_OK(braid_runnable_invoke(&out, chain, "{\"creature\": \"dragons\"}", NULL));
    CHECK_CONTAINS(out, "\"id\":\"dragon\"");
    braid_string_free(out);
    braid_runnable *passthrough = NULL;
    CHECK_OK(braid_runnable_passthrough(&passthrough));
    const char *keys[] = {"context", "question"};
    const braid_runnable *steps[] = {retriever, passthrough};
    braid_runnable *map = NULL;
    CHECK_OK(braid_runnable_parallel(&map, keys, steps, 2));
    CHECK_OK(braid_runnable_invoke(&out, map, "\"bread\"", NULL));
    CHECK_CONTAINS(out, "{\"context\":[{\"page_content\":\"The baker bakes bread every morning\"");
    CHECK_CONTAINS(out, "\"question\":\"bread\"}");
    braid_string_free(out);

    /* a query that is not a string is the runnable's validation error */
    CHECK(braid_runnable_invoke(&out, retriever, "{\"q\": 1}", NULL) != BRAID_OK);
    CHECK(out == NULL);

    braid_runnable *threshold = NULL;
    CHECK_OK(braid_vector_store_retriever(&threshold, store = village_store("{\"type\": \"exact\"}", embedder),
                                          "{\"search_type\": \"similarity_score_threshold\", \"score_threshold\": 0.99}"));
    CHECK_OK(braid_runnable_invoke(&out, threshold, "\"nothing shared\"", NULL));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);
    braid_runnable *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_vector_store_retriever(&bad, store, "{\"search_type\": \"similarity_score_threshold\"}"));
    CHECK_CONTAINS(braid_last_error(), "score_threshold");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_retriever(&bad, store, "{\"search_type\": \"best\"}"));
    CHECK_CONTAINS(braid_last_error(), "best");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_retriever(&bad, store, "{\"k\": 0}"));
    CHECK_CONTAINS(braid_last_error(), "k must be at least 1");
    CHECK(bad == NULL);
    braid_vector_store_free(store);
    braid_runnable_free(threshold);
    braid_runnable_free(chain);
    braid_runnable_free(map);
    braid_runnable_free(passthrough);
    braid_runnable_free(prompt);
    braid_runnable_free(retriever);
    braid_embeddings_free(embedder);
}

static void test_bm25_and_ensemble(void) {
    braid_runnable *bm25 = NULL;
    CHECK_OK(braid_bm25_retriever(&bm25, village, "{\"k\": 2, \"k1\": 1.2, \"b\": 0.75}"));
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, bm25, "\"bread morning\"", NULL));
    CHECK(out && strncmp(out, "[{\"page_content\":\"The baker bakes bread every morning\"", 53) == 0);
    braid_string_free(out);

    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = village_store("{\"type\": \"exact\"}", embedder);
    braid_runnable *dense = NULL;
    CHECK_OK(braid_vector_store_retriever(&dense, store, "{\"k\": 3}"));
    const braid_runnable *members[] = {bm25, dense};
    braid_runnable *ensemble = NULL;
    CHECK_OK(braid_ensemble_retriever(&ensemble, members, 2, "{\"weights\": [0.5, 0.5], \"k\": 2}"));
    CHECK_OK(braid_runnable_invoke(&out, ensemble, "\"dragons cave\"", NULL));
    CHECK(out && strncmp(out, "[{\"page_content\":\"Dragons sleep in the mountain cave\"", 52) == 0);
    braid_string_free(out);

    /* a member that does not give documents is named */
    braid_runnable *passthrough = NULL;
    CHECK_OK(braid_runnable_passthrough(&passthrough));
    const braid_runnable *wrong[] = {bm25, passthrough};
    braid_runnable *bad = NULL;
    CHECK_OK(braid_ensemble_retriever(&bad, wrong, 2, NULL));
    CHECK_STATUS(BRAID_ERROR_VALIDATION, braid_runnable_invoke(&out, bad, "\"bread\"", NULL));
    CHECK_CONTAINS(braid_last_error(), "retrievers[1]");
    braid_runnable_free(bad);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_ensemble_retriever(&bad, members, 2, "{\"weights\": [1]}"));
    CHECK_CONTAINS(braid_last_error(), "\"weights\" must be an array of 2 numbers");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_ensemble_retriever(&bad, members, 0, NULL));
    CHECK_CONTAINS(braid_last_error(), "count is 0");
    const braid_runnable *holes[] = {bm25, NULL};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_ensemble_retriever(&bad, holes, 2, NULL));
    CHECK_CONTAINS(braid_last_error(), "retrievers[1] is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_bm25_retriever(&bad, village, "{\"idf\": \"tfidf\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"idf\" must be \"okapi\" or \"lucene\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_bm25_retriever(&bad, village, "{\"k1\": \"high\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"k1\" must be a number");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_bm25_retriever(&bad, "[{\"page_content\": 5}]", NULL));
    CHECK_CONTAINS(braid_last_error(), "documents_json[0]");
    CHECK(bad == NULL);

    braid_runnable_free(passthrough);
    braid_runnable_free(ensemble);
    braid_runnable_free(dense);
    braid_vector_store_free(store);
    braid_embeddings_free(embedder);
    braid_runnable_free(bm25);
}

static void test_query_rewriting_and_compression(void) {
    braid_runnable *bm25 = NULL;
    CHECK_OK(braid_bm25_retriever(&bm25, village, "{\"k\": 1}"));
    /* the model rewrites the question three ways (numbered, as models do); each finds one document */
    braid_runnable *model = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "[\"1. blacksmith swords\\n2. dragons cave\\n3. blacksmith bridge\"]"));
    braid_runnable *multi = NULL;
    CHECK_OK(braid_multi_query_retriever(&multi, bm25, model, NULL));
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, multi, "\"who makes weapons?\"", NULL));
    CHECK_CONTAINS(out, "\"id\":\"smith\"");
    CHECK_CONTAINS(out, "\"id\":\"dragon\"");
    CHECK(out && !strstr(out, "\"id\":\"baker\""));
    /* found by two rewrites, listed once */
    CHECK(out && strstr(out, "\"id\":\"smith\"") && strstr(strstr(out, "\"id\":\"smith\"") + 1, "\"id\":\"smith\"") == NULL);
    braid_string_free(out);
    char *calls = NULL;
    CHECK_OK(braid_fake_chat_model_calls(&calls, model));
    CHECK_CONTAINS(calls, "who makes weapons?");
    braid_string_free(calls);
    braid_runnable *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_multi_query_retriever(&bad, NULL, model, NULL));
    CHECK_CONTAINS(braid_last_error(), "retriever is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_multi_query_retriever(&bad, bm25, model, "{\"include_original\": \"yes\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"include_original\" must be true or false");
    CHECK(bad == NULL);

    /* embeddings filter: of three documents only the one sharing the query's words stays */
    braid_runnable *all = NULL;
    CHECK_OK(braid_bm25_retriever(&all, village, "{\"k\": 3}"));
    braid_embeddings *embedder = test_embedder();
    braid_runnable *filtered = NULL;
    CHECK_OK(braid_embeddings_filter_retriever(&filtered, all, embedder, "{\"similarity_threshold\": 0.5}"));
    CHECK_OK(braid_runnable_invoke(&out, filtered, "\"dragons mountain cave\"", NULL));
    CHECK(out && strncmp(out, "[{\"page_content\":\"Dragons sleep in the mountain cave\"", 52) == 0);
    CHECK(out && !strstr(out, "smith") && !strstr(out, "baker"));
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_embeddings_filter_retriever(&bad, all, embedder, "{\"similarity_threshold\": null, \"k\": null}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_embeddings_filter_retriever(&bad, all, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "embeddings is NULL");

    /* LLM extractor: the model's copy replaces each document; NO_OUTPUT drops it */
    braid_runnable *copier = NULL;
    CHECK_OK(braid_fake_chat_model(&copier, "[\"Dragons sleep\"]"));
    braid_runnable *extracted = NULL;
    CHECK_OK(braid_llm_extractor_retriever(&extracted, bm25, copier, NULL));
    CHECK_OK(braid_runnable_invoke(&out, extracted, "\"dragons\"", NULL));
    CHECK_STREQ(out, "[{\"page_content\":\"Dragons sleep\",\"metadata\":{\"place\":\"mountain\",\"year\":900},\"id\":\"dragon\"}]");
    braid_string_free(out);
    braid_runnable *silent = NULL;
    CHECK_OK(braid_fake_chat_model(&silent, "[\"NO_OUTPUT\"]"));
    braid_runnable *dropped = NULL;
    CHECK_OK(braid_llm_extractor_retriever(&dropped, all, silent, NULL));
    CHECK_OK(braid_runnable_invoke(&out, dropped, "\"dragons\"", NULL));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_llm_extractor_retriever(&bad, bm25, copier, "{\"prompt\": \"Only {question}\"}"));
    CHECK_CONTAINS(braid_last_error(), "context");
    CHECK(bad == NULL);

    braid_runnable_free(dropped);
    braid_runnable_free(silent);
    braid_runnable_free(extracted);
    braid_runnable_free(copier);
    braid_runnable_free(filtered);
    braid_embeddings_free(embedder);
    braid_runnable_free(all);
    braid_runnable_free(multi);
    braid_runnable_free(model);
    braid_runnable_free(bm25);
}

static void test_indexing(void) {
    make_temp_dir();
    char spec[256];
    snprintf(spec, sizeof spec, "{\"type\": \"sqlite\", \"path\": \"%s\"}", temp_path("kb.db"));
    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = NULL;
    CHECK_OK(braid_vector_store_create(&store, spec, embedder));
    const char *records = temp_path("records.db");
    const char *docs = "[{\"page_content\": \"iron\", \"metadata\": {\"source\": \"a\"}},"
                       " {\"page_content\": \"gold\", \"metadata\": {\"source\": \"a\"}},"
                       " {\"page_content\": \"silver\", \"metadata\": {\"source\": \"b\"}}]";
    const char *options = "{\"namespace\": \"kb\", \"cleanup\": \"full\"}";
    char *out = NULL;
    CHECK_OK(braid_index_documents(&out, store, docs, records, options));
    CHECK_STREQ(out, "{\"num_added\":3,\"num_updated\":0,\"num_skipped\":0,\"num_deleted\":0}");
    braid_string_free(out);
    CHECK_OK(braid_index_documents(&out, store, docs, records, options));
    CHECK_STREQ(out, "{\"num_added\":0,\"num_updated\":0,\"num_skipped\":3,\"num_deleted\":0}");
    braid_string_free(out);
    CHECK(braid_vector_store_size(store) == 3);
    /* gold changed to copper, silver gone: full cleanup deletes what was not seen */
    const char *changed = "[{\"page_content\": \"iron\", \"metadata\": {\"source\": \"a\"}},"
                          " {\"page_content\": \"copper\", \"metadata\": {\"source\": \"a\"}}]";
    CHECK_OK(braid_index_documents(&out, store, changed, records, options));
    CHECK_STREQ(out, "{\"num_added\":1,\"num_updated\":0,\"num_skipped\":1,\"num_deleted\":2}");
    braid_string_free(out);
    CHECK(braid_vector_store_size(store) == 2);
    /* incremental by source, forced */
    CHECK_OK(braid_index_documents(&out, store, changed, records,
                                   "{\"namespace\": \"kb\", \"cleanup\": \"incremental\", \"source_id_key\": \"source\", "
                                   "\"force_update\": true}"));
    CHECK_STREQ(out, "{\"num_added\":0,\"num_updated\":2,\"num_skipped\":0,\"num_deleted\":0}");
    braid_string_free(out);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_index_documents(&out, store, docs, records, NULL));
    CHECK_CONTAINS(braid_last_error(), "\"namespace\" is required");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_index_documents(&out, store, docs, records, "{\"namespace\": \"kb\", \"cleanup\": \"some\"}"));
    CHECK_CONTAINS(braid_last_error(), "some");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_index_documents(&out, store, docs, records, "{\"namespace\": \"kb\", \"cleanup\": \"incremental\"}"));
    CHECK_CONTAINS(braid_last_error(), "source_id_key");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_index_documents(&out, store, docs, NULL, options));
    CHECK_CONTAINS(braid_last_error(), "record_manager_path is NULL");
    CHECK(out == NULL);
    braid_vector_store_free(store);
    braid_embeddings_free(embedder);
    const char *const names[] = {"kb.db", "kb.db-wal", "kb.db-shm", "records.db", "records.db-wal", "records.db-shm", NULL};
    remove_temp_dir(names);
}

/* One writer thread's work: 20 documents of its own, each searched for right after it is added. */
typedef struct store_worker {
    braid_vector_store *store;
    int index;
    int failures;
} store_worker;

static int add_and_search(void *arg) {
    store_worker *w = (store_worker *)arg;
    for (int i = 0; i < 20; ++i) {
        char docs[160], query[64], id[48];
        snprintf(docs, sizeof docs, "[{\"page_content\": \"worker%d item%d\", \"id\": \"w%d-%d\"}]", w->index, i, w->index, i);
        snprintf(query, sizeof query, "worker%d item%d", w->index, i);
        snprintf(id, sizeof id, "\"id\":\"w%d-%d\"", w->index, i);
        char *out = NULL;
        if (braid_vector_store_add_documents(NULL, w->store, docs, NULL) != BRAID_OK ||
            braid_vector_store_search(&out, w->store, query, "{\"k\": 1}") != BRAID_OK || !strstr(out, id))
            ++w->failures;
        braid_string_free(out);
    }
    return 0;
}

static void test_concurrent_writers_and_readers(void) {
    make_temp_dir();
    char sqlite_spec[256];
    snprintf(sqlite_spec, sizeof sqlite_spec, "{\"type\": \"sqlite\", \"path\": \"%s\"}", temp_path("kb.db"));
    const char *specs[] = {"{\"type\": \"exact\"}", "{\"type\": \"hnsw\"}", "{\"type\": \"faiss\"}", sqlite_spec};
    braid_embeddings *embedder = test_embedder();
    for (int s = 0; s < 4; ++s) {
        braid_vector_store *store = village_store(specs[s], embedder);
        store_worker workers[4];
        thrd_t threads[4];
        for (int t = 0; t < 4; ++t) {
            workers[t] = (store_worker){store, t, 0};
            CHECK(thrd_create(&threads[t], add_and_search, &workers[t]) == thrd_success);
        }
        for (int t = 0; t < 4; ++t) {
            thrd_join(threads[t], NULL);
            CHECK(workers[t].failures == 0);
        }
        CHECK(braid_vector_store_size(store) == 3 + 4 * 20);
        braid_vector_store_free(store);
    }
    braid_embeddings_free(embedder);
    const char *const names[] = {"kb.db", "kb.db-wal", "kb.db-shm", NULL};
    remove_temp_dir(names);
}

static void test_index_directory(void) {
    make_temp_dir();
    mkdir(temp_path("docs"), 0700);
    write_file("docs/swords.txt", "Oil the blade of a sword every week.\n\nA rusty sword breaks in battle.");
    write_file("docs/potions.md", "# Potions\n\nHealing potions are brewed from moonleaf.");
    /* a path the glob matches that cannot be opened, even by root */
    CHECK(symlink(temp_path("docs/gone.txt"), temp_path("docs/dangling.txt")) == 0);
    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = NULL;
    CHECK_OK(braid_vector_store_create(&store, "{\"type\": \"exact\"}", embedder));
    char records[160];
    snprintf(records, sizeof records, "%s", temp_path("records.db"));
    const char *options = "{\"namespace\": \"docs\", \"split\": {\"chunk_size\": 60, \"chunk_overlap\": 0}}";
    char *out = NULL;
    CHECK_OK(braid_index_directory(&out, store, temp_path("docs"), records, options));
    /* swords.txt's two paragraphs are two chunks */
    CHECK_CONTAINS(out, "{\"num_added\":3,\"num_updated\":0,\"num_skipped\":0,\"num_deleted\":0,\"files_loaded\":2,"
                        "\"documents\":2,\"chunks\":3,\"errors\":[{\"path\":\"");
    CHECK_CONTAINS(out, "dangling.txt\",\"error\":\"io\"");
    braid_string_free(out);
    CHECK(braid_vector_store_size(store) == 3);
    /* unchanged: skipped; one file changed: its chunks replaced (incremental cleanup, the default) */
    CHECK_OK(braid_index_directory(&out, store, temp_path("docs"), records, options));
    CHECK_CONTAINS(out, "{\"num_added\":0,\"num_updated\":0,\"num_skipped\":3,\"num_deleted\":0,");
    braid_string_free(out);
    write_file("docs/potions.md", "# Potions\n\nPotions of strength need ironroot.");
    CHECK_OK(braid_index_directory(&out, store, temp_path("docs"), records, options));
    CHECK_CONTAINS(out, "{\"num_added\":1,\"num_updated\":0,\"num_skipped\":2,\"num_deleted\":1,");
    braid_string_free(out);
    /* a glob: only the Markdown file, documents whole */
    CHECK_OK(braid_index_directory(&out, store, temp_path("docs"), records,
                                   "{\"namespace\": \"md\", \"glob\": [\"*.md\"], \"cleanup\": \"none\"}"));
    CHECK_CONTAINS(out, "\"files_loaded\":1,\"documents\":1,\"chunks\":1,\"errors\":[]");
    braid_string_free(out);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_index_directory(&out, store, temp_path("docs"), records, "{}"));
    CHECK_CONTAINS(braid_last_error(), "\"namespace\" is required");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_index_directory(&out, store, temp_path("docs"), records,
                                       "{\"namespace\": \"docs\", \"split\": {\"chunk_sise\": 40}}"));
    CHECK_CONTAINS(braid_last_error(), "chunk_sise");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_index_directory(&out, store, temp_path("docs"), records,
                                       "{\"namespace\": \"docs\", \"split\": {\"chunk_size\": 10, \"chunk_overlap\": 20}}"));
    CHECK_CONTAINS(braid_last_error(), "\"split\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_index_directory(&out, store, temp_path("docs"), records, "{\"namespace\": \"docs\", \"cleanup\": \"scoped_full\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"cleanup\" must be \"none\", \"incremental\" or \"full\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_index_directory(&out, store, temp_path("nowhere"), records, options));
    CHECK_CONTAINS(braid_last_error(), "does not exist");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_index_directory(&out, store, NULL, records, options));
    CHECK_CONTAINS(braid_last_error(), "path is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_index_directory(&out, NULL, temp_path("docs"), records, options));
    CHECK_CONTAINS(braid_last_error(), "store is NULL");
    CHECK(out == NULL);
    braid_vector_store_free(store);
    braid_embeddings_free(embedder);
    const char *const names[] = {"docs/swords.txt", "docs/potions.md", "docs/dangling.txt", "docs", "records.db",
                                 "records.db-wal", "records.db-shm", NULL};
    remove_temp_dir(names);
}

static const char *const parents =
    "[{\"page_content\": \"The blacksmith forges swords near the old bridge. The baker bakes bread every morning.\","
    "  \"id\": \"village\", \"metadata\": {\"source\": \"village.txt\"}},"
    " {\"page_content\": \"Dragons sleep in the mountain cave. Miners dig silver below it.\", \"id\": \"mountain\"}]";

static void test_parent_document_retriever(void) {
    make_temp_dir();
    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = NULL;
    CHECK_OK(braid_vector_store_create(&store, "{\"type\": \"exact\"}", embedder));
    char options[320];
    snprintf(options, sizeof options,
             "{\"child_splitter\": {\"chunk_size\": 50, \"chunk_overlap\": 0}, \"docstore\": \"%s\", \"search\": {\"k\": 1}}",
             temp_path("parents.db"));
    braid_parent_document_retriever *retriever = NULL;
    CHECK_OK(braid_parent_document_retriever_create(&retriever, store, options));
    char *ids = NULL;
    CHECK_OK(braid_parent_document_retriever_add_documents(&ids, retriever, parents, NULL));
    CHECK_STREQ(ids, "[\"village\",\"mountain\"]");
    braid_string_free(ids);
    CHECK(braid_vector_store_size(store) == 4); /* each parent cut into two children */
    braid_runnable *runnable = NULL;
    CHECK_OK(braid_parent_document_retriever_runnable(&runnable, retriever));
    /* the child about bread is found; its whole parent is returned */
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, runnable, "\"The baker bakes bread every morning.\"", NULL));
    CHECK_STREQ(out, "[{\"page_content\":\"The blacksmith forges swords near the old bridge. The baker bakes bread every "
                     "morning.\",\"metadata\":{\"source\":\"village.txt\"},\"id\":\"village\"}]");
    braid_string_free(out);
    braid_runnable_free(runnable);
    braid_parent_document_retriever_free(retriever);

    /* the parents are in the SQLite docstore: a new retriever over the same store and file finds them */
    braid_parent_document_retriever *reopened = NULL;
    CHECK_OK(braid_parent_document_retriever_create(&reopened, store, options));
    CHECK_OK(braid_parent_document_retriever_runnable(&runnable, reopened));
    CHECK_OK(braid_runnable_invoke(&out, runnable, "\"Miners dig silver below it.\"", NULL));
    CHECK_CONTAINS(out, "\"page_content\":\"Dragons sleep in the mountain cave. Miners dig silver below it.\"");
    braid_string_free(out);
    braid_runnable_free(runnable);

    braid_parent_document_retriever *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parent_document_retriever_create(&bad, store, NULL));
    CHECK_CONTAINS(braid_last_error(), "\"child_splitter\" is required");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_parent_document_retriever_create(&bad, store, "{\"child_splitter\": {\"chunk_sise\": 5}}"));
    CHECK_CONTAINS(braid_last_error(), "chunk_sise");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_parent_document_retriever_create(&bad, store, "{\"child_splitter\": {}, \"search\": {\"k\": -1}}"));
    CHECK_CONTAINS(braid_last_error(), "\"k\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parent_document_retriever_create(&bad, NULL, "{\"child_splitter\": {}}"));
    CHECK_CONTAINS(braid_last_error(), "store is NULL");
    CHECK(bad == NULL);
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_parent_document_retriever_add_documents(NULL, reopened, "[{\"id\": 3}]", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parent_document_retriever_add_documents(NULL, NULL, parents, NULL));
    CHECK_CONTAINS(braid_last_error(), "retriever is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parent_document_retriever_runnable(&runnable, NULL));
    braid_parent_document_retriever_free(reopened);
    braid_parent_document_retriever_free(NULL);
    braid_vector_store_free(store);
    braid_embeddings_free(embedder);
    const char *const names[] = {"parents.db", "parents.db-wal", "parents.db-shm", NULL};
    remove_temp_dir(names);
}

static void test_cached_embeddings(void) {
    make_temp_dir();
    braid_embeddings *model = test_embedder();
    braid_embeddings *cached = NULL;
    CHECK_OK(braid_cached_embeddings_create(&cached, model, temp_path("cache.db"), "deterministic-64"));
    CHECK(braid_embeddings_dimension(cached) == 64);
    const char *texts = "[\"swords and shields\", \"bread\"]";
    float direct[128], first[128], second[128];
    size_t count = 0, hits = 0, misses = 0;
    CHECK_OK(braid_embeddings_embed(&count, direct, 128, model, texts, NULL));
    CHECK_OK(braid_embeddings_embed(&count, first, 128, cached, texts, NULL));
    CHECK_OK(braid_cached_embeddings_stats(&hits, &misses, cached));
    CHECK(hits == 0 && misses == 2);
    CHECK_OK(braid_embeddings_embed(&count, second, 128, cached, texts, NULL));
    CHECK_OK(braid_cached_embeddings_stats(&hits, &misses, cached));
    CHECK(hits == 2 && misses == 2);
    CHECK(memcmp(direct, first, sizeof direct) == 0 && memcmp(first, second, sizeof first) == 0);
    braid_embeddings_free(cached);
    /* the file keeps them: a new cache answers from it; another identity does not */
    CHECK_OK(braid_cached_embeddings_create(&cached, model, temp_path("cache.db"), "deterministic-64"));
    CHECK_OK(braid_embeddings_embed(&count, second, 128, cached, texts, NULL));
    CHECK_OK(braid_cached_embeddings_stats(&hits, NULL, cached));
    CHECK(hits == 2);
    braid_embeddings_free(cached);
    CHECK_OK(braid_cached_embeddings_create(&cached, model, temp_path("cache.db"), "another-model"));
    CHECK_OK(braid_embeddings_embed(&count, second, 128, cached, texts, NULL));
    CHECK_OK(braid_cached_embeddings_stats(NULL, &misses, cached));
    CHECK(misses == 2);
    /* a store over the cache re-adding the same texts never calls the model */
    braid_vector_store *store = NULL;
    CHECK_OK(braid_vector_store_create(&store, "{\"type\": \"exact\"}", cached));
    CHECK_OK(braid_vector_store_add_documents(NULL, store, "[\"swords and shields\"]", NULL));
    CHECK_OK(braid_cached_embeddings_stats(&hits, &misses, cached));
    CHECK(hits == 1 && misses == 2);
    braid_vector_store_free(store);

    braid_embeddings *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_cached_embeddings_create(&bad, model, temp_path("cache.db"), ""));
    CHECK_CONTAINS(braid_last_error(), "identity");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_cached_embeddings_create(&bad, NULL, temp_path("cache.db"), "x"));
    CHECK_CONTAINS(braid_last_error(), "inner is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_cached_embeddings_create(&bad, model, NULL, "x"));
    CHECK_CONTAINS(braid_last_error(), "path is NULL");
    CHECK_STATUS(BRAID_ERROR_IO, braid_cached_embeddings_create(&bad, model, temp_path("no/such/folder/cache.db"), "x"));
    CHECK(bad == NULL);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_cached_embeddings_stats(&hits, &misses, model));
    CHECK_CONTAINS(braid_last_error(), "not a cached embedder");
    braid_embeddings_free(cached);
    braid_embeddings_free(model);
    const char *const names[] = {"cache.db", "cache.db-wal", "cache.db-shm", NULL};
    remove_temp_dir(names);
}

static void test_rag_helpers(void) {
    const char *sources = "[{\"page_content\": \"Oil swords weekly.\", \"metadata\": {\"source\": \"manual.md\"}, \"id\": \"a\"},"
                          " {\"page_content\": \"Paint shields red.\", \"id\": \"b\"}]";
    char *out = NULL;
    CHECK_OK(braid_format_documents(&out, sources, NULL));
    CHECK_STREQ(out, "[1] (manual.md) Oil swords weekly.\n\n[2] () Paint shields red.");
    braid_string_free(out);
    CHECK_OK(braid_format_documents(&out, sources, "{\"template\": \"{id}: {page_content}\", \"separator\": \"\\n\"}"));
    CHECK_STREQ(out, "a: Oil swords weekly.\nb: Paint shields red.");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_format_documents(&out, sources, "{\"template\": \"{author}\"}"));
    CHECK_CONTAINS(braid_last_error(), "missing variable 'author'");
    CHECK_STATUS(BRAID_ERROR_TEMPLATE, braid_format_documents(&out, sources, "{\"template\": \"{page_content\"}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_format_documents(&out, sources, "{\"separator\": 3}"));
    CHECK_CONTAINS(braid_last_error(), "\"separator\" must be a string");

    CHECK_OK(braid_parse_citations(&out, "Oil them [1]; paint them [2, 7].", sources));
    CHECK_CONTAINS(out, "\"numbers\":[1,2]");
    CHECK_CONTAINS(out, "\"unknown\":[7]");
    CHECK_CONTAINS(out, "\"id\":\"a\"");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_parse_citations(&out, NULL, sources));
    CHECK_CONTAINS(braid_last_error(), "answer is NULL");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_parse_citations(&out, "x", "{"));
    CHECK_OK(braid_source_list(&out, sources));
    CHECK_STREQ(out, "[{\"index\":1,\"id\":\"a\",\"source\":\"manual.md\"},{\"index\":2,\"id\":\"b\",\"source\":null}]");
    braid_string_free(out);

    /* a retriever as a tool: the schema for the model, a runnable for the calls */
    braid_runnable *bm25 = NULL;
    CHECK_OK(braid_bm25_retriever(&bm25, village, "{\"k\": 1}"));
    braid_runnable *tool = NULL;
    char *schema = NULL;
    CHECK_OK(braid_retriever_tool(&tool, &schema, bm25, "village_lore", "Finds facts about the village.", NULL));
    CHECK_CONTAINS(schema, "\"name\":\"village_lore\"");
    CHECK_CONTAINS(schema, "\"required\":[\"query\"]");
    braid_string_free(schema);
    CHECK_OK(braid_runnable_invoke(&out, tool, "{\"query\": \"dragons cave\"}", NULL));
    CHECK_STREQ(out, "\"[1] () Dragons sleep in the mountain cave\"");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_TOOL, braid_runnable_invoke(&out, tool, "{\"question\": \"dragons\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "\"query\"");
    braid_runnable *bad = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_retriever_tool(&bad, NULL, bm25, "bad name", "x", NULL));
    CHECK_CONTAINS(braid_last_error(), "bad name");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_retriever_tool(&bad, NULL, bm25, "lore", "", NULL));
    CHECK_CONTAINS(braid_last_error(), "description");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_retriever_tool(&bad, NULL, NULL, "lore", "x", NULL));
    CHECK_CONTAINS(braid_last_error(), "retriever is NULL");
    CHECK(bad == NULL && out == NULL);
    braid_runnable_free(tool);
    braid_runnable_free(bm25);
}

static void test_bad_arguments(void) {
    braid_embeddings *embedder = test_embedder();
    braid_vector_store *store = NULL;
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_create(&store, "{\"type\": \"exact\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "embeddings is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_create(&store, "{\"type\": \"chroma\"}", embedder));
    CHECK_CONTAINS(braid_last_error(), "spec_json's \"type\" must be");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_create(&store, "{}", embedder));
    CHECK_CONTAINS(braid_last_error(), "got \"\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_create(&store, "{\"type\": \"hnsw\", \"m\": 4}", embedder));
    CHECK_CONTAINS(braid_last_error(), "unknown key 'm'");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_create(&store, "{\"type\": \"exact\", \"metric\": \"manhattan\"}", embedder));
    CHECK_CONTAINS(braid_last_error(), "manhattan");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_create(&store, "{\"type\": \"sqlite\"}", embedder));
    CHECK_CONTAINS(braid_last_error(), "\"path\" is required");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_create(&store, "[]", embedder));
    CHECK_CONTAINS(braid_last_error(), "spec_json must be a JSON object");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_vector_store_create(&store, "{type: exact}", embedder));
    CHECK_CONTAINS(braid_last_error(), "spec_json is not valid JSON");
    CHECK(store == NULL);

    store = village_store("{\"type\": \"exact\"}", embedder);
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_vector_store_add_documents(NULL, store, "[{\"page_content\": \"x\", \"id\": 7}]", NULL));
    CHECK_CONTAINS(braid_last_error(), "documents_json[0]: document: 'id' must be a string");
    CHECK(braid_vector_store_size(store) == 3);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_search(&out, store, NULL, NULL));
    CHECK_CONTAINS(braid_last_error(), "query is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_search(&out, NULL, "x", NULL));
    CHECK_CONTAINS(braid_last_error(), "store is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_get(&out, NULL, "[]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_delete(NULL, NULL, "[]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_add_documents(NULL, NULL, "[]", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_save(NULL, "x"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_save(store, NULL));
    CHECK_CONTAINS(braid_last_error(), "path is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_vector_store_retriever(NULL, store, NULL));
    CHECK_CONTAINS(braid_last_error(), "out is NULL");
    CHECK(braid_vector_store_size(NULL) == 0);
    CHECK(braid_vector_store_dimension(NULL) == 0);
    /* a handle of another type is named, not used */
    braid_runnable *runnable = NULL;
    CHECK_OK(braid_runnable_passthrough(&runnable));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_vector_store_search(&out, (const braid_vector_store *)(const void *)runnable, "x", NULL));
    CHECK_CONTAINS(braid_last_error(), "store is not a live braid_vector_store");
    braid_vector_store *not_made = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT,
                 braid_vector_store_create(&not_made, "{\"type\": \"exact\"}", (const braid_embeddings *)(const void *)runnable));
    CHECK_CONTAINS(braid_last_error(), "embeddings is not a live braid_embeddings");
    CHECK(not_made == NULL);
    CHECK(out == NULL);
    braid_runnable_free(runnable);
    braid_vector_store_free(store);
    braid_vector_store_free(NULL);
    braid_embeddings_free(embedder);
}

static const check_test tests[] = {
    {"deterministic_embeddings", test_deterministic_embeddings},
    {"load_documents", test_load_documents},
    {"load_with_format_options", test_load_with_format_options},
    {"split_documents", test_split_documents},
    {"split_by_tokens", test_split_by_tokens},
    {"exact_store", test_exact_store},
    {"exact_store_int8", test_exact_store_int8},
    {"hnsw_store", test_hnsw_store},
    {"faiss_store", test_faiss_store},
    {"sqlite_store", test_sqlite_store},
    {"save_and_load", test_save_and_load},
    {"local_embeddings_store", test_local_embeddings_store},
    {"vector_store_retriever", test_vector_store_retriever},
    {"bm25_and_ensemble", test_bm25_and_ensemble},
    {"query_rewriting_and_compression", test_query_rewriting_and_compression},
    {"indexing", test_indexing},
    {"concurrent_writers_and_readers", test_concurrent_writers_and_readers},
    {"index_directory", test_index_directory},
    {"parent_document_retriever", test_parent_document_retriever},
    {"cached_embeddings", test_cached_embeddings},
    {"rag_helpers", test_rag_helpers},
    {"bad_arguments", test_bad_arguments},
};

CHECK_MAIN(tests)
