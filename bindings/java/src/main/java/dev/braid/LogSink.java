package dev.braid;

/**
 * Receives braid's log messages (see {@link Braid#setLogSink}). Called on whatever thread logs, braid's
 * own included, possibly on several at once: it must be thread-safe. It must not throw (what it throws is
 * dropped) and must not set the log sink or level itself.
 */
@FunctionalInterface
public interface LogSink {
    /**
     * @param level the message's level (never {@link LogLevel#OFF})
     * @param component the part of braid it comes from ("context", "cpu", "vulkan", ...)
     * @param message the text
     */
    void log(LogLevel level, String component, String message);
}
