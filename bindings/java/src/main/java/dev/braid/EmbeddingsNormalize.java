package dev.braid;

/** Whether a {@link LocalEmbeddings} scales its vectors to unit length. */
public enum EmbeddingsNormalize {
    /** As the model says (sentence-transformers models: yes). */
    DEFAULT,
    /** L2-normalized. */
    ON,
    /** The pooled vectors as computed. */
    OFF
}
