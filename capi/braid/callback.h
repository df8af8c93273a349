/**
 * @file
 * @brief Steps written by the caller: a C function (or a Java / C# function through a binding) becomes a
 * runnable that can sit anywhere in a chain.
 *
 * The function receives the step's input as JSON text and a ::braid_call through which it sets its
 * output or its error. It may be called from several threads at once (batch, parallel branches), on
 * threads the library owns.
 *
 * @code
 * static braid_status shout(braid_call *call, const char *input_json, void *user_data) {
 *     (void)user_data;
 *     char out[256];
 *     snprintf(out, sizeof out, "[%s, \"!\"]", input_json);
 *     return braid_call_set_output(call, out);
 * }
 * braid_runnable *step = NULL;
 * braid_runnable_from_callback(&step, "shout", shout, NULL, NULL);
 * @endcode
 */
#ifndef BRAID_CALLBACK_H
#define BRAID_CALLBACK_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/** The context of one call of a caller's step; valid only until the step function returns. */
typedef struct braid_call braid_call;

/**
 * A step written by the caller.
 *
 * @param call the call's context: set the output with braid_call_set_output() (or braid_call_emit() in a
 *        transform step), an error message with braid_call_set_error().
 * @param input_json the input (or, in a transform step, one input chunk) as JSON text, valid during the call.
 * @param user_data the pointer given at creation.
 * @return #BRAID_OK, or the status to fail with: a braid error code (e.g. #BRAID_ERROR_VALIDATION) makes a
 *         braid error of that kind, any other value a #BRAID_ERROR_CALLBACK.
 */
typedef braid_status (*braid_step_fn)(braid_call *call, const char *input_json, void *user_data);

/**
 * A step that calls @p fn once per input with the whole input; its output is what @p fn set with
 * braid_call_set_output() (JSON null if nothing). Streaming buffers at this step.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param name the step's name in events, errors and graphs; NULL gives "callback".
 * @param fn the function.
 * @param user_data passed to @p fn.
 * @param destroy NULL, or called with @p user_data exactly once: when the last reference to the step goes,
 *        or before this function returns if it fails.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_from_callback(braid_runnable **out, const char *name, braid_step_fn fn,
                                                    void *user_data, braid_destroy_fn destroy);

/**
 * A streaming step: when streamed, @p fn is called once per input chunk and emits any number of output
 * chunks with braid_call_emit(); when invoked, @p fn is called once with the whole input and the chunks
 * it emits are combined (strings appended, arrays concatenated, objects merged).
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param name the step's name; NULL gives "callback".
 * @param fn the function.
 * @param user_data passed to @p fn.
 * @param destroy NULL, or called with @p user_data exactly once (see braid_runnable_from_callback()).
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_runnable_from_transform_callback(braid_runnable **out, const char *name,
                                                              braid_step_fn fn, void *user_data,
                                                              braid_destroy_fn destroy);

/**
 * Sets the output of a call (of a step made by braid_runnable_from_callback()); a second call replaces it.
 *
 * @param call the call.
 * @param output_json the output, JSON text (copied).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT (NULL, or a transform step's call);
 *         #BRAID_ERROR_PARSE for invalid JSON (the output is unchanged).
 */
BRAID_API braid_status braid_call_set_output(braid_call *call, const char *output_json);

/**
 * Emits one output chunk (of a step made by braid_runnable_from_transform_callback()).
 *
 * @param call the call.
 * @param chunk_json the chunk, JSON text (copied).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT (NULL, or a plain step's call); #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_call_emit(braid_call *call, const char *chunk_json);

/**
 * Sets the message of the error the step function is about to return (copied). Without it, the error
 * says which step failed with which status.
 *
 * @param call the call.
 * @param message UTF-8 text.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_call_set_error(braid_call *call, const char *message);

/**
 * Whether the run must stop: long steps call it now and then and return its status when not OK.
 *
 * @param call the call.
 * @return #BRAID_OK; #BRAID_ERROR_CANCELLED; #BRAID_ERROR_TIMEOUT; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_call_check(const braid_call *call);

/**
 * The run-time settings in force for this step (the run's "configurable" plus what braid_runnable_bind()
 * added), as a JSON object.
 *
 * @param call the call.
 * @return JSON text owned by the call, valid until the step function returns; "{}" for a NULL call.
 */
BRAID_API const char *braid_call_configurable(braid_call *call);

/**
 * Runs @p runnable as a nested run of this call's run (its events get this step as parent; the
 * cancellation token and deadline apply).
 *
 * @param[out] out_json the output; the caller frees it with braid_string_free().
 * @param call the call.
 * @param runnable the runnable to run.
 * @param input_json its input, JSON text.
 * @return #BRAID_OK or the nested run's error.
 */
BRAID_API braid_status braid_call_invoke(char **out_json, braid_call *call, const braid_runnable *runnable,
                                         const char *input_json);

BRAID_END_DECLS

#endif /* BRAID_CALLBACK_H */
