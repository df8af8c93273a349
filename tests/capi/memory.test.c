/* Memory through the C ABI: chat histories (in memory, file, SQLite), trimming, RunnableWithMessageHistory,
 * summary, summary-buffer and entity memory over the fake chat model. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, unlink, rmdir */
#include <stdlib.h>
#include <threads.h>
#include <unistd.h>

#include "check.h"

/* One message of every kind: system, user (with a name), assistant with tool calls, tool results. */
static const char *every_kind =
    "[{\"role\": \"system\", \"content\": \"You are a blacksmith.\"},"
    " {\"role\": \"user\", \"content\": \"Fix my sword, \\\"please\\\" \\u00e9\\n\", \"name\": \"alice\"},"
    " {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": ["
    "   {\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"inventory\", \"arguments\": {\"item\": \"sword\", \"n\": [1, 2.5, null]}}},"
    "   {\"id\": \"c2\", \"type\": \"function\", \"function\": {\"name\": \"price\", \"arguments\": {}}}]},"
    " {\"role\": \"tool\", \"content\": \"1 sword\", \"tool_call_id\": \"c1\"},"
    " {\"role\": \"tool\", \"content\": \"5 gold\", \"tool_call_id\": \"c2\"},"
    " {\"role\": \"assistant\", \"content\": \"Five gold, come back at dawn.\"}]";

static char temp_dir[64];

static void make_temp_dir(void) {
    strcpy(temp_dir, "/tmp/braid_capi_memory_XXXXXX");
    if (!mkdtemp(temp_dir)) {
        fprintf(stderr, "mkdtemp failed\n");
        exit(1);
    }
}

static const char *temp_path(const char *name) {
    static char path[4][128];
    static int next = 0;
    char *p = path[next++ % 4];
    snprintf(p, 128, "%s/%s", temp_dir, name);
    return p;
}

static void remove_temp_dir(const char *const *names) {
    for (; *names; ++names)
        unlink(temp_path(*names));
    rmdir(temp_dir);
}

static char *normalized(const char *messages) {
    char *out = NULL;
    CHECK_OK(braid_messages_normalize(&out, messages));
    return out;
}

/* Adds every kind of message as two turns, reads them back, clears. */
static void round_trip(braid_chat_history *history) {
    char *out = NULL;
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);
    char *expected = normalized(every_kind);
    CHECK_OK(braid_chat_history_add_messages(history, every_kind));
    CHECK_OK(braid_chat_history_add_messages(history, "{\"role\": \"user\", \"content\": \"one more\"}"));
    CHECK_OK(braid_chat_history_add_messages(history, "[]"));
    CHECK_OK(braid_chat_history_messages(&out, history));
    /* the stored messages are the added ones, then the single message */
    CHECK(out && strncmp(out, expected, strlen(expected) - 1) == 0);
    CHECK_CONTAINS(out, ",{\"role\":\"user\",\"content\":\"one more\"}]");
    braid_string_free(out);
    braid_string_free(expected);
    CHECK_OK(braid_chat_history_clear(history));
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);
}

static void test_chat_history_round_trip(void) {
    make_temp_dir();
    braid_chat_history *history = NULL;
    CHECK_OK(braid_chat_history_memory(&history));
    round_trip(history);
    braid_chat_history_free(history);

    CHECK_OK(braid_chat_history_file(&history, temp_path("chat.jsonl")));
    round_trip(history);
    braid_chat_history_free(history);

    CHECK_OK(braid_chat_history_sqlite(&history, temp_path("chat.db"), "npc:smith"));
    round_trip(history);
    braid_chat_history_free(history);

    const char *const names[] = {"chat.jsonl", "chat.db", "chat.db-wal", "chat.db-shm", NULL};
    remove_temp_dir(names);
}

static void test_persistence(void) {
    make_temp_dir();
    const char *db = temp_path("world.db");
    braid_chat_history *smith = NULL, *guard = NULL, *again = NULL;
    CHECK_OK(braid_chat_history_sqlite(&smith, db, "npc:smith"));
    CHECK_OK(braid_chat_history_sqlite(&guard, db, "npc:guard"));
    CHECK_OK(braid_chat_history_add_messages(smith, every_kind));
    CHECK_OK(braid_chat_history_add_messages(guard, "[{\"role\": \"user\", \"content\": \"Halt!\"}]"));
    braid_chat_history_free(smith);
    braid_chat_history_free(guard);
    /* every handle was freed: the database is opened again */
    CHECK_OK(braid_chat_history_sqlite(&again, db, "npc:smith"));
    char *out = NULL, *expected = normalized(every_kind);
    CHECK_OK(braid_chat_history_messages(&out, again));
    CHECK_STREQ(out, expected);
    braid_string_free(out);
    braid_string_free(expected);
    braid_chat_history_free(again);
    CHECK_OK(braid_chat_history_sqlite(&again, db, "npc:guard"));
    CHECK_OK(braid_chat_history_messages(&out, again));
    CHECK_STREQ(out, "[{\"role\":\"user\",\"content\":\"Halt!\"}]");
    braid_string_free(out);
    braid_chat_history_free(again);

    const char *file = temp_path("chat.jsonl");
    CHECK_OK(braid_chat_history_file(&again, file));
    CHECK_OK(braid_chat_history_add_messages(again, "[{\"role\": \"user\", \"content\": \"hi\"}]"));
    braid_chat_history_free(again);
    CHECK_OK(braid_chat_history_file(&again, file));
    CHECK_OK(braid_chat_history_messages(&out, again));
    CHECK_STREQ(out, "[{\"role\":\"user\",\"content\":\"hi\"}]");
    braid_string_free(out);
    braid_chat_history_free(again);

    const char *const names[] = {"world.db", "world.db-wal", "world.db-shm", "chat.jsonl", NULL};
    remove_temp_dir(names);
}

static void test_bad_arguments(void) {
    braid_chat_history *history = NULL;
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_memory(NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_file(&history, NULL));
    CHECK_CONTAINS(braid_last_error(), "path");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_file(&history, ""));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_sqlite(&history, NULL, "s"));
    CHECK_CONTAINS(braid_last_error(), "database_path");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_sqlite(&history, "/tmp/x.db", NULL));
    CHECK_CONTAINS(braid_last_error(), "session_id");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_sqlite(&history, "/tmp/x.db", ""));
    CHECK_STATUS(BRAID_ERROR_IO, braid_chat_history_sqlite(&history, "/nonexistent/dir/x.db", "s"));
    CHECK(history == NULL);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_messages(&out, NULL));
    CHECK_CONTAINS(braid_last_error(), "history is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_add_messages(NULL, "[]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_clear(NULL));
    braid_chat_history_free(NULL);

    /* a handle of another type is refused, not used */
    braid_runnable *model = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "[\"x\"]"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_messages(&out, (const braid_chat_history *)model));
    CHECK_CONTAINS(braid_last_error(), "not a live braid_chat_history");

    CHECK_OK(braid_chat_history_memory(&history));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_chat_history_add_messages(history, "[{\"role\": \"user\", "));
    CHECK_CONTAINS(braid_last_error(), "messages_json");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_add_messages(history, "42"));
    CHECK_CONTAINS(braid_last_error(), "messages_json must be a JSON array");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_chat_history_add_messages(history, NULL));
    /* a bad message in a turn stores nothing of it */
    CHECK(braid_chat_history_add_messages(history, "[{\"role\": \"user\", \"content\": \"ok\"}, {\"content\": 5}]") != BRAID_OK);
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);

    braid_summary_memory *summary = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_create(&summary, NULL, history, "{\"type\": \"memory\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "model is NULL");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_create(&summary, model, NULL, "{\"type\": \"memory\"}", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_create(&summary, model, history, "{\"type\": \"redis\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "redis");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_summary_memory_create(&summary, model, history, "{\"type\"", NULL));
    CHECK_CONTAINS(braid_last_error(), "store_json");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_create(&summary, model, history, "{\"type\": \"sqlite\", \"path\": \"/tmp/x.db\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "session_id");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_create(&summary, model, history, "{\"type\": \"memory\"}", "{\"promt\": []}"));
    CHECK_CONTAINS(braid_last_error(), "promt");
    CHECK(summary == NULL);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_update(NULL, NULL));
    uint64_t covered = 7;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_covered(&covered, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_buffer_memory_prune(NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_buffer_memory_messages(&out, NULL));
    braid_summary_buffer_memory *buffer = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_buffer_memory_create(&buffer, model, history, "{\"type\": \"memory\"}", "{\"max_token_limit\": -3}"));
    CHECK_CONTAINS(braid_last_error(), "max_token_limit");
    braid_entity_memory *entities = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_entity_memory_create(&entities, model, history, "{\"type\": \"memory\"}", "{\"k\": \"three\"}"));
    CHECK_CONTAINS(braid_last_error(), "\"k\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_entity_memory_recall(&out, NULL, "hi"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_entity_memory_remember(NULL, "[]", "hi"));
    braid_summary_memory_free(NULL);
    braid_summary_buffer_memory_free(NULL);
    braid_entity_memory_free(NULL);
    braid_chat_history_free(history);
    braid_runnable_free(model);
}

static void test_trim_messages(void) {
    char *out = NULL;
    /* each message: 4 + ceil(chars / 4) tokens. The tool call and its results are one block. */
    const char *conversation =
        "[{\"role\": \"system\", \"content\": \"sys\"},"
        " {\"role\": \"user\", \"content\": \"first question\"},"
        " {\"role\": \"assistant\", \"content\": \"first answer\"},"
        " {\"role\": \"user\", \"content\": \"look it up\"},"
        " {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": {}}}]},"
        " {\"role\": \"tool\", \"content\": \"result\", \"tool_call_id\": \"c1\"},"
        " {\"role\": \"assistant\", \"content\": \"done\"}]";
    CHECK_OK(braid_trim_messages(&out, conversation, "{\"max_tokens\": 6}"));
    CHECK_STREQ(out, "[{\"role\":\"assistant\",\"content\":\"done\"}]");
    braid_string_free(out);
    /* 11 tokens would fit the tool result but not its call: both are dropped */
    CHECK_OK(braid_trim_messages(&out, conversation, "{\"max_tokens\": 11}"));
    CHECK_STREQ(out, "[{\"role\":\"assistant\",\"content\":\"done\"}]");
    braid_string_free(out);
    CHECK_OK(braid_trim_messages(&out, conversation, "{\"max_tokens\": 1000, \"include_system\": true, \"start_on\": \"user\"}"));
    CHECK_CONTAINS(out, "[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"first question\"}");
    braid_string_free(out);
    CHECK_OK(braid_trim_messages(&out, conversation, "{\"max_tokens\": 30, \"include_system\": true, \"start_on\": \"human\"}"));
    CHECK_CONTAINS(out, "[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"look it up\"}");
    CHECK_CONTAINS(out, "\"tool_call_id\":\"c1\"");
    braid_string_free(out);
    CHECK_OK(braid_trim_messages(&out, conversation, "{\"max_tokens\": 10, \"strategy\": \"first\", \"token_counter\": \"approximate\"}"));
    CHECK_STREQ(out, "[{\"role\":\"system\",\"content\":\"sys\"}]");
    braid_string_free(out);
    CHECK_OK(braid_trim_messages(&out, "[{\"role\": \"user\", \"content\": \"line one\\nline two\"}]", "{\"max_tokens\": 6, \"allow_partial\": true}"));
    CHECK_STREQ(out, "[{\"role\":\"user\",\"content\":\"line two\"}]");
    braid_string_free(out);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages(&out, conversation, "{}"));
    CHECK_CONTAINS(braid_last_error(), "max_tokens");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages(&out, conversation, "{\"max_tokens\": 5, \"strategy\": \"middle\"}"));
    CHECK_CONTAINS(braid_last_error(), "strategy");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages(&out, conversation, "{\"max_tokens\": 5, \"max_token\": 5}"));
    CHECK_CONTAINS(braid_last_error(), "unknown key 'max_token'");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages(&out, conversation, "{\"max_tokens\": 5, \"token_counter\": \"exact\"}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages(&out, conversation, "{\"max_tokens\": 5, \"strategy\": \"first\", \"include_system\": true}"));
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_trim_messages(&out, "[{", "{\"max_tokens\": 5}"));
    CHECK_CONTAINS(braid_last_error(), "messages_json");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_trim_messages(&out, "[]", "{max_tokens: 5}"));
    CHECK_CONTAINS(braid_last_error(), "options_json");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages(NULL, "[]", "{\"max_tokens\": 5}"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages(&out, "{\"role\": \"user\"}", "{\"max_tokens\": 5}"));
    CHECK(out == NULL);

    CHECK_OK(braid_last_turns(&out, conversation, 1, 1));
    CHECK_CONTAINS(out, "[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"look it up\"}");
    CHECK_CONTAINS(out, "{\"role\":\"assistant\",\"content\":\"done\"}]");
    braid_string_free(out);
    CHECK_OK(braid_last_turns(&out, conversation, 0, 0));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_last_turns(&out, "nope", 1, 1));
}

static void test_trim_with_tokenizer(void) {
    braid_tokenizer *tok = NULL;
    CHECK_OK(braid_tokenizer_load(&tok, BRAID_TEST_DATA_DIR "/vocab/ggml-vocab-gpt-2.gguf"));
    /* long common words: 18 approximate tokens (55 characters / 4 + 4), far fewer for GPT-2's BPE */
    const char *text = "understanding understanding understanding understanding";
    size_t count = 0;
    CHECK_OK(braid_tokenizer_tokenize(&count, NULL, 0, tok, text, strlen(text), 0));
    CHECK(count > 0 && count + 4 < 18);
    char messages[200], options[64], *out = NULL;
    snprintf(messages, sizeof messages, "[{\"role\": \"user\", \"content\": \"%s\"}]", text);
    snprintf(options, sizeof options, "{\"max_tokens\": %d}", (int)count + 4);
    CHECK_OK(braid_trim_messages_with_tokenizer(&out, messages, options, tok));
    CHECK_CONTAINS(out, text); /* exactly fits with the tokenizer */
    braid_string_free(out);
    snprintf(options, sizeof options, "{\"max_tokens\": %d}", (int)count + 3);
    CHECK_OK(braid_trim_messages_with_tokenizer(&out, messages, options, tok));
    CHECK_STREQ(out, "[]");
    braid_string_free(out);
    snprintf(options, sizeof options, "{\"max_tokens\": %d}", (int)count + 4);
    CHECK_OK(braid_trim_messages(&out, messages, options)); /* the approximate count does not fit */
    CHECK_STREQ(out, "[]");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages_with_tokenizer(&out, messages, "{\"max_tokens\": 5, \"token_counter\": \"approximate\"}", tok));
    CHECK_CONTAINS(braid_last_error(), "token_counter");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_trim_messages_with_tokenizer(&out, messages, options, NULL));
    CHECK_CONTAINS(braid_last_error(), "tokenizer is NULL");
    braid_tokenizer_free(tok);
}

static void test_runnable_with_message_history(void) {
    make_temp_dir();
    braid_runnable *prompt = NULL, *model = NULL, *chain = NULL, *remembering = NULL;
    CHECK_OK(braid_chat_prompt_template(&prompt, "[[\"system\", \"You are a blacksmith.\"], {\"placeholder\": \"history\"}, [\"user\", \"{question}\"]]", NULL));
    CHECK_OK(braid_fake_chat_model(&model, "{\"responses\": [\"Aye.\", \"You asked about a sword.\", \"Dawn.\", \"Streamed answer here\"], \"chunking\": \"words\"}"));
    CHECK_OK(braid_runnable_pipe(&chain, prompt, model));

    char store[200];
    snprintf(store, sizeof store, "{\"type\": \"sqlite\", \"path\": \"%s\"}", temp_path("npc.db"));
    CHECK_OK(braid_runnable_with_message_history(&remembering, chain, store, "{\"input_messages_key\": \"question\"}"));
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.config_json = "{\"configurable\": {\"session_id\": \"player-42\"}}";
    char *out = NULL;
    CHECK_OK(braid_runnable_invoke(&out, remembering, "{\"question\": \"Can you fix my sword?\"}", &options));
    CHECK_STREQ(out, "{\"role\":\"assistant\",\"content\":\"Aye.\"}");
    braid_string_free(out);
    CHECK_OK(braid_runnable_invoke(&out, remembering, "{\"question\": \"What did I ask?\"}", &options));
    braid_string_free(out);
    /* the second call saw the first turn between the system message and the question */
    CHECK_OK(braid_fake_chat_model_calls(&out, model));
    CHECK_CONTAINS(out, "[{\"role\":\"system\",\"content\":\"You are a blacksmith.\"},{\"role\":\"user\",\"content\":\"Can you fix my sword?\"},"
                        "{\"role\":\"assistant\",\"content\":\"Aye.\"},{\"role\":\"user\",\"content\":\"What did I ask?\"}]");
    braid_string_free(out);

    /* the turns are in the database, readable through a history handle */
    braid_chat_history *history = NULL;
    CHECK_OK(braid_chat_history_sqlite(&history, temp_path("npc.db"), "player-42"));
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK_STREQ(out, "[{\"role\":\"user\",\"content\":\"Can you fix my sword?\"},{\"role\":\"assistant\",\"content\":\"Aye.\"},"
                     "{\"role\":\"user\",\"content\":\"What did I ask?\"},{\"role\":\"assistant\",\"content\":\"You asked about a sword.\"}]");
    braid_string_free(out);

    /* no session: a clear error, nothing stored */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, remembering, "{\"question\": \"?\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "session_id");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, remembering, "{\"q\": \"?\"}", &options));
    CHECK_CONTAINS(braid_last_error(), "question");
    braid_runnable_free(remembering);

    /* an in-memory store, streamed: the turn is stored once the stream ends, chunks added up */
    CHECK_OK(braid_runnable_with_message_history(&remembering, chain, "{\"type\": \"memory\"}",
                                                 "{\"input_messages_key\": \"question\", \"session_keys\": [\"user\", \"npc\"]}"));
    options.config_json = "{\"configurable\": {\"user\": \"alice\", \"npc\": 7}}";
    CHECK_OK(braid_runnable_invoke(&out, remembering, "{\"question\": \"When?\"}", &options));
    braid_string_free(out);
    braid_stream *stream = NULL;
    CHECK_OK(braid_runnable_stream_open(&stream, remembering, "{\"question\": \"Stream it\"}", &options));
    int chunks = 0;
    while (braid_stream_next(&out, stream) == BRAID_OK) {
        ++chunks;
        braid_string_free(out);
    }
    CHECK(chunks == 3);
    braid_stream_free(stream);
    CHECK_OK(braid_fake_chat_model_calls(&out, model));
    CHECK_CONTAINS(out, "{\"role\":\"user\",\"content\":\"When?\"},{\"role\":\"assistant\",\"content\":\"Dawn.\"},{\"role\":\"user\",\"content\":\"Stream it\"}]");
    braid_string_free(out);
    /* the streamed answer, its chunks added up, is in the history the next run loads */
    CHECK_OK(braid_runnable_invoke(&out, remembering, "{\"question\": \"And now?\"}", &options));
    braid_string_free(out);
    CHECK_OK(braid_fake_chat_model_calls(&out, model));
    CHECK_CONTAINS(out, "{\"role\":\"user\",\"content\":\"Stream it\"},{\"role\":\"assistant\",\"content\":\"Streamed answer here\"},"
                        "{\"role\":\"user\",\"content\":\"And now?\"}]");
    braid_string_free(out);
    braid_runnable_free(remembering);

    /* a file per session in a directory */
    char files[200];
    snprintf(files, sizeof files, "{\"type\": \"file\", \"directory\": \"%s\"}", temp_dir);
    CHECK_OK(braid_fake_chat_model_reset(model));
    CHECK_OK(braid_runnable_with_message_history(&remembering, chain, files, "{\"input_messages_key\": \"question\"}"));
    options.config_json = "{\"configurable\": {\"session_id\": \"bob/../x\"}}";
    CHECK_OK(braid_runnable_invoke(&out, remembering, "{\"question\": \"Hello\"}", &options));
    braid_string_free(out);
    braid_runnable_free(remembering);
    braid_chat_history_free(history);
    CHECK_OK(braid_chat_history_file(&history, temp_path("bob%2F..%2Fx.jsonl")));
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK_STREQ(out, "[{\"role\":\"user\",\"content\":\"Hello\"},{\"role\":\"assistant\",\"content\":\"Aye.\"}]");
    braid_string_free(out);
    braid_chat_history_free(history);

    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_message_history(&remembering, NULL, "{\"type\": \"memory\"}", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_message_history(&remembering, chain, "{\"type\": \"disk\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "\"disk\"");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_message_history(&remembering, chain, "{\"type\": \"sqlite\"}", NULL));
    CHECK_CONTAINS(braid_last_error(), "path");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_runnable_with_message_history(&remembering, chain, "{\"type\": \"memory\"}", "{oops}"));
    CHECK_CONTAINS(braid_last_error(), "options_json");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_with_message_history(&remembering, chain, "{\"type\": \"memory\"}", "{\"session_keys\": []}"));
    CHECK(remembering == NULL);
    braid_runnable_free(chain);
    braid_runnable_free(model);
    braid_runnable_free(prompt);
    const char *const names[] = {"npc.db", "npc.db-wal", "npc.db-shm", "bob%2F..%2Fx.jsonl", NULL};
    remove_temp_dir(names);
}

static void test_summary_memory(void) {
    make_temp_dir();
    braid_runnable *model = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "[\"The player asked for a sword.\", \"The player asked for a sword and paid.\"]"));
    braid_chat_history *history = NULL;
    CHECK_OK(braid_chat_history_sqlite(&history, temp_path("s.db"), "npc"));
    char store[200];
    snprintf(store, sizeof store, "{\"type\": \"sqlite\", \"path\": \"%s\", \"session_id\": \"npc\"}", temp_path("s.db"));
    braid_summary_memory *memory = NULL;
    CHECK_OK(braid_summary_memory_create(&memory, model, history, store, NULL));
    char *out = NULL;
    CHECK_OK(braid_chat_history_add_messages(history, "[{\"role\": \"user\", \"content\": \"A sword, please.\"}, {\"role\": \"assistant\", \"content\": \"Ten gold.\"}]"));
    CHECK_OK(braid_summary_memory_update(&out, memory));
    CHECK_STREQ(out, "The player asked for a sword.");
    braid_string_free(out);
    uint64_t covered = 0;
    CHECK_OK(braid_summary_memory_covered(&covered, memory));
    CHECK(covered == 2);
    CHECK_OK(braid_summary_memory_update(NULL, memory)); /* nothing new: no model call */
    CHECK_OK(braid_chat_history_add_messages(history, "[{\"role\": \"user\", \"content\": \"Here you are.\"}, {\"role\": \"assistant\", \"content\": \"Thanks.\"}]"));
    braid_summary_memory_free(memory);
    /* a new memory on the same store goes on from the saved summary, sending only the new turn */
    CHECK_OK(braid_summary_memory_create(&memory, model, history, store, NULL));
    CHECK_OK(braid_summary_memory_summary(&out, memory));
    CHECK_STREQ(out, "The player asked for a sword.");
    braid_string_free(out);
    CHECK_OK(braid_summary_memory_update(&out, memory));
    CHECK_STREQ(out, "The player asked for a sword and paid.");
    braid_string_free(out);
    CHECK_OK(braid_fake_chat_model_calls(&out, model));
    CHECK_CONTAINS(out, "\"call_count\":2");
    CHECK_CONTAINS(out, "Human: Here you are.\\nAI: Thanks.");
    CHECK(strstr(out, "Human: Here you are.") && !strstr(strstr(out, "Human: Here you are."), "A sword, please"));
    braid_string_free(out);
    braid_summary_memory_free(memory);

    /* a model that fails leaves the summary as it was */
    braid_runnable *failing = NULL;
    CHECK_OK(braid_fake_chat_model(&failing, "[{\"error\": \"device\", \"message\": \"GPU lost\"}]"));
    CHECK_OK(braid_chat_history_add_messages(history, "{\"role\": \"user\", \"content\": \"More?\"}"));
    CHECK_OK(braid_summary_memory_create(&memory, failing, history, store, "{\"prompt\": [[\"user\", \"{summary}|{new_lines}\"]]}"));
    CHECK_STATUS(BRAID_ERROR_DEVICE, braid_summary_memory_update(&out, memory));
    CHECK(out == NULL);
    CHECK_OK(braid_summary_memory_covered(&covered, memory));
    CHECK(covered == 4);
    braid_summary_memory_free(memory);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_summary_memory_create(&memory, model, history, "{\"type\": \"memory\"}", "{\"prompt\": [[\"user\", \"{summary}\"]]}"));
    CHECK_CONTAINS(braid_last_error(), "new_lines");
    braid_runnable_free(failing);
    braid_chat_history_free(history);
    braid_runnable_free(model);
    const char *const names[] = {"s.db", "s.db-wal", "s.db-shm", NULL};
    remove_temp_dir(names);
}

static void test_summary_buffer_memory(void) {
    braid_runnable *model = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "[\"Old talk about swords.\"]"));
    braid_chat_history *history = NULL;
    CHECK_OK(braid_chat_history_memory(&history));
    braid_summary_buffer_memory *memory = NULL;
    CHECK_OK(braid_summary_buffer_memory_create(&memory, model, history, "{\"type\": \"memory\"}",
                                                "{\"max_token_limit\": 12, \"summary_prefix\": \"Earlier: \"}"));
    char *out = NULL;
    CHECK_OK(braid_chat_history_add_messages(history, "[{\"role\": \"user\", \"content\": \"I want a long sword\"}, {\"role\": \"assistant\", \"content\": \"Ten gold\"}]"));
    CHECK_OK(braid_summary_buffer_memory_prune(&out, memory)); /* 10 + 6 tokens > 12: the first turn folds */
    CHECK_STREQ(out, "Old talk about swords.");
    braid_string_free(out);
    CHECK_OK(braid_summary_buffer_memory_messages(&out, memory));
    CHECK_STREQ(out, "[{\"role\":\"system\",\"content\":\"Earlier: Old talk about swords.\"},{\"role\":\"assistant\",\"content\":\"Ten gold\"}]");
    braid_string_free(out);
    CHECK_OK(braid_summary_buffer_memory_summary(&out, memory));
    CHECK_STREQ(out, "Old talk about swords.");
    braid_string_free(out);
    CHECK_OK(braid_summary_buffer_memory_prune(NULL, memory)); /* fits: no call */
    CHECK_OK(braid_fake_chat_model_calls(&out, model));
    CHECK_CONTAINS(out, "\"call_count\":1");
    braid_string_free(out);
    /* the history keeps every message */
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK_CONTAINS(out, "I want a long sword");
    braid_string_free(out);
    braid_summary_buffer_memory_free(memory);
    braid_chat_history_free(history);
    braid_runnable_free(model);
}

static void test_entity_memory(void) {
    braid_runnable *model = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "[\"Mira, the Forge\", \"Mira is the smith's daughter.\", \"The forge is hot.\", \"- Mira\"]"));
    braid_chat_history *history = NULL;
    CHECK_OK(braid_chat_history_memory(&history));
    braid_entity_memory *memory = NULL;
    CHECK_OK(braid_entity_memory_create(&memory, model, history, "{\"type\": \"memory\"}", "{\"k\": 2}"));
    char *out = NULL;
    const char *input = "Mira said the Forge is hot.";
    CHECK_OK(braid_entity_memory_recall(&out, memory, input));
    CHECK_STREQ(out, "{\"Mira\":\"\",\"the Forge\":\"\"}");
    CHECK_OK(braid_entity_memory_remember(memory, out, input));
    braid_string_free(out);
    CHECK_OK(braid_entity_memory_facts(&out, memory));
    CHECK_STREQ(out, "{\"Mira\":\"Mira is the smith's daughter.\",\"the Forge\":\"The forge is hot.\"}");
    braid_string_free(out);
    CHECK_OK(braid_entity_memory_recall(&out, memory, "Where is Mira?"));
    CHECK_STREQ(out, "{\"Mira\":\"Mira is the smith's daughter.\"}");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_entity_memory_remember(memory, "[1]", "x"));
    CHECK_CONTAINS(braid_last_error(), "entities_json");
    CHECK_STATUS(BRAID_ERROR_PARSE, braid_entity_memory_remember(memory, "[", "x"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_entity_memory_recall(&out, memory, NULL));
    braid_entity_memory_free(memory);
    braid_chat_history_free(history);
    braid_runnable_free(model);
}


/* Threads appending turns through their own handles on one SQLite file (one shared connection) and one
 * in-memory history: nothing lost, no turn interleaved. */
enum { writers = 8, turns_each = 25 };

typedef struct writer_state {
    braid_chat_history *history; /* NULL: open own SQLite handle */
    const char *db;
    int id;
    int failures;
} writer_state;

static int writer(void *arg) {
    writer_state *w = (writer_state *)arg;
    braid_chat_history *h = w->history;
    if (!h && braid_chat_history_sqlite(&h, w->db, "shared") != BRAID_OK) {
        w->failures++;
        return 0;
    }
    for (int i = 0; i < turns_each; ++i) {
        char turn[160];
        snprintf(turn, sizeof turn, "[{\"role\": \"user\", \"content\": \"w%d t%d\"}, {\"role\": \"assistant\", \"content\": \"w%d t%d\"}]",
                 w->id, i, w->id, i);
        if (braid_chat_history_add_messages(h, turn) != BRAID_OK)
            w->failures++;
    }
    if (!w->history)
        braid_chat_history_free(h);
    return 0;
}

/* Every turn is a user message followed by the assistant message with the same text. */
static int count_adjacent_turns(const char *json) {
    int turns = 0;
    const char *p = json;
    while ((p = strstr(p, "{\"role\":\"user\",\"content\":\"")) != NULL) {
        p += strlen("{\"role\":\"user\",\"content\":\"");
        const char *end = strchr(p, '"');
        if (!end)
            return -1;
        char expected[64];
        snprintf(expected, sizeof expected, "\"},{\"role\":\"assistant\",\"content\":\"%.*s\"}", (int)(end - p), p);
        if (strncmp(end, expected, strlen(expected)) != 0)
            return -1;
        ++turns;
        p = end;
    }
    return turns;
}

static void run_writers(braid_chat_history *shared, const char *db) {
    thrd_t threads[writers];
    writer_state states[writers];
    for (int t = 0; t < writers; ++t) {
        states[t] = (writer_state){shared, db, t, 0};
        CHECK(thrd_create(&threads[t], writer, &states[t]) == thrd_success);
    }
    for (int t = 0; t < writers; ++t) {
        thrd_join(threads[t], NULL);
        CHECK(states[t].failures == 0);
    }
}

static void test_concurrent_appends(void) {
    make_temp_dir();
    const char *db = temp_path("shared.db");
    run_writers(NULL, db);
    braid_chat_history *history = NULL;
    char *out = NULL;
    CHECK_OK(braid_chat_history_sqlite(&history, db, "shared"));
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK(count_adjacent_turns(out) == writers * turns_each);
    braid_string_free(out);
    braid_chat_history_free(history);

    CHECK_OK(braid_chat_history_memory(&history));
    run_writers(history, NULL);
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK(count_adjacent_turns(out) == writers * turns_each);
    braid_string_free(out);
    braid_chat_history_free(history);
    const char *const names[] = {"shared.db", "shared.db-wal", "shared.db-shm", NULL};
    remove_temp_dir(names);
}

/* A run that fails, is cancelled, or a stream abandoned before its end stores nothing. */
static void test_failed_runs_store_nothing(void) {
    make_temp_dir();
    braid_runnable *model = NULL, *remembering = NULL;
    CHECK_OK(braid_fake_chat_model(&model, "{\"responses\": [{\"error\": \"device\", \"message\": \"GPU lost\"}, \"one two three\", \"kept\"], \"chunking\": \"words\"}"));
    char store[200];
    snprintf(store, sizeof store, "{\"type\": \"sqlite\", \"path\": \"%s\"}", temp_path("f.db"));
    /* the fake model reads the input object's "messages" (the history goes under "history", unread) */
    CHECK_OK(braid_runnable_with_message_history(&remembering, model, store, NULL));
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    options.config_json = "{\"configurable\": {\"session_id\": \"s\"}}";
    char *out = NULL;
    CHECK_STATUS(BRAID_ERROR_DEVICE, braid_runnable_invoke(&out, remembering, "{\"input\": \"hi\", \"messages\": [\"hi\"]}", &options));
    CHECK_CONTAINS(braid_last_error(), "GPU lost");
    /* abandoned stream: one chunk pulled, then freed */
    braid_stream *stream = NULL;
    CHECK_OK(braid_runnable_stream_open(&stream, remembering, "{\"input\": \"again\", \"messages\": [\"again\"]}", &options));
    CHECK_OK(braid_stream_next(&out, stream));
    braid_string_free(out);
    braid_stream_free(stream);
    /* cancelled before it runs */
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    CHECK_OK(braid_cancel_token_cancel(token));
    options.cancel = token;
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_runnable_invoke(&out, remembering, "{\"input\": \"no\", \"messages\": [\"no\"]}", &options));
    options.cancel = NULL;
    braid_cancel_token_free(token);
    /* only the run that succeeded was stored */
    CHECK_OK(braid_runnable_invoke(&out, remembering, "{\"input\": \"last\", \"messages\": [\"last\"]}", &options));
    braid_string_free(out);
    braid_chat_history *history = NULL;
    CHECK_OK(braid_chat_history_sqlite(&history, temp_path("f.db"), "s"));
    CHECK_OK(braid_chat_history_messages(&out, history));
    CHECK_STREQ(out, "[{\"role\":\"user\",\"content\":\"last\"},{\"role\":\"assistant\",\"content\":\"kept\"}]");
    braid_string_free(out);
    braid_chat_history_free(history);
    braid_runnable_free(remembering);
    braid_runnable_free(model);
    const char *const names[] = {"f.db", "f.db-wal", "f.db-shm", NULL};
    remove_temp_dir(names);
}

static const check_test tests[] = {
    {"chat_history_round_trip", test_chat_history_round_trip},
    {"persistence", test_persistence},
    {"bad_arguments", test_bad_arguments},
    {"trim_messages", test_trim_messages},
    {"trim_with_tokenizer", test_trim_with_tokenizer},
    {"runnable_with_message_history", test_runnable_with_message_history},
    {"summary_memory", test_summary_memory},
    {"summary_buffer_memory", test_summary_buffer_memory},
    {"entity_memory", test_entity_memory},
    {"concurrent_appends", test_concurrent_appends},
    {"failed_runs_store_nothing", test_failed_runs_store_nothing},
};

CHECK_MAIN(tests)
