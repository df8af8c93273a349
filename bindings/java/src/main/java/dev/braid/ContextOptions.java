package dev.braid;

import java.util.Objects;

/**
 * How a {@link Context} is made: its size, batch, threads and backend. Mutable and chainable:
 * {@code new ContextOptions().nCtx(2048).backend(Backend.CPU)}.
 */
public final class ContextOptions {
    int nCtx;
    int nBatch;
    int threads;
    Backend backend = Backend.AUTO;
    boolean cpuFallback;

    /** Options with every default. */
    public ContextOptions() {}

    /**
     * @param n tokens the KV cache holds (0 = the model's training context)
     * @return this
     */
    public ContextOptions nCtx(int n) {
        this.nCtx = n;
        return this;
    }

    /**
     * @param n most tokens decoded in one pass (0 = 512)
     * @return this
     */
    public ContextOptions nBatch(int n) {
        this.nBatch = n;
        return this;
    }

    /**
     * @param n CPU threads (0 = one per core)
     * @return this
     */
    public ContextOptions threads(int n) {
        this.threads = n;
        return this;
    }

    /**
     * @param backend where to compute
     * @return this
     */
    public ContextOptions backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /**
     * @param fallback when Vulkan cannot start, use the CPU instead of failing with {@link DeviceException}
     * @return this
     */
    public ContextOptions cpuFallback(boolean fallback) {
        this.cpuFallback = fallback;
        return this;
    }
}
