/**
 * @file
 * @brief Memory: chat histories (in memory, a JSON Lines file, a session of an SQLite database), trimming a
 * conversation to a token budget, runnables that remember their conversations
 * (RunnableWithMessageHistory), and memories written by a chat model (summary, summary buffer, entities).
 *
 * Messages cross as JSON (see braid/messages.h): `{"role": "user", "content": "hi"}`, tool calls and tool
 * results included; they come back exactly as they were added.
 *
 * Stores of summaries and entity facts are given as JSON "store specs":
 * - `{"type": "memory"}`: in the process's memory, gone with the handle;
 * - `{"type": "sqlite", "path": "saves/world.db", "session_id": "npc:smith"}`: the session's row of the
 *   SQLite database (the same file as its messages).
 *
 * SQLite databases are opened once per path and process: every handle on the same file (histories,
 * memories, runnables) shares one connection, which closes with the last of them.
 *
 * @code
 * braid_chat_history *history = NULL;
 * braid_chat_history_sqlite(&history, "saves/world.db", "npc:smith");
 * braid_chat_history_add_messages(history, "[{\"role\":\"user\",\"content\":\"hi\"},"
 *                                          "{\"role\":\"assistant\",\"content\":\"Hello, traveller.\"}]");
 * char *messages = NULL;
 * braid_chat_history_messages(&messages, history);
 * braid_string_free(messages);
 * braid_chat_history_free(history);
 * @endcode
 *
 * Thread safety: every handle of this header may be used from many threads at once.
 */
#ifndef BRAID_MEMORY_H
#define BRAID_MEMORY_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/runnable.h"
#include "braid/tokenizer.h"

BRAID_BEGIN_DECLS

/** The stored messages of one conversation. Thread-safe; free with braid_chat_history_free(). */
typedef struct braid_chat_history braid_chat_history;

/** A running summary of a history written by a chat model. Thread-safe; free with braid_summary_memory_free(). */
typedef struct braid_summary_memory braid_summary_memory;

/** Recent messages verbatim, older ones summarized. Thread-safe; free with braid_summary_buffer_memory_free(). */
typedef struct braid_summary_buffer_memory braid_summary_buffer_memory;

/** Facts about the entities of a conversation. Thread-safe; free with braid_entity_memory_free(). */
typedef struct braid_entity_memory braid_entity_memory;

/**
 * A history kept in the process's memory (gone when freed).
 *
 * @param[out] out the history; the caller frees it with braid_chat_history_free().
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_chat_history_memory(braid_chat_history **out);

/**
 * A history in a JSON Lines file, one message per line, each turn appended in one write and fsync'ed.
 * A torn last line left by a crash is dropped with a warning.
 *
 * @param[out] out the history; the caller frees it with braid_chat_history_free().
 * @param path the file (created on the first append; its folder must exist).
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT (NULL or empty path).
 */
BRAID_API braid_status braid_chat_history_file(braid_chat_history **out, const char *path);

/**
 * The history of one session of an SQLite database (created if missing, WAL mode, schema migrated).
 * Many sessions share one file; each turn is one transaction.
 *
 * @param[out] out the history; the caller frees it with braid_chat_history_free().
 * @param database_path the database file.
 * @param session_id the session (not empty).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT (NULL or empty argument); #BRAID_ERROR_IO if the file
 *         cannot be opened or is not an SQLite database; #BRAID_ERROR_UNSUPPORTED for a newer schema.
 */
BRAID_API braid_status braid_chat_history_sqlite(braid_chat_history **out, const char *database_path,
                                                 const char *session_id);

/**
 * Every message of the conversation, oldest first.
 *
 * @param[out] out_json a JSON array of messages; the caller frees it with braid_string_free().
 * @param history the history.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO; #BRAID_ERROR_PARSE for a corrupt store.
 */
BRAID_API braid_status braid_chat_history_messages(char **out_json, const braid_chat_history *history);

/**
 * Appends one turn atomically: all the messages or none, adjacent even with other writers.
 *
 * @param history the history.
 * @param messages_json a JSON array of messages (or one message object); an empty array writes nothing.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE naming the bad message or field
 *         (nothing is written); #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_chat_history_add_messages(braid_chat_history *history, const char *messages_json);

/**
 * Removes every message of the conversation (other sessions of a database are untouched).
 *
 * @param history the history.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_chat_history_clear(braid_chat_history *history);

/**
 * Frees a history handle; what a persistent store wrote stays written. Memories made over it keep
 * their own reference.
 *
 * @param history the handle, or NULL (nothing happens).
 */
BRAID_API void braid_chat_history_free(braid_chat_history *history);

/**
 * Keeps a conversation within a token budget (LangChain's trim_messages); a tool call and its tool
 * results are kept or dropped together.
 *
 * @param[out] out_json the kept messages, a JSON array; the caller frees it with braid_string_free().
 * @param messages_json a JSON array of messages.
 * @param options_json a JSON object: "max_tokens" (required, ≥ 0), "strategy" ("last" (default) or
 *        "first"), "include_system" (bool), "start_on" / "end_on" (a role), "allow_partial" (bool),
 *        "token_counter" ("approximate", the only one: 4 characters a token + 4 per message).
 * @return #BRAID_OK; #BRAID_ERROR_PARSE for invalid JSON; #BRAID_ERROR_INVALID_ARGUMENT naming a bad or
 *         unknown option.
 */
BRAID_API braid_status braid_trim_messages(char **out_json, const char *messages_json, const char *options_json);

/**
 * braid_trim_messages() counting tokens with a model's tokenizer: a message counts the tokens of its
 * content, name, and tool calls (name and JSON arguments), plus 4 for the role and the chat template's
 * markers (which depend on the template: keep a margin).
 *
 * @param[out] out_json the kept messages, a JSON array; the caller frees it with braid_string_free().
 * @param messages_json a JSON array of messages.
 * @param options_json as for braid_trim_messages(), without "token_counter".
 * @param tokenizer the tokenizer (e.g. from braid_tokenizer_load() or braid_model_tokenizer()).
 * @return #BRAID_OK; #BRAID_ERROR_PARSE; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option.
 */
BRAID_API braid_status braid_trim_messages_with_tokenizer(char **out_json, const char *messages_json,
                                                          const char *options_json,
                                                          const braid_tokenizer *tokenizer);

/**
 * The last @p k turns of a conversation (window memory); a turn starts at a user message.
 *
 * @param[out] out_json the kept messages, a JSON array; the caller frees it with braid_string_free().
 * @param messages_json a JSON array of messages.
 * @param k the number of turns (0 keeps only the system message).
 * @param keep_system nonzero to keep a leading system message (not counted as a turn).
 * @return #BRAID_OK; #BRAID_ERROR_PARSE; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_last_turns(char **out_json, const char *messages_json, uint32_t k,
                                        uint32_t keep_system);

/**
 * A runnable that remembers its conversations: each run loads the history of the session named by the
 * run's config ("configurable": {"session_id": ...}, see braid_run_options::config_json) into the input
 * under history_messages_key, runs @p runnable, then appends the new input message(s) and the output as
 * one turn. A streamed run appends once the stream is read to the end; a failed or cancelled run appends
 * nothing.
 *
 * @param[out] out the runnable; free with braid_runnable_free(). Its input is a JSON object holding the new
 *             message under input_messages_key (a string for a user message, a message, or an array).
 * @param runnable the runnable to wrap (e.g. a chat prompt | a chat model); its output must be a message
 *        object or a string. The new runnable holds its own reference.
 * @param store_json where the histories live: `{"type": "memory"}` (one history per session, kept by this
 *        runnable), `{"type": "sqlite", "path": "..."}` (a session per id in one database) or
 *        `{"type": "file", "directory": "..."}` (`<directory>/<session id>.jsonl`, characters other than
 *        letters, digits, '-', '_' and '.' written as %XX).
 * @param options_json NULL, or a JSON object: "input_messages_key" ("input"), "history_messages_key"
 *        ("history"), "session_keys" (["session_id"]; several are joined with ':').
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument, store type or option;
 *         #BRAID_ERROR_PARSE; #BRAID_ERROR_IO if the database cannot be opened.
 */
BRAID_API braid_status braid_runnable_with_message_history(braid_runnable **out, const braid_runnable *runnable,
                                                           const char *store_json, const char *options_json);

/**
 * A running summary of @p history written by @p model, incrementally: each update sends the model only
 * the messages not yet summarized, with the summary so far.
 *
 * @param[out] out the memory; the caller frees it with braid_summary_memory_free().
 * @param model a chat model runnable: takes a prompt (an array of messages), returns a message.
 * @param history the history to summarize (the memory holds its own reference).
 * @param store_json where the summary lives: `{"type": "memory"}` or
 *        `{"type": "sqlite", "path": "...", "session_id": "..."}`.
 * @param options_json NULL, or a JSON object: "prompt", a chat prompt template (see
 *        braid_chat_prompt_template()) with the variables `summary` and `new_lines`.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument; #BRAID_ERROR_PARSE; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_summary_memory_create(braid_summary_memory **out, const braid_runnable *model,
                                                   const braid_chat_history *history, const char *store_json,
                                                   const char *options_json);

/**
 * Folds the messages not yet summarized into the summary (one model call; none when nothing is new).
 *
 * @param[out] out_summary NULL, or receives the new summary; the caller frees it with braid_string_free().
 * @param memory the memory.
 * @return #BRAID_OK; the model's or the store's error (the saved summary is then unchanged).
 */
BRAID_API braid_status braid_summary_memory_update(char **out_summary, braid_summary_memory *memory);

/**
 * The summary so far ("" before the first update).
 *
 * @param[out] out_summary the summary; the caller frees it with braid_string_free().
 * @param memory the memory.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_summary_memory_summary(char **out_summary, const braid_summary_memory *memory);

/**
 * How many messages at the start of the history the summary covers.
 *
 * @param[out] out_count the count.
 * @param memory the memory.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_summary_memory_covered(uint64_t *out_count, const braid_summary_memory *memory);

/**
 * Frees a summary memory; a persistent store keeps the summary.
 *
 * @param memory the handle, or NULL (nothing happens).
 */
BRAID_API void braid_summary_memory_free(braid_summary_memory *memory);

/**
 * Recent messages of @p history verbatim, older ones folded into a summary by @p model once the recent
 * ones exceed a token limit (LangChain's ConversationSummaryBufferMemory). The history keeps every message.
 *
 * @param[out] out the memory; the caller frees it with braid_summary_buffer_memory_free().
 * @param model a chat model runnable.
 * @param history the history (the memory holds its own reference).
 * @param store_json where the summary lives, as for braid_summary_memory_create().
 * @param options_json NULL, or a JSON object: "max_token_limit" (2000), "summary_prefix"
 *        ("Summary of the conversation so far:\n"), "prompt" (as for braid_summary_memory_create()).
 *        Tokens are counted approximately (see braid_trim_messages()).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_summary_buffer_memory_create(braid_summary_buffer_memory **out,
                                                          const braid_runnable *model,
                                                          const braid_chat_history *history,
                                                          const char *store_json, const char *options_json);

/**
 * Folds the oldest verbatim messages into the summary until the rest fit the token limit (one model call;
 * none when they already fit).
 *
 * @param[out] out_summary NULL, or receives the summary; the caller frees it with braid_string_free().
 * @param memory the memory.
 * @return #BRAID_OK; the model's or the store's error (nothing is changed then).
 */
BRAID_API braid_status braid_summary_buffer_memory_prune(char **out_summary, braid_summary_buffer_memory *memory);

/**
 * The context to give a model: a system message holding the summary (when there is one), then the
 * messages not summarized. Never calls the model.
 *
 * @param[out] out_json a JSON array of messages; the caller frees it with braid_string_free().
 * @param memory the memory.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; the store's error.
 */
BRAID_API braid_status braid_summary_buffer_memory_messages(char **out_json,
                                                            const braid_summary_buffer_memory *memory);

/**
 * The summary so far ("" before the first fold).
 *
 * @param[out] out_summary the summary; the caller frees it with braid_string_free().
 * @param memory the memory.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_summary_buffer_memory_summary(char **out_summary,
                                                           const braid_summary_buffer_memory *memory);

/**
 * Frees a summary buffer memory; a persistent store keeps the summary.
 *
 * @param memory the handle, or NULL (nothing happens).
 */
BRAID_API void braid_summary_buffer_memory_free(braid_summary_buffer_memory *memory);

/**
 * Facts about the entities (people, places, things) of a conversation, kept by @p model
 * (LangChain's ConversationEntityMemory).
 *
 * @param[out] out the memory; the caller frees it with braid_entity_memory_free().
 * @param model a chat model runnable.
 * @param history the history, read for the recent turns (the memory holds its own reference).
 * @param store_json where the facts live: `{"type": "memory"}` or
 *        `{"type": "sqlite", "path": "...", "session_id": "..."}`.
 * @param options_json NULL, or a JSON object: "k" (recent turns shown to the model, 3), "max_entities"
 *        (16), "max_name_length" (80), "extraction_prompt" (variables `history`, `input`),
 *        "summary_prompt" (variables `entity`, `summary`, `history`, `input`): chat prompt templates.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_entity_memory_create(braid_entity_memory **out, const braid_runnable *model,
                                                  const braid_chat_history *history, const char *store_json,
                                                  const char *options_json);

/**
 * The entities @p input mentions (one model call) with their stored facts ("" for one not seen before).
 *
 * @param[out] out_json a JSON object, name → facts; the caller frees it with braid_string_free().
 * @param memory the memory.
 * @param input the new input (e.g. the player's line).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; the model's or the store's error.
 */
BRAID_API braid_status braid_entity_memory_recall(char **out_json, const braid_entity_memory *memory,
                                                  const char *input);

/**
 * Updates the facts of each named entity from the recent history and @p input (one model call each).
 *
 * @param memory the memory.
 * @param entities_json a JSON array of names, or the object braid_entity_memory_recall() gave (its keys).
 * @param input the input the facts are taken from.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE; the model's or the store's error
 *         (the entities before the failing one are already updated).
 */
BRAID_API braid_status braid_entity_memory_remember(braid_entity_memory *memory, const char *entities_json,
                                                    const char *input);

/**
 * Every entity stored with its facts.
 *
 * @param[out] out_json a JSON object, name → facts, in name order; the caller frees it with braid_string_free().
 * @param memory the memory.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_entity_memory_facts(char **out_json, const braid_entity_memory *memory);

/**
 * Frees an entity memory; a persistent store keeps the facts.
 *
 * @param memory the handle, or NULL (nothing happens).
 */
BRAID_API void braid_entity_memory_free(braid_entity_memory *memory);

BRAID_END_DECLS

#endif /* BRAID_MEMORY_H */
