package dev.braid;

/**
 * How {@link Context#embed(String, EmbedOptions)} embeds a text: normalized or raw, a cancel token and a
 * deadline. Mutable and chainable: {@code new EmbedOptions().normalize(false).timeoutMillis(200)}.
 */
public final class EmbedOptions {
    private static final int RAW = 0x1; // BRAID_EMBED_RAW

    boolean normalize = true;
    CancelToken cancel;
    int timeoutMillis;

    /** The default options: normalized, no token, no deadline. */
    public EmbedOptions() {}

    /**
     * @param normalize scale to unit length (false: the pooled values as computed)
     * @return this
     */
    public EmbedOptions normalize(boolean normalize) {
        this.normalize = normalize;
        return this;
    }

    /**
     * @param token cancels the embedding from any thread: {@link CancelledException}; null: none
     * @return this
     */
    public EmbedOptions cancel(CancelToken token) {
        this.cancel = token;
        return this;
    }

    /**
     * @param millis deadline from the start of the call: {@link BraidTimeoutException} once passed (0: none)
     * @return this
     */
    public EmbedOptions timeoutMillis(int millis) {
        this.timeoutMillis = millis;
        return this;
    }

    int flags() {
        return normalize ? 0 : RAW;
    }
}
