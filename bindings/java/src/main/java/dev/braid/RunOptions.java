package dev.braid;

/**
 * Settings of one run: concurrency, recursion limit, a deadline, a cancellation token and a config
 * (tags, metadata, run_name, configurable) as JSON. Mutable and chainable:
 * {@code new RunOptions().timeoutMillis(500).config("{\"tags\": [\"npc\"]}")}.
 */
public final class RunOptions {
    int maxConcurrency;
    int recursionLimit;
    int timeoutMillis;
    CancelToken cancel;
    String configJson;

    /** Options with every default. */
    public RunOptions() {}

    /**
     * @param n most batch items or parallel branches at once (0 = hardware threads)
     * @return this
     */
    public RunOptions maxConcurrency(int n) {
        this.maxConcurrency = n;
        return this;
    }

    /**
     * @param n deepest nesting of runs (0 = default)
     * @return this
     */
    public RunOptions recursionLimit(int n) {
        this.recursionLimit = n;
        return this;
    }

    /**
     * @param millis deadline from the start of the call (0 = none)
     * @return this
     */
    public RunOptions timeoutMillis(int millis) {
        this.timeoutMillis = millis;
        return this;
    }

    /**
     * @param token the token that cancels the run (null = none)
     * @return this
     */
    public RunOptions cancel(CancelToken token) {
        this.cancel = token;
        return this;
    }

    /**
     * @param json null, or an object with any of "tags", "metadata", "run_name", "configurable"
     * @return this
     */
    public RunOptions config(String json) {
        this.configJson = json;
        return this;
    }

    // Runs body with the token's pointer borrowed (0 without a token).
    <T> T withToken(java.util.function.LongFunction<T> body) {
        return CancelToken.borrow(cancel, body);
    }
}
