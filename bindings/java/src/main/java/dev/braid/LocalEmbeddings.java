package dev.braid;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An embedder running a loaded embedding {@link Model} (bert family) in this process
 * (braid_local_embeddings_create). Thread-safe; keeps the model's weights alive.
 */
public final class LocalEmbeddings extends Embeddings {
    private LocalEmbeddings(long pointer) {
        super(pointer);
    }

    /**
     * @param model an embedding model loaded with its weights
     * @param options null for the defaults
     * @return the embedder; close it when done
     */
    public static LocalEmbeddings create(Model model, LocalEmbeddingsOptions options) {
        LocalEmbeddingsOptions o = options == null ? new LocalEmbeddingsOptions() : options;
        long m = Objects.requireNonNull(model, "model").acquire();
        try {
            return new LocalEmbeddings(Native.localEmbeddingsCreate(m, o.flags(), o.backend.ordinal(), o.threads,
                o.batchSize, o.maxSequences, o.contexts, o.normalize.ordinal(), o.pooling.ordinal()));
        } finally {
            model.release();
        }
    }

    /** @return the length of the vectors */
    public int dimension() {
        long p = acquire();
        try {
            return Native.embeddingsDimension(p);
        } finally {
            release();
        }
    }

    /** @param text a text @return its vector */
    public float[] embed(String text) {
        return embed(Arrays.asList(Objects.requireNonNull(text, "text")), null)[0];
    }

    /** @param texts the texts @return one vector per text, in order */
    public float[][] embed(List<String> texts) {
        return embed(texts, null);
    }

    /**
     * @param texts the texts
     * @param options null, or run options: the cancel token and timeout are honoured
     * @return one vector per text, in order
     */
    public float[][] embed(List<String> texts, RunOptions options) {
        Objects.requireNonNull(texts, "texts");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < texts.size(); ++i) {
            json.append(i == 0 ? "" : ",").append(Json.quote(Objects.requireNonNull(texts.get(i), "texts[" + i + "]")));
        }
        json.append(']');
        RunOptions o = options == null ? new RunOptions() : options;
        long p = acquire();
        float[] flat;
        int dim;
        try {
            dim = Native.embeddingsDimension(p);
            flat = o.withToken(t -> Native.embeddingsEmbed(p, json.toString(), t, o.timeoutMillis));
        } finally {
            release();
        }
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < vectors.length; ++i) {
            vectors[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        }
        return vectors;
    }

    /** @return the embedder as a runnable (a string gives a vector, an array of strings an array of vectors) */
    public Runnable asRunnable() {
        long p = acquire();
        try {
            return new Runnable(Native.embeddingsRunnable(p));
        } finally {
            release();
        }
    }
}
