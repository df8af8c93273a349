package dev.braid;

import java.util.Objects;

/**
 * An embedder that keeps the vectors of another in an SQLite file, keyed by the model's identity and a hash
 * of the text (braid_cached_embeddings_create), so re-indexing unchanged text never calls the model again.
 * Thread-safe; it keeps the inner embedder alive.
 */
public final class CachedEmbeddings extends Embeddings {
    private CachedEmbeddings(long pointer) {
        super(pointer);
    }

    /**
     * @param inner the embedder whose vectors are cached
     * @param path the cache's SQLite file (created when missing; ":memory:" for one in memory)
     * @param identity a name that changes when the vectors would (model file, quantization, pooling)
     * @return the cached embedder; close it when done
     */
    public static CachedEmbeddings create(Embeddings inner, String path, String identity) {
        long e = Objects.requireNonNull(inner, "inner").acquire();
        try {
            return new CachedEmbeddings(NativeRetrieval.cachedEmbeddings(e, path, identity));
        } finally {
            inner.release();
        }
    }

    /** @return the texts answered from the cache so far */
    public long hits() {
        return stats()[0];
    }

    /** @return the texts sent to the inner model so far */
    public long misses() {
        return stats()[1];
    }

    private long[] stats() {
        long p = acquire();
        try {
            return NativeRetrieval.cachedEmbeddingsStats(p);
        } finally {
            release();
        }
    }
}
