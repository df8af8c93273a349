/**
 * @file
 * @brief Status codes and the thread-local error message.
 *
 * Every fallible function returns a ::braid_status. The codes -1 to -14 are the kinds of braid::errc of
 * the C++ API, negated; the others are specific to the C ABI. On failure, braid_last_error() gives the
 * message naming what was wrong.
 */
#ifndef BRAID_ERRORS_H
#define BRAID_ERRORS_H

#include "braid/common.h"

BRAID_BEGIN_DECLS

/** The outcome of a call: #BRAID_OK, an expected positive code, or a negative error. */
typedef enum braid_status {
    BRAID_OK = 0,                       /**< Success. */
    BRAID_DONE = 1,                     /**< Expected: a stream has no more items (braid_stream_next()). */
    BRAID_ERROR_INVALID_ARGUMENT = -1,  /**< A NULL, out-of-range or otherwise unusable argument. */
    BRAID_ERROR_PARSE = -2,             /**< Text (JSON, model output, a template) could not be parsed. */
    BRAID_ERROR_IO = -3,                /**< A file could not be read or written. */
    BRAID_ERROR_MODEL_FORMAT = -4,      /**< A model or tokenizer file is malformed, truncated or hostile. */
    BRAID_ERROR_UNSUPPORTED = -5,       /**< Valid input that braid does not (yet) handle. */
    BRAID_ERROR_OUT_OF_MEMORY = -6,     /**< An allocation did not fit. */
    BRAID_ERROR_DEVICE = -7,            /**< A compute device failed or is missing. */
    BRAID_ERROR_CANCELLED = -8,         /**< The run was cancelled (token, or a callback asked to stop). */
    BRAID_ERROR_TIMEOUT = -9,           /**< The run's deadline passed. */
    BRAID_ERROR_TOOL = -10,             /**< A tool call failed or had invalid arguments. */
    BRAID_ERROR_TEMPLATE = -11,         /**< A prompt or chat template failed to render. */
    BRAID_ERROR_VALIDATION = -12,       /**< A value did not satisfy a schema or the shape a step needs. */
    BRAID_ERROR_NOT_FOUND = -13,        /**< A named thing (key, variable, token, file entry) does not exist. */
    BRAID_ERROR_INTERNAL = -14,         /**< A bug in braid: please report it with the message. */
    BRAID_ERROR_CALLBACK = -100,        /**< A caller's callback failed without a braid status (e.g. a Java
                                             or C# exception); the message is the one it set. */
    BRAID_ERROR_BUFFER_TOO_SMALL = -101, /**< The caller's buffer is too small; the size needed was written. */
    BRAID_STATUS_MAX_ENUM = 0x7FFFFFFF  /**< Keeps the enum 32 bits wide. */
} braid_status;

/**
 * The message of the most recent failure on the calling thread.
 *
 * @return a string owned by the library (never NULL; "" before the first failure), valid until the next
 *         braid call on this thread. Thread-safe: each thread has its own message.
 */
BRAID_API const char *braid_last_error(void);

/**
 * A short, static description of a status code ("ok", "invalid argument", ...).
 *
 * @param status any value (unknown values give "unknown status").
 * @return a static string (never NULL, never freed).
 */
BRAID_API const char *braid_status_str(braid_status status);

BRAID_END_DECLS

#endif /* BRAID_ERRORS_H */
