/**
 * @file
 * @brief Runnables: the handle to a step or a chain (LCEL), and running it: invoke, batch, stream,
 * events; cancellation tokens and run options.
 *
 * A ::braid_runnable takes a JSON value and returns one. Build runnables with the constructors of
 * braid/compose.h, braid/callback.h, braid/prompts.h, braid/parsers.h, braid/testing.h and braid/spec.h.
 * Runnables are immutable: one handle may be run from many threads at once.
 *
 * @code
 * char *out = NULL;
 * if (braid_runnable_invoke(&out, chain, "{\"q\": \"Why?\"}", NULL) != BRAID_OK)
 *     fprintf(stderr, "%s\n", braid_last_error());
 * else { puts(out); braid_string_free(out); }
 * @endcode
 */
#ifndef BRAID_RUNNABLE_H
#define BRAID_RUNNABLE_H

#include "braid/common.h"
#include "braid/errors.h"

BRAID_BEGIN_DECLS

/** A step or a chain: JSON in, JSON out. Immutable and thread-safe; free with braid_runnable_free(). */
typedef struct braid_runnable braid_runnable;

/** A shared "cancelled" flag that stops runs between steps and stream chunks. Thread-safe. */
typedef struct braid_cancel_token braid_cancel_token;

/** An open stream of chunks or events, pulled with braid_stream_next(). Used by one thread at a time. */
typedef struct braid_stream braid_stream;

/**
 * Settings of one run. Start from #BRAID_RUN_OPTIONS_INIT and change what you need; pass NULL for all
 * defaults. Fields are only ever appended: the library reads `struct_size` bytes.
 */
typedef struct braid_run_options {
    uint32_t struct_size;              /**< sizeof(braid_run_options), as #BRAID_RUN_OPTIONS_INIT sets. */
    uint32_t max_concurrency;          /**< Most batch items or parallel branches at once; 0 = hardware threads. */
    uint32_t recursion_limit;          /**< Deepest nesting of runs; 0 = the default (25). */
    uint32_t timeout_ms;               /**< Deadline from the start of the call; 0 = none. */
    const braid_cancel_token *cancel;  /**< Token that cancels the run; NULL = none. Not retained after the call
                                            returns, except by a stream it opens (which keeps its flag). */
    const char *config_json;           /**< NULL, or a JSON object with any of "tags" (array of strings),
                                            "metadata" (object), "run_name" (string), "configurable" (object). */
} braid_run_options;

/** The size of version 1 of braid_run_options (what a caller must pass at least). */
#define BRAID_RUN_OPTIONS_V1_SIZE 32u

/** The default run options. */
#define BRAID_RUN_OPTIONS_INIT {sizeof(braid_run_options), 0u, 0u, 0u, NULL, NULL}

/**
 * Receives one chunk (or event) of a stream, as JSON text valid during the call.
 *
 * @param json the chunk, or the event object (see braid_runnable_events()).
 * @param user_data the pointer given with the callback.
 * @return #BRAID_OK to go on; anything else stops the stream. The call then returns the callback's own
 *         status when it is an error status (a #braid_status from -1 to -14, or #BRAID_ERROR_CALLBACK:
 *         a binding's exception), else #BRAID_ERROR_CANCELLED; the message names the callback.
 */
typedef braid_status (*braid_chunk_fn)(const char *json, void *user_data);

/** How braid_runnable_graph() renders a graph. */
typedef enum braid_graph_format {
    BRAID_GRAPH_MERMAID = 0,          /**< A Mermaid flowchart ("graph TD"); buffering steps are marked. */
    BRAID_GRAPH_ASCII = 1,            /**< Plain text boxes and arrows; buffering steps marked with `*`. */
    BRAID_GRAPH_JSON = 2,             /**< {"nodes": [{"id", "name", "stream_mode", "marker"}], "edges": [{"from", "to", "label"}]}. */
    BRAID_GRAPH_FORMAT_MAX_ENUM = 0x7FFFFFFF /**< Keeps the enum 32 bits wide. */
} braid_graph_format;

/**
 * Frees a runnable handle. Chains built from it keep working (they hold their own reference).
 *
 * @param runnable the handle, or NULL (nothing happens).
 */
BRAID_API void braid_runnable_free(braid_runnable *runnable);

/**
 * Runs @p runnable on one input.
 *
 * @param[out] out_json the output as JSON text; the caller frees it with braid_string_free(). Set to NULL on failure.
 * @param runnable the step or chain.
 * @param input_json the input, JSON text.
 * @param options NULL, or the run options.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT for a NULL argument or bad options;
 *         #BRAID_ERROR_PARSE for invalid JSON; any error a step fails with.
 */
BRAID_API braid_status braid_runnable_invoke(char **out_json, const braid_runnable *runnable,
                                             const char *input_json, const braid_run_options *options);

/**
 * Runs @p runnable on @p count inputs concurrently (at most options->max_concurrency at once), each as
 * its own run. Fails with the first error (the items already running finish first, no new one starts).
 *
 * @param[out] outputs an array of @p count pointers the caller provides; each receives an output the caller
 *             frees with braid_string_free(). All are NULL on failure.
 * @param runnable the step or chain.
 * @param inputs @p count inputs, JSON text each.
 * @param count the number of inputs (0 is allowed).
 * @param options NULL, or the run options.
 * @return #BRAID_OK, or the first error.
 */
BRAID_API braid_status braid_runnable_batch(char **outputs, const braid_runnable *runnable,
                                            const char *const *inputs, size_t count,
                                            const braid_run_options *options);

/**
 * Like braid_runnable_batch(), but every item runs and reports its own outcome.
 *
 * @param[out] outputs @p count pointers: the output of each item that succeeded, else NULL. Freed by the caller
 *             with braid_string_free().
 * @param[out] statuses @p count statuses: #BRAID_OK or the item's error.
 * @param[out] errors NULL, or @p count pointers: the error message of each failed item, else NULL. Freed by the
 *             caller with braid_string_free().
 * @param runnable the step or chain.
 * @param inputs @p count inputs, JSON text each (an input that is not valid JSON fails only its item).
 * @param count the number of inputs.
 * @param options NULL, or the run options.
 * @return #BRAID_OK when the batch ran (look at @p statuses); an error for bad arguments.
 */
BRAID_API braid_status braid_runnable_batch_results(char **outputs, braid_status *statuses, char **errors,
                                                    const braid_runnable *runnable, const char *const *inputs,
                                                    size_t count, const braid_run_options *options);

/**
 * Streams the output of @p runnable for one input: @p on_chunk receives each chunk as it is produced, on
 * the calling thread. Chunks flow through every step that can transform a stream (parsers, passthrough);
 * a step that cannot buffers (see braid_runnable_graph()).
 *
 * @param runnable the step or chain.
 * @param input_json the input, JSON text.
 * @param options NULL, or the run options.
 * @param on_chunk receives each chunk; returning anything but #BRAID_OK stops the run.
 * @param user_data passed to @p on_chunk.
 * @return #BRAID_OK at the end; #BRAID_ERROR_CANCELLED when @p on_chunk stopped it; any error of a step.
 */
BRAID_API braid_status braid_runnable_stream(const braid_runnable *runnable, const char *input_json,
                                             const braid_run_options *options, braid_chunk_fn on_chunk,
                                             void *user_data);

/**
 * Opens a stream of the output chunks of @p runnable for one input, to pull with braid_stream_next().
 * Nothing runs until the first pull. The stream holds everything it needs: the runnable, the input and
 * the options may be freed right away.
 *
 * @param[out] out_stream the stream; the caller frees it with braid_stream_free() (freeing it before the end stops
 *             the run).
 * @param runnable the step or chain.
 * @param input_json the input, JSON text.
 * @param options NULL, or the run options (the deadline counts from this call).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_runnable_stream_open(braid_stream **out_stream, const braid_runnable *runnable,
                                                  const char *input_json, const braid_run_options *options);

/**
 * Streams the events of every run nested in this one, as JSON objects:
 * `{"event": "start"|"chunk"|"end"|"error", "run_id": "...", "parent_run_id": "...", "name": "...",
 * "tags": [...], "metadata": {...}, "data": ...}`. A failure is reported as error events, then returned.
 *
 * @param runnable the step or chain.
 * @param input_json the input, JSON text.
 * @param options NULL, or the run options.
 * @param on_event receives each event; returning anything but #BRAID_OK stops the run.
 * @param user_data passed to @p on_event.
 * @return #BRAID_OK; #BRAID_ERROR_CANCELLED when @p on_event stopped it; any error of a step.
 */
BRAID_API braid_status braid_runnable_events(const braid_runnable *runnable, const char *input_json,
                                             const braid_run_options *options, braid_chunk_fn on_event,
                                             void *user_data);

/**
 * Opens a stream of the events of a run (see braid_runnable_events()), pulled with braid_stream_next().
 *
 * @param[out] out_stream the stream; the caller frees it with braid_stream_free().
 * @param runnable the step or chain.
 * @param input_json the input, JSON text.
 * @param options NULL, or the run options.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_runnable_events_open(braid_stream **out_stream, const braid_runnable *runnable,
                                                  const char *input_json, const braid_run_options *options);

/**
 * Pulls the next item of a stream.
 *
 * @param[out] out_json the item as JSON text, freed by the caller with braid_string_free(); NULL at the end or
 *             on failure.
 * @param stream the stream (used by one thread at a time).
 * @return #BRAID_OK with an item; #BRAID_DONE at the end (and every call after it); the run's error (the
 *         stream is then over).
 */
BRAID_API braid_status braid_stream_next(char **out_json, braid_stream *stream);

/**
 * Frees a stream; a run still in progress is stopped (its steps see a cancellation).
 *
 * @param stream the stream, or NULL (nothing happens).
 */
BRAID_API void braid_stream_free(braid_stream *stream);

/**
 * The runnable's name (the step's own name, or e.g. "RunnableSequence" for a chain).
 *
 * @param[out] out_name the name; the caller frees it with braid_string_free().
 * @param runnable the runnable.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_name(char **out_name, const braid_runnable *runnable);

/**
 * The shape of a runnable: Input → steps → Output, with how each step streams.
 *
 * @param[out] out_text the rendering; the caller frees it with braid_string_free().
 * @param runnable the runnable.
 * @param format a ::braid_graph_format.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT (also for an unknown format).
 */
BRAID_API braid_status braid_runnable_graph(char **out_text, const braid_runnable *runnable,
                                            braid_graph_format format);

/**
 * Creates a cancellation token.
 *
 * @param[out] out_token the token; the caller frees it with braid_cancel_token_free().
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_cancel_token_create(braid_cancel_token **out_token);

/**
 * Cancels every run using the token (from any thread; idempotent). Runs stop at the next step or chunk
 * with #BRAID_ERROR_CANCELLED.
 *
 * @param token the token.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_cancel_token_cancel(braid_cancel_token *token);

/**
 * Whether the token was cancelled.
 *
 * @param token the token (NULL gives 0).
 * @return 1 once cancelled, else 0.
 */
BRAID_API int32_t braid_cancel_token_is_cancelled(const braid_cancel_token *token);

/**
 * Frees a token. Runs and streams that use it keep its flag.
 *
 * @param token the token, or NULL (nothing happens).
 */
BRAID_API void braid_cancel_token_free(braid_cancel_token *token);

BRAID_END_DECLS

#endif /* BRAID_RUNNABLE_H */
