package dev.braid;

/** How important a log message is; a {@link LogSink} receives the messages at or above its level. */
public enum LogLevel {
    // Declared in the order of the C enum: the ordinal is the braid_log_level.
    /** Detail for braid's developers. */
    DEBUG,
    /** What happened that a user may want to know (contexts made, profiles asked for). */
    INFO,
    /** Something went other than asked but the work goes on (a CPU fallback). */
    WARNING,
    /** Something failed (the caller is told through an exception too). */
    ERROR,
    /** As a level: nothing. */
    OFF
}
