package dev.braid;

/**
 * A test double of an embedding model (braid_deterministic_embeddings): a text's vector hashes its words
 * into signed components, scaled to unit length, so texts sharing words are similar and the same words
 * give the same vector on every machine. The vectors mean nothing else: use {@link LocalEmbeddings} for
 * anything but tests, samples and benchmarks.
 */
public final class DeterministicEmbeddings extends Embeddings {
    private DeterministicEmbeddings(long pointer) {
        super(pointer);
    }

    /**
     * @param dimension the vectors' length, 1 to 65536
     * @return the embedder; close it when done
     */
    public static DeterministicEmbeddings create(int dimension) {
        if (dimension <= 0) {
            throw new InvalidArgumentException(Status.INVALID_ARGUMENT, "dimension must be positive, got " + dimension);
        }
        return new DeterministicEmbeddings(NativeRetrieval.deterministicEmbeddings(dimension));
    }

    /** @return the vectors' length */
    public int dimension() {
        long p = acquire();
        try {
            return Native.embeddingsDimension(p);
        } finally {
            release();
        }
    }
}
