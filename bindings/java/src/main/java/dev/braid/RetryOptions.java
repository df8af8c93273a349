package dev.braid;

/**
 * How {@link Runnable#withRetry} retries: attempts, exponential backoff, which statuses.
 * Defaults: 3 attempts, 100 ms doubling up to 10 s, with jitter, every failure but cancelled and timeout.
 */
public final class RetryOptions {
    int maxAttempts = 3;
    int initialDelayMillis = 100;
    int maxDelayMillis = 10000;
    double multiplier = 2.0;
    boolean jitter = true;
    Status[] retryOn = new Status[0];

    /** The default options. */
    public RetryOptions() {}

    /**
     * @param n attempts in all (at least 1)
     * @return this
     */
    public RetryOptions maxAttempts(int n) {
        this.maxAttempts = n;
        return this;
    }

    /**
     * @param initialMillis wait before the second attempt
     * @param maxMillis longest wait
     * @param multiplier growth per attempt (at least 1)
     * @param jitter randomize the waits
     * @return this
     */
    public RetryOptions backoff(int initialMillis, int maxMillis, double multiplier, boolean jitter) {
        this.initialDelayMillis = initialMillis;
        this.maxDelayMillis = maxMillis;
        this.multiplier = multiplier;
        this.jitter = jitter;
        return this;
    }

    /**
     * @param statuses the failures retried (none given = the default)
     * @return this
     */
    public RetryOptions retryOn(Status... statuses) {
        this.retryOn = statuses.clone();
        return this;
    }
}
