package dev.braid;

import java.util.Objects;

/** How {@link LocalEmbeddings#create} runs a model (braid_local_embeddings_options); 0: the default. */
public final class LocalEmbeddingsOptions {
    private static final int CPU_FALLBACK = 0x1; // BRAID_LOCAL_EMBEDDINGS_CPU_FALLBACK

    Backend backend = Backend.AUTO;
    int threads;
    int batchSize;
    int maxSequences;
    int contexts;
    EmbeddingsNormalize normalize = EmbeddingsNormalize.DEFAULT;
    EmbeddingsPooling pooling = EmbeddingsPooling.DEFAULT;
    boolean cpuFallback;

    /** The defaults. */
    public LocalEmbeddingsOptions() {}

    /** @param backend where to compute @return this */
    public LocalEmbeddingsOptions backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /** @param n CPU threads (0: one per hardware thread) @return this */
    public LocalEmbeddingsOptions threads(int n) {
        this.threads = n;
        return this;
    }

    /** @param n most tokens per decode (0: 512) @return this */
    public LocalEmbeddingsOptions batchSize(int n) {
        this.batchSize = n;
        return this;
    }

    /** @param n most texts per decode (0: 32) @return this */
    public LocalEmbeddingsOptions maxSequences(int n) {
        this.maxSequences = n;
        return this;
    }

    /** @param n contexts kept for concurrent callers (0: 1) @return this */
    public LocalEmbeddingsOptions contexts(int n) {
        this.contexts = n;
        return this;
    }

    /** @param normalize unit-length vectors or not @return this */
    public LocalEmbeddingsOptions normalize(EmbeddingsNormalize normalize) {
        this.normalize = Objects.requireNonNull(normalize, "normalize");
        return this;
    }

    /** @param pooling how token states become one vector (DEFAULT: the model's own) @return this */
    public LocalEmbeddingsOptions pooling(EmbeddingsPooling pooling) {
        this.pooling = Objects.requireNonNull(pooling, "pooling");
        return this;
    }

    /** @param on use the CPU when Vulkan cannot start @return this */
    public LocalEmbeddingsOptions cpuFallback(boolean on) {
        this.cpuFallback = on;
        return this;
    }

    int flags() {
        return cpuFallback ? CPU_FALLBACK : 0;
    }
}
