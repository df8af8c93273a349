package dev.braid;

/**
 * An embedder (a braid_embeddings handle): texts to vectors. What a {@link VectorStore} embeds its
 * documents and queries with: a {@link LocalEmbeddings} running a model, or the
 * {@link DeterministicEmbeddings} test double. Thread-safe; stores made with it keep it alive.
 */
public abstract class Embeddings extends NativeHandle {
    Embeddings(long pointer) {
        super(pointer, Native::embeddingsFree);
    }
}
