/**
 * @file
 * @brief Logging: where braid's diagnostics go. The library prints nothing on its own; everything it has to
 * say (a CPU fallback, Vulkan validation messages, profiles asked for with `BRAID_VK_PROFILE`) goes to one
 * process-wide sink, standard error at level #BRAID_LOG_WARNING until the program sets its own.
 *
 * @code
 * static void to_my_log(braid_log_level level, const char *component, const char *message, void *user_data) {
 *     my_log_write(level, component, message);
 * }
 * braid_log_set_sink(to_my_log, NULL, NULL, BRAID_LOG_INFO);
 * @endcode
 *
 * `BRAID_LOG_LEVEL=debug|info|warning|error|off` sets the starting level of the standard-error sink.
 */
#ifndef BRAID_LOG_H
#define BRAID_LOG_H

#include "braid/common.h"
#include "braid/errors.h"

BRAID_BEGIN_DECLS

/** How important a message is; a sink receives the messages at or above its level. */
typedef enum braid_log_level {
    BRAID_LOG_DEBUG = 0,   /**< Detail for braid's developers. */
    BRAID_LOG_INFO = 1,    /**< What happened that a user may want to know (contexts made, profiles asked for). */
    BRAID_LOG_WARNING = 2, /**< Something went other than asked but the work goes on (a CPU fallback). */
    BRAID_LOG_ERROR = 3,   /**< Something failed (the caller is told through a status too). */
    BRAID_LOG_OFF = 4,     /**< As a level: nothing. */
    BRAID_LOG_LEVEL_MAX_ENUM = 0x7FFFFFFF
} braid_log_level;

/**
 * Receives one log message.
 *
 * Called on whatever thread logs, possibly on several at once: it must be thread-safe. It must not call
 * back into braid's logging functions.
 * @param level the message's level.
 * @param component the part of braid it comes from ("context", "cpu", "vulkan", ...), valid during the call.
 * @param message the text, UTF-8, valid during the call.
 * @param user_data the pointer given to braid_log_set_sink().
 */
typedef void (*braid_log_fn)(braid_log_level level, const char *component, const char *message, void *user_data);

/**
 * Sets the process-wide log sink and its level.
 * @param sink the sink, or NULL for standard error (braid's default).
 * @param user_data passed to @p sink; braid keeps it until the sink is replaced.
 * @param destroy NULL, or called with @p user_data once the sink has been replaced and no call to it is
 *        running any more, or when the library's static state is destroyed at process exit (also when
 *        this call fails).
 * @param level the lowest level @p sink receives.
 * @return #BRAID_OK, or #BRAID_ERROR_INVALID_ARGUMENT for a level that is not a ::braid_log_level.
 */
BRAID_API braid_status braid_log_set_sink(braid_log_fn sink, void *user_data, braid_destroy_fn destroy,
                                          braid_log_level level);

/**
 * Sets the level of the process-wide sink only.
 * @param level the lowest level the sink receives.
 * @return #BRAID_OK, or #BRAID_ERROR_INVALID_ARGUMENT for a level that is not a ::braid_log_level.
 */
BRAID_API braid_status braid_log_set_level(braid_log_level level);

/** The level of the process-wide sink. */
BRAID_API braid_log_level braid_log_get_level(void);

BRAID_END_DECLS

#endif /* BRAID_LOG_H */
