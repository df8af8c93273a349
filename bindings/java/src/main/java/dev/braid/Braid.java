package dev.braid;

import java.util.Objects;

/** The library as a whole: versions, logging, and loading the native part explicitly. */
public final class Braid {
    /** The version of the library this binding was built for. */
    public static final String BINDING_VERSION = "0.1.0";

    private Braid() {}

    /** @return the native library's version, e.g. "0.1.0" */
    public static String version() {
        return Native.version();
    }

    /** @return major * 1000000 + minor * 1000 + patch of the native library */
    public static int versionNumber() {
        return Native.versionNumber();
    }

    /**
     * Sends braid's log messages (the library prints nothing on its own) to {@code sink}, for the whole
     * process. Until a sink is set they go to standard error at {@link LogLevel#WARNING} (or the level the
     * environment variable {@code BRAID_LOG_LEVEL} names). While the VM exits, after the shutdown hooks
     * have started, messages go to standard error: the sink is not called any more.
     * <pre>{@code
     * Braid.setLogSink((level, component, message) -> logger.info(component + ": " + message), LogLevel.INFO);
     * }</pre>
     *
     * @param sink called with each message at or above {@code level}, on any thread; null: standard error
     * @param level the lowest level delivered
     */
    public static void setLogSink(LogSink sink, LogLevel level) {
        Native.logSetSink(sink, Objects.requireNonNull(level, "level").ordinal());
    }

    /** @param level the lowest level the current sink receives */
    public static void setLogLevel(LogLevel level) {
        Native.logSetLevel(Objects.requireNonNull(level, "level").ordinal());
    }

    /** @return the lowest level the current sink receives */
    public static LogLevel logLevel() {
        return LogLevel.values()[Native.logLevel()];
    }

    /** Loads the native library now (it is loaded on first use otherwise); see {@link NativeLibrary}. */
    public static void load() {
        NativeLibrary.load();
    }
}
