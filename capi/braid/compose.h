/**
 * @file
 * @brief Composing runnables: sequences (pipe), passthrough and assign, parallel maps, pick, branch,
 * router, retry, fallbacks, config and bound settings.
 *
 * Every constructor writes a new handle to its first parameter and never takes ownership of the
 * handles it is given: the new runnable holds its own references, so the parts may be freed at once.
 *
 * @code
 * braid_runnable *chain = NULL;
 * braid_runnable_pipe(&chain, prompt, model);          // prompt | model
 * braid_runnable *full = NULL;
 * braid_runnable_pipe(&full, chain, parser);           // prompt | model | parser
 * braid_runnable_free(chain);                          // full keeps its steps alive
 * @endcode
 */
#ifndef BRAID_COMPOSE_H
#define BRAID_COMPOSE_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/**
 * `first | second`: the output of @p first is the input of @p second. Streaming flows through.
 *
 * @param[out] out the sequence; free with braid_runnable_free().
 * @param first the first step.
 * @param second the second step.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_pipe(braid_runnable **out, const braid_runnable *first,
                                           const braid_runnable *second);

/**
 * `steps[0] | steps[1] | ...`.
 *
 * @param[out] out the sequence; free with braid_runnable_free().
 * @param steps @p count steps (at least one).
 * @param count the number of steps.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_sequence(braid_runnable **out, const braid_runnable *const *steps,
                                               size_t count);

/**
 * The identity: returns its input (streaming: each chunk) unchanged.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_passthrough(braid_runnable **out);

/**
 * Runs @p count branches concurrently on the same input and returns `{"key": output, ...}`.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param keys @p count distinct, non-empty keys.
 * @param steps @p count branches.
 * @param count the number of branches (at least one).
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_parallel(braid_runnable **out, const char *const *keys,
                                               const braid_runnable *const *steps, size_t count);

/**
 * Takes an object and returns it with the keys of the branches added, computed concurrently from the
 * input (LangChain's `RunnablePassthrough.assign`).
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param keys @p count distinct, non-empty keys.
 * @param steps @p count branches.
 * @param count the number of branches (at least one).
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_assign(braid_runnable **out, const char *const *keys,
                                             const braid_runnable *const *steps, size_t count);

/**
 * Returns `input[key]` (#BRAID_ERROR_NOT_FOUND at run time when missing).
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param key a non-empty key.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_pick(braid_runnable **out, const char *key);

/**
 * Returns the object of the listed keys the input has.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param keys @p count non-empty keys.
 * @param count the number of keys (at least one).
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_pick_keys(braid_runnable **out, const char *const *keys, size_t count);

/**
 * Tests @p conditions in order on the input and runs the step of the first that returns `true`, else
 * @p otherwise. A condition must return a JSON boolean (#BRAID_ERROR_VALIDATION otherwise).
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param conditions @p count runnables returning true or false.
 * @param steps @p count runnables, one per condition.
 * @param count the number of cases (at least one).
 * @param otherwise the default step.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_branch(braid_runnable **out, const braid_runnable *const *conditions,
                                             const braid_runnable *const *steps, size_t count,
                                             const braid_runnable *otherwise);

/**
 * Routes an object input by the value of `input[key]` to the step of the matching route.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param key the routing key.
 * @param values @p count distinct route values (strings; other JSON values match by their JSON text).
 * @param steps @p count steps, one per value.
 * @param count the number of routes (at least one).
 * @param otherwise NULL (an unknown value fails with #BRAID_ERROR_NOT_FOUND), or the default step.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_router(braid_runnable **out, const char *key, const char *const *values,
                                             const braid_runnable *const *steps, size_t count,
                                             const braid_runnable *otherwise);

/**
 * How braid_runnable_with_retry() retries. Start from #BRAID_RETRY_OPTIONS_INIT.
 * Waits: initial_delay_ms, then × backoff_multiplier each time, at most max_delay_ms; with jitter,
 * each wait is drawn from [delay/2, delay].
 */
typedef struct braid_retry_options {
    uint32_t struct_size;          /**< sizeof(braid_retry_options). */
    uint32_t max_attempts;         /**< Attempts in all, including the first (≥ 1). Default 3. */
    uint32_t initial_delay_ms;     /**< Wait before the second attempt. Default 100. */
    uint32_t max_delay_ms;         /**< Longest wait. Default 10000. */
    double backoff_multiplier;     /**< Growth of the wait per attempt (≥ 1). Default 2. */
    uint32_t jitter;               /**< Non-zero: randomize the waits. Default 1. */
    uint32_t retry_on_count;       /**< Number of entries of @ref retry_on. */
    const braid_status *retry_on;  /**< The error codes retried; NULL/0 = every failure but cancelled and timeout. */
} braid_retry_options;

/** The size of version 1 of braid_retry_options (what a caller must pass at least). */
#define BRAID_RETRY_OPTIONS_V1_SIZE 40u

/** The default retry options: 3 attempts, 100 ms doubling up to 10 s, with jitter, most errors. */
#define BRAID_RETRY_OPTIONS_INIT {sizeof(braid_retry_options), 3u, 100u, 10000u, 2.0, 1u, 0u, NULL}

/**
 * @p runnable retried on failure. Each attempt is a nested run; a stream is retried only until its first
 * chunk was delivered.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param runnable the step to retry.
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_with_retry(braid_runnable **out, const braid_runnable *runnable,
                                                 const braid_retry_options *options);

/**
 * @p runnable, then each fallback in turn when the previous one failed. When all fail, the first error
 * is returned.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param runnable the primary step.
 * @param fallbacks @p count steps tried in order.
 * @param count the number of fallbacks (at least one).
 * @param only_for NULL, or @p only_for_count error codes that trigger a fallback (others are returned at
 *        once); NULL = every failure but cancelled and timeout.
 * @param only_for_count the number of entries of @p only_for.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_with_fallbacks(braid_runnable **out, const braid_runnable *runnable,
                                                     const braid_runnable *const *fallbacks, size_t count,
                                                     const braid_status *only_for, size_t only_for_count);

/**
 * @p runnable run with a config merged into the caller's: tags appended, metadata and configurable
 * merged key by key, run_name naming this step's run.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param runnable the step.
 * @param config_json a JSON object with any of "tags", "metadata", "run_name", "configurable",
 *        "max_concurrency", "recursion_limit".
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_runnable_with_config(braid_runnable **out, const braid_runnable *runnable,
                                                  const char *config_json);

/**
 * @p runnable with fixed settings merged into the "configurable" of its runs: how a model step gets
 * e.g. `{"temperature": 0, "stop": ["\n"]}`.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param runnable the step.
 * @param kwargs_json a JSON object.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_runnable_bind(braid_runnable **out, const braid_runnable *runnable,
                                           const char *kwargs_json);

BRAID_END_DECLS

#endif /* BRAID_COMPOSE_H */
